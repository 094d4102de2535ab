"""The batching of scans into the gates' statement (``statement``), per process.

**Batching (group commit).** A scan joins the waiting list; if no thread of this process is
sending, it sends the whole list at once, otherwise it waits for the batch that carries it. An
idle gate's scan is sent at once; at full load one round trip, one transaction and one
executor start serve many scans, which is most of what a scan costs PostgreSQL. A batch never
holds the same scan id twice (the second waits for the next batch, which finds it recorded).

**Gathering.** Each statement costs PostgreSQL about 200 µs of CPU and this process about 70 µs
(mostly the round trip's system calls) whatever its size, and each scan in it about 85 µs more
(bench/README.md). So the thread about to send first waits a little for company:
- under load (the previous batch ended less than ``BUSY_GAP`` ago), at most ``LINGER``, until
  the batch holds ``FULL`` scans (a worker's threads): at full load the next scans are a
  millisecond or two away, and scans came in batches of one to eight, half of them alone;
- and at most ``GATHER_LIMIT`` for the scans this process has announced (``arriving``: the
  fast path has their body and is checking their token) but not yet queued.
A gate scanning alone (at 200 scans/s over four processes, a batch ends tens of milliseconds
before the next scan) has no one to wait for, and its scan is sent at once.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic

from summit.services.checkin.fastpath import statement

MAX_BATCH = 32
# Gathering (seconds; see the module's docstring).
BUSY_GAP = 0.003
LINGER = 0.003
FULL = 8  # gunicorn's threads per worker (deploy/gunicorn.conf.py)
GATHER_LIMIT = 0.002
# A scan still waiting for a sender after this many seconds takes the portable path.
WAIT_LIMIT = 5.0


class BatchFailed(Exception):
    """The batch carrying this scan could not be sent (the cause is chained)."""


class _Slot:
    """A scan waiting for its batch. ``wake`` is held from the start and released once: when
    the scan's batch is done, or when this scan's thread is to send the next batch."""

    __slots__ = ("scan", "done", "leads", "row", "error", "wake")

    def __init__(self, scan: dict) -> None:
        self.scan = scan
        self.done = self.leads = False
        self.row: statement.Row | None = None
        self.error: BaseException | None = None
        self.wake = threading.Lock()
        self.wake.acquire()

    def answer(self) -> statement.Row | None:
        if self.error is not None:
            # One exception per waiting thread: they must not share a traceback.
            raise BatchFailed("the check-in batch failed") from self.error
        return self.row


class _Batcher:
    """Scans of one process waiting for a sender (see the module's docstring). One thread
    sends at a time; when its batch is done it wakes that batch's threads, each its own, and
    hands the sending on to the first scan still waiting: every thread is woken once, by the
    event it waits for (a notify_all woke all eight threads of a worker for each batch)."""

    def __init__(self, key: tuple[int, str]) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.joined = threading.Condition(self.lock)
        self.waiting: list[_Slot] = []
        self.sending = False
        self.arriving = 0  # scans announced and not yet queued (or gone elsewhere)
        self.ended = float("-inf")  # when the last batch came back (monotonic)

    def announce(self) -> None:
        with self.lock:
            self.arriving += 1

    def withdraw(self) -> None:
        """An announced scan will not be queued (it takes the portable path)."""
        with self.lock:
            self.arriving -= 1
            self.joined.notify()

    def send(self, scan: dict, announced: bool = False) -> statement.Row | None:
        slot = _Slot(scan)
        with self.lock:
            self.waiting.append(slot)
            if announced:
                self.arriving -= 1
            self.joined.notify()
            leads = not self.sending
            self.sending = True
        if not leads and not self._wait(slot):
            return None  # never sent, nothing written: the portable path
        while not slot.done:  # this thread sends (again, if its scan id had to wait)
            with self.lock:
                self._gather()
                batch = self._take()
            self._send(batch, slot)
        return slot.answer()

    def _gather(self) -> None:
        """Wait (the lock held, released while waiting) for company: under load until the
        batch holds FULL scans, at most LINGER; and for the scans announced in this process
        to be queued, at most GATHER_LIMIT."""
        start = monotonic()
        lingers = start - self.ended < BUSY_GAP
        while len(self.waiting) < MAX_BATCH:
            waited = monotonic() - start
            if lingers and len(self.waiting) < FULL and waited < LINGER:
                self.joined.wait(LINGER - waited)
            elif self.arriving > 0 and waited < GATHER_LIMIT:
                self.joined.wait(GATHER_LIMIT - waited)
            else:
                return

    def _wait(self, slot: _Slot) -> bool:
        """Wait until the scan's batch is done or this thread is to send; False when no
        sender took the scan in time (it is no longer waiting then)."""
        if slot.wake.acquire(timeout=WAIT_LIMIT):
            return True
        with self.lock:
            if not (slot.done or slot.leads):
                if slot in self.waiting:
                    self.waiting.remove(slot)
                    return False
                taken = True  # in a batch being sent: its answer comes
            else:
                taken = False
        if taken:
            slot.wake.acquire()
        return True

    def _take(self) -> list[_Slot]:
        """Up to MAX_BATCH waiting scans, first come first, no scan id twice."""
        batch, left, ids = [], [], set()
        for slot in self.waiting:
            if len(batch) < MAX_BATCH and slot.scan["scan_id"] not in ids:
                batch.append(slot)
                ids.add(slot.scan["scan_id"])
            else:
                left.append(slot)
        self.waiting = left
        return batch

    def _send(self, batch: list[_Slot], own: _Slot) -> None:
        stopping = False
        try:
            rows = {row.n: row for row in statement.execute([slot.scan for slot in batch], self.key)
                    or ()}
            for n, slot in enumerate(batch):
                slot.row = rows.get(n)
        except BaseException as error:
            for slot in batch:
                slot.error = error
            if not isinstance(error, Exception):
                stopping = True
                raise  # the worker is stopping: so is this thread
        finally:
            with self.lock:
                self.ended = monotonic()
                for slot in batch:
                    slot.done = True
                    if slot is not own:
                        slot.wake.release()
                if (own.done or stopping) and self.waiting:
                    follower = self.waiting[0]
                    follower.leads = True
                    follower.wake.release()
                elif own.done or stopping:
                    self.sending = False
                # else this thread sends again: its scan id waited for the next batch


_batchers: dict[tuple[int, str], _Batcher] = {}
_batchers_lock = threading.Lock()


def batcher_for(key: tuple[int, str]) -> _Batcher:
    batcher = _batchers.get(key)
    if batcher is None:
        with _batchers_lock:
            batcher = _batchers.setdefault(key, _Batcher(key))
    return batcher


_announced = threading.local()


@contextmanager
def arriving(key: tuple[int, str]) -> Iterator[None]:
    """Announce the scan this thread is about to send (see "Gathering" in the module's
    docstring): ``send`` in the block queues it; leaving the block without sending withdraws
    it."""
    batcher = batcher_for(key)
    batcher.announce()
    _announced.batcher = batcher
    try:
        yield
    finally:
        if getattr(_announced, "batcher", None) is batcher:
            _announced.batcher = None
            batcher.withdraw()


def send(key: tuple[int, str], scan: dict) -> statement.Row | None:
    """Record one scan in the database ``key`` names (``direct.database_key()``), batched
    with whatever this process's other threads are sending: its row, or None when the
    database refused the batch (nothing was written)."""
    batcher = batcher_for(key)
    announced = getattr(_announced, "batcher", None) is batcher
    if announced:
        _announced.batcher = None
    return batcher.send(scan, announced)
