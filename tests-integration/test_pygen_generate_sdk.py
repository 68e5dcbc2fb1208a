"""`pygen generate` against an emulator process, the SDK pip-installed into a fresh venv and used
from a script in that venv against the same emulator process."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pygen"
OMNI = FIXTURES / "Omni"
CLI = [sys.executable, "-c", "from pygen._cli import main; main()"]


USER_SCRIPT = """
import json, sys
import omni_sdk
from omni_sdk import OmniClient, PrimitiveNullableWrite
from pygen.client import DMSClient, Token

with DMSClient(sys.argv[1], "it", credentials=Token("t0k3n")) as client:
    client.spaces.apply([{"space": "sp_script"}])
    sdk = OmniClient(client, instance_space="sp_script")
    before = len(sdk.primitive_nullable.list(limit=None))
    sdk.primitive_nullable.upsert(
        [PrimitiveNullableWrite(space="sp_script", external_id=f"s{i}", text=f"from script {i}", int32=i) for i in range(5)]
    )
    after = sdk.primitive_nullable.list(limit=None)
    found = sdk.primitive_nullable.retrieve("s3")
    big = sdk.primitive_nullable.list(limit=None, min_int32=2, external_id_prefix="s")
    traversed = sdk.connection_item_a.select().self_direct.fetch(limit=None)
    print(json.dumps({
        "before": before,
        "after": len(after),
        "text": found.text,
        "filtered": sorted(item.external_id for item in big),
        "traversed": sum(len(item.related("self_direct")) for item in traversed),
        "module": omni_sdk.__file__,
    }))
"""


def test_generate_install_and_use_from_a_fresh_venv(
    pygen_emulator: Callable[..., AbstractContextManager[str]], tmp_path: Path
) -> None:
    if not (OMNI / "model.yaml").is_file():
        pytest.fail(f"the public pygen fixtures are missing: expected them in {FIXTURES}")
    project = tmp_path / "omni-sdk"
    with pygen_emulator(
        "--load", str(OMNI / "model.yaml"),
        "--load", str(OMNI / "containers"),
        "--var", "pygen_models_space=sp_pygen_models",
        "--load", str(OMNI / "nodes.yaml"),
        "--token", "t0k3n",
    ) as url:  # fmt: skip
        generated = subprocess.run(
            [
                *CLI,
                "generate",
                "--base-url",
                url,
                "--project",
                "it",
                "--data-model",
                "sp_pygen_models:Omni/1",
                "-o",
                str(project / "src"),
                "--wheel",
                str(project / "dist"),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={"PYGEN_TOKEN": "t0k3n", "PATH": "/usr/bin:/bin"},
        )
        assert generated.returncode == 0, generated.stderr
        report = json.loads(generated.stdout)
        assert report["package"] == "omni_sdk"
        env_dir = tmp_path / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        # pygen-cdf and its dependencies come from this test environment (a site dir of the venv);
        # the generated SDK itself is pip-installed into the fresh venv from its wheel
        site_packages = next((env_dir / "lib").glob("python3*/site-packages"))
        (site_packages / "pygen_test_env.pth").write_text(
            "".join(f"import site; site.addsitedir({path!r})\n" for path in site.getsitepackages())
        )
        python = env_dir / "bin" / "python"
        install = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-index",
                "--quiet",
                report["wheel"],
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert install.returncode == 0, install.stdout + install.stderr
        script = tmp_path / "use_sdk.py"
        script.write_text(USER_SCRIPT)
        used = subprocess.run(
            [str(python), str(script), url], capture_output=True, text=True, timeout=300, cwd=tmp_path
        )
        assert used.returncode == 0, used.stderr
        result = json.loads(used.stdout.strip().splitlines()[-1])
    assert result["after"] == result["before"] + 5
    assert result["text"] == "from script 3"
    assert result["filtered"] == ["s2", "s3", "s4"]
    assert result["traversed"] > 0
    assert str(env_dir) in result["module"]
