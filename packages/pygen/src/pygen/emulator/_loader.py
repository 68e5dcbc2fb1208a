"""Loading YAML into the emulator: data models (read or write format), containers and instances.

A read-format model (views inlined, as `pygen` and the DMS API return it) may reference containers
that are not given: they are synthesised from the view properties (container, property identifier,
type). `{{ name }}` placeholders (Cognite toolkit templates) are filled from `variables`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pygen.emulator._errors import ModelLoadError, RequestError
from pygen.emulator._schema import container_key
from pygen.emulator._service import DMSService

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_VIEW_FIELDS = ("space", "externalId", "version", "name", "description", "filter", "implements")
_MAPPED_FIELDS = ("container", "containerPropertyIdentifier", "name", "description")
_CONTAINER_PROPERTY_FIELDS = ("nullable", "immutable", "autoIncrement", "defaultValue", "description")


def read_yaml(path: Path, variables: dict[str, str] | None = None) -> Any:
    """Parse a YAML file after filling `{{ name }}` placeholders; a ModelLoadError names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelLoadError(path, f"cannot read: {exc.strerror}") from exc

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if variables is None or name not in variables:
            raise ModelLoadError(path, f"placeholder {{{{ {name} }}}} has no value")
        return variables[name]

    try:
        return yaml.safe_load(_PLACEHOLDER.sub(fill, text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ModelLoadError(path, f"invalid YAML{where}: {exc}") from exc


def view_to_apply(view: dict[str, Any]) -> dict[str, Any]:
    """The write form of a (read-format) view."""
    body = {k: view[k] for k in _VIEW_FIELDS if k in view and view[k] is not None}
    properties = {}
    for name, prop in (view.get("properties") or {}).items():
        if "container" in prop:
            mapped = {k: prop[k] for k in _MAPPED_FIELDS if k in prop and prop[k] is not None}
            source = prop.get("source") or (prop.get("type") or {}).get("source")
            if source:
                mapped["source"] = source
            properties[name] = mapped
        else:
            properties[name] = dict(prop)
    body["properties"] = properties
    return body


def synthesise_containers(
    views: list[dict[str, Any]], existing: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Containers for the mapped properties of read-format views whose containers are not in `existing`."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for view in views:
        for prop in (view.get("properties") or {}).values():
            if "container" not in prop or "type" not in prop:
                continue
            key = container_key(prop["container"])
            if key in existing:
                continue
            container = found.setdefault(
                key,
                {
                    "space": key[0],
                    "externalId": key[1],
                    "properties": {},
                    "usedFor": view.get("usedFor", "node"),
                },
            )
            if container["usedFor"] != view.get("usedFor", "node"):
                container["usedFor"] = "all"
            ptype = {k: v for k, v in prop["type"].items() if k != "source"}
            cprop = {"type": ptype, **{k: prop[k] for k in _CONTAINER_PROPERTY_FIELDS if k in prop}}
            container["properties"].setdefault(prop["containerPropertyIdentifier"], cprop)
    return list(found.values())


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class Loader:
    """Loads YAML files into a `DMSService`.

    Args:
        service: the emulator's service.
        variables: values of `{{ name }}` placeholders.
        is_global: mark loaded schema as global (listed only with `includeGlobal`).
    """

    def __init__(
        self, service: DMSService, *, variables: dict[str, str] | None = None, is_global: bool = False
    ) -> None:
        self.service = service
        self.variables = variables
        self.is_global = is_global

    def load(self, path: Path | str) -> dict[str, int]:
        """Load a file or every `*.yaml`/`*.yml` file of a directory (containers, then models, then instances).

        Returns:
            How many items of each kind were loaded.
        """
        path = Path(path)
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")) if path.is_dir() else [path]
        )
        documents = [(f, read_yaml(f, self.variables)) for f in files]
        counts = {"spaces": 0, "containers": 0, "views": 0, "datamodels": 0, "instances": 0}
        for rank in ("container", "model", "instances"):
            for file, document in documents:
                if _kind(file, document) == rank:
                    self._load_checked(file, document, rank, counts)
        return counts

    def _apply(self, file: Path, resource: str, items: list[dict[str, Any]], counts: dict[str, int]) -> None:
        try:
            for chunk in _chunks(items, 100):
                self.service.apply_schema(resource, {"items": chunk}, is_global=self.is_global)
        except RequestError as exc:
            raise ModelLoadError(file, f"{resource}: {exc.message}") from exc
        counts[resource] += len(items)

    def _spaces(self, file: Path, spaces: set[str], counts: dict[str, int]) -> None:
        new = sorted(s for s in spaces if s not in self.service.schema.spaces)
        if new:
            self._apply(file, "spaces", [{"space": s} for s in new], counts)

    def _load_checked(self, file: Path, document: Any, kind: str, counts: dict[str, int]) -> None:
        try:
            self._load_document(file, document, kind, counts)
        except ModelLoadError:
            raise
        except RequestError as exc:
            raise ModelLoadError(file, exc.message) from exc
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ModelLoadError(file, f"malformed {kind}: {type(exc).__name__}: {exc}") from exc

    def _load_document(self, file: Path, document: Any, kind: str, counts: dict[str, int]) -> None:
        if kind == "container":
            containers = document if isinstance(document, list) else [document]
            self._spaces(file, {c["space"] for c in containers}, counts)
            self._apply(file, "containers", containers, counts)
        elif kind == "model":
            self._load_model(file, document, counts)
        else:
            counts["instances"] += self.load_instances(file, document)

    def _load_model(self, file: Path, model: dict[str, Any], counts: dict[str, int]) -> None:
        views = [v for v in model.get("views") or [] if "properties" in v or "implements" in v]
        spaces = {model["space"], *(v["space"] for v in views)}
        spaces |= {
            p["container"]["space"]
            for v in views
            for p in (v.get("properties") or {}).values()
            if "container" in p
        }
        self._spaces(file, spaces, counts)
        synthesised = synthesise_containers(views, set(self.service.schema.containers))
        if synthesised:
            self._apply(file, "containers", synthesised, counts)
        if views:
            self._apply(file, "views", [view_to_apply(v) for v in views], counts)
        refs = [{k: v[k] for k in ("space", "externalId", "version")} for v in model.get("views") or []]
        body = {
            k: model[k]
            for k in ("space", "externalId", "version", "name", "description")
            if model.get(k) is not None
        }
        self._apply(file, "datamodels", [{**body, "views": refs}], counts)

    def load_instances(self, file: Path, items: list[dict[str, Any]]) -> int:
        """Apply read-format (or write-format) nodes and edges; returns how many."""
        writes = [instance_to_apply(item) for item in items]
        spaces = {w["space"] for w in writes}
        self._spaces(file, spaces, {"spaces": 0})
        flags = {"autoCreateDirectRelations": True, "autoCreateStartNodes": True, "autoCreateEndNodes": True}
        try:
            for chunk in _chunks(writes, 1000):
                self.service.apply_instances({"items": chunk, **flags})
        except RequestError as exc:
            raise ModelLoadError(file, f"instances: {exc.message}") from exc
        return len(writes)


def instance_to_apply(item: dict[str, Any]) -> dict[str, Any]:
    """The write form of a (read-format) node or edge: `properties` become `sources`."""
    if "sources" in item or not isinstance(item.get("properties"), dict):
        return {k: v for k, v in item.items() if k not in ("version", "createdTime", "lastUpdatedTime")}
    body: dict[str, Any] = {
        k: item[k]
        for k in ("instanceType", "space", "externalId", "type", "startNode", "endNode")
        if k in item
    }
    body.setdefault("instanceType", "node")
    sources = []
    for space, views in item["properties"].items():
        for source, values in views.items():
            if not values:  # a read-format entry of a view without containers
                continue
            external_id, _, version = source.partition("/")
            ref: dict[str, Any] = {"space": space, "externalId": external_id}
            ref.update({"type": "view", "version": version} if version else {"type": "container"})
            sources.append({"source": ref, "properties": values})
    body["sources"] = sources
    return body


def _kind(file: Path, document: Any) -> str:
    if isinstance(document, list):
        if all(isinstance(i, dict) and ("instanceType" in i or "startNode" in i) for i in document):
            return "instances"
        if all(isinstance(i, dict) and "properties" in i and "version" not in i for i in document):
            return "container"
    elif isinstance(document, dict):
        if "views" in document and "version" in document:
            return "model"
        if "properties" in document and "externalId" in document and "version" not in document:
            return "container"
    raise ModelLoadError(file, "not a data model, container or instance list")
