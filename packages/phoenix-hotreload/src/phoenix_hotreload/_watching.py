"""Watching the configuration's directories through `devcore.watch` and coalescing reloads.

The first change after a quiet spell reloads at once (low latency); changes that keep coming
within ``burst_quiet_ms`` of a reload that produced a version are absorbed and end in one
trailing reload with the final content, so 1,000 writes in a second cost two or three reloads,
not a thousand. A change whose content hash is unchanged produces no version and starts no burst.
"""

from __future__ import annotations

import threading
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
        self.settle_s = max(debounce_ms, 20) / 1000
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
        while self._next_change(None):
            if not self._reload():
                continue
            burst = False
            while self._next_change(self.burst_quiet_s):
                burst = True
            if self._stopping:
                return
            if burst:
                self._reload()

    def _next_change(self, timeout_s: float | None) -> bool:
        """Wait for a change; ``False`` on timeout or when stopping."""
        changed = self._wake.wait(timeout=timeout_s)
        self._wake.clear()
        return changed and not self._stopping

    def _reload(self) -> bool:
        """Reload; ``False`` when the content was unchanged (no burst starts then)."""
        touched, self._touched = self._touched, set()
        trigger = "watch: " + ", ".join(sorted(touched)) if touched else "watch"
        return self.manager.reload(trigger=trigger, settle_s=self.settle_s) is not None
