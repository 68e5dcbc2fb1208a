"""Writing nodes and edges: type checks, merge or replace, versions, auto-created targets."""

from __future__ import annotations

from dataclasses import replace as copy_record
from typing import Any

from pygen.emulator._errors import RequestError, bad_request, quoted_ids
from pygen.emulator._schema import Schema, container_key, now_ms
from pygen.emulator._store import Record, Store
from pygen.emulator._values import check_value, direct_targets


def _key_of(item: dict[str, Any]) -> tuple[str, str]:
    space, external_id = item.get("space"), item.get("externalId")
    if not isinstance(space, str) or not isinstance(external_id, str) or not external_id:
        raise bad_request("Every instance needs a 'space' and an 'externalId'.")
    if len(external_id) > 255:
        raise bad_request(f"externalId '{external_id[:32]}...' is longer than 255 characters.")
    return space, external_id


class InstanceWriter:
    """Applies one `POST /models/instances` request: everything is validated before anything is written."""

    def __init__(
        self, schema: Schema, store: Store, flags: dict[str, Any], *, strict_targets: bool = False
    ) -> None:
        self.schema = schema
        self.store = store
        self.replace = bool(flags.get("replace", False))
        self.auto_direct = bool(flags.get("autoCreateDirectRelations", True))
        self.auto_start = bool(flags.get("autoCreateStartNodes", False))
        self.auto_end = bool(flags.get("autoCreateEndNodes", False))
        self.skip_conflicts = bool(flags.get("skipOnVersionConflict", False))
        self.now = now_ms()
        self.strict_targets = strict_targets
        self.target_containers: list[tuple[str, dict[str, str], str]] = []

    def apply(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Validate and write `items`; returns the result items."""
        keys = [_key_of(item) for item in items]
        duplicated = [{"space": s, "externalId": x} for i, (s, x) in enumerate(keys) if (s, x) in keys[:i]]
        if duplicated:
            raise bad_request("Duplicate instance identifiers in request.", duplicated=duplicated)
        existing = {k: r for k in keys if (r := self.store.get(*k)) is not None}
        written: list[Record] = []
        results: list[dict[str, Any]] = []
        references: list[tuple[str, dict[str, str]]] = []
        for item, key in zip(items, keys, strict=True):
            record = self._build(item, key, existing.get(key), references)
            if record is None:
                continue
            before = existing.get(key)
            modified = (
                before is None or before.deleted_time is not None or _content(before) != _content(record)
            )
            if modified:
                record.version = 1 if before is None else before.version + 1
                record.last_updated_time = self.now
                written.append(record)
            results.append(_result(record, modified))
        written.extend(self._auto_create(references, {r.key for r in written} | set(keys)))
        if self.strict_targets:
            self._check_target_containers({r.key: r for r in written})
        if written:
            self.store.put_many(written)
        return results

    def _build(
        self,
        item: dict[str, Any],
        key: tuple[str, str],
        before: Record | None,
        references: list[tuple[str, dict[str, str]]],
    ) -> Record | None:
        kind = item.get("instanceType")
        if kind not in ("node", "edge"):
            raise bad_request(f"instanceType must be 'node' or 'edge', got {kind!r}.")
        if key[0] not in self.schema.spaces:
            raise bad_request(f"One or more spaces do not exist: {key[0]}", missing=[{"space": key[0]}])
        live = before if before is not None and before.deleted_time is None else None
        if live is not None and live.instance_type != kind:
            raise bad_request(f"Instance {key[0]}:{key[1]} already exists as a {live.instance_type}.")
        if not self._version_ok(item.get("existingVersion"), live, key):
            return None
        record = (
            copy_record(live, data={k: dict(v) for k, v in live.data.items()})
            if live is not None
            else Record(key[0], key[1], kind, 0, self.now, self.now, data={})
        )
        if kind == "edge":
            self._edge_endpoints(item, record, references)
        elif "type" in item:
            record.type = item["type"]
        for source in item.get("sources") or []:
            self._write_source(source, record, live, references)
        return record

    def _version_ok(self, expected: Any, live: Record | None, key: tuple[str, str]) -> bool:
        if expected is None:
            return True
        current = 0 if live is None else live.version
        if expected == current:
            return True
        if self.skip_conflicts:
            return False
        raise bad_request("A version conflict caused the ingest to fail.")

    def _edge_endpoints(
        self, item: dict[str, Any], record: Record, references: list[tuple[str, dict[str, str]]]
    ) -> None:
        for field_name, attr in (("type", "type"), ("startNode", "start_node"), ("endNode", "end_node")):
            value = item.get(field_name)
            if not isinstance(value, dict) or "space" not in value or "externalId" not in value:
                raise bad_request(f"Edge {record.space}:{record.external_id} needs '{field_name}'.")
            setattr(record, attr, {"space": value["space"], "externalId": value["externalId"]})
        references.append(("start", record.start_node))  # type: ignore[arg-type]
        references.append(("end", record.end_node))  # type: ignore[arg-type]

    def _container_targets(self, source: dict[str, Any]) -> tuple[dict[str, tuple[str, str, str]], set[str]]:
        """Property name -> (container key, container property); and the containers the source covers."""
        if source.get("type") == "container" or "version" not in source:
            container = self.schema.containers.get(container_key(source))
            if container is None:
                missing = [{"space": source.get("space"), "externalId": source.get("externalId")}]
                raise bad_request(
                    f"One or more containers do not exist: {quoted_ids(missing)}", missing=missing
                )
            ckey = f"{container['space']}:{container['externalId']}"
            return {name: (ckey, container["space"], name) for name in container["properties"]}, {ckey}
        view = self.schema.view_for(source)
        if not view["writable"]:
            raise bad_request(f"View {view['space']}:{view['externalId']}/{view['version']} is not writable.")
        mapping = {}
        for name, prop in view["properties"].items():
            if "container" in prop:
                c = prop["container"]
                mapping[name] = (
                    f"{c['space']}:{c['externalId']}",
                    c["space"],
                    prop["containerPropertyIdentifier"],
                )
        return mapping, {target[0] for target in mapping.values()}

    def _write_source(
        self,
        entry: dict[str, Any],
        record: Record,
        live: Record | None,
        references: list[tuple[str, dict[str, str]]],
    ) -> None:
        source = entry.get("source") or {}
        mapping, covered = self._container_targets(source)
        values: dict[str, dict[str, Any]] = {ckey: {} for ckey in covered}
        for name, value in (entry.get("properties") or {}).items():
            if name not in mapping:
                raise bad_request(
                    f"Property '{name}' does not exist in {source.get('space')}:{source.get('externalId')}."
                )
            ckey, _, cprop_name = mapping[name]
            cprop = self._container(ckey)["properties"][cprop_name]
            stored = check_value(name, cprop, value)
            old = live.data.get(ckey, {}).get(cprop_name) if live is not None else None
            if cprop.get("immutable") and old is not None and old != stored:
                raise bad_request(f"Property '{name}' is immutable and already has a value.")
            values[ckey][cprop_name] = stored
            targets = direct_targets(cprop, stored)
            references.extend(("direct", target) for target in targets)
            required = cprop["type"].get("container")
            if required:
                required_key = f"{required['space']}:{required['externalId']}"
                self.target_containers.extend((name, target, required_key) for target in targets)
        for ckey, props in values.items():
            self._merge(record, ckey, props)

    def _container(self, ckey: str) -> dict[str, Any]:
        space, external_id = ckey.split(":", 1)
        return self.schema.containers[(space, external_id)]

    def _merge(self, record: Record, ckey: str, props: dict[str, Any]) -> None:
        container = self._container(ckey)
        used_for = container.get("usedFor", "node")
        if used_for != "all" and used_for != record.instance_type:
            raise bad_request(
                f"Container {ckey} is used for {used_for}s and cannot hold data of a {record.instance_type}."
            )
        is_new = ckey not in record.data
        if is_new or self.replace:
            merged = {}
            for name, cprop in container["properties"].items():
                if name in props:
                    merged[name] = props[name]
                elif cprop.get("defaultValue") is not None and (is_new or self.replace):
                    merged[name] = cprop["defaultValue"]
                elif not cprop.get("nullable", True):
                    raise bad_request(
                        f"Missing required property '{name}' of container {ckey} for "
                        f"{record.space}:{record.external_id}."
                    )
            record.data[ckey] = merged
        else:
            record.data[ckey].update(props)

    def _check_target_containers(self, batch: dict[tuple[str, str], Record]) -> None:
        """Direct relations whose type names a container must point at nodes with data in it."""
        for name, target, ckey in self.target_containers:
            key = (target["space"], target["externalId"])
            record = batch.get(key) or self.store.get(*key)
            if record is None or record.deleted_time is not None or ckey not in record.data:
                raise bad_request(
                    f"Property '{name}': the direct relation target {key[0]}:{key[1]} has no data in container {ckey}."
                )

    def _auto_create(
        self, references: list[tuple[str, dict[str, str]]], known: set[tuple[str, str]]
    ) -> list[Record]:
        created: dict[tuple[str, str], Record] = {}
        unknown = [(why, ref) for why, ref in references if (ref["space"], ref["externalId"]) not in known]
        existing = self.store.get_many(list({(r["space"], r["externalId"]) for _, r in unknown}))
        for why, ref in unknown:
            key = (ref["space"], ref["externalId"])
            if key in existing or key in created:
                continue
            allowed = {"direct": self.auto_direct, "start": self.auto_start, "end": self.auto_end}[why]
            if not allowed:
                raise _missing_target(why, ref)
            if key[0] not in self.schema.spaces:
                raise bad_request(f"One or more spaces do not exist: {key[0]}", missing=[{"space": key[0]}])
            created[key] = Record(key[0], key[1], "node", 1, self.now, self.now, data={})
        return list(created.values())


def _missing_target(why: str, ref: dict[str, str]) -> RequestError:
    """The 400 for a reference to a node that does not exist and may not be auto-created."""
    if why == "direct":
        return bad_request(
            f"Node with external id '{ref['externalId']}' was referenced as the target of a direct relation, "
            "but it does not exist."
        )
    what = "start node" if why == "start" else "end node"
    return bad_request(
        f"The {what} {quoted_ids([ref])} of an edge does not exist and auto-creation is off.",
        missing=[dict(ref)],
    )


def _content(record: Record) -> tuple[Any, ...]:
    return (record.type, record.start_node, record.end_node, record.data)


def _result(record: Record, modified: bool) -> dict[str, Any]:
    return {
        "instanceType": record.instance_type,
        "space": record.space,
        "externalId": record.external_id,
        "version": record.version,
        "wasModified": modified,
        "createdTime": record.created_time,
        "lastUpdatedTime": record.last_updated_time,
    }


def delete_instances(store: Store, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Delete instances (and the edges of deleted nodes); returns the identifiers that existed."""
    now = now_ms()
    found = store.get_many([_key_of(item) for item in items])
    doomed: dict[tuple[str, str], Record] = dict(found)
    node_refs = [{"space": k[0], "externalId": k[1]} for k, r in found.items() if r.instance_type == "node"]
    if node_refs:
        for edge in store.scan(instance_type="edge"):
            if edge.start_node in node_refs or edge.end_node in node_refs:
                doomed.setdefault(edge.key, edge)
    for record in doomed.values():
        record.deleted_time = now
        record.last_updated_time = now
        record.version += 1
    store.put_many(list(doomed.values()))
    return [
        {
            "instanceType": item.get("instanceType", "node"),
            "space": item["space"],
            "externalId": item["externalId"],
        }
        for item in items
        if (item["space"], item["externalId"]) in found
    ]
