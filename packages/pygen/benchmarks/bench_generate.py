"""Generate SDKs with pygen and with the anchor, cognite-pygen 1.4.2, side by side.

For Omni, CogniteCore and synthetic models of 50, 330 and 1,000 views it prints, for both
generators: generate + format time, output lines, import time of the generated SDK, and the
ruff and mypy --strict (pydantic plugin) finding counts. The anchor runs in a throwaway venv
under /tmp (created on first run with uv) so its pins never touch ours.

    hatch run bench:python packages/pygen/benchmarks/bench_generate.py [--black] [--quick]

`--black` also times the anchor with black (its own formatter, ~40 s for 50 views);
`--quick` skips the 330- and 1,000-view models and the anchor's mypy run; `--anchor-max-views`
(default 50) caps the models the anchor is run on (it needs minutes for 330 views).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from pygen.generator import generate_sdk, write_sdk
from pygen.generator._format import ruff_command
from pygen.ir import load_model_file, synthetic_data_model

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "pygen"
ANCHOR_VENV = Path(tempfile.gettempdir()) / "pygen-bench-anchor"
ANCHOR = "cognite-pygen==1.4.2"
ANCHOR_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from cognite.client.data_classes.data_modeling import DataModel
from cognite.pygen import generate_sdk

raw = json.loads(Path(sys.argv[1]).read_text())
out, package, fmt = Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "black"
def fill(view):
    view.setdefault("name", view["externalId"]); view.setdefault("description", None)
    view.setdefault("filter", None); view.setdefault("isGlobal", False)
    view.setdefault("createdTime", 0); view.setdefault("lastUpdatedTime", 0)
    view.setdefault("writable", True); view.setdefault("implements", [])
    for prop in view["properties"].values():
        prop.setdefault("name", None); prop.setdefault("description", None)
        if "connectionType" not in prop:
            prop.setdefault("immutable", False); prop.setdefault("autoIncrement", False)
            prop.setdefault("defaultValue", None); prop.setdefault("source", None)
        elif "edge" in prop["connectionType"]:
            prop.setdefault("edgeSource", None)
    return view
raw.setdefault("createdTime", 0); raw.setdefault("lastUpdatedTime", 0); raw.setdefault("isGlobal", False)
raw.setdefault("description", None); raw.setdefault("name", raw["externalId"])
raw["views"] = [fill(v) for v in raw["views"]]
model = DataModel.load(raw)
started = time.perf_counter()
generate_sdk(model, top_level_package=package, output_dir=out / package, overwrite=True, format_code=fmt, logger=lambda _: None, default_instance_space="sp_instances")
print(time.perf_counter() - started)
"""


def ensure_anchor() -> Path:
    python = ANCHOR_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(ANCHOR_VENV)], check=True)
        env = {**os.environ, "VIRTUAL_ENV": str(ANCHOR_VENV)}
        subprocess.run(
            ["uv", "pip", "install", "-q", ANCHOR, "pandas", "black", "mypy", "ruff"], check=True, env=env
        )
    return python


def lines(directory: Path) -> int:
    return sum(path.read_text(encoding="utf-8").count("\n") for path in directory.rglob("*.py"))


