"""The DMS semantics of the emulator, independent of HTTP: one method per endpoint, JSON in and out."""

from __future__ import annotations

import threading
from typing import Any

from pygen.emulator._cursors import decode_cursor, encode_cursor
from pygen.emulator._errors import bad_request, constraint_violation
from pygen.emulator._filters import Resolver
from pygen.emulator._instances import InstanceWriter, delete_instances
from pygen.emulator._query import run_query, run_sync
from pygen.emulator._reading import (
    Projector,
    aggregate_instances,
    check_limit,
    list_instances,
    search_instances,
)
from pygen.emulator._schema import Schema, SchemaKey, container_key, view_key
from pygen.emulator._store import Store

SCHEMA_WRITE_LIMIT = 100
SCHEMA_LIST_LIMIT = 1000
BYIDS_LIMIT = 1000

_KINDS = {"spaces": "space", "containers": "container", "views": "view", "datamodels": "datamodel"}


def _flag(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def _items(body: Any, limit: int) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise bad_request("The request body must be an object with an 'items' list.")
    items: list[dict[str, Any]] = body["items"]
    if not 1 <= len(items) <= limit:
        raise constraint_violation(f"items size must be between 1 and {limit}")
    if not all(isinstance(i, dict) for i in items):
        raise bad_request("Every item must be an object.")
    return items


def _key(kind: str, item: dict[str, Any]) -> SchemaKey:
    if kind == "space":
        return (str(item.get("space")), "", "")
    if kind == "container":
        return (*container_key(item), "")
    return view_key(item)


def _identifier(kind: str, key: SchemaKey) -> dict[str, str]:
    if kind == "space":
        return {"space": key[0]}
    if kind == "container":
        return {"space": key[0], "externalId": key[1]}
    return {"space": key[0], "externalId": key[1], "version": key[2]}


class DMSService:
    """Every DMS endpoint the emulator serves, over one sqlite store; thread-safe.

    Args:
        store: where the data lives.
        strict_direct_relations: enforce the `container` of direct-relation types (the target must
            have data in that container), as CDF always does (the default); off lets placeholder
            targets be auto-created as empty nodes.
    """

    def __init__(self, store: Store, *, strict_direct_relations: bool = True) -> None:
        self.store = store
        self.strict_direct_relations = strict_direct_relations
        self.schema = Schema(store)
        self.lock = threading.RLock()

    def reload(self) -> None:
        """Re-read the schema from the store (after its content was replaced)."""
        with self.lock:
            self.schema = Schema(self.store)

    def resolver(self) -> Resolver:
        """A property resolver over the current schema."""
        return Resolver(self.schema, self._lookup)

    def _lookup(self, space: str, external_id: str) -> Any:
        record = self.store.get(space, external_id)
        return record if record is not None and record.deleted_time is None else None

    # --- schema ---------------------------------------------------------------------------

    def apply_schema(self, resource: str, body: Any, *, is_global: bool = False) -> dict[str, Any]:
        """`POST /models/{resource}`."""
        items = _items(body, SCHEMA_WRITE_LIMIT)
        with self.lock:
            method = {
                "spaces": self.schema.apply_spaces,
                "containers": self.schema.apply_containers,
                "views": self.schema.apply_views,
                "datamodels": self.schema.apply_data_models,
            }[resource]
            return {"items": method(items, is_global=is_global)}

    def _read(self, kind: str, key: SchemaKey, params: dict[str, Any]) -> dict[str, Any]:
        if kind == "space":
            return self.schema.spaces[key[0]]
        if kind == "container":
            return self.schema.containers[key[:2]]
        if kind == "view":
            view = self.schema.resolve_view(key)
            if not _flag(params, "includeInheritedProperties", True):
                own = set(self.schema.views[key].get("properties", {}))
                view = {**view, "properties": {k: v for k, v in view["properties"].items() if k in own}}
            return view
        return self.schema.data_model_read(key, inline_views=_flag(params, "inlineViews", False))

    def _all_keys(self, kind: str) -> list[SchemaKey]:
        if kind == "space":
            return [(s, "", "") for s in self.schema.spaces]
        if kind == "container":
            return [(*k, "") for k in self.schema.containers]
        return list(self.schema.views if kind == "view" else self.schema.data_models)

    def list_schema(self, resource: str, params: dict[str, Any]) -> dict[str, Any]:
        """`GET /models/{resource}`: `space`, `limit`, `cursor`, `includeGlobal`, `allVersions`, ..."""
        kind = _KINDS[resource]
        limit = check_limit(_int(params.get("limit")), SCHEMA_LIST_LIMIT, default=10)
        include_global = _flag(params, "includeGlobal", False)
        with self.lock:
            keys = self._all_keys(kind)
            table = self._table(kind)
            keys = [
                k
                for k in keys
                if (params.get("space") in (None, k[0]))
                and (include_global or not table[self._table_key(kind, k)].get("isGlobal"))
            ]
            if kind in ("view", "datamodel") and not _flag(params, "allVersions", False):
                keys = _latest_versions(keys, table)
            offset = decode_cursor(params.get("cursor"), "o")
            page = keys[offset : offset + limit]
            items = [self._read(kind, k, params) for k in page]
        cursor = encode_cursor({"o": offset + limit}) if len(keys) > offset + limit else None
        return {"items": items, "nextCursor": cursor}

    def _table(self, kind: str) -> dict[Any, dict[str, Any]]:
        tables: dict[str, dict[Any, dict[str, Any]]] = {
            "space": self.schema.spaces,
            "container": self.schema.containers,
            "view": self.schema.views,
            "datamodel": self.schema.data_models,
        }
        return tables[kind]

    @staticmethod
    def _table_key(kind: str, key: SchemaKey) -> Any:
        return key[0] if kind == "space" else key[:2] if kind == "container" else key

    def _find(self, kind: str, item: dict[str, Any]) -> SchemaKey | None:
        key = _key(kind, item)
        table = self._table(kind)
        if self._table_key(kind, key) in table:
            return key
        if kind in ("view", "datamodel") and not key[2]:
            versions = [k for k in table if k[:2] == key[:2]]
            return max(versions, key=lambda k: table[k]["createdTime"]) if versions else None
        return None

    def retrieve_schema(self, resource: str, body: Any, params: dict[str, Any]) -> dict[str, Any]:
        """`POST /models/{resource}/byids`: the items that exist, in request order."""
        kind = _KINDS[resource]
        items = _items(body, BYIDS_LIMIT if kind != "space" else SCHEMA_WRITE_LIMIT)
        with self.lock:
            found = [k for item in items if (k := self._find(kind, item)) is not None]
            return {"items": [self._read(kind, k, params) for k in found]}

    def delete_schema(self, resource: str, body: Any) -> dict[str, Any]:
        """`POST /models/{resource}/delete`: the identifiers that existed."""
        kind = _KINDS[resource]
        items = _items(body, SCHEMA_WRITE_LIMIT)
        with self.lock:
            found = [k for item in items if (k := self._find(kind, item)) is not None]
            deleted = self.schema.delete(kind, found)
        return {"items": [_identifier(kind, k) for k in deleted]}

    # --- instances ------------------------------------------------------------------------

    def apply_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances`."""
        items = _items(body, 1000)
        with self.lock:
            writer = InstanceWriter(
                self.schema, self.store, body, strict_targets=self.strict_direct_relations
            )
            return {"items": writer.apply(items)}

    def retrieve_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/byids`."""
        items = _items(body, BYIDS_LIMIT)
        with self.lock:
            projector = Projector(self.schema, body.get("sources"))
            found = self.store.get_many([(i.get("space", ""), i.get("externalId", "")) for i in items])
            result = []
            for item in items:
                record = found.get((item.get("space", ""), item.get("externalId", "")))
                if record is not None and record.instance_type == item.get("instanceType", "node"):
                    result.append(projector.dump(record))
            response: dict[str, Any] = {"items": result}
            if body.get("includeTyping"):
                response["typing"] = projector.typing()
            return response

    def delete_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/delete`."""
        items = _items(body, 1000)
        with self.lock:
            return {"items": delete_instances(self.store, items)}

    def _read_call(self, fn: Any, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        with self.lock:
            result: dict[str, Any] = fn(self.store, self.schema, self.resolver(), body)
            return result

    def list_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/list`."""
        return self._read_call(list_instances, body)

    def search_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/search`."""
        return self._read_call(search_instances, body)

    def aggregate_instances(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/aggregate`."""
        return self._read_call(aggregate_instances, body)

    def query(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/query`."""
        return self._read_call(run_query, body)

    def sync(self, body: Any) -> dict[str, Any]:
        """`POST /models/instances/sync`."""
        return self._read_call(run_sync, body)


def _int(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _latest_versions(keys: list[SchemaKey], table: dict[Any, dict[str, Any]]) -> list[SchemaKey]:
    latest: dict[tuple[str, str], SchemaKey] = {}
    for key in keys:
        current = latest.get(key[:2])
        if current is None or table[key]["createdTime"] >= table[current]["createdTime"]:
            latest[key[:2]] = key
    chosen = set(latest.values())
    return [k for k in keys if k in chosen]
