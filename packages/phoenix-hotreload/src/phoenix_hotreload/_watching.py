"""Watching the configuration's directories through `devcore.watch` and coalescing reloads.

The first change after a quiet spell reloads at once (low latency). A change arriving within
250 ms (or the coalescing window, when longer) of the last new version is part of a burst: it is absorbed until the files
stay quiet for the window, then one reload reads the final content, and the window doubles (up
to 1 s) while the burst goes on, so 1,000 writes in a second cost two or three reloads even when
the writer stalls now and then. A change whose content hash is unchanged produces no version.

A read that fails to parse or validate waits up to 0.5 s for the writer's next change before it
is recorded as rejected: a file caught between a truncation and its write is not a bad config.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devcore.watch import ChangeSet, Watcher
    from phoenix_hotreload._manager import HotReloadManager


def watched_files(manager: HotReloadManager) -> set[Path]:
    """Every file the manager reads (profile variants included, present or not)."""
    return {source.path for source in manager.sources if source.path is not None}


def is_relevant(path: Path, files: set[Path]) -> bool:
    """A change to one of our files, or a swap of a Kubernetes volume's ``..data`` symlink."""
    return path in files or (path.name == "..data" and path.parent in {file.parent for file in files})


_MAX_WINDOW_S = 1.0
"""The longest quiet time a burst waits for before its trailing reload."""
_SETTLE_S = 0.5
"""How long a failing read waits for the writer's next change before it is recorded as rejected."""
_HOT_S = 0.25
"""A change this soon after the last new version continues a burst."""


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
    ) -> None:
        self.manager = manager
        self.files = watched_files(manager)
        self.directories = sorted({file.parent for file in self.files})
        self.burst_quiet_s = burst_quiet_ms / 1000
        self.settle_s = max(debounce_ms / 1000, _SETTLE_S)
        self._options: dict[str, Any] = {
            "polling": polling,
            "close_write": close_write,
            "debounce_ms": debounce_ms,
            "poll_interval_ms": poll_interval_ms,
        }
        self._wake = threading.Event()
        self._stopping = False
        self._touched: set[str] = set()
        self._watcher: Watcher | None = None
        self._thread: threading.Thread | None = None

    @property
    def backend(self) -> str | None:
        """``"native"`` or ``"polling"`` while running (polling after a fallback), else ``None``."""
        return self._watcher.backend if self._watcher is not None else None

    def start(self) -> None:
        """Start the directory watcher and the reload thread."""
        from devcore.watch import Watcher

        if not self.directories:
            return
        self._watcher = Watcher(self.directories, callback=self._on_changes, recursive=False, **self._options)
        self._thread = threading.Thread(target=self._run, name="phoenix-reloader", daemon=True)
        self._thread.start()
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching; a reload in progress finishes first."""
        self._stopping = True
        self._wake.set()
        if self._watcher is not None:
            self._watcher.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _on_changes(self, changes: ChangeSet) -> None:
        touched = {path.name for path in changes.paths() if is_relevant(Path(path), self.files)}
        if touched:
            self._touched |= touched
            self._wake.set()

    def _run(self) -> None:
        window_s = self.burst_quiet_s
        last_version_at = -math.inf
        while self._next_change(None):
            if time.monotonic() - last_version_at < max(window_s, _HOT_S):
                while self._next_change(window_s):
                    pass
                if self._stopping:
                    return
                window_s = min(window_s * 2, _MAX_WINDOW_S)
            else:
                window_s = self.burst_quiet_s
            if self._reload():
                last_version_at = time.monotonic()

    def _next_change(self, timeout_s: float | None) -> bool:
        """Wait for a change; ``False`` on timeout or when stopping."""
        changed = self._wake.wait(timeout=timeout_s)
        self._wake.clear()
        return changed and not self._stopping

    def _reload(self) -> bool:
        """Reload; ``False`` when the content was unchanged (no burst starts then)."""
        touched, self._touched = self._touched, set()
        trigger = "watch: " + ", ".join(sorted(touched)) if touched else "watch"
        info = self.manager.reload(trigger=trigger, settle_s=self.settle_s, changed_since=self._changed_since)
        return info is not None

    def _changed_since(self, timeout_s: float) -> bool:
        """Wait for the next change (a writer finishing its save); ``True`` when one came."""
        changed = self._wake.wait(timeout_s)
        self._wake.clear()
        return changed and not self._stopping
