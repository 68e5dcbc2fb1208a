"""Change notifications: pattern subscriptions, each served by its own worker thread.

The apply only enqueues events, so a subscriber that raises or hangs never blocks the apply or
the other subscribers. A callback running past its timeout is reported and its subscription
gets a fresh worker; the stuck thread is abandoned (Python cannot kill it). A subscription keeps
at most one abandoned thread: if the fresh worker hangs too, the subscription is suspended (no
more threads, no queued events) until one of its calls returns; it then gets one event with
every change it missed.
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

from phoenix_hotreload._diff import Change, Diff, diff_trees
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
        suspended: the timed-out call is the subscription's second hung one: it gets no more
            events (and no more threads) until one of them returns.
    """

    subscription: Subscription
    version: int
    error: BaseException | None
    timed_out: bool = False
    suspended: bool = False

    def __str__(self) -> str:
        subscriber = f"subscriber {self.subscription.name} ({self.subscription.pattern!r})"
        if not self.timed_out:
            return f"{subscriber} raised {self.error!r} on version {self.version}"
        limit = f"timed out after {self.subscription.timeout_s} s on version {self.version}"
        if self.suspended:
            return (
                f"{subscriber} {limit} while an earlier call still hangs: suspended until one "
                "returns (it then gets the changes it missed in one event)"
            )
        return f"{subscriber} {limit}: its thread is abandoned, a new one takes the next events"


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
        self._hung: threading.Thread | None = None  # the abandoned thread still inside a call
        self._suspended = False
        self._missed: tuple[Snapshot, Snapshot] | None = None  # (old, new) skipped while suspended

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
        with self._lock:  # wake the workers only once all is matched (no GIL ping-pong)
            for subscription, event in events:
                if subscription._suspended:
                    _note_missed(subscription, event)
                else:
                    self._pending += 1
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
            subscription._suspended, subscription._missed = False, None
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
            if None in events or not (kept or self._resume(subscription)):
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
        if not subscription.is_async:
            return self._run_sync(subscription, event)
        try:
            self._run_async(subscription, event)
        except Exception as error:
            timed_out = isinstance(error, TimeoutError)
            self._report(
                SubscriberFailure(subscription, event.version, None if timed_out else error, timed_out)
            )
        return True

    def _run_sync(self, subscription: Subscription, event: ChangeEvent) -> bool:
        token = object()
        if subscription.timeout_s is not None:
            deadline = time.monotonic() + subscription.timeout_s
            with self._lock:
                subscription._running = (token, deadline, event.version)
            self._watch_deadline(deadline)
        try:
            subscription.callback(event)
        except Exception as error:
            if not self._finish(subscription, token):
                return False
            self._report(SubscriberFailure(subscription, event.version, error))
            return True
        return self._finish(subscription, token)

    def _finish(self, subscription: Subscription, token: object) -> bool:
        """Clear this call's running mark; ``False`` when the monitor already abandoned the call
        (the mark then belongs to the worker that replaced it, or to nobody)."""
        with self._lock:
            if subscription.timeout_s is None:
                return True
            running = subscription._running
            mine = running is not None and running[0] is token
            if mine:
                subscription._running = None
            return mine

    def _resume(self, subscription: Subscription) -> bool:
        """An abandoned call returned: serve a suspended subscription again from this thread
        (with one event for what it missed), else let the thread end."""
        current = threading.current_thread()
        with self._lock:
            serving = subscription._suspended and not self._closed and subscription in self._subscriptions
            if serving:
                if subscription._hung is current:
                    subscription._hung = subscription._worker
                subscription._worker = current
                subscription._suspended = False
                missed, subscription._missed = subscription._missed, None
            elif subscription._hung is current:
                subscription._hung = None
        if not serving:
            return False
        logger.warning("subscriber %s (%r) returned: resumed", subscription.name, subscription.pattern)
        if missed is not None:
            self._catch_up(subscription, *missed)
        return True

    def _catch_up(self, subscription: Subscription, old: Snapshot, new: Snapshot) -> None:
        """Queue one event with every matching change between ``old`` and ``new``."""
        matched = tuple(c for c in diff_trees(old.data, new.data) if subscription.matches(c.path))
        if matched:
            with self._lock:
                self._pending += 1
            subscription._queue.put(ChangeEvent(new.version, matched, old, new, subscription.pattern))

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
        """A callback ran past its timeout: report it and serve the queue from a fresh worker,
        unless an earlier call still hangs: then suspend the subscription (a thread at most
        hangs per subscription beside its worker)."""
        with self._lock:
            suspend = subscription._hung is not None and subscription._hung.is_alive()
            if suspend:
                subscription._suspended = True
                drained = self._drain(subscription)
            else:
                subscription._hung = subscription._worker
                drained = 0
        self._report(SubscriberFailure(subscription, version, None, timed_out=True, suspended=suspend))
        self._done(1 + drained)
        if not suspend:
            self._start_worker(subscription)

    def _drain(self, subscription: Subscription) -> int:
        """Move a suspended subscription's queued events into its missed range (lock held)."""
        events: list[ChangeEvent] = []
        stop = False
        while True:
            try:
                item = subscription._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                stop = True
            else:
                events.append(item)
        if stop:
            subscription._queue.put(None)
        for event in events:
            _note_missed(subscription, event)
        return len(events)

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


def _note_missed(subscription: Subscription, event: ChangeEvent) -> None:
    """Widen a suspended subscription's missed range to cover ``event``."""
    first = subscription._missed[0] if subscription._missed is not None else event.old
    subscription._missed = (first, event.new)


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
