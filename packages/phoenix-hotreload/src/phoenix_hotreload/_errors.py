"""Errors of phoenix-hotreload.

PhoenixError
├── ConfigError                         a configuration that cannot be applied
│   ├── ConfigParseError (ValueError)   a file that does not parse (syntax, duplicate key, bad .env line)
│   ├── ConfigTooLarge (ValueError)     a file over the size or node-count cap (alias bombs)
│   ├── ConfigValidationError (ValueError)  a config the model or a validator rejects
│   └── ConfigNotFound (FileNotFoundError)  a required configuration file is missing
├── VersionNotFound (KeyError)          a version id that is not (or no longer) in the history
└── HistoryStoreError                   the persistent history cannot be opened or written
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class PhoenixError(Exception):
    """Base of every error this package raises."""


@dataclass(frozen=True)
class Problem:
    """One reason a configuration was rejected.

    Attributes:
        message: what is wrong, for people.
        field: the dotted config path concerned, or ``None`` for the whole file.
        path: the file the value came from, when known.
        line: the 1-based line in that file, when known.
    """

    message: str
    field: str | None = None
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"

    def to_json(self) -> dict[str, object]:
        """The problem as a JSON-ready dictionary."""
        return {
            "message": self.message,
            "field": self.field,
            "path": str(self.path) if self.path is not None else None,
            "line": self.line,
        }


class ConfigError(PhoenixError):
    """A configuration that cannot be applied; it never reaches the store.

    Attributes:
        problems: every reason found, each with its file, line and field when known.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))

    @property
    def path(self) -> Path | None:
        """The file of the first problem, when known."""
        return self.problems[0].path if self.problems else None

    @property
    def line(self) -> int | None:
        """The line of the first problem, when known."""
        return self.problems[0].line if self.problems else None

    @property
    def field(self) -> str | None:
        """The config path of the first problem, when known."""
        return self.problems[0].field if self.problems else None


class ConfigParseError(ConfigError, ValueError):
    """A file that does not parse: YAML syntax, a duplicate key in strict mode, a bad ``.env`` line."""


class ConfigTooLarge(ConfigError, ValueError):
    """A file over the byte cap, or a YAML document whose expanded node count is over the cap."""


class ConfigValidationError(ConfigError, ValueError):
    """A configuration that parses but that the model or a validator rejects."""


class ConfigNotFound(ConfigError, FileNotFoundError):
    """A required configuration file is missing.

    Attributes:
        path: the missing file.
    """

    def __init__(self, path: Path) -> None:
        super().__init__([Problem("no such configuration file", path=path)])

    @property
    def path(self) -> Path | None:
        """The missing file."""
        return self.problems[0].path

    def __str__(self) -> str:
        return str(self.problems[0])


class VersionNotFound(PhoenixError, KeyError):
    """A version id that is not, or no longer, in the history.

    Attributes:
        version: the id asked for.
    """

    def __init__(self, version: int, reason: str = "not in the history") -> None:
        super().__init__(f"version {version}: {reason}")
        self.version = version

    def __str__(self) -> str:
        return str(self.args[0])


class HistoryStoreError(PhoenixError):
    """The persistent history cannot be opened or written.

    Attributes:
        path: the history directory.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
