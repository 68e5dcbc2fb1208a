"""The base of a generated SDK client: one attribute per view API, imported on first use."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pygen.client import AsyncDMSClient, DMSClient


class GeneratedClient:
    """Holds the DMS clients; `sdk.<view>` builds that view's API the first time it is read.

    Args:
        client: The sync DMS client (for the plain methods).
        async_client: The async DMS client (for the `a`-prefixed methods).
        instance_space: The space of bare external ids in `retrieve` and `delete`.
    """

    _apis: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(
        self,
        client: DMSClient | None = None,
        async_client: AsyncDMSClient | None = None,
        *,
        instance_space: str | None = None,
    ) -> None:
        self._client = client
        self._async_client = async_client
        self._instance_space = instance_space

    def __getattr__(self, name: str) -> Any:
        target = type(self)._apis.get(name)
        if target is None:
            raise AttributeError(f"{type(self).__name__} has no view API {name!r}")
        cls = getattr(importlib.import_module(target[0]), target[1])
        api = cls(self._client, self._async_client, instance_space=self._instance_space)
        setattr(self, name, api)
        return api

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *type(self)._apis})
