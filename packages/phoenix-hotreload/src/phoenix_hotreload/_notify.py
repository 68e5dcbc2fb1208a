"""Change notifications: pattern subscriptions, each served by its own worker thread.

The apply only enqueues events, so a subscriber that raises or hangs never blocks the apply or
the other subscribers. A callback running past its timeout is reported and its subscription
gets a fresh worker; the stuck thread is abandoned (Python cannot kill it).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phoenix_hotreload._diff import Change, Diff
from phoenix_hotreload._patterns import compile_pattern, hierarchy_head, plain_path
from phoenix_hotreload._versions import Snapshot

logger = logging.getLogger("phoenix_hotreload")

Callback = Callable[["ChangeEvent"], Any]


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """What one subscriber is told about one applied version (or a batch of them).

    Attributes:
        version: the applied version.
        changes: the changed paths this subscription matches, with old and new values.
        old: the snapshot before.
        new: the snapshot after.
        pattern: the subscription pattern.
    """

    version: int
    changes: tuple[Change, ...]
    old: Snapshot
    new: Snapshot
    pattern: str | re.Pattern[str]

    @property
    def paths(self) -> tuple[str, ...]:
        """The changed paths this subscription matches."""
        return tuple(change.path for change in self.changes)

    @property
    def old_value(self) -> Any:
        """The old value at the subscribed path; for globs and regexes, ``{path: old}``."""
        path = plain_path(self.pattern)
        return self.old.get(path) if path is not None else {c.path: c.old for c in self.changes}

    @property
    def new_value(self) -> Any:
        """The new value at the subscribed path; for globs and regexes, ``{path: new}``."""
        path = plain_path(self.pattern)
        return self.new.get(path) if path is not None else {c.path: c.new for c in self.changes}


@dataclass(frozen=True, slots=True)
class SubscriberFailure:
    """A subscriber that raised or ran past its timeout.

    Attributes:
        subscription: the subscription concerned.
        version: the version it was being told about.
        error: the exception raised, or ``None`` for a timeout.
        timed_out: whether the callback ran past its timeout.
    """

    subscription: Subscription
    version: int
    error: BaseException | None
    timed_out: bool = False

    def __str__(self) -> str:
        what = "timed out" if self.timed_out else f"raised {self.error!r}"
        return f"subscriber {self.subscription.name} ({self.subscription.pattern!r}) {what} on version {self.version}"


_ids = itertools.count(1)


@dataclass(eq=False)
class Subscription:
    """A registered callback; call `unsubscribe` (or `Notifier.unsubscribe`) to end it."""

    pattern: str | re.Pattern[str]
    callback: Callback
    priority: int = 0
    timeout_s: float | None = 5.0
    batch_ms: int = 0
    name: str = ""
    notifier: Notifier | None = field(default=None, repr=False)
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        self.matches = compile_pattern(self.pattern)
        self.head = hierarchy_head(self.pattern)
        self.is_async = inspect.iscoroutinefunction(self.callback)
        self.name = self.name or getattr(self.callback, "__qualname__", repr(self.callback))
        self._queue: queue.SimpleQueue[ChangeEvent | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._running: tuple[object, float, int] | None = None

    def unsubscribe(self) -> None:
        """Stop delivering events to this callback."""
        if self.notifier is not None:
            self.notifier.unsubscribe(self)


class Notifier:
    """Matches applied versions against subscriptions and delivers events off the apply path."""

    def __init__(self, on_error: Callable[[SubscriberFailure], None] | None = None) -> None:
        self._subscriptions: list[Subscription] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._monitor_wake = threading.Condition()
        self._monitor: threading.Thread | None = None
        self._monitor_dirty = False
        self._monitor_next: float | None = None  # when the monitor wakes next (None: when told)
        self._closed = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.on_error = on_error
        self.failures: deque[SubscriberFailure] = deque(maxlen=256)

    def subscribe(self, subscription: Subscription) -> Subscription:
        """Register a subscription and start its worker."""
        subscription.notifier = self
        with self._lock:
            self._subscriptions.append(subscription)
            self._subscriptions.sort(key=lambda s: (-s.priority, s.id))
        self._start_worker(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Remove a subscription; events already queued for it are dropped."""
        with self._lock:
            if subscription not in self._subscriptions:
                return
            self._subscriptions.remove(subscription)
        subscription._queue.put(None)

    def publish(self, diff: Diff, old: Snapshot, new: Snapshot) -> None:
        """Queue an event for every subscription matching a changed path (highest priority first)."""
        changes = tuple(diff)
        by_head: dict[str, list[Change]] = {}
        for change in changes:
            by_head.setdefault(change.path.split(".", 1)[0], []).append(change)
        with self._lock:
            targets = list(self._subscriptions)
        events: list[tuple[Subscription, ChangeEvent]] = []
        for subscription in targets:
            head = subscription.head
            pool = changes if head is None else (*by_head.get("", ()), *by_head.get(head, ()))
            matched = tuple(c for c in pool if subscription.matches(c.path))
            if matched:
                events.append(
                    (subscription, ChangeEvent(new.version, matched, old, new, subscription.pattern))
                )
        with self._lock:
            self._pending += len(events)
        for subscription, event in events:  # wake the workers only once all is matched (no GIL ping-pong)
            subscription._queue.put(event)

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Block until every queued event was delivered (or failed); ``False`` on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout_s)

    def close(self) -> None:
        """Stop every worker; queued events are dropped. Subscriptions stay (see `reopen`)."""
        with self._lock:
            subscriptions = list(self._subscriptions)
            self._closed = True
        for subscription in subscriptions:
            subscription._queue.put(None)
        with self._monitor_wake:
            self._monitor_wake.notify_all()

    def reopen(self) -> None:
        """Serve the subscriptions again after `close` (a manager started anew)."""
        with self._lock:
            if not self._closed:
                return
            self._closed = False
            subscriptions = list(self._subscriptions)
            self._pending = 0
        for subscription in subscriptions:
            subscription._queue = queue.SimpleQueue()
            self._start_worker(subscription)

    def _start_worker(self, subscription: Subscription) -> None:
        worker = threading.Thread(
            target=self._serve,
            args=(subscription,),
            name=f"phoenix-subscriber-{subscription.id}",
            daemon=True,
        )
        subscription._worker = worker
        worker.start()

    def _serve(self, subscription: Subscription) -> None:
        while True:
            event = subscription._queue.get()
            if event is None:
                return
            events = [event, *self._collect_batch(subscription)]
            delivered = [e for e in events if e is not None]
            kept = self._deliver(subscription, _merge_events(delivered))
            self._done(len(delivered) if kept else len(delivered) - 1)
            if not kept or None in events:
                return

    def _collect_batch(self, subscription: Subscription) -> list[ChangeEvent | None]:
        if subscription.batch_ms <= 0:
            return []
        collected: list[ChangeEvent | None] = []
        deadline = time.monotonic() + subscription.batch_ms / 1000
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                item = subscription._queue.get(timeout=remaining)
            except queue.Empty:
                break
            collected.append(item)
            if item is None:
                break
        return collected

    def _deliver(self, subscription: Subscription, event: ChangeEvent) -> bool:
        """Run the callback once; ``False`` when it overran its timeout and was abandoned."""
        try:
            if subscription.is_async:
                self._run_async(subscription, event)
                return True
            return self._run_sync(subscription, event)
        except Exception as error:
            if subscription.is_async:
                timed_out = isinstance(error, TimeoutError)
                self._report(
                    SubscriberFailure(subscription, event.version, None if timed_out else error, timed_out)
                )
                return True
            if self._finish(subscription):
                self._report(SubscriberFailure(subscription, event.version, error))
            else:
                return False
        return True

    def _run_sync(self, subscription: Subscription, event: ChangeEvent) -> bool:
        if subscription.timeout_s is not None:
            deadline = time.monotonic() + subscription.timeout_s
            with self._lock:
                subscription._running = (object(), deadline, event.version)
            self._watch_deadline(deadline)
        subscription.callback(event)
        return self._finish(subscription)

    def _finish(self, subscription: Subscription) -> bool:
        """Clear the running mark; ``False`` when the monitor already abandoned this call."""
        with self._lock:
            if subscription.timeout_s is None:
                return True
            mine = subscription._running is not None
            subscription._running = None
            return mine

    def _run_async(self, subscription: Subscription, event: ChangeEvent) -> None:
        coroutine = asyncio.wait_for(subscription.callback(event), subscription.timeout_s)
        loop = self.loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(coroutine, loop).result()
        else:
            asyncio.run(coroutine)

    def _watch_deadline(self, deadline: float) -> None:
        """Make sure the monitor wakes by ``deadline`` (woken only when it would sleep past it)."""
        with self._monitor_wake:
            if self._monitor is None or not self._monitor.is_alive():
                self._monitor = threading.Thread(
                    target=self._monitor_loop, name="phoenix-timeouts", daemon=True
                )
                self._monitor.start()
            elif self._monitor_next is not None and self._monitor_next <= deadline:
                return
            self._monitor_dirty = True
            self._monitor_wake.notify_all()

    def _monitor_loop(self) -> None:
        while not self._closed:
            now = time.monotonic()
            expired: list[tuple[Subscription, int]] = []
            deadlines: list[float] = []
            with self._lock:
                for subscription in self._subscriptions:
                    state = subscription._running
                    if state is not None and state[1] <= now:
                        subscription._running = None
                        expired.append((subscription, state[2]))
                    elif state is not None:
                        deadlines.append(state[1])
            for subscription, version in expired:
                self._abandon(subscription, version)
            with self._monitor_wake:
                if self._monitor_dirty:
                    self._monitor_dirty = False
                    continue
                self._monitor_next = min(deadlines) if deadlines else None
                timeout = self._monitor_next - now if self._monitor_next is not None else None
                self._monitor_wake.wait_for(lambda: self._monitor_dirty or self._closed, timeout=timeout)
                self._monitor_dirty = False
                self._monitor_next = None

    def _abandon(self, subscription: Subscription, version: int) -> None:
        """A callback ran past its timeout: report it and serve the queue from a fresh worker."""
        self._report(SubscriberFailure(subscription, version, None, timed_out=True))
        self._done(1)
        self._start_worker(subscription)

    def _report(self, failure: SubscriberFailure) -> None:
        self.failures.append(failure)
        logger.warning("%s", failure, exc_info=failure.error)
        if self.on_error is not None:
            try:
                self.on_error(failure)
            except Exception:
                logger.exception("the on_error hook raised")

    def _done(self, count: int) -> None:
        with self._idle:
            self._pending -= count
            self._idle.notify_all()


def _merge_events(events: list[ChangeEvent]) -> ChangeEvent:
    if len(events) == 1:
        return events[0]
    first: dict[str, Change] = {}
    last: dict[str, Change] = {}
    for event in events:
        for change in event.changes:
            first.setdefault(change.path, change)
            last[change.path] = change
    merged = []
    for path in sorted(last):
        old, new = first[path].old, last[path].new
        before, after = first[path].kind != "added", last[path].kind != "removed"
        if before and after and type(old) is type(new) and old == new:
            continue
        kind = "changed" if before and after else ("added" if after else "removed")
        merged.append(Change(path, old if before else None, new if after else None, kind))
    return ChangeEvent(events[-1].version, tuple(merged), events[0].old, events[-1].new, events[-1].pattern)
