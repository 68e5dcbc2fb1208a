"""Watching the configuration's directories through `devcore.watch` and coalescing reloads.

The leading change (one arriving when no reload happened for a while) is reloaded at once, on
the watcher's own thread, so a save costs no hand-off to another thread. In close-write mode
devcore delivers a completed save without waiting for its debounce, so this is the whole path
from the kernel's event to the subscribers.

A change arriving within 250 ms (or the coalescing window, when longer) of the last reload is
part of a burst and goes to the burst thread: it waits until the files stay quiet for the
window, judged by devcore's change sets *and* the files' own (mtime_ns, size, inode), since
devcore batches a burst's writes silently until they stop. Then one reload reads the final
content, and the window doubles (up to 1 s) while the burst goes on, so 1,000 writes in a
second cost two or three reloads even when the writer stalls now and then. A change whose
content hash is unchanged produces no version.

A read that fails to parse or validate waits up to ``settle_ms`` (0.5 s) for the writer's next
change before it is recorded as rejected: a file caught between a truncation and its write is not
a bad config. A leading read that fails is not recorded; its retry goes to the burst thread, so
the watcher's thread never sleeps on one file's behalf and the changes behind it keep arriving.
"""

from __future__ import annotations

import math
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phoenix_hotreload._sources import fingerprints

if TYPE_CHECKING:
    from devcore.watch import ChangeSet, Watcher
    from phoenix_hotreload._manager import HotReloadManager


def watched_files(manager: HotReloadManager) -> set[Path]:
    """Every file the manager reads (profile variants included, present or not)."""
    return {source.path for source in manager.sources if source.path is not None}


def configmap_alias(file: Path) -> Path | None:
    """``file`` spelled through the ``..data`` link of a Kubernetes volume it sits below, when
    that link is not in its own directory (``vol/conf/app.yaml`` -> ``vol/..data/conf/app.yaml``).

    The kubelet links a nested item as ``vol/conf/app.yaml -> ../..data/conf/app.yaml``, so its
    ``..data`` swap happens in ``vol``, unseen from ``vol/conf``; the alias's directory is the
    live data directory, whose removal right after the next swap is seen (and re-watched).
    """
    if os.path.islink(file.parent / "..data"):
        return None
    for ancestor in file.parents[1:]:
        if os.path.islink(ancestor / "..data"):
            relative = file.relative_to(ancestor)
            alias = ancestor / "..data" / relative
            return alias if not relative.parts[0].startswith("..") and alias.parent.is_dir() else None
    return None


def is_relevant(path: Path, files: set[Path]) -> bool:
    """A change to one of our files, or a swap of a Kubernetes volume's ``..data`` symlink."""
    return path in files or (path.name == "..data" and path.parent in {file.parent for file in files})


def burst_continues(since_reload_s: float, window_s: float) -> bool:
    """Whether a change this long after the last reload belongs to the same burst."""
    return since_reload_s < max(window_s, _HOT_S)


_MAX_WINDOW_S = 1.0
"""The longest quiet time a burst waits for before its trailing reload."""
_HOT_S = 0.25
"""A change this soon after the last reload continues a burst."""


