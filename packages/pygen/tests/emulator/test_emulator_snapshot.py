from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pygen.client import DMSClient
from pygen.emulator import Emulator, ModelLoadError

from ..conftest import OMNI_SPACE

CLI = [sys.executable, "-c", "from pygen._cli import main; main()"]


def _state(client: DMSClient) -> tuple[object, ...]:
    return (
        [v.dump() for v in client.views.list(limit=None)],
        [n.dump() for n in client.instances.list(limit=None)],
        client.instances.sync(
            {"with": {"all": {"nodes": {}, "limit": 1000}}, "select": {"all": {}}}
        ).next_cursor,
    )


def test_snapshot_round_trip(omni: Emulator, client: DMSClient, tmp_path: Path) -> None:
    path = tmp_path / "omni.snapshot"
    counts = omni.save_snapshot(path)
    assert counts["views"] == len(client.views.list(limit=None))
    assert counts["instances"] == len(client.instances.list(limit=None))
    with Emulator() as fresh, fresh.client() as other:
        fresh.load_snapshot(path)
        assert _state(other) == _state(client)


def test_a_damaged_snapshot_changes_nothing(omni: Emulator, client: DMSClient, tmp_path: Path) -> None:
    path = tmp_path / "omni.snapshot"
    omni.save_snapshot(path)
    path.write_bytes(path.read_bytes()[:-10])
    before = _state(client)
    with pytest.raises(ModelLoadError, match=r"omni\.snapshot"):
        omni.load_snapshot(path)
    assert _state(client) == before


def test_cli_snapshot_of_a_database(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "dms.db"
    with Emulator(db) as emulator, emulator.client() as client:
        emulator.load(fixtures_dir / "Omni" / "containers", variables=OMNI_SPACE)
        emulator.load(fixtures_dir / "Omni" / "model.yaml")
        emulator.load(fixtures_dir / "Omni" / "nodes.yaml")
        nodes = client.instances.list(limit=None)
        client.instances.delete([nodes[0].as_id()])
    out = subprocess.run(
        [*CLI, "emulator", "snapshot", str(db), str(tmp_path / "s.bin"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    written = json.loads(out.stdout)
    assert written["views"] == 23
    assert written["instances"] == len(nodes) - 1  # live instances, not the deleted one kept for sync
    with Emulator() as emulator, emulator.client() as client:
        emulator.load_snapshot(tmp_path / "s.bin")
        assert len(client.views.list(limit=None)) == 23
        assert len(client.instances.list(limit=None)) == len(nodes) - 1
