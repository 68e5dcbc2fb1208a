"""Validated, versioned hot reload of YAML/.env configuration with rollback and subscriptions.

```python
from phoenix_hotreload import HotReloadManager

with HotReloadManager(["app.yaml", ".env"], model=AppConfig, env_prefix="APP_") as config:
    config.subscribe("db.*", lambda event: print(event.changes))
    snapshot = config.snapshot()  # immutable, one version
    size = config.get("db.pool.size")
```
"""

from __future__ import annotations

from phoenix_hotreload.__about__ import __version__
from phoenix_hotreload._diff import Change, Diff, diff_trees
from phoenix_hotreload._errors import (
    ConfigError,
    ConfigNotFound,
    ConfigParseError,
    ConfigTooLarge,
    ConfigValidationError,
    HistoryStoreError,
    PhoenixError,
    Problem,
    VersionNotFound,
)
from phoenix_hotreload._frozen import FrozenDict
from phoenix_hotreload._manager import HotReloadManager
from phoenix_hotreload._notify import ChangeEvent, SubscriberFailure, Subscription
from phoenix_hotreload._sources import Limits, Source
from phoenix_hotreload._versions import Snapshot, VersionInfo

__all__ = [
    "Change",
    "ChangeEvent",
    "ConfigError",
    "ConfigNotFound",
    "ConfigParseError",
    "ConfigTooLarge",
    "ConfigValidationError",
    "Diff",
    "FrozenDict",
    "HistoryStoreError",
    "HotReloadManager",
    "Limits",
    "PhoenixError",
    "Problem",
    "Snapshot",
    "Source",
    "SubscriberFailure",
    "Subscription",
    "VersionInfo",
    "VersionNotFound",
    "__version__",
    "diff_trees",
]
