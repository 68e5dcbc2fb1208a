"""Spaces, containers, views and data models of the emulator: validation, versions, inheritance."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from pygen.emulator._errors import bad_request, quoted_ids
from pygen.emulator._store import Store

SchemaKey = tuple[str, str, str]
"""`(space, external_id, version)`; version is `""` for spaces and containers."""

_PROPERTY_TYPES = {
    "text",
    "int32",
    "int64",
    "float32",
    "float64",
    "boolean",
    "timestamp",
    "date",
    "json",
    "direct",
    "enum",
    "timeseries",
    "file",
    "sequence",
}


_REFERENCE_KEYS = {"space", "externalId", "version", "type"}


def now_ms() -> int:
    """Milliseconds since the epoch, as DMS timestamps are."""
    return int(time.time() * 1000)


def _ref(space: str, external_id: str, version: str | None = None) -> dict[str, str]:
    ref = {"space": space, "externalId": external_id}
    if version is not None:
        ref["version"] = version
    return ref


def view_key(ref: dict[str, Any]) -> SchemaKey:
    """The key of a view reference."""
    return (ref["space"], ref["externalId"], str(ref.get("version", "")))


def container_key(ref: dict[str, Any]) -> tuple[str, str]:
    """The key of a container reference."""
    return (ref["space"], ref["externalId"])


def _container_property(raw: dict[str, Any], name: str) -> dict[str, Any]:
    ptype = dict(raw.get("type") or {})
    kind = ptype.get("type")
    if kind not in _PROPERTY_TYPES:
        raise bad_request(f"Property '{name}' has an unknown type: {kind!r}.")
    if kind != "enum":
        ptype.setdefault("list", False)
    if kind == "text":
        ptype.setdefault("collation", "ucs_basic")
    if kind == "enum" and not ptype.get("values"):
        raise bad_request(f"Enum property '{name}' must have at least one value.")
    prop = {
        "type": ptype,
        "nullable": raw.get("nullable", True),
        "autoIncrement": raw.get("autoIncrement", False),
        "immutable": raw.get("immutable", False),
        "defaultValue": raw.get("defaultValue"),
        "constraintState": {},
    }
    for key in ("name", "description"):
        if key in raw:
            prop[key] = raw[key]
    return {**raw, **prop}


class Schema:
    """The schema of one emulator, cached in memory and written through to the store."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.spaces: dict[str, dict[str, Any]] = {s["space"]: s for s in store.schema_items("space")}
        self.containers: dict[tuple[str, str], dict[str, Any]] = {
            container_key(c): c for c in store.schema_items("container")
        }
        self.views: dict[SchemaKey, dict[str, Any]] = {view_key(v): v for v in store.schema_items("view")}
        self.data_models: dict[SchemaKey, dict[str, Any]] = {
            view_key(m): m for m in store.schema_items("datamodel")
        }
        self._resolved: dict[SchemaKey, dict[str, Any]] = {}

    # --- apply ----------------------------------------------------------------------------

    def _stamp(
        self, item: dict[str, Any], previous: dict[str, Any] | None, is_global: bool
    ) -> dict[str, Any]:
        now = now_ms()
        return {
            **item,
            "isGlobal": previous.get("isGlobal", is_global) if previous else is_global,
            "createdTime": previous["createdTime"] if previous else now,
            "lastUpdatedTime": now,
        }

    def _require_space(self, space: str) -> None:
        if space not in self.spaces:
            raise bad_request(f"One or more spaces do not exist: {space}", missing=[{"space": space}])

    def apply_spaces(self, items: list[dict[str, Any]], *, is_global: bool = False) -> list[dict[str, Any]]:
        """Create or update spaces."""
        _no_duplicates(items, lambda i: (i.get("space"),), "space")
        result = []
        for item in items:
            space = item.get("space")
            if not isinstance(space, str) or not space:
                raise bad_request("Space identifier is required.")
            body = self._stamp(
                {k: v for k, v in item.items() if k in ("space", "name", "description")},
                self.spaces.get(space),
                is_global,
            )
            self.spaces[space] = body
            self._store.put_schema_item("space", (space, "", ""), body)
            result.append(body)
        return result

    def apply_containers(
        self, items: list[dict[str, Any]], *, is_global: bool = False
    ) -> list[dict[str, Any]]:
        """Create or update containers, checking property types and constraints."""
        _no_duplicates(items, lambda i: (i.get("space"), i.get("externalId")), "container")
        result = []
        for item in items:
            self._require_space(item["space"])
            properties = item.get("properties") or {}
            if not properties:
                raise bad_request(
                    f"Container {item['space']}:{item['externalId']} must have at least one property."
                )
            body: dict[str, Any] = {
                "space": item["space"],
                "externalId": item["externalId"],
                **{k: item[k] for k in ("name", "description") if k in item},
                "properties": {name: _container_property(p, name) for name, p in properties.items()},
                "usedFor": item.get("usedFor", "node"),
                "constraints": _with_state(item.get("constraints")),
                "indexes": _with_state(item.get("indexes")),
            }
            key = container_key(item)
            body = self._stamp(body, self.containers.get(key), is_global)
            self.containers[key] = body
            self._store.put_schema_item("container", (*key, ""), body)
            result.append(body)
        self._resolved.clear()
        return result

    def apply_views(self, items: list[dict[str, Any]], *, is_global: bool = False) -> list[dict[str, Any]]:
        """Create or update views, checking their containers and implemented views exist."""
        _no_duplicates(items, view_key, "view")
        pending = {view_key(v) for v in items}
        for item in items:
            self._require_space(item["space"])
            self._check_view_references(item, pending)
        for item in items:
            key = view_key(item)
            body = self._stamp(
                {k: v for k, v in item.items() if k not in ("isGlobal", "createdTime", "lastUpdatedTime")},
                self.views.get(key),
                is_global,
            )
            body.setdefault("implements", [])
            body.setdefault("properties", {})
            self.views[key] = body
            self._store.put_schema_item("view", key, body)
        self._resolved.clear()
        return [self.resolve_view(view_key(item)) for item in items]

    def _check_view_references(self, item: dict[str, Any], pending: set[SchemaKey]) -> None:
        missing_containers = []
        for name, prop in (item.get("properties") or {}).items():
            if "container" in prop:
                key = container_key(prop["container"])
                container = self.containers.get(key)
                if container is None:
                    missing_containers.append(_ref(*key))
                elif prop.get("containerPropertyIdentifier") not in container["properties"]:
                    raise bad_request(
                        f"View property '{name}' maps to '{prop.get('containerPropertyIdentifier')}', "
                        f"which does not exist in container {key[0]}:{key[1]}."
                    )
        if missing_containers:
            raise bad_request(
                f"Cannot update view {quoted_ids([item])}, Referenced container does not exist: "
                f"{quoted_ids(missing_containers)}.",
                missing=missing_containers,
            )
        missing_views = [
            _ref(*view_key(ref))
            for ref in item.get("implements") or []
            if view_key(ref) not in self.views and view_key(ref) not in pending
        ]
        if missing_views:
            raise bad_request(
                f"One or more views do not exist: {quoted_ids(missing_views)}", missing=missing_views
            )

    def apply_data_models(
        self, items: list[dict[str, Any]], *, is_global: bool = False
    ) -> list[dict[str, Any]]:
        """Create or update data models; inline views are applied as views."""
        _no_duplicates(items, view_key, "data model")
        for item in items:
            self._require_space(item["space"])
        inline = [v for item in items for v in item.get("views") or [] if set(v) - _REFERENCE_KEYS]
        if inline:
            self.apply_views(inline, is_global=is_global)
        result = []
        for item in items:
            refs = [{**_ref(*view_key(v)), "type": "view"} for v in item.get("views") or []]
            missing = [_ref(*view_key(r)) for r in refs if view_key(r) not in self.views]
            if missing:
                raise bad_request(f"One or more views do not exist: {quoted_ids(missing)}", missing=missing)
            key = view_key(item)
            body: dict[str, Any] = {
                "space": item["space"],
                "externalId": item["externalId"],
                **{k: item[k] for k in ("name", "description") if k in item},
                "version": str(item["version"]),
                "views": refs,
            }
            body = self._stamp(body, self.data_models.get(key), is_global)
            self.data_models[key] = body
            self._store.put_schema_item("datamodel", key, body)
            result.append(body)
        return result

    # --- read -----------------------------------------------------------------------------

    def resolve_view(self, key: SchemaKey) -> dict[str, Any]:
        """The read form of a view: inherited properties expanded, container types filled in."""
        cached = self._resolved.get(key)
        if cached is not None:
            return cached
        definition = self.views[key]
        properties = self._inherited_properties(key, set())
        mapped_containers = {container_key(p["container"]) for p in properties.values() if "container" in p}
        used = {self.containers[c]["usedFor"] for c in mapped_containers if c in self.containers}
        body: dict[str, Any] = {
            "space": definition["space"],
            "externalId": definition["externalId"],
            **{k: definition[k] for k in ("name", "description", "filter") if k in definition},
            "implements": [{**_ref(*view_key(r)), "type": "view"} for r in definition.get("implements", [])],
            "version": definition["version"],
            "writable": self._writable(properties, mapped_containers),
            "usedFor": used.pop() if len(used) == 1 else "all",
            "isGlobal": definition["isGlobal"],
            "properties": properties,
            "lastUpdatedTime": definition["lastUpdatedTime"],
            "createdTime": definition["createdTime"],
        }
        self._resolved[key] = body
        return body

    def _inherited_properties(self, key: SchemaKey, seen: set[SchemaKey]) -> dict[str, dict[str, Any]]:
        if key in seen or key not in self.views:
            return {}
        seen = seen | {key}
        definition = self.views[key]
        properties: dict[str, dict[str, Any]] = {}
        for parent in definition.get("implements", []):
            properties.update(self._inherited_properties(view_key(parent), seen))
        for name, prop in definition.get("properties", {}).items():
            properties[name] = self._read_property(name, prop)
        return properties

    def _read_property(self, name: str, prop: dict[str, Any]) -> dict[str, Any]:
        if "container" not in prop:
            read = dict(prop)
            read.setdefault("name", name)
            read.setdefault("description", None)
            if "through" in prop:
                read.setdefault("connectionType", "multi_reverse_direct_relation")
            else:
                read.setdefault("connectionType", "multi_edge_connection")
                read.setdefault("direction", "outwards")
                read.setdefault("edgeSource", None)
            return read
        container = self.containers[container_key(prop["container"])]
        cprop = container["properties"][prop["containerPropertyIdentifier"]]
        ptype = dict(cprop["type"])
        read = {
            "container": {"space": container["space"], "externalId": container["externalId"]},
            "containerPropertyIdentifier": prop["containerPropertyIdentifier"],
            "type": ptype,
            "nullable": cprop["nullable"],
            "immutable": cprop["immutable"],
            "autoIncrement": cprop["autoIncrement"],
        }
        if ptype.get("type") == "direct" and prop.get("source"):
            ptype["source"] = _ref(*view_key(prop["source"]))
        else:
            read["source"] = None
        read["defaultValue"] = cprop.get("defaultValue")
        read["name"] = prop.get("name", name)
        read["description"] = prop.get("description", cprop.get("description"))
        return read

    def _writable(self, properties: dict[str, dict[str, Any]], containers: set[tuple[str, str]]) -> bool:
        if not containers:
            return False
        mapped = {
            (container_key(p["container"]), p["containerPropertyIdentifier"])
            for p in properties.values()
            if "container" in p
        }
        for key in containers:
            for name, cprop in self.containers[key]["properties"].items():
                required = not cprop["nullable"] and cprop.get("defaultValue") is None
                if required and (key, name) not in mapped:
                    return False
        return True

    def latest_view(self, space: str, external_id: str) -> SchemaKey | None:
        """The key of the latest version of a view."""
        versions = [k for k in self.views if k[0] == space and k[1] == external_id]
        if not versions:
            return None
        return max(versions, key=lambda k: (self.views[k]["createdTime"], k[2]))

    def view_for(self, ref: dict[str, Any]) -> dict[str, Any]:
        """The read form of a referenced view, or a 400 naming it."""
        key = view_key(ref)
        if key not in self.views:
            if not key[2]:
                latest = self.latest_view(key[0], key[1])
                if latest is not None:
                    return self.resolve_view(latest)
            missing = [_ref(*key)]
            raise bad_request(f"One or more views do not exist: {quoted_ids(missing)}", missing=missing)
        return self.resolve_view(key)

    def data_model_read(self, key: SchemaKey, *, inline_views: bool) -> dict[str, Any]:
        """The read form of a data model, with its views by reference or inline."""
        model = dict(self.data_models[key])
        if inline_views:
            model["views"] = [
                self.resolve_view(view_key(v)) for v in model["views"] if view_key(v) in self.views
            ]
        return model

    # --- delete ---------------------------------------------------------------------------

    def delete(self, kind: str, keys: Iterable[SchemaKey]) -> list[SchemaKey]:
        """Delete items of a kind; returns the keys that existed."""
        tables: dict[str, Any] = {
            "space": self.spaces,
            "container": self.containers,
            "view": self.views,
            "datamodel": self.data_models,
        }
        table: dict[Any, dict[str, Any]] = tables[kind]
        deleted = []
        for key in keys:
            table_key: Any = key[0] if kind == "space" else key[:2] if kind == "container" else key
            if table_key in table:
                del table[table_key]
                self._store.delete_schema_item(kind, key)
                deleted.append(key)
        self._resolved.clear()
        return deleted


def _no_duplicates(items: list[dict[str, Any]], key: Any, what: str) -> None:
    seen: set[Any] = set()
    duplicated = []
    for item in items:
        k = key(item)
        if k in seen:
            duplicated.append(
                {name: value for name, value in item.items() if name in ("space", "externalId", "version")}
            )
        seen.add(k)
    if duplicated:
        raise bad_request(f"Duplicate {what} identifiers in request.", duplicated=duplicated)


def _with_state(definitions: dict[str, Any] | None) -> dict[str, Any]:
    """Constraints or indexes in read form: each with `state: current` (the emulator builds at once)."""
    return {name: {**body, "state": "current"} for name, body in (definitions or {}).items()}
