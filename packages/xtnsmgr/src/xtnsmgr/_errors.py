"""Errors of xtnsmgr.

XtnsmgrError
├── ExtensionConfigError (ValueError)        a bad specification or host configuration: never retried
├── ExtensionInstallationError               the installer failed: carries its own message
├── ExtensionImportError (ImportError)       an extension module could not be imported
├── ExtensionRegistrationError               an extension's register function failed or is missing
└── ExtensionConflictError                   extensions need different versions of one distribution

StaleExtensionWarning (UserWarning)          an expired entry is served because a refresh failed
"""

from __future__ import annotations

from collections.abc import Mapping


class XtnsmgrError(Exception):
    """Base of every error this package raises."""


class ExtensionConfigError(XtnsmgrError, ValueError):
    """A specification or an extension configuration is malformed.

    Attributes:
        spec: the offending specification or configuration entry, as given.
        reason: what is wrong with it, in a few words.
    """

    def __init__(self, spec: object, reason: str) -> None:
        super().__init__(f"invalid extension specification {spec!r}: {reason}")
        self.spec = spec
        self.reason = reason


class ExtensionInstallationError(XtnsmgrError):
    """The installer could not install a specification.

    Attributes:
        spec: the specification (or specifications, joined) being installed.
        installer: the installer command name (``uv`` or ``pip``).
        returncode: the installer's exit status (``None`` on a timeout or a missing installer).
        output: the installer's own error output.
        transient: whether the failure looks like a network problem worth retrying.
    """

    def __init__(
        self,
        spec: str,
        output: str,
        *,
        installer: str = "",
        returncode: int | None = None,
        transient: bool = False,
    ) -> None:
        super().__init__(f"cannot install {spec!r} with {installer or 'the installer'}: {output.strip()}")
        self.spec = spec
        self.installer = installer
        self.returncode = returncode
        self.output = output
        self.transient = transient


class ExtensionImportError(XtnsmgrError, ImportError):
    """An extension module could not be imported.

    Attributes:
        module: the dotted module name.
    """

    def __init__(self, module: str, reason: str) -> None:
        super().__init__(f"cannot import extension module {module!r}: {reason}", name=module)
        self.module = module


class ExtensionRegistrationError(XtnsmgrError):
    """An extension has no registration function, or it raised.

    Attributes:
        extension: the extension's configured name.
    """

    def __init__(self, extension: str, reason: str) -> None:
        super().__init__(f"cannot register extension {extension!r}: {reason}")
        self.extension = extension


class ExtensionConflictError(XtnsmgrError):
    """Two or more extensions need different versions of the same distribution.

    Attributes:
        conflicts: distribution name -> {extension name -> version it brings}.
    """

    def __init__(self, conflicts: Mapping[str, Mapping[str, str]]) -> None:
        parts = [
            f"{dist} ({', '.join(f'{ext}: {ver}' for ext, ver in sorted(by_ext.items()))})"
            for dist, by_ext in sorted(conflicts.items())
        ]
        super().__init__("extensions need different versions of: " + "; ".join(parts))
        self.conflicts = {dist: dict(by_ext) for dist, by_ext in conflicts.items()}


class StaleExtensionWarning(UserWarning):
    """An expired cache entry is served because it could not be refreshed (offline or index failure)."""
