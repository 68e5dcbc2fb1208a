"""The emulator answers bad requests with the real server's status and message (table: `error_cases.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pygen.emulator import Emulator
from pygen.emulator._emulator import IN_PROCESS_URL

from .error_cases import ERROR_CASES, ErrorCase, schema

KINDS = {"exact", "form", "partial", "own"}


@pytest.fixture(scope="module")
def emulators() -> Iterator[dict[bool, Emulator]]:
    with Emulator(strict_direct_relations=False) as lenient, Emulator() as strict:
        schema(lenient)
        schema(strict)
        yield {False: lenient, True: strict}


def _send(emulator: Emulator, case: ErrorCase) -> httpx.Response:
    with httpx.Client(base_url=IN_PROCESS_URL, transport=emulator.transport()) as http:
        return http.request(
            case.method, f"/api/v1/projects/p/models{case.path}", json=case.body, params=case.params
        )


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.name for c in ERROR_CASES])
def test_bad_request_gets_the_real_status_and_message(
    emulators: dict[bool, Emulator], case: ErrorCase
) -> None:
    response = _send(emulators[case.strict], case)
    assert (response.status_code, response.json()["error"]["code"]) == (case.status, case.status)
    assert response.json()["error"]["message"] == case.message


def test_rejected_requests_write_nothing() -> None:
    with Emulator() as emulator:
        schema(emulator)
        before = emulator.store.export()
        assert {_send(emulator, case).status_code for case in ERROR_CASES} == {400}
        assert emulator.store.export() == before


def test_every_case_says_where_its_text_comes_from() -> None:
    assert len({c.name for c in ERROR_CASES}) == len(ERROR_CASES)
    for case in ERROR_CASES:
        assert case.seen in KINDS
        assert (case.source is None) == (case.seen == "own" and not case.strict)
        assert case.source is None or case.source.startswith("cognitedata/")
