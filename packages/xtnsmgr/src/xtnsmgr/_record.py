"""Named tuples declared like ``typing.NamedTuple``, without importing :mod:`typing` at run time.

The hit path's records (``Installed``, ``Specification``, ``Distribution``, ``EntryMetadata``)
are named tuples; ``typing`` (with ``re`` and ``contextlib``) would cost a new process whose
first ensure is a disk hit about 9 ms. Type checkers see ``typing.NamedTuple`` itself; at run
time the class statement builds the same ``collections.namedtuple`` that ``typing`` builds.
"""

from __future__ import annotations

import collections

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

    class _RecordMeta(type):
        """Turns a class statement into ``collections.namedtuple``, as ``typing``'s does."""

        def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
            if not bases:  # NamedTuple itself
                return super().__new__(cls, name, bases, namespace)
            types = namespace.get("__annotations__", {})
            defaults = [namespace[field] for field in types if field in namespace]
            if any(field not in namespace for field in list(types)[len(types) - len(defaults) :]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            record = collections.namedtuple(name, types, defaults=defaults, module=namespace["__module__"])
            record.__annotations__ = dict(types)
            for key, value in namespace.items():
                if key not in _SPECIAL and key not in types:
                    setattr(record, key, value)
            return record

    class NamedTuple(metaclass=_RecordMeta):
        """The base of a record class: its annotated fields, with their defaults, in order."""
