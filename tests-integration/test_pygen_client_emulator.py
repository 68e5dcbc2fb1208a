"""`pygen emulator serve` as a real process, driven by the DMS client from another process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pygen"
CLI = [sys.executable, "-c", "from pygen._cli import main; main()"]


def run_client(url: str, body: str) -> dict[str, object]:
    script = textwrap.dedent(
        f"""
        import json
        from pygen.client import DMSClient, OAuthClientCredentials
        from pygen.dms import *
        url = {url!r}
        credentials = OAuthClientCredentials(url + "/oauth2/token", "app", "s3cret")
        with DMSClient(url, "it", credentials=credentials) as client:
        """
    ) + textwrap.indent(textwrap.dedent(body), "    ")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_served_emulator_loads_persists_and_answers_another_process(
    pygen_emulator: Callable[..., AbstractContextManager[str]], tmp_path: Path
) -> None:
    if not (FIXTURES / "Omni" / "model.yaml").is_file():
        pytest.fail(f"the public DMS fixtures are missing: expected them in {FIXTURES}")
    db = tmp_path / "dms.db"
    loads = ["--load", str(FIXTURES / "Omni" / "model.yaml"), "--load", str(FIXTURES / "Omni" / "nodes.yaml")]
    with pygen_emulator("--db", str(db), "--client", "app:s3cret", *loads) as url:
        first = run_client(
            url,
            """
            view = ViewId("sp_pygen_models", "PrimitiveNullable", "1")
            client.instances.apply([NodeApply(space="sp_omni_instances", external_id="it:1",
                                              sources=[NodeOrEdgeData(source=view, properties={"text": "from another process"})])])
            found = client.instances.list(filter=Prefix(view_property := ["sp_pygen_models", "PrimitiveNullable/1", "text"], "from another"), sources=[view])
            print(json.dumps({"views": len(client.views.list(limit=None)), "found": [n.external_id for n in found],
                              "nodes": len(client.instances.list(limit=None))}))
            """,
        )
    assert first["views"] == 23
    assert first["found"] == ["it:1"]
    with pygen_emulator("--db", str(db), "--client", "app:s3cret") as url:
        again = run_client(url, 'print(json.dumps({"nodes": len(client.instances.list(limit=None))}))')
    assert again["nodes"] == first["nodes"]


def test_requests_without_a_token_are_refused(
    pygen_emulator: Callable[..., AbstractContextManager[str]], tmp_path: Path
) -> None:
    with pygen_emulator("--token", "secret-token") as url:
        script = f"""
import json
from pygen.client import DMSClient, DMSAuthError, Token
try:
    DMSClient({url!r}, "it").spaces.list()
except DMSAuthError as exc:
    code = exc.code
print(json.dumps({{"code": code, "ok": len(DMSClient({url!r}, "it", credentials=Token("secret-token")).spaces.list())}}))
"""
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"code": 401, "ok": 0}


def test_a_bad_model_file_is_a_clear_cli_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text("space: [unclosed\n")
    out = subprocess.run(
        [*CLI, "emulator", "serve", "--port", "0", "--load", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "model.yaml" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_port_in_use_is_a_clear_cli_error(
    pygen_emulator: Callable[..., AbstractContextManager[str]],
) -> None:
    with pygen_emulator() as url:
        port = url.rsplit(":", 1)[1]
        out = subprocess.run(
            [*CLI, "emulator", "serve", "--port", port], capture_output=True, text=True, timeout=120
        )
    assert out.returncode != 0
    assert "Error" in out.stderr
    assert "Traceback" not in out.stderr


CONSTRAINED_MODEL = """\
space: it
externalId: Plant
version: '1'
views:
- space: it
  externalId: Pump
  version: '1'
  properties:
    site:
      container: {space: it, externalId: Pump}
      containerPropertyIdentifier: site
      type: {type: direct, container: {space: it, externalId: Site}}
      nullable: true
- space: it
  externalId: Site
  version: '1'
  properties:
    name:
      container: {space: it, externalId: Site}
      containerPropertyIdentifier: name
      type: {type: text, list: false}
      nullable: true
"""


def test_the_served_emulator_refuses_direct_relation_targets_without_data_like_cdf(
    pygen_emulator: Callable[..., AbstractContextManager[str]], tmp_path: Path
) -> None:
    model = tmp_path / "plant.yaml"
    model.write_text(CONSTRAINED_MODEL)
    with pygen_emulator("--client", "app:s3cret", "--load", str(model)) as url:
        result = run_client(
            url,
            """
            from pygen.client import DMSAPIError
            def pump(site):
                return NodeApply(space="it", external_id="p1", sources=[NodeOrEdgeData(
                    source=ViewId("it", "Pump", "1"), properties={"site": {"space": "it", "externalId": site}})])
            try:
                client.instances.apply(pump("s1"))
            except DMSAPIError as exc:
                refused = [exc.code, exc.message]
            client.instances.apply(NodeApply(space="it", external_id="s1", sources=[NodeOrEdgeData(
                source=ViewId("it", "Site", "1"), properties={"name": "north"})]))
            print(json.dumps({"refused": refused, "then": client.instances.apply(pump("s1"))[0].was_modified}))
            """,
        )
    assert result == {
        "refused": [
            400,
            "Property 'site': the direct relation target it:s1 has no data in container it:Site.",
        ],
        "then": True,
    }
