"""pygen generate: a data model file in, a typed, lazy, formatted SDK out, used against the emulator.

Run with `hatch run demo pygen_generate` (or `python -P tools/demo/pygen_generate.py`).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pygen.emulator import Emulator
from pygen.generator import generate_sdk, is_current, model_key, write_sdk
from pygen.ir import load_model_file, validate

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "pygen" / "Omni"


def step(text: str) -> None:
    print(f"\n-- {text}")


def main() -> None:
    if not FIXTURES.is_dir():
        sys.exit(f"the public pygen fixtures are missing: expected them at {FIXTURES}")
    with tempfile.TemporaryDirectory(prefix="pygen-demo-") as tmp:
        work = Path(tmp)
        model_file = work / "model.yaml"
        model_file.write_text((FIXTURES / "model.yaml").read_text())

        step(f"parse {model_file.name} into the IR and validate it")
        model = load_model_file(model_file)
        issues = validate(model)
        print(
            f"{len(model.classes)} views, {sum(len(c.properties) + len(c.relationships) for c in model.classes)} properties"
        )
        for issue in issues[:3]:
            print(f"  {issue}")

        step("generate the Python SDK (Jinja2 + ruff format) and write it")
        started = time.perf_counter()
        sdk = generate_sdk(model, "omni_sdk")
        report = write_sdk(sdk, work / "src")
        print(
            f"{len(report.written)} files, {sdk.lines:,} lines in {time.perf_counter() - started:.2f} s -> src/omni_sdk/"
        )
        print(f"byte-identical on a second run: {generate_sdk(model, 'omni_sdk').files == sdk.files}")
        print(
            f"up to date by its blake3 key: {is_current(work / 'src' / 'omni_sdk', model_key(model, 'omni_sdk'))}"
        )

        step("import it: lazy, no view module is loaded until used")
        sys.path.insert(0, str(work / "src"))
        started = time.perf_counter()
        omni_sdk = importlib.import_module("omni_sdk")
        loaded = [m for m in sys.modules if m.startswith("omni_sdk.")]
        print(
            f"import omni_sdk: {(time.perf_counter() - started) * 1000:.1f} ms, view modules loaded: {loaded}"
        )

        step("use it against the in-process emulator loaded with Omni and its sample nodes")
        with Emulator() as emulator:
            emulator.load(FIXTURES / "model.yaml")
            emulator.load(FIXTURES / "containers", variables={"pygen_models_space": "sp_pygen_models"})
            emulator.load(FIXTURES / "nodes.yaml")
            client = emulator.client()
            client.spaces.apply([{"space": "sp_demo"}])
            sdk_client = omni_sdk.OmniClient(client, instance_space="sp_demo")
            nullable = sdk_client.primitive_nullable
            print(f"list(limit=3): {[item.external_id for item in nullable.list(limit=3)]}")
            nullable.upsert(
                [
                    omni_sdk.PrimitiveNullableWrite(
                        space="sp_demo", external_id=f"demo-{i}", text=f"hello {i}", int32=i
                    )
                    for i in range(3)
                ]
            )
            print(
                f"list(min_int32=1, text_prefix='hello'): {[i.external_id for i in nullable.list(min_int32=1, text_prefix='hello')]}"
            )
            (count,) = nullable.aggregate("count")
            print(f"aggregate('count'): {count.value}")
            roots = sdk_client.connection_item_a.select().self_direct.fetch(limit=3)
            for root in roots:
                print(
                    f"  {root.external_id} -> self_direct {[r.external_id for r in root.related('self_direct')]}"
                )
            client.close()

        step("edit the model file; `pygen generate --check` sees the SDK is stale, then regenerates")
        model_file.write_text(
            model_file.read_text().replace(
                "name: MainInterface", "name: MainInterface\n  description: Edited in the demo", 1
            )
        )
        cli = [
            sys.executable,
            "-c",
            "from pygen._cli import main; main()",
            "generate",
            "--file",
            str(model_file),
            "-o",
            str(work / "src"),
            "--package",
            "omni_sdk",
        ]
        check = subprocess.run([*cli, "--check"], capture_output=True, text=True, check=False)
        print(f"--check exit {check.returncode}: {check.stdout.strip()}")
        again = subprocess.run(cli, capture_output=True, text=True, check=True)
        print(again.stdout.strip())


if __name__ == "__main__":
    main()
