"""The emulator's 400s, request by request, with where the real server's text was seen.

`seen` says how far the message is the real server's:
- "exact": the whole message (values put in) was seen in a response of the real API;
- "form": the API's request-validation form `Request had 1 constraint violations. ... [<field> <rule>]`
  was seen, with this rule wording (Jakarta bean validation) on another field or bound;
- "partial": the source only shows a part (a prefix, or that the property name is named);
- "own": no public text was found; the wording is the emulator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pygen.emulator import Emulator

SPACE = "s"
VIEW = {"type": "view", "space": SPACE, "externalId": "V", "version": "1"}
CONSTRAINT = "Request had 1 constraint violations. Please fix the request and try again. "

SDK_PY = "cognitedata/cognite-sdk-python:"
SCALA_CASSETTES = "cognitedata/cognite-sdk-scala:src/test/resources/cassettes/InstancesTest/"


@dataclass(frozen=True)
class ErrorCase:
    """One request and the error the emulator answers, as the real API would."""

    name: str
    path: str
    body: dict[str, Any] | None
    message: str
    seen: str
    source: str | None
    method: str = "POST"
    params: dict[str, Any] = field(default_factory=dict)
    strict: bool = False
    status: int = 400


def schema(emulator: Emulator) -> None:
    """Space `s`, containers `C` (text, required text, int32, direct, direct constrained to `T`) and `T`,
    views `V/1` over `C` and `T/1` over `T`, and one node `s:a` (version 1)."""
    service = emulator.service
    service.apply_schema("spaces", {"items": [{"space": SPACE}]})
    text = {"type": {"type": "text"}, "nullable": True}
    service.apply_schema(
        "containers",
        {
            "items": [
                {"space": SPACE, "externalId": "T", "properties": {"name": text}},
                {
                    "space": SPACE,
                    "externalId": "C",
                    "properties": {
                        "name": text,
                        "req": {"type": {"type": "text"}, "nullable": False},
                        "n": {"type": {"type": "int32"}, "nullable": True},
                        "to": {"type": {"type": "direct"}, "nullable": True},
                        "tgt": {
                            "type": {"type": "direct", "container": {"space": SPACE, "externalId": "T"}},
                            "nullable": True,
                        },
                    },
                },
            ]
        },
    )

    def mapped(container: str, names: list[str]) -> dict[str, Any]:
        ref = {"type": "container", "space": SPACE, "externalId": container}
        return {n: {"container": ref, "containerPropertyIdentifier": n} for n in names}

    service.apply_schema(
        "views",
        {
            "items": [
                {**VIEW, "properties": mapped("C", ["name", "req", "n", "to", "tgt"])},
                {"space": SPACE, "externalId": "T", "version": "1", "properties": mapped("T", ["name"])},
            ]
        },
    )
    service.apply_instances({"items": [node("a", name="first", req="x")]})


def node(external_id: str, existing_version: int | None = None, **properties: Any) -> dict[str, Any]:
    """A node write of `V/1`."""
    item: dict[str, Any] = {
        "instanceType": "node",
        "space": SPACE,
        "externalId": external_id,
        "sources": [{"source": VIEW, "properties": properties}],
    }
    if existing_version is not None:
        item["existingVersion"] = existing_version
    return item


def _list(**body: Any) -> dict[str, Any]:
    return {"instanceType": "node", **body}


ERROR_CASES = [
    ErrorCase(
        "list-limit-too-large",
        "/instances/list",
        _list(limit=1001),
        CONSTRAINT + "[limit must be less than or equal to 1000]",
        "form",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_spaces.py",
    ),
    ErrorCase(
        "list-limit-zero",
        "/instances/list",
        _list(limit=0),
        CONSTRAINT + "[limit must be greater than or equal to 1]",
        "form",
        "cognitedata/cdp-spark-datasource:src/test/scala/cognite/spark/v1/EventsRelationTest.scala",
    ),
    ErrorCase(
        "spaces-list-limit",
        "/spaces",
        None,
        CONSTRAINT + "[limit must be less than or equal to 1000]",
        "form",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_spaces.py",
        method="GET",
        params={"limit": 1001},
    ),
    ErrorCase(
        "query-limit-too-large",
        "/instances/query",
        {"with": {"n": {"nodes": {}, "limit": 10_001}}, "select": {"n": {}}},
        CONSTRAINT + "[limit must be less than or equal to 10000]",
        "form",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_spaces.py",
    ),
    ErrorCase(
        "too-many-spaces",
        "/spaces",
        {"items": [{"space": f"x{i}"} for i in range(101)]},
        CONSTRAINT + "[items size must be between 1 and 100]",
        "form",
        "cognitedata/cognite-sdk-js:packages/stable/src/__tests__/api/assets.int.spec.ts",
    ),
    ErrorCase(
        "no-instances",
        "/instances",
        {"items": []},
        CONSTRAINT + "[items size must be between 1 and 1000]",
        "exact",
        "cognitedata/cognite-sdk-js:packages/stable/src/__tests__/api/assets.int.spec.ts",
    ),
    ErrorCase(
        "too-many-instances",
        "/instances",
        {"items": [node(f"n{i}", req="x") for i in range(1001)]},
        CONSTRAINT + "[items size must be between 1 and 1000]",
        "exact",
        "cognitedata/cognite-sdk-js:packages/stable/src/__tests__/api/assets.int.spec.ts",
    ),
    ErrorCase(
        "too-many-sources",
        "/instances/list",
        _list(sources=[{"source": VIEW}] * 11),
        CONSTRAINT + "[sources size must be between 0 and 10]",
        "form",
        "cognitedata/cognite-sdk-js:packages/stable/src/__tests__/api/assets.int.spec.ts",
    ),
    ErrorCase(
        "backfill-sort-without-two-phase",
        "/instances/sync",
        {
            "with": {
                "n": {
                    "nodes": {},
                    "mode": "onePhase",
                    "backfillSort": [{"property": ["node", "externalId"], "direction": "ascending"}],
                }
            },
            "select": {"n": {}},
        },
        "Backfill sort can only be used with two-phase sync.",
        "exact",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_instances.py",
    ),
    ErrorCase(
        "container-in-unknown-space",
        "/containers",
        {"items": [{"space": "nope", "externalId": "C", "properties": {"a": {"type": {"type": "text"}}}}]},
        "One or more spaces do not exist: nope",
        "partial",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_containers.py",
    ),
    ErrorCase(
        "list-unknown-view",
        "/instances/list",
        _list(sources=[{"source": {**VIEW, "externalId": "Nope"}}]),
        "One or more views do not exist: 's:Nope/1'",
        "exact",
        "cognitedata/toolkit:tests/test_unit/test_cdf_tk/test_cruds/test_fieldops.py",
    ),
    ErrorCase(
        "aggregate-unknown-view",
        "/instances/aggregate",
        {"view": {**VIEW, "version": "9"}, "aggregates": [{"count": {"property": "externalId"}}]},
        "One or more views do not exist: 's:V/9'",
        "exact",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_instances.py",
    ),
    ErrorCase(
        "view-unknown-container",
        "/views",
        {
            "items": [
                {
                    "space": SPACE,
                    "externalId": "W",
                    "version": "1",
                    "properties": {
                        "a": {
                            "container": {"space": SPACE, "externalId": "Gone"},
                            "containerPropertyIdentifier": "a",
                        }
                    },
                }
            ]
        },
        "Cannot update view 's:W/1', Referenced container does not exist: 's:Gone'.",
        "exact",
        SDK_PY + "tests/tests_unit/test_api/test_data_modeling/test_views.py",
    ),
    ErrorCase(
        "existing-version-conflict",
        "/instances",
        {"items": [node("a", existing_version=7, req="y")]},
        "A version conflict caused the ingest to fail.",
        "exact",
        "cognitedata/pygen:docs/usage/creating_deleting.ipynb",
    ),
    ErrorCase(
        "direct-target-missing-no-auto-create",
        "/instances",
        {
            "items": [node("b", req="x", to={"space": SPACE, "externalId": "ghost"})],
            "autoCreateDirectRelations": False,
        },
        "Node with external id 'ghost' was referenced as the target of a direct relation, but it does not exist.",
        "exact",
        SCALA_CASSETTES
        + "should-fail-to-create-node-with-direct-relation-when-autoCreateDirectRelations-is-false-"
        + "and-target-doesn-t-exist.json",
    ),
    ErrorCase(
        "null-for-non-nullable",
        "/instances",
        {"items": [node("c", req=None)]},
        "Invalid value for non-nullable property 'req'. Value cannot be null.",
        "exact",
        SCALA_CASSETTES + "should-CRUD-instances-with-all-property-types.json",
    ),
    ErrorCase(
        "unknown-property-in-apply",
        "/instances",
        {"items": [node("d", req="x", invalidProperty="v")]},
        "Property 'invalidProperty' does not exist in s:V.",
        "partial",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_instances.py",
    ),
    ErrorCase(
        "search-unknown-property",
        "/instances/search",
        {"view": VIEW, "query": "first", "properties": ["invalidProperty"]},
        "Unknown property 'invalidProperty' in view 's:V/1'.",
        "partial",
        SDK_PY + "tests/tests_integration/test_api/test_data_modeling/test_instances.py",
    ),
    ErrorCase(
        "missing-required-property",
        "/instances",
        {"items": [node("e", name="no req")]},
        "Missing required property 'req' of container s:C for s:e.",
        "own",
        None,
    ),
    ErrorCase(
        "type-mismatch",
        "/instances",
        {"items": [node("f", req="x", n="seven")]},
        "Property 'n' expects a value of type int32, got 'seven'.",
        "own",
        None,
    ),
    ErrorCase(
        "invalid-cursor",
        "/instances/list",
        _list(cursor="not-a-cursor"),
        "Invalid cursor: 'not-a-cursor'.",
        "own",
        None,
    ),
    ErrorCase(
        "filter-on-unknown-property",
        "/instances/list",
        _list(filter={"equals": {"property": [SPACE, "V/1", "nope"], "value": 1}}),
        "Property 'nope' does not exist in view s:V/1 or is not mapped.",
        "own",
        None,
    ),
    ErrorCase(
        "constrained-target-without-data",
        "/instances",
        {"items": [node("g", req="x", tgt={"space": SPACE, "externalId": "a"})]},
        "Property 'tgt': the direct relation target s:a has no data in container s:T.",
        "own",
        "cognitedata/cognite-sdk-js:packages/codegen/src/__tests__/.cognite-openapi-snapshot.json",
        strict=True,
    ),
]
"""Each request answers 400 with exactly this message (`source`: a repository path where the text was seen)."""
