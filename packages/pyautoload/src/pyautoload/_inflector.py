"""Inflectors: from a file's basename to the name it must define.

``html_parser`` → ``HtmlParser`` by default; exact overrides with ``inflect({...})``, acronyms
kept upper case (``acronyms={"HTML"}``: ``html_parser`` → ``HTMLParser``), ``PackageInflector``
maps the root's ``version.py`` to ``VERSION``, ``NullInflector`` keeps the basename.
Subclass ``Inflector`` and override ``camelize(basename, abspath)`` for anything else.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class Inflector:
    """The default inflector: snake_case basenames to CamelCase names.

    Args:
        acronyms: words kept upper case when they form a whole segment (``{"HTML", "API"}``).
        overrides: exact basename → name pairs, checked before the rule (same as ``inflect``).
    """

    def __init__(self, *, acronyms: Iterable[str] = (), overrides: Mapping[str, str] | None = None) -> None:
        self._acronyms = {word.lower(): word.upper() for word in acronyms}
        self._overrides: dict[str, str] = dict(overrides or {})

    @property
    def acronyms(self) -> frozenset[str]:
        """The acronyms, upper case."""
        return frozenset(self._acronyms.values())

    @property
    def overrides(self) -> Mapping[str, str]:
        """The exact basename overrides registered with ``inflect``."""
        return dict(self._overrides)

    def inflect(self, overrides: Mapping[str, str]) -> None:
        """Register exact overrides: ``inflect({"html_parser": "HTMLParser"})``.

        Args:
            overrides: basename (without ``.py``) → the name the file defines.
        """
        self._overrides.update(overrides)

    def add_acronyms(self, *words: str) -> None:
        """Add words kept upper case: ``add_acronyms("HTML", "API")``."""
        self._acronyms.update({word.lower(): word.upper() for word in words})

    def camelize(self, basename: str, abspath: str) -> str:
        """Return the name a file or directory basename defines.

        Args:
            basename: the file name without ``.py``.
            abspath: the absolute path of the file (for inflectors that depend on location).

        Returns:
            The expected name, such as ``HtmlParser`` for ``html_parser``.
        """
        override = self._overrides.get(basename)
        if override is not None:
            return override
        acronyms = self._acronyms
        if not acronyms:  # the common case, once per file of every level read: kept to one pass
            return "".join([part[:1].upper() + part[1:].lower() for part in basename.split("_")])
        return "".join(
            [
                acronyms.get(part.lower()) or part[:1].upper() + part[1:].lower()
                for part in basename.split("_")
            ]
        )


class PackageInflector(Inflector):
    """The inflector of a library: its root ``version.py`` defines ``VERSION``.

    Args:
        root: the root directory of the package (the one given to ``push_dir``).
        acronyms: as for ``Inflector``.
        overrides: as for ``Inflector``.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        acronyms: Iterable[str] = (),
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(acronyms=acronyms, overrides=overrides)
        self.version_file = os.path.join(os.path.abspath(root), "version.py")

    def camelize(self, basename: str, abspath: str) -> str:
        """Like ``Inflector.camelize``, but the root ``version.py`` defines ``VERSION``."""
        if abspath == self.version_file:
            return "VERSION"
        return super().camelize(basename, abspath)


class NullInflector(Inflector):
    """An inflector that keeps basenames as they are (``User.py`` defines ``User``)."""

    def camelize(self, basename: str, abspath: str) -> str:
        """Return ``basename`` unchanged (overrides from ``inflect`` still apply)."""
        return self._overrides.get(basename, basename)
