"""What the watch tests share: how long they wait, and a callback that records change sets."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from devcore.watch import ChangeSet

HANG_GUARD_S = 10.0  # how long a test waits for an expected change set before failing
SETTLE_S = 0.4  # extra quiet time to catch change sets that should not come


class Collector:
    """A callback that records change sets and lets the test wait for them."""

    def __init__(self) -> None:
        self.batches: list[ChangeSet] = []
        self._cond = threading.Condition()

    def __call__(self, changes: ChangeSet) -> None:
        with self._cond:
            self.batches.append(changes)
            self._cond.notify_all()

    def wait_until(self, predicate: Callable[[ChangeSet], bool]) -> ChangeSet:
        """Wait for the union of the batches to satisfy ``predicate``, then settle."""
        deadline = time.monotonic() + HANG_GUARD_S
        with self._cond:
            while not predicate(self.union()):
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no expected change within {HANG_GUARD_S} s: {self.batches}"
                self._cond.wait(remaining)
        time.sleep(SETTLE_S)
        return self.union()

    def union(self) -> ChangeSet:
        with self._cond:
            return ChangeSet(
                added=frozenset().union(*(b.added for b in self.batches)),
                modified=frozenset().union(*(b.modified for b in self.batches)),
                deleted=frozenset().union(*(b.deleted for b in self.batches)),
                moved=frozenset().union(*(b.moved for b in self.batches)),
            )

    def clear(self) -> None:
        with self._cond:
            self.batches.clear()

    def wait_for(self, count: int) -> list[ChangeSet]:
        """Wait until at least ``count`` change sets arrived; return them all."""
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.batches) >= count, HANG_GUARD_S), self.batches
            return list(self.batches)


@pytest.fixture
def collector() -> Collector:
    return Collector()
