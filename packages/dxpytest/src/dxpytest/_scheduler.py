"""Work stealing over per-worker queues of work units.

Units (a file, or a slice of a large file cut at class boundaries) are first dealt out as
contiguous blocks of about equal estimated cost, so that neighbouring files — which share
conftest and session fixtures — stay on one worker. A worker takes from the front of its own
queue; an idle worker steals the back half of the busiest queue.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class WorkUnit:
    """Node ids to run, with the paths pytest must collect to find them."""

    paths: list[str]
    nodeids: list[str]
    cost_s: float = 0.0
    attempt: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def split_contiguous(units: list[WorkUnit], parts: int) -> list[list[WorkUnit]]:
    """Cut `units` into `parts` contiguous runs of about equal total cost."""
    parts = max(1, parts)
    total = sum(unit.cost_s for unit in units)
    target = total / parts if total else 0.0
    result: list[list[WorkUnit]] = [[] for _ in range(parts)]
    index = 0
    spent = 0.0
    for position, unit in enumerate(units):
        remaining_units = len(units) - position
        remaining_parts = parts - index
        if (
            index < parts - 1
            and result[index]
            and (spent + unit.cost_s / 2 > target * (index + 1) or remaining_units < remaining_parts)
        ):
            index += 1
        result[index].append(unit)
        spent += unit.cost_s
    return result


class Scheduler:
    """Per-worker deques with stealing.

    Args:
        units: The work, in collection order.
        workers: How many workers share it.
    """

    def __init__(self, units: list[WorkUnit], workers: int) -> None:
        self.queues: dict[int, deque[WorkUnit]] = {
            worker: deque(block) for worker, block in enumerate(split_contiguous(units, workers))
        }
        self.steals = 0
        self.orphans: deque[WorkUnit] = deque()  # work of departed workers, until another joins

    def add_worker(self, worker: int) -> None:
        """Register a (replacement) worker; it adopts any orphaned work."""
        queue = self.queues.setdefault(worker, deque())
        queue.extend(self.orphans)
        self.orphans.clear()

    def remove_worker(self, worker: int) -> None:
        """Hand a departed worker's queue to the least loaded remaining one (or keep it for the
        next worker to join)."""
        queue = self.queues.pop(worker, deque())
        if not queue:
            return
        if self.queues:
            target = min(self.queues, key=lambda w: self._cost(self.queues[w]))
            self.queues[target].extend(queue)
        else:
            self.orphans.extend(queue)

    def next_for(self, worker: int) -> WorkUnit | None:
        """The next unit for `worker`, stealing when its own queue is empty."""
        queue = self.queues.get(worker)
        if queue is None:
            return None
        if not queue:
            self._steal(worker)
        return queue.popleft() if queue else None

    def requeue(self, unit: WorkUnit, *, worker: int | None = None) -> None:
        """Put a unit back at the front (of `worker`'s queue, else the shortest one)."""
        if worker is None or worker not in self.queues:
            if not self.queues:
                self.orphans.appendleft(unit)
                return
            worker = min(self.queues, key=lambda w: self._cost(self.queues[w]))
        self.queues[worker].appendleft(unit)

    def clear(self) -> None:
        """Drop all remaining work (``-x``, interruption)."""
        for queue in self.queues.values():
            queue.clear()
        self.orphans.clear()

    def remaining(self) -> int:
        """Units not yet handed out."""
        return sum(len(queue) for queue in self.queues.values()) + len(self.orphans)

    def _cost(self, queue: deque[WorkUnit]) -> float:
        return sum(unit.cost_s for unit in queue) + len(queue) * 1e-6

    def _steal(self, thief: int) -> None:
        victims = [w for w in self.queues if w != thief and self.queues[w]]
        if not victims:
            return
        victim = max(victims, key=lambda w: self._cost(self.queues[w]))
        source = self.queues[victim]
        take = max(1, len(source) // 2)
        stolen = [source.pop() for _ in range(take)]
        stolen.reverse()
        self.queues[thief].extend(stolen)
        self.steals += 1
