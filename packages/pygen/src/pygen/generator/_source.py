"""Where a model comes from: local files, or a CDF project (or emulator) through `pygen.client`.

`[tool.pygen]` in `pyproject.toml` names the project and data models; credentials come from the
environment or a secrets file (`KEY=value` lines), never from `pyproject.toml`:

| variable | meaning |
| --- | --- |
| `PYGEN_TOKEN` | a bearer token |
| `PYGEN_CLIENT_ID`, `PYGEN_CLIENT_SECRET`, `PYGEN_TOKEN_URL` | OAuth client credentials |
| `PYGEN_SCOPES` | space-separated scopes for the client credentials flow |
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pygen._errors import ModelError
from pygen.ir import Model, load_model_file, parse_data_models

if TYPE_CHECKING:
    from pygen.client import Credentials, DMSClient

_DATA_MODEL = re.compile(r"^(?P<space>[^:/]+):(?P<external_id>[^:/]+)(?:/(?P<version>[^:/]+))?$")


@dataclass
class GenerateConfig:
    """The `[tool.pygen]` table: where to read models and where to write the SDK."""

    base_url: str | None = None
    project: str | None = None
    data_models: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    output: str | None = None
    package: str | None = None
    secrets: str | None = None


def read_config(path: str | Path | None) -> GenerateConfig:
    """`[tool.pygen]` of a pyproject.toml (an empty config when there is none).

    Raises:
        ModelError: The file is not valid TOML or the table has unknown keys.
    """
    if path is None:
        return GenerateConfig()
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("pygen", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ModelError(f"cannot read [tool.pygen]: {error}", path=str(path)) from None
    known = set(GenerateConfig.__dataclass_fields__)
    keys = {key.replace("-", "_"): value for key, value in table.items()}
    unknown = sorted(set(keys) - known)
    if unknown:
        raise ModelError(f"unknown keys in [tool.pygen]: {', '.join(unknown)}", path=str(path))
    return GenerateConfig(**keys)


def parse_data_model_id(text: str) -> tuple[str, str, str | None]:
    """`space:externalId/version` (version optional) -> (space, external id, version)."""
    match = _DATA_MODEL.match(text.strip())
    if match is None:
        raise ModelError(f"not a data model id (space:externalId/version): {text!r}")
    return match["space"], match["external_id"], match["version"]


def credentials_from(environment: Mapping[str, str]) -> Credentials | None:
    """Credentials from `PYGEN_*` variables (a token, or OAuth client credentials), or None."""
    from pygen.client import OAuthClientCredentials, Token

    if environment.get("PYGEN_TOKEN"):
        return Token(environment["PYGEN_TOKEN"])
    keys = ("PYGEN_TOKEN_URL", "PYGEN_CLIENT_ID", "PYGEN_CLIENT_SECRET")
    if all(environment.get(key) for key in keys):
        scopes = environment.get("PYGEN_SCOPES", "").split() or None
        return OAuthClientCredentials(*(environment[key] for key in keys), scopes=scopes)
    return None


def read_secrets(path: str | Path | None) -> dict[str, str]:
    """The environment overlaid with a secrets file of `KEY=value` lines (if given)."""
    environment = dict(os.environ)
    if path is not None:
        from dotenv import dotenv_values

        if not Path(path).is_file():
            raise ModelError("the secrets file does not exist", path=str(path))
        environment.update({key: value for key, value in dotenv_values(path).items() if value is not None})
    return environment


def fetch_model(client: DMSClient, data_models: Sequence[str], *, name: str | None = None) -> Model:
    """Read data models (views inlined) from CDF or an emulator and parse them into one model.

    Raises:
        ModelError: A data model is missing on the server.
    """
    from pygen.dms import DataModelId

    ids = [DataModelId(*parse_data_model_id(text)) for text in data_models]
    found = client.data_models.retrieve(ids, inline_views=True)
    if len(found) < len(ids):
        have = {(m.space, m.external_id) for m in found}
        missing = [
            text
            for text, id_ in zip(data_models, ids, strict=True)
            if (id_.space, id_.external_id) not in have
        ]
        raise ModelError(f"data models not found: {', '.join(missing)}")
    raw: list[Any] = [model.dump() for model in found]
    return parse_data_models(raw, name=name)


def load_files(files: Sequence[str | Path], *, name: str | None = None) -> Model:
    """One model from one or several local files (each a data model or a list)."""
    if len(files) == 1:
        return load_model_file(files[0], name=name)
    models = [load_model_file(path) for path in files]
    merged = models[0]
    seen = {cls.view for cls in merged.classes}
    classes = list(merged.classes)
    enums = {enum.name: enum for enum in merged.enums}
    for model in models[1:]:
        classes += [cls for cls in model.classes if cls.view not in seen]
        seen |= {cls.view for cls in model.classes}
        enums.update({enum.name: enum for enum in model.enums if enum.name not in enums})
    return replace(
        merged,
        data_models=tuple(ref for model in models for ref in model.data_models),
        classes=tuple(classes),
        enums=tuple(sorted(enums.values(), key=lambda enum: enum.name)),
    )
