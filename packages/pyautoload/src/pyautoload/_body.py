"""The loader of a managed namespace with a body: a package's ``__init__.py``, or ``hotel.py``.

Imported when the first such namespace is (a class derived from ``SourceFileLoader`` costs a fresh
interpreter tens of microseconds to create, so ``setup()`` does not pay for it).
"""

from __future__ import annotations

from _frozen_importlib_external import SourceFileLoader

from pyautoload._finder import Autoloads, attach, join_shared
from pyautoload._shadow import check_body

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

    from pyautoload._registry import Entry


class BodyLoader(SourceFileLoader):
    """Runs the body of a namespace with a file (``__init__.py``, or ``hotel.py`` beside ``hotel/``).

    It is a ``SourceFileLoader``: the autoloads are installed before the body runs, and put back
    (keeping the body's own ``__getattr__`` as the fallback) if the body replaced them. A name the
    body defines that a child file is expected to define is a `ConflictError` (``_shadow``).
    """

    def __init__(self, fullname: str, path: str, entry: Entry) -> None:
        super().__init__(fullname, path)
        self.entry = entry

    def exec_module(self, module: ModuleType) -> None:
        attach(module, self.entry)
        join_shared(module)
        super().exec_module(module)
        if not isinstance(module.__dict__.get("__getattr__"), Autoloads):
            attach(module, self.entry)
        check_body(self.entry, module)
        self.entry.owner.run_on_load(self.entry.module, module, self.entry.path)

    def is_package(self, fullname: str) -> bool:
        return True
