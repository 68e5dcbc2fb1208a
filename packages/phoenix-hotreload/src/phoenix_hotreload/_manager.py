"""`HotReloadManager`: read, validate, version, swap, persist, notify."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from phoenix_hotreload._diff import Diff, diff_trees
from phoenix_hotreload._errors import ConfigError, ConfigValidationError, Problem, VersionNotFound
from phoenix_hotreload._frozen import FrozenDict, freeze
from phoenix_hotreload._notify import Callback, Notifier, SubscriberFailure, Subscription
from phoenix_hotreload._sources import (
    Layer,
    Limits,
    Source,
    fingerprints,
    merge,
    profile_variant,
    source_for,
)
from phoenix_hotreload._store import HistoryStore
from phoenix_hotreload._validation import (
    ChangeValidator,
    Dependency,
    Immutable,
    Validator,
    run_validator,
    validate_model,
)
from phoenix_hotreload._versions import EMPTY_SNAPSHOT, Snapshot, VersionInfo
from phoenix_hotreload._watching import ConfigWatcher

if TYPE_CHECKING:
    from devcore.hashing import StatKey

VersionHook = Callable[[VersionInfo], None]


def default_profile() -> str | None:
    """The profile named by ``PHOENIX_PROFILE``, if any."""
    return os.environ.get("PHOENIX_PROFILE") or None


def default_close_write() -> bool:
    """Read on close-write where the platform reports it (Linux)."""
    return sys.platform.startswith("linux")


def build_sources(
    paths: Iterable[str | os.PathLike[str]], profile: str | None, env_prefix: str | None
) -> list[Source]:
    """Sources in precedence order (lowest first): each file then its profile variant, then the environment."""
    sources: list[Source] = []
    for path in paths:
        base = source_for(path, prefix=env_prefix or "")
        sources.append(base)
        if profile:
            assert base.path is not None
            sources.append(
                source_for(profile_variant(base.path, profile), required=False, prefix=env_prefix or "")
            )
    if env_prefix is not None:
        sources.append(Source("environ", prefix=env_prefix))
    return sources


class HotReloadManager:
    """Hot reload of layered YAML / ``.env`` / environment configuration, validated and versioned.

    Readers call `snapshot` (or `get`) at any time; a reload builds the next version aside and
    publishes it with one reference assignment, so a snapshot never mixes two versions. A
    configuration that fails to parse or validate is never applied: it is recorded as a rejected
    version with its reasons and the last good one stays live.

    Args:
        paths: configuration files, lowest precedence first (``*.yaml`` / ``*.yml`` or ``.env``).
        model: a pydantic v2 model class validating the whole configuration.
        profile: profile name; ``app.yaml`` is then layered with ``app.<profile>.yaml`` and
            ``.env`` with ``.env.<profile>`` when they exist. Defaults to ``PHOENIX_PROFILE``.
        env_prefix: read environment variables starting with this prefix (highest precedence;
            ``__`` nests: ``APP_DB__PORT`` sets ``db.port``); ``None`` reads none.
        sources: explicit sources instead of ``paths`` / ``profile`` / ``env_prefix``.
        validators: callables run on each candidate snapshot (see `add_validator`).
        max_versions: how many versions (applied and rejected) the history keeps; the live
            version is always kept.
        history_dir: directory where versions persist across restarts; ``None`` keeps them in memory.
        watch: watch the files' directories and reload on change while started.
        polling: ``True`` forces polling, ``None`` lets devcore pick native events with fallback.
        close_write: react only when a writer closes the file, so a partial write is never read
            (``None``: on where supported, i.e. Linux).
        debounce_ms: quiet time devcore waits to batch the events of one save.
        poll_interval_ms: polling period when polling.
        coalesce_ms: a change arriving within this long of the previous reload starts a burst:
            the burst ends with one reload once changes stop for this long (last content wins).
        settle_ms: how long a watched read that fails to parse or validate waits for the
            writer's next change before it is recorded as rejected (a file caught between a
            truncation and its write is not a bad configuration); the watcher's thread never
            waits it out, a retry thread does.
        strict: duplicate YAML keys are an error.
        max_bytes: largest file read.
        max_nodes: most YAML nodes with aliases expanded.
        on_version: called with every decided version, applied or rejected.
        on_subscriber_error: called with every subscriber failure (raise or timeout).
        environ: environment mapping to read instead of ``os.environ``.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]] = (),
        *,
        model: type[Any] | None = None,
        profile: str | None = None,
        env_prefix: str | None = None,
        sources: Sequence[Source] | None = None,
        validators: Iterable[Validator] = (),
        max_versions: int = 100,
        history_dir: str | os.PathLike[str] | None = None,
        watch: bool = True,
        polling: bool | None = None,
        close_write: bool | None = None,
        debounce_ms: int = 50,
        poll_interval_ms: int = 100,
        coalesce_ms: int = 50,
        settle_ms: int = 500,
        strict: bool = True,
        max_bytes: int = 4 * 1024 * 1024,
        max_nodes: int = 100_000,
        on_version: VersionHook | None = None,
        on_subscriber_error: Callable[[SubscriberFailure], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if max_versions < 1:
            raise ValueError("max_versions must be at least 1")
        chosen_profile = profile if profile is not None else default_profile()
        self.sources: tuple[Source, ...] = tuple(
            sources if sources is not None else build_sources(paths, chosen_profile, env_prefix)
        )
        self.model = model
        self.profile = chosen_profile
        self.limits = Limits(max_bytes=max_bytes, max_nodes=max_nodes, strict=strict)
        self.max_versions = max_versions
        self.on_version = on_version
        self._environ = environ
        self._validators: list[Validator] = list(validators)
        self._change_validators: list[ChangeValidator] = []
        self._current: Snapshot = EMPTY_SNAPSHOT
        self._history: deque[VersionInfo] = deque()
        self._next_version = 1
        self._last_digest: str | None = None
        self._last_error: ConfigError | None = None
        self._apply_lock = threading.RLock()
        self._decided = threading.Condition()
        self._notifier = Notifier(on_error=on_subscriber_error)
        self._store = HistoryStore(history_dir) if history_dir is not None else None
        self._watch_options: dict[str, Any] = {
            "polling": polling,
            "close_write": default_close_write() if close_write is None else close_write,
            "debounce_ms": debounce_ms,
            "poll_interval_ms": poll_interval_ms,
            "burst_quiet_ms": coalesce_ms,
            "settle_ms": settle_ms,
        }
        self._watch = watch
        self._watcher: ConfigWatcher | None = None
        self._started = False
        if self._store is not None:
            self._restore(self._store.load())

    # ----------------------------------------------------------------- reading
    def snapshot(self) -> Snapshot:
        """The live configuration: immutable and versioned; hold it for a consistent view."""
        return self._current

    def get(self, path: str, default: Any = None) -> Any:
        """The live value at a dotted path (``"db.pool.size"``), or ``default``."""
        return self._current.get(path, default)

    @property
    def watch_backend(self) -> str | None:
        """``"native"`` or ``"polling"`` while watching, else ``None``."""
        return self._watcher.backend if self._watcher is not None else None

    @property
    def version(self) -> int:
        """The live version id (0 before the first apply)."""
        return self._current.version

    def history(self, *, include_rejected: bool = True) -> tuple[VersionInfo, ...]:
        """Recorded versions, oldest first (at most ``max_versions``)."""
        return tuple(v for v in self._history if include_rejected or v.applied)

    def version_info(self, version: int) -> VersionInfo:
        """The record of one version.

        Raises:
            VersionNotFound: the id is unknown or was evicted from the history.
        """
        for info in self._history:
            if info.version == version:
                return info
        raise VersionNotFound(version)

    def diff(self, old: int, new: int | None = None) -> Diff:
        """Added, removed and changed paths from version ``old`` to ``new`` (default: live).

        Raises:
            VersionNotFound: a version is unknown, evicted or was rejected.
        """
        return diff_trees(self._data_of(old), self._data_of(new) if new is not None else self._current.data)

    @property
    def subscriber_failures(self) -> tuple[SubscriberFailure, ...]:
        """The latest subscriber failures (raises and timeouts), oldest first."""
        return tuple(self._notifier.failures)

    # ----------------------------------------------------------------- validators
    def add_validator(self, validator: Validator) -> Validator:
        """Run ``validator(candidate_snapshot)`` before every apply (usable as a decorator).

        It reports problems by returning a message, a `Problem` or a list of them, or by raising
        ``ValueError`` / ``TypeError`` / ``AssertionError``; ``None`` means valid.
        """
        self._validators.append(validator)
        return validator

    def add_change_validator(self, validator: ChangeValidator) -> ChangeValidator:
        """Run ``validator(live_snapshot, candidate_snapshot)`` before every apply after the first."""
        self._change_validators.append(validator)
        return validator

    def add_dependency(
        self, path: str, requires: Iterable[str], *, when: Callable[[Any], bool] | None = None
    ) -> None:
        """Require ``requires`` to be set whenever ``path`` is set (and ``when(value)`` holds)."""
        self._validators.append(Dependency(path, tuple(requires), when))

    def add_immutable(self, *paths: str) -> None:
        """Reject any runtime change of the values at ``paths`` (e.g. ``"server.port"``)."""
        self._change_validators.append(Immutable(paths))

    # ----------------------------------------------------------------- subscriptions
    def subscribe(
        self,
        pattern: str | re.Pattern[str],
        callback: Callback,
        *,
        priority: int = 0,
        timeout_s: float | None = 5.0,
        batch_ms: int = 0,
        name: str = "",
    ) -> Subscription:
        """Call ``callback(event)`` after each applied version that changes a matching path.

        The initial load is not an event: read it with `snapshot`.

        Args:
            pattern: ``"db.pool"`` (that path, above and below), a glob over dotted segments
                (``"db.*"``, ``"**.port"``), ``"re:..."`` or a compiled regex (whole path).
            callback: sync or async callable taking a `ChangeEvent` (old and new values, the
                version and the changed paths).
            priority: higher priorities are handed each event first.
            timeout_s: a callback running longer is reported and abandoned; ``None``: no limit.
            batch_ms: gather the events of this window into one call (0: one call per version).
            name: how failures name the subscriber (default: the callback's name).

        Returns:
            The subscription; call its ``unsubscribe()`` to stop.
        """
        subscription = Subscription(pattern, callback, priority, timeout_s, batch_ms, name)
        return self._notifier.subscribe(subscription)

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop a subscription."""
        self._notifier.unsubscribe(subscription)

    def wait_notified(self, timeout_s: float | None = None) -> bool:
        """Block until every subscriber was handed the events so far; ``False`` on timeout."""
        return self._notifier.wait_idle(timeout_s)

    def wait_for_version(self, after: int, timeout_s: float | None = None) -> VersionInfo | None:
        """Block until a version newer than ``after`` is decided (applied or rejected).

        Returns:
            The newest decided version, or ``None`` on timeout.
        """
        with self._decided:
            if not self._decided.wait_for(lambda: self._next_version - 1 > after, timeout=timeout_s):
                return None
            return self._history[-1] if self._history else None

    # ----------------------------------------------------------------- applying
    def reload(
        self,
        *,
        trigger: str = "reload",
        force: bool = False,
        settle_s: float = 0.0,
        changed_since: Callable[[float], bool] | None = None,
    ) -> VersionInfo | None:
        """Read every source and apply the result if it is new and valid.

        Args:
            trigger: recorded in the version's metadata.
            force: apply even when the content hash is unchanged.
            settle_s: before rejecting, wait this long and re-read while a file keeps changing
                (a writer caught mid-save is not a bad configuration); at most 10 s in all.
            changed_since: ``changed_since(timeout_s)`` waits up to ``timeout_s`` and tells
                whether the files changed meanwhile (the watcher passes its change signal);
                by default the files' (mtime_ns, size, inode) are compared after a sleep.

        Returns:
            The decided version (check ``.applied``), or ``None`` when the content (or the
            resulting configuration) is unchanged.
        """
        with self._apply_lock:
            give_up = time.monotonic() + _SETTLE_LIMIT_S
            while True:
                before = self._fingerprints()
                outcome = self._read(force)
                if settle_s <= 0 or _settled(outcome):
                    break
                changed = changed_since(settle_s) if changed_since is not None else _slept(settle_s)
                if not (changed or self._fingerprints() != before) or time.monotonic() > give_up:
                    break
            return self._decide(outcome, trigger, force)

    def _try_reload(self, trigger: str) -> tuple[bool, VersionInfo | None]:
        """Read once and decide only a read that parses and validates (the watcher's leading reload).

        Returns:
            ``(False, None)`` when the read failed and nothing was recorded (the watcher retries
            it off its own thread), else ``(True, the decided version or None)``.
        """
        with self._apply_lock:
            outcome = self._read(force=False)
            if not _settled(outcome):
                return False, None
            return True, self._decide(outcome, trigger, force=False)

    def _read(self, force: bool) -> ConfigError | _Candidate | None:
        """Read and parse the sources; ``None`` when the content hash is the last one seen."""
        try:
            layers = [source.read(self.limits, self._environ) for source in self.sources]
        except ConfigError as error:
            return error
        digest = _digest(layers)
        if digest == self._last_digest and not force:
            return None
        merged: dict[str, Any] = {}
        for layer in layers:
            merged = merge(merged, layer.data)
        return self._candidate(merged, digest, layers)

    def _decide(
        self, outcome: ConfigError | _Candidate | None, trigger: str, force: bool
    ) -> VersionInfo | None:
        if outcome is None:
            return None
        if isinstance(outcome, ConfigError):
            digest = _digest_text(str(outcome))
            if digest == self._last_digest and not force:
                return None
            self._last_digest = digest
            info = self._reject(trigger, outcome.problems, digest)
            self._last_error = outcome
            return info
        self._last_digest = outcome.digest
        return self._commit(outcome, trigger, force)

    def _fingerprints(self) -> tuple[StatKey | None, ...]:
        return fingerprints(source.path for source in self.sources if source.path is not None)

    def apply(self, data: Mapping[str, Any], *, trigger: str = "apply") -> VersionInfo | None:
        """Validate and apply a configuration given as data (not read from the sources).

        Returns:
            The decided version, or ``None`` when it equals the live one.
        """
        with self._apply_lock:
            return self._commit(self._candidate(data, "", []), trigger, force=False)

    def rollback(self, version: int | None = None, *, steps: int | None = None) -> VersionInfo:
        """Re-apply an earlier applied version, validated like any other apply.

        Args:
            version: the version id to return to.
            steps: how many applied versions to go back (``steps=1``: the one before the live one).

        Returns:
            The new version (a fresh id whose trigger names the target); rejected ones are recorded too.

        Raises:
            VersionNotFound: no such applied version in the history.
            ConfigValidationError: the target no longer validates (recorded as rejected).
        """
        with self._apply_lock:
            target = self._rollback_target(version, steps)
            assert target.data is not None
            info = self._commit(
                self._candidate(target.data, "", []), f"rollback to {target.version}", force=True
            )
            assert info is not None
            if not info.applied:
                raise ConfigValidationError(info.problems)
            return info

    def _rollback_target(self, version: int | None, steps: int | None) -> VersionInfo:
        if (version is None) == (steps is None):
            raise ValueError("give exactly one of version or steps")
        if version is not None:
            info = self.version_info(version)
            if not info.applied or info.data is None:
                raise VersionNotFound(version, self._why_no_data(version))
            return info
        assert steps is not None
        applied = [v for v in self._history if v.applied and v.data is not None]
        live = [i for i, v in enumerate(applied) if v.version == self._current.version]
        index = (live[0] if live else len(applied)) - steps
        if steps < 1 or index < 0:
            raise VersionNotFound(self._current.version - steps, f"cannot go back {steps} applied versions")
        return applied[index]

    def _candidate(self, data: Mapping[str, Any], digest: str, layers: Sequence[Layer]) -> _Candidate:
        """Validate ``data`` into the next snapshot, without publishing it."""
        old = self._current
        version = self._next_version
        labels = tuple(layer.source.label for layer in layers) or tuple(s.label for s in self.sources)
        instance = None
        if self.model is not None:
            instance, dumped, problems = validate_model(self.model, data, layers)
            if problems:
                return _Candidate(None, problems, digest, labels)
            data = dumped
        tree = freeze(data, old.data)
        if not isinstance(tree, FrozenDict):
            return _Candidate(None, [Problem("the configuration must be a mapping")], digest, labels)
        info = VersionInfo(version, "applied", "", labels, digest, data=tree, parent=old.version or None)
        candidate = Snapshot(version, tree, instance, info)
        problems = [p for v in self._validators for p in run_validator(v, candidate)]
        if old.version != 0:
            problems += [p for v in self._change_validators for p in run_validator(v, old, candidate)]
        return _Candidate(candidate, problems, digest, labels)

    def _commit(self, candidate: _Candidate, trigger: str, force: bool) -> VersionInfo | None:
        """Publish a valid candidate (one reference assignment), or record its rejection."""
        if candidate.snapshot is None or candidate.problems:
            return self._reject(trigger, candidate.problems, candidate.digest, candidate.labels)
        old = self._current
        new = candidate.snapshot
        if new.data is old.data and old.version != 0 and not force:
            return None
        info = replace(new.info, trigger=trigger)
        snapshot = replace(new, info=info)
        self._current = snapshot
        self._record(info)
        if old.version != 0:
            self._notifier.publish(diff_trees(old.data, snapshot.data), old, snapshot)
        return info

    def _reject(
        self, trigger: str, problems: Sequence[Problem], digest: str, labels: tuple[str, ...] = ()
    ) -> VersionInfo:
        info = VersionInfo(
            self._next_version,
            "rejected",
            trigger,
            labels or tuple(s.label for s in self.sources),
            digest,
            problems=tuple(problems),
            parent=self._current.version or None,
        )
        self._last_error = ConfigValidationError(problems)
        self._record(info)
        return info

    def _record(self, info: VersionInfo) -> None:
        with self._decided:
            self._next_version = info.version + 1
            self._history.append(info)
            self._evict()
            self._decided.notify_all()
        if self._store is not None:
            self._store.append(info)
            self._store.prune({v.version for v in self._history})
        if self.on_version is not None:
            self.on_version(info)

    def _evict(self) -> None:
        """Drop the oldest versions beyond ``max_versions``, never the live one."""
        live = self._current.version
        while len(self._history) > self.max_versions:
            if self._history[0].version == live:
                self._history.rotate(-1)
                self._history.popleft()
                self._history.rotate(1)
            else:
                self._history.popleft()

    def _restore(self, records: list[VersionInfo]) -> None:
        for info in records[-self.max_versions :]:
            self._history.append(info)
        if records:
            self._next_version = max(info.version for info in records) + 1

    def _data_of(self, version: int) -> FrozenDict:
        info = self.version_info(version)
        if info.data is None:
            raise VersionNotFound(version, self._why_no_data(version))
        return info.data

    def _why_no_data(self, version: int) -> str:
        if self._store is not None and version in self._store.unkept:
            return "its data was not persisted: " + self._store.unkept[version]
        return "was rejected, or its data was not kept"

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Self:
        """Start watching (when ``watch`` is set), then load the configuration.

        Watching starts first so that no edit between the load and the watch is missed. A
        stopped manager starts again: the files are re-read (a version only if they changed
        meanwhile; a bad file is recorded as rejected and the last good version stays live).

        Raises:
            ConfigError: the initial configuration is missing, does not parse or is invalid
                (it is recorded as rejected).
        """
        if self._started:
            return self
        first = self._current.version == 0
        self._notifier.reopen()
        if self._watch:
            self._watcher = ConfigWatcher(self, **self._watch_options)
            self._watcher.start()
        info = self.reload(trigger="initial" if first else "restart", force=first)
        if first and info is not None and not info.applied:
            self.stop()
            raise self._last_error or ConfigValidationError(info.problems)
        self._started = True
        return self

    def stop(self) -> None:
        """Stop watching and the subscriber workers; `start` resumes both (subscriptions stay)."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self._notifier.close()
        self._started = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        self._notifier.loop = asyncio.get_running_loop()
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    async def areload(self, *, trigger: str = "reload", force: bool = False) -> VersionInfo | None:
        """`reload` off the event loop."""
        return await asyncio.to_thread(self.reload, trigger=trigger, force=force)

    async def arollback(self, version: int | None = None, *, steps: int | None = None) -> VersionInfo:
        """`rollback` off the event loop."""
        return await asyncio.to_thread(self.rollback, version, steps=steps)

    async def await_version(self, after: int, timeout_s: float | None = None) -> VersionInfo | None:
        """`wait_for_version` off the event loop."""
        return await asyncio.to_thread(self.wait_for_version, after, timeout_s)


@dataclass(frozen=True)
class _Candidate:
    """A configuration read and checked but not yet published."""

    snapshot: Snapshot | None
    problems: Sequence[Problem]
    digest: str
    labels: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return self.snapshot is not None and not self.problems


def _settled(outcome: ConfigError | _Candidate | None) -> bool:
    """Whether a read needs no retry: its content is unchanged, or it parsed and validated."""
    return outcome is None or (isinstance(outcome, _Candidate) and outcome.valid)


_SETTLE_LIMIT_S = 10.0
"""How long a failing read is retried while its files keep changing (a writer mid-burst)."""


def _slept(seconds: float) -> bool:
    time.sleep(seconds)
    return False


def _digest(layers: Sequence[Layer]) -> str:
    """blake3 of every layer's raw content (the environment's values for environment layers)."""
    from devcore.hashing import hash_bytes

    parts = []
    for layer in layers:
        content = (
            layer.raw if layer.source.kind != "environ" else json.dumps(layer.data, sort_keys=True).encode()
        )
        parts += [layer.source.label.encode(), len(content).to_bytes(8, "big"), content]
    return hash_bytes(b"\0".join(parts))


def _digest_text(text: str) -> str:
    from devcore.hashing import hash_bytes

    return hash_bytes(text.encode())
