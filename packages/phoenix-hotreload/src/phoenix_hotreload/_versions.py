"""Version records and the immutable snapshots readers hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from phoenix_hotreload._errors import Problem
from phoenix_hotreload._frozen import EMPTY, FrozenDict, lookup, thaw

Status = Literal["applied", "rejected"]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One attempt to apply a configuration: applied, or rejected with its reasons (a NACK).

    Attributes:
        version: monotonic id; applied and rejected attempts share one counter.
        status: ``"applied"`` or ``"rejected"``.
        trigger: what started it: ``"initial"``, ``"reload"``, ``"watch: app.yaml"``,
            ``"rollback to 3"``, ...
        sources: the sources read, in precedence order (lowest first).
        digest: blake3 of the raw content read (hex), empty for rollbacks.
        created_at: when it was decided (UTC).
        problems: why it was rejected (empty when applied).
        data: the configuration tree (applied versions only; ``None`` when rejected).
        parent: the version that was live before this one.
    """

    version: int
    status: Status
    trigger: str
    sources: tuple[str, ...] = ()
    digest: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    problems: tuple[Problem, ...] = ()
    data: FrozenDict | None = field(default=None, repr=False)
    parent: int | None = None

    @property
    def applied(self) -> bool:
        """Whether this version went live."""
        return self.status == "applied"

    def to_json(self) -> dict[str, Any]:
        """Metadata as JSON-ready data (without the configuration itself)."""
        return {
            "version": self.version,
            "status": self.status,
            "trigger": self.trigger,
            "sources": list(self.sources),
            "digest": self.digest,
            "created_at": self.created_at.isoformat(),
            "problems": [problem.to_json() for problem in self.problems],
            "parent": self.parent,
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An immutable, versioned view of the live configuration.

    A reader that holds a snapshot sees one consistent version however many reloads happen.

    Attributes:
        version: the id of the applied version.
        data: the configuration tree (validated values when a model is set).
        model: the validated model instance, when the manager has a model.
        info: the version's metadata.
    """

    version: int
    data: FrozenDict
    model: Any
    info: VersionInfo

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path (``"db.pool.size"``), or ``default`` when absent."""
        return lookup(self.data, path, default)

    def __getitem__(self, path: str) -> Any:
        return lookup(self.data, path)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and lookup(self.data, path, _ABSENT) is not _ABSENT

    def to_dict(self) -> dict[str, Any]:
        """A plain, mutable copy of the configuration."""
        result: dict[str, Any] = thaw(self.data)
        return result


_ABSENT: Any = object()

EMPTY_SNAPSHOT = Snapshot(0, EMPTY, None, VersionInfo(0, "applied", "empty", data=EMPTY))
