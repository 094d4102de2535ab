"""The gates' hot path on PostgreSQL, as one unit: ``wsgi`` answers an ordinary online scan before
Flask builds a request, ``scan`` prepares the scan (its token's digest) and makes the answer,
``statement`` records it in one SQL statement, shared (``batches``) by the scans a process's
threads send at the same moment. Whatever it cannot vouch for goes on to the view
(``api/checkins.py``), which gives the same answers (docs/architecture.md)."""
