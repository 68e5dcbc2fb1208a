"""Names a namespace's own body takes from its children (Zeitwerk reports such conflicts).

A namespace with a body (``hotel.py`` beside ``hotel/``, or a package's ``__init__.py``) is one
module with its children: a name the body defines is an entry of that module's ``__dict__``, so
the autoload of a child file expected to define the same name never runs. ``hotel/hotel.py``
beside ``hotel.py`` is the sure case: the body must define ``Hotel`` itself. Loaded when a
namespace with a body is (or by ``pyautoload check``).
"""

from __future__ import annotations

import os
import sys

from pyautoload._registry import EXPLICIT, FILE, Entry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._errors import ConflictError
    from pyautoload._loader import Loader

_KINDS = frozenset({FILE, EXPLICIT})


def check_body(entry: Entry, module: ModuleType) -> None:
    """After a namespace's body ran: a child it shadows is an error.

    Raises:
        ConflictError: the body defines a name (another value than the child's own) that a
            child file of the namespace is expected to define.
    """
    entry.owner.ensure_scanned(entry)
    assert entry.children is not None
    namespace = module.__dict__
    for child in dict.fromkeys(entry.children.values()):
        name = child.attribute
        if child.kind not in _KINDS or name is None or name not in namespace:
            continue
        own = sys.modules.get(child.module)
        if own is None or getattr(own, name, namespace) is not namespace[name]:
            raise conflict(entry, child)


def static_conflicts(loader: Loader, entry: Entry) -> list[ConflictError]:
    """The children of an explicit namespace its body is bound to shadow (its own name), found
    without importing anything."""
    if entry.kind != EXPLICIT or entry.attribute is None or entry.children is None:
        return []
    return [
        conflict(entry, child)
        for child in dict.fromkeys(entry.children.values())
        if child.kind in _KINDS and child.owner is loader and child.attribute == entry.attribute
    ]


def conflict(entry: Entry, child: Entry) -> ConflictError:
    """The error for a child of ``entry`` whose name the body of ``entry`` defines."""
    from pyautoload._errors import ConflictError

    assert entry.file is not None
    assert child.file is not None
    body = "the body" if os.path.basename(entry.file) == "__init__.py" else "the explicit namespace file"
    return ConflictError(
        f"pyautoload: {child.file} is expected to define {entry.module}.{child.attribute}, but "
        f"{entry.file} ({body} of {entry.module}) defines {child.attribute} itself, so that file "
        "can never be reached by its name; rename one of them (or tell the inflector)",
        path=entry.file,
        other=child.file,
    )


def find_conflicts(loader: Loader) -> list[ConflictError]:
    """Every child file below the loader's roots that its namespace's body is bound to shadow,
    found by listing the directories (nothing is imported; see `static_conflicts`).

    Raises:
        ConflictError: ``x.py`` and ``x/__init__.py`` both define a module (found while listing).
    """
    from pyautoload._settle import children

    found: list[ConflictError] = []

    def walk(entry: Entry) -> None:
        level = children(loader, entry)
        found.extend(static_conflicts(loader, entry))
        for child in dict.fromkeys(level.values()):
            if child.owner is loader and child.is_namespace:
                walk(child)

    for root in loader.walk_roots():
        walk(root)
    return found
