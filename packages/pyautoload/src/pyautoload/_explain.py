"""Messages that explain: a file without its expected name, a circular autoload.

Imported only when something went wrong (it loads ``difflib``).
"""

from __future__ import annotations

import difflib
import types

from pyautoload._errors import CircularImportError, NameError
from pyautoload._registry import Entry


def defined_names(module: types.ModuleType) -> tuple[str, ...]:
    """Public names a module defines itself (imported classes, functions and modules left out)."""
    names = []
    for key, value in module.__dict__.items():
        if key.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if isinstance(value, (type, types.FunctionType)) and value.__module__ != module.__name__:
            continue
        names.append(key)
    return tuple(sorted(names))


def closest(expected: str, defined: tuple[str, ...]) -> str | None:
    """The defined name a reader most likely meant: same letters first, then the nearest."""
    for name in defined:
        if name.lower() == expected.lower():
            return name
    matches = difflib.get_close_matches(expected, defined, n=1, cutoff=0.6)
    return matches[0] if matches else None


def missing_name(entry: Entry, module: types.ModuleType) -> NameError:
    """The ``NameError`` for a file that does not define its expected name."""
    assert entry.attribute is not None
    assert entry.file is not None
    expected, name = entry.attribute, entry.name or entry.attribute
    defined = defined_names(module)
    suggestion = closest(expected, defined)
    basename = entry.module.rpartition(".")[2]
    hint = None
    if suggestion is not None and suggestion.lower() == expected.lower():
        hint = f"loader.inflector.inflect({{{basename!r}: {suggestion!r}}})"
    lines = [
        f"pyautoload: expected file {entry.file} to define {expected} (as {name}), but it does not.",
        f"  it defines: {', '.join(defined) if defined else 'no public names'}",
    ]
    if suggestion is not None:
        lines.append(f"  did you mean {suggestion}?")
    if hint is not None:
        lines.append(f"  if so, tell the inflector: {hint}")
    return NameError(
        "\n".join(lines),
        name=name,
        path=entry.file,
        module=entry.module,
        expected=expected,
        defined=defined,
        suggestion=suggestion,
        inflect_hint=hint,
    )


def circular(chain: list[Entry]) -> CircularImportError:
    """The error for an autoload that needs itself; ``chain`` ends with the entry asked again."""
    names = tuple(entry.name or entry.module for entry in chain)
    paths = tuple(entry.file for entry in chain)
    steps = [
        f"  {'→ ' if index else ''}{name} ({path})"
        for index, (name, path) in enumerate(zip(names, paths, strict=True))
    ]
    steps[-1] += "  ← needed again before its file finished"
    message = f"pyautoload: circular import while autoloading {names[0]}:\n" + "\n".join(steps)
    return CircularImportError(message, chain=names, paths=paths)
