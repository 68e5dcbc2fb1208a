"""Errors of pyautoload: one hierarchy, context as attributes.

PyautoloadError (also exported as ``pyautoload.Error``)
├── NameError (ImportError)            a file does not define the name the convention expects
├── CircularImportError (ImportError)  an autoload needs itself, directly or through others
├── ConflictError                      two files claim one module (``hotel.py`` + ``hotel/__init__.py``),
│                                      or one directory is managed by two loaders
├── DirectoryNotFound (FileNotFoundError)  ``push_dir`` of a missing directory
├── InvalidNamespace (ValueError)      a namespace that is not a dotted Python name
├── NotManaged (LookupError)           a path or module that no loader manages
└── SetupRequired                      eager loading or introspection before ``setup()``

``pyautoload.NameError`` derives from ``ImportError`` rather than from both ``ImportError`` and
``AttributeError``: CPython 3.11-3.13 refuses a class with both, whichever way it gets them: as
bases ("multiple bases have instance lay-out conflict"), through a metaclass ``mro()`` ("mro()
returned base with unsuitable layout"), by assigning ``__bases__`` or an instance's ``__class__``
(each C base adds its own fields to the instance); and ``except`` clauses match on the real MRO,
never on ``__subclasscheck__``, so an ABC registration does not help either. Of the two,
``ImportError`` is the base under which the error behaves right where it reaches users:

- ``app.models.HtmlParser``: raised as is (``except ImportError`` catches it);
- ``from app.models import HtmlParser`` (and ``from . import HtmlParser``): the explanation comes
  through, where the interpreter swaps any ``AttributeError`` for a bare "cannot import name";
- ``hasattr()`` and ``getattr(module, name, default)``: a broken file surfaces instead of reading
  as a missing name. A name with no file at all stays a plain ``AttributeError``, so both behave
  as usual for it.
"""

from __future__ import annotations

import builtins


class PyautoloadError(Exception):
    """Base of every error this package raises."""

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with the context attributes (the keyword-only constructors cannot be replayed).

        Errors cross process boundaries (multiprocessing, test runners with workers) by pickle.
        """
        state = dict(self.__dict__)
        if isinstance(self, builtins.ImportError):
            state.update(name=self.name, path=self.path, msg=self.msg)
        return _rebuild, (type(self), self.args, state)


def _rebuild(
    cls: type[PyautoloadError], args: tuple[object, ...], state: dict[str, object]
) -> PyautoloadError:
    """Unpickle an error: its arguments and attributes, without running its constructor."""
    error = cls.__new__(cls)
    error.args = args
    for key, value in state.items():
        setattr(error, key, value)
    return error


class NameError(PyautoloadError, builtins.ImportError):
    """A file does not define the name its path promises.

    An ``ImportError``, not also an ``AttributeError`` (CPython refuses both bases): so the
    explanation survives ``from app.models import HtmlParser``, and ``hasattr()`` or
    ``getattr(module, name, default)`` surface the broken file instead of hiding it. See the
    module docstring for what was tried.

    Attributes:
        name: the expected fully qualified name (``app.models.HtmlParser``).
        path: the file that should define it.
        module: the module the file was imported as (``app.models.html_parser``).
        expected: the expected attribute (``HtmlParser``).
        defined: the public names the file does define, sorted.
        suggestion: the closest defined name, or ``None``.
        inflect_hint: an ``inflect({...})`` line that would fix an acronym mismatch, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str,
        path: str,
        module: str,
        expected: str,
        defined: tuple[str, ...],
        suggestion: str | None,
        inflect_hint: str | None,
    ) -> None:
        super().__init__(message, name=name, path=path)
        self.module = module
        self.expected = expected
        self.defined = defined
        self.suggestion = suggestion
        self.inflect_hint = inflect_hint


class CircularImportError(PyautoloadError, builtins.ImportError):
    """An autoload needs its own result before it is ready.

    Attributes:
        chain: the names being autoloaded, outermost first, ending with the one asked again.
        paths: the file of each name in ``chain`` (``None`` where unknown).
    """

    def __init__(self, message: str, *, chain: tuple[str, ...], paths: tuple[str | None, ...]) -> None:
        super().__init__(message, name=chain[-1] if chain else None, path=paths[-1] if paths else None)
        self.chain = chain
        self.paths = paths


class ConflictError(PyautoloadError):
    """Two sources claim the same module, or two loaders the same directory.

    Attributes:
        path: the first source.
        other: the source that conflicts with it.
    """

    def __init__(self, message: str, *, path: str, other: str) -> None:
        super().__init__(message)
        self.path = path
        self.other = other


class DirectoryNotFound(PyautoloadError, FileNotFoundError):
    """``push_dir`` was given a path that is not a directory.

    Attributes:
        path: the path as given, made absolute.
    """

    def __init__(self, path: str) -> None:
        super().__init__(f"pyautoload: root directory {path} does not exist or is not a directory")
        self.path = path


class InvalidNamespace(PyautoloadError, ValueError):
    """A namespace that is not a dotted Python name (``app``, ``acme.plugins``).

    Attributes:
        namespace: the rejected value.
    """

    def __init__(self, namespace: str, reason: str) -> None:
        super().__init__(f"pyautoload: invalid namespace {namespace!r}: {reason}")
        self.namespace = namespace


class NotManaged(PyautoloadError, LookupError):
    """A path or module that this loader (or any loader) does not manage.

    Attributes:
        target: the path or module name asked for.
    """

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"pyautoload: {target} is not managed: {reason}")
        self.target = target


class SetupRequired(PyautoloadError):
    """The loader must be set up (``loader.setup()``) before this call."""

    def __init__(self, action: str) -> None:
        super().__init__(f"pyautoload: call loader.setup() before {action}")
        self.action = action
