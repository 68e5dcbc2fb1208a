"""Zeitwerk-style autoloader for Python: names resolve lazily by file convention; eager loading.

```python
import pyautoload

loader = pyautoload.Loader()
loader.push_dir("src/app", namespace="app")
loader.setup()

import app
app.models.HtmlParser  # imports src/app/models/html_parser.py on first use, then a dict hit
```

Importing this package is cheap: no ``ast``, ``difflib``, ``logging``, ``threading``,
``typing`` or ``importlib.abc``; those load only when used.
"""

from __future__ import annotations

from pyautoload.__about__ import __version__
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
from pyautoload._inflector import Inflector, NullInflector, PackageInflector
from pyautoload._loader import Loader, all_dirs, eager_load_all, eager_load_namespace, loaders
from pyautoload._registry import Entry, Registry

Error = PyautoloadError

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