def ruff_findings(directory: Path, cwd: Path) -> int:
    result = subprocess.run(
        [*ruff_command(), "check", "--isolated", "--no-cache", "--output-format", "json", str(directory)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return len(json.loads(result.stdout or "[]"))


def mypy_errors(python: str, package: str, cwd: Path) -> int:
    config = cwd / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\nplugins = pydantic.mypy\n")
    result = subprocess.run(
        [
            python,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(cwd / ".mypy_cache"),
            package,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Found (\d+) errors?", result.stdout)
    if found:
        return int(found.group(1))
    return 0 if "Success" in result.stdout else -1


def import_time(python: str, package: str, cwd: Path, *, first_use: str | None = None) -> float:
    code = f"import time; t = time.perf_counter(); import {package}"
    if first_use:
        code += first_use
    code += "; print(time.perf_counter() - t)"
    return min(
        float(
            subprocess.run([python, "-c", code], cwd=cwd, capture_output=True, text=True, check=True).stdout
        )
        for _ in range(3)
    )


def models(quick: bool) -> list[tuple[str, dict[str, Any]]]:
    out = [
        ("Omni (23 views)", yaml.safe_load((FIXTURES / "Omni" / "model.yaml").read_text())),
        ("CogniteCore (33 views)", yaml.safe_load((FIXTURES / "CogniteCore" / "model.yaml").read_text())),
        ("synthetic 50 views", synthetic_data_model(50, properties_per_view=12)),
    ]
    if not quick:
        out += [
            ("synthetic 330 views", synthetic_data_model(330)),
            ("synthetic 1,000 views", synthetic_data_model(1000)),
        ]
    return out


def measure(
    label: str, raw: dict[str, Any], work: Path, anchor: Path, options: argparse.Namespace
) -> dict[str, Any]:
    work.mkdir(parents=True)
    (work / "model.json").write_text(json.dumps(raw))
    row: dict[str, Any] = {
        "model": label,
        "views": len(raw["views"]),
        "properties": sum(len(v["properties"]) for v in raw["views"]),
    }
    started = time.perf_counter()
    model = load_model_file(work / "model.json")
    sdk = generate_sdk(model, "ours_sdk")
    row["ours_s"] = time.perf_counter() - started
    write_sdk(sdk, work / "ours")
    row["ours_lines"] = lines(work / "ours" / "ours_sdk")
    row["ours_import_s"] = import_time(sys.executable, "ours_sdk", work / "ours")
    use = "; c = [getattr(ours_sdk, n) for n in ours_sdk.__all__ if n.endswith('Client')][0](); getattr(c, sorted(type(c)._apis)[0])"
    row["ours_first_use_s"] = import_time(sys.executable, "ours_sdk", work / "ours", first_use=use)
    row["ours_ruff"] = ruff_findings(work / "ours" / "ours_sdk", work / "ours")
    row["ours_mypy"] = mypy_errors(sys.executable, "ours_sdk", work / "ours") if row["views"] <= 330 else None

    if row["views"] > options.anchor_max_views:
        row.update(anchor_s=None, anchor_lines=None, anchor_import_s=None, anchor_ruff=None, anchor_mypy=None)
        return row
    anchor_out = work / "anchor"
    anchor_out.mkdir()
    script = work / "anchor.py"
    script.write_text(ANCHOR_SCRIPT)
    generated = subprocess.run(
        [str(anchor), str(script), str(work / "model.json"), str(anchor_out), "anchor_sdk", "none"],
        check=True,
        capture_output=True,
        text=True,
    )
    started = time.perf_counter()  # the anchor's own generation time, then ruff format as for pygen
    subprocess.run(
        [str(anchor.parent / "ruff"), "format", "--isolated", "--quiet", str(anchor_out)], check=True
    )
    row["anchor_s"] = float(generated.stdout.strip().splitlines()[-1]) + time.perf_counter() - started
    if options.black and row["views"] <= 50:
        shutil.rmtree(anchor_out)
        anchor_out.mkdir()
        black = subprocess.run(
            [str(anchor), str(script), str(work / "model.json"), str(anchor_out), "anchor_sdk", "black"],
            check=True,
            capture_output=True,
            text=True,
        )
        row["anchor_black_s"] = float(black.stdout.strip().splitlines()[-1])
    row["anchor_lines"] = lines(anchor_out / "anchor_sdk")
    row["anchor_import_s"] = import_time(str(anchor), "anchor_sdk", anchor_out)
    row["anchor_ruff"] = ruff_findings(anchor_out / "anchor_sdk", anchor_out)
    row["anchor_mypy"] = (
        mypy_errors(str(anchor), "anchor_sdk", anchor_out)
        if not options.quick and row["views"] <= 50
        else None
    )
    return row


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value:,}{unit}"


def ratio(ours: Any, theirs: Any) -> str:
    if not ours or not theirs:
        return "-"
    return f"{ours / theirs:.2f}x"


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        "| model | views / props | generate+format s (pygen / anchor+ruff / ratio) | anchor+black s "
        "| lines (pygen / anchor / ratio) | import s (pygen / anchor / ratio) | pygen import + first view s "
        "| ruff findings (pygen / anchor) | mypy --strict errors (pygen / anchor) |"
    )
    print(header)
    print("| --- " * (header.count("|") - 1) + "|")
    for r in rows:
        print(
            f"| {r['model']} | {r['views']} / {r['properties']} "
            f"| {fmt(r['ours_s'])} / {fmt(r['anchor_s'])} / {ratio(r['ours_s'], r['anchor_s'])} "
            f"| {fmt(r.get('anchor_black_s'))} "
            f"| {fmt(r['ours_lines'])} / {fmt(r['anchor_lines'])} / {ratio(r['ours_lines'], r['anchor_lines'])} "
            f"| {fmt(r['ours_import_s'])} / {fmt(r['anchor_import_s'])} / {ratio(r['ours_import_s'], r['anchor_import_s'])} "
            f"| {fmt(r['ours_first_use_s'])} "
            f"| {fmt(r['ours_ruff'])} / {fmt(r['anchor_ruff'])} "
            f"| {fmt(r['ours_mypy'])} / {fmt(r['anchor_mypy'])} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--black", action="store_true", help="also time the anchor with black (50 views at most)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip the 330/1,000-view models and the anchor's mypy"
    )
    parser.add_argument(
        "--anchor-max-views", type=int, default=50, help="run the anchor on models up to this size"
    )
    options = parser.parse_args()
    if not FIXTURES.is_dir():
        sys.exit(f"the public pygen fixtures are missing: expected them at {FIXTURES}")
    anchor = ensure_anchor()
    rows = []
    with tempfile.TemporaryDirectory(prefix="pygen-bench-") as tmp:
        for index, (label, raw) in enumerate(models(options.quick)):
            print(f"measuring {label} ...", file=sys.stderr)
            rows.append(measure(label, raw, Path(tmp) / str(index), anchor, options))
    print_table(rows)


if __name__ == "__main__":
    main()
