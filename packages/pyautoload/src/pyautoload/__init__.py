"""Zeitwerk-style autoloader for Python: names resolve lazily by file convention; eager loading.

```python
import pyautoload

loader = pyautoload.Loader()
loader.push_dir("src/app", namespace="app")
loader.setup()

import app
app.models.HtmlParser  # imports src/app/models/html_parser.py on first use, then a dict hit
```

Importing this package is cheap: it loads its submodules on first use of a name (PEP 562, the
mechanism it offers to you; ``setup()`` needs five small ones), and never ``ast``, ``difflib``, ``logging``, ``threading``,
``typing`` or ``importlib.abc`` unless a feature needs them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyautoload.__about__ import __version__
    from pyautoload._broadcast import all_dirs, eager_load_all, eager_load_namespace, loaders
    from pyautoload._errors import (
        CircularImportError,
        ConflictError,
        DirectoryNotFound,
        InvalidNamespace,
        NameError,
        NotManaged,
        PyautoloadError,
        SetupRequired,
    )
    from pyautoload._errors import PyautoloadError as Error
    from pyautoload._inflector import Inflector, NullInflector, PackageInflector
    from pyautoload._introspect import Registry
    from pyautoload._loader import Loader
    from pyautoload._registry import Entry

__all__ = [
    "CircularImportError",
    "ConflictError",
    "DirectoryNotFound",
    "Entry",
    "Error",
    "Inflector",
    "InvalidNamespace",
    "Loader",
    "NameError",
    "NotManaged",
    "NullInflector",
    "PackageInflector",
    "PyautoloadError",
    "Registry",
    "SetupRequired",
    "__version__",
    "all_dirs",
    "eager_load_all",
    "eager_load_namespace",
    "loaders",
]

_HOMES = {
    "CircularImportError": "_errors",
    "ConflictError": "_errors",
    "DirectoryNotFound": "_errors",
    "Error": "_errors",
    "InvalidNamespace": "_errors",
    "NameError": "_errors",
    "NotManaged": "_errors",
    "PyautoloadError": "_errors",
    "SetupRequired": "_errors",
    "Inflector": "_inflector",
    "NullInflector": "_inflector",
    "PackageInflector": "_inflector",
    "Loader": "_loader",
    "__version__": "__about__",
    "all_dirs": "_broadcast",
    "eager_load_all": "_broadcast",
    "eager_load_namespace": "_broadcast",
    "loaders": "_broadcast",
    "Entry": "_registry",
    "Registry": "_introspect",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pyautoload' has no attribute {name!r}", name=name)
    module = __import__(f"pyautoload.{home}", fromlist=["_"])
    value = getattr(module, "PyautoloadError" if name == "Error" else name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
