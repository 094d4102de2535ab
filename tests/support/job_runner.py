"""A Summit process that starts badge batches on its own job thread and runs them until it is
killed. The tests kill it (``kill -9``) in the middle of a batch to see what the next process
makes of the jobs it left behind.

    python -m tests.support.job_runner CONFIG_JSON ORGANISER_ID SUMMIT_ID BATCHES
"""
from __future__ import annotations

import json
import sys
import threading

from summit import create_app
from summit.extensions import db
from summit.models import BadgeSelection, BadgeSize, Summit, User
from summit.services.badges import batches as badge_batches


def main(argv: list[str]) -> None:
    config, organiser_id, summit_id, count = json.loads(argv[1]), *map(int, argv[2:5])
    app = create_app(config)
    with app.app_context():
        organiser = db.session.get(User, organiser_id)
        summit = db.session.get(Summit, summit_id)
        for _ in range(count):
            badge_batches.start(organiser, summit, BadgeSelection.ALL_APPROVED, BadgeSize.A6)
        db.session.remove()
    print("started", flush=True)
    threading.Event().wait()  # the job thread prints on until this process is killed


if __name__ == "__main__":
    main(sys.argv)