class ConfigWatcher:
    """Watches the parent directories of the manager's files and triggers its reloads."""

    def __init__(
        self,
        manager: HotReloadManager,
        *,
        polling: bool | None = None,
        close_write: bool | None = None,
        debounce_ms: int = 50,
        poll_interval_ms: int = 100,
        burst_quiet_ms: int = 100,
        settle_ms: int = 500,
    ) -> None:
        self.manager = manager
        self.files = watched_files(manager)
        aliases = {alias for file in self.files if (alias := configmap_alias(file)) is not None}
        self.relevant = self.files | aliases
        self.directories = sorted({file.parent for file in self.relevant})
        self.burst_quiet_s = burst_quiet_ms / 1000
        self.settle_s = max(debounce_ms, settle_ms) / 1000
        self._options: dict[str, Any] = {
            "polling": polling,
            "close_write": close_write,
            "debounce_ms": debounce_ms,
            "poll_interval_ms": poll_interval_ms,
        }
        self._lock = threading.Lock()
        self._burst = threading.Event()  # a change for the burst thread
        self._changed = threading.Event()  # any change (a settling read waits for it)
        self._stopping = False
        self._bursting = False
        self._window_s = self.burst_quiet_s
        self._last_reload_at = -math.inf
        self._touched: set[str] = set()
        self._watcher: Watcher | None = None
        self._thread: threading.Thread | None = None

    @property
    def backend(self) -> str | None:
        """``"native"`` or ``"polling"`` while running (polling after a fallback), else ``None``."""
        return self._watcher.backend if self._watcher is not None else None

    def start(self) -> None:
        """Start the directory watcher and the burst thread."""
        from devcore.watch import Watcher

        if not self.directories:
            return
        self._watcher = Watcher(self.directories, callback=self._on_changes, recursive=False, **self._options)
        self._thread = threading.Thread(target=self._run_bursts, name="phoenix-bursts", daemon=True)
        self._thread.start()
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching; a reload in progress finishes first."""
        self._stopping = True
        self._burst.set()
        self._changed.set()
        if self._watcher is not None:
            self._watcher.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _on_changes(self, changes: ChangeSet) -> None:
        """devcore's callback (its thread): reload a leading change here, hand a burst over."""
        touched = {path.name for path in changes.paths() if is_relevant(Path(path), self.relevant)}
        if not touched or self._stopping:
            return
        with self._lock:
            self._touched |= touched
            since = time.monotonic() - self._last_reload_at
            if self._bursting or burst_continues(since, self._window_s):
                self._bursting = True
                self._burst.set()
                self._changed.set()
                return
            self._window_s = self.burst_quiet_s
            leading, self._touched = self._touched, set()
        self._changed.set()
        self._reload_leading(leading)

    def _run_bursts(self) -> None:
        while self._wait_for_quiet():
            self._reload()
            with self._lock:
                self._window_s = min(self._window_s * 2, _MAX_WINDOW_S)
                self._bursting = False

    def _wait_for_quiet(self) -> bool:
        """Wait for a burst, then until no change set came and no file changed for the
        window; ``False`` when stopping."""
        self._burst.wait()
        while not self._stopping:
            self._burst.clear()
            before = fingerprints(self.files)
            if not self._burst.wait(self._window_s) and fingerprints(self.files) == before:
                return not self._stopping
        return False

    def _reload_leading(self, touched: set[str]) -> None:
        """Reload on this thread; a read that fails goes to the burst thread to settle, so
        this thread never waits on one file's writer while other changes queue behind it."""
        settled, info = self.manager._try_reload(_trigger(touched))
        with self._lock:
            if not settled:
                self._touched |= touched
                self._bursting = True
                self._burst.set()
            elif info is not None:  # an unchanged content hash starts no burst
                self._last_reload_at = time.monotonic()

    def _reload(self) -> None:
        with self._lock:
            touched, self._touched = self._touched, set()
        self._changed.clear()
        info = self.manager.reload(
            trigger=_trigger(touched), settle_s=self.settle_s, changed_since=self._changed_since
        )
        if info is not None:  # an unchanged content hash starts no burst
            with self._lock:
                self._last_reload_at = time.monotonic()

    def _changed_since(self, timeout_s: float) -> bool:
        """Wait for the next change (a writer finishing its save); ``True`` when one came."""
        changed = self._changed.wait(timeout_s)
        self._changed.clear()
        return changed and not self._stopping


def _trigger(touched: set[str]) -> str:
    """A watched version's trigger: ``"watch: app.yaml, .env"``."""
    return "watch: " + ", ".join(sorted(touched)) if touched else "watch"
