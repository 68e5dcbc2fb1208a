"""Validation before apply: the pydantic model, custom, dependency and change validators.

A validator returns ``None`` (or an empty iterable) when the config is fine; it reports
problems by returning a message, a `Problem`, an iterable of them, or by raising
``ValueError`` / ``TypeError`` / ``AssertionError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from phoenix_hotreload._errors import Problem
from phoenix_hotreload._frozen import lookup, thaw
from phoenix_hotreload._sources import Layer
from phoenix_hotreload._versions import Snapshot

ValidatorResult = None | str | Problem | Iterable[str | Problem]
Validator = Callable[[Snapshot], ValidatorResult]
ChangeValidator = Callable[[Snapshot, Snapshot], ValidatorResult]

_ABSENT: Any = object()


def validate_model(model: type[Any], data: Any, layers: Sequence[Layer]) -> tuple[Any, Any, list[Problem]]:
    """Validate ``data`` with a pydantic model.

    Returns:
        ``(instance, dumped data, problems)``; instance and data are ``None`` when problems.
    """
    from pydantic import ValidationError

    try:
        instance = model.model_validate(data if type(data) is dict else thaw(data))  # parsed data is plain
    except ValidationError as error:
        return None, None, [_problem_of(entry, layers) for entry in error.errors(include_url=False)]
    return instance, instance.model_dump(), []


def _problem_of(entry: Any, layers: Sequence[Layer]) -> Problem:
    field_path = tuple(str(part) for part in entry["loc"])
    layer, line = locate(layers, field_path)
    path = layer.source.path if layer is not None else None
    return Problem(str(entry["msg"]), field=".".join(field_path) or None, path=path, line=line)


def locate(layers: Sequence[Layer], field_path: tuple[str, ...]) -> tuple[Layer | None, int | None]:
    """The layer that set ``field_path`` last (the one that won) and the line there."""
    for probe in _prefixes(field_path):
        for layer in reversed(layers):
            if lookup(layer.data, ".".join(probe), _ABSENT) is not _ABSENT:
                return layer, layer.locate(field_path if probe == field_path else probe)
    return None, None


def _prefixes(field_path: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    for end in range(len(field_path), 0, -1):
        yield field_path[:end]


def run_validator(validator: Callable[..., ValidatorResult], *args: Snapshot) -> list[Problem]:
    """Call one validator and collect what it reports."""
    name = getattr(validator, "__name__", type(validator).__name__)
    try:
        result = validator(*args)
    except (ValueError, TypeError, AssertionError, KeyError, LookupError) as error:
        return [Problem(f"{name}: {error}" if str(error) else f"{name} failed")]
    return _problems(result)


def _problems(result: ValidatorResult) -> list[Problem]:
    if result is None:
        return []
    if isinstance(result, str | Problem):
        result = [result]
    return [item if isinstance(item, Problem) else Problem(str(item)) for item in result]


@dataclass(frozen=True)
class Dependency:
    """When ``path`` is set (and ``when`` holds for its value), every path of ``requires`` must be set."""

    path: str
    requires: tuple[str, ...]
    when: Callable[[Any], bool] | None = None

    def __call__(self, config: Snapshot) -> list[Problem]:
        value = config.get(self.path, _ABSENT)
        if value is _ABSENT or value is None:
            return []
        if self.when is not None and not self.when(value):
            return []
        return [
            Problem(f"required when {self.path} is {value!r}", field=needed)
            for needed in self.requires
            if config.get(needed) is None
        ]


@dataclass(frozen=True)
class Immutable:
    """A change validator: the values at ``paths`` may not change at runtime."""

    paths: tuple[str, ...]

    def __call__(self, old: Snapshot, new: Snapshot) -> list[Problem]:
        if old.version == 0:
            return []
        return [
            Problem(f"may not change at runtime ({old.get(path)!r} -> {new.get(path)!r})", field=path)
            for path in self.paths
            if old.get(path, _ABSENT) != new.get(path, _ABSENT)
        ]
