"""Benchmark: a 2,000-module package in four layouts, each measured in fresh interpreters.

    hatch run bench:python packages/pyautoload/benchmarks/run.py [--repeat 9] [--subpackages 20 --modules 100]

Layouts of the same code (20 sub-packages x 100 modules; each module one class, a dataclass, an Enum):

- eager       ``__init__.py`` files re-export every class (``from .widget_3 import Widget3``)
- lazy_loader ``__init__.py`` files call ``lazy_loader.attach`` (the scientific-Python anchor)
- pep562      ``__init__.py`` files with a hand-written ``__getattr__`` (PEP 562)
- pyautoload  only ``app/__init__.py``: ``pyautoload.Loader.for_package(__name__).setup()``

Each time is the best over ``--repeat`` fresh interpreters (``--repeat-import`` for the cheap
import-only probes) with warm ``.pyc`` files, the layouts
taken in turn (round robin, the order reversed every other round so no layout always runs right
after a given one): the least disturbed run is the best estimate of the cost itself on a shared
machine (as ``timeit`` advises); the medians are printed too. RSS is the median. The eager-load
ratio is also given as the median of per-round ratios: within a round the two layouts run back to
back, so a busy stretch of the machine slows both and cancels out of their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MODULE = '''\
import dataclasses
import enum


class {cls}:
    """Widget {index} of {sub}."""

    def __init__(self, size: int = {index}) -> None:
        self.size = size

    def area(self) -> int:
        return self.size * self.size


@dataclasses.dataclass(frozen=True)
class {cls}Spec:
    name: str = "{cls}"
    size: int = {index}


class {cls}Kind(enum.Enum):
    SMALL = 1
    LARGE = 2
'''


def layout(root: Path, variant: str, subpackages: int, modules: int) -> None:
    app = root / variant / "app"
    subs = [f"sub_{s:02d}" for s in range(subpackages)]
    for sub in subs:
        (app / sub).mkdir(parents=True)
        names = {f"widget_{m:03d}": f"Widget{m:03d}" for m in range(modules)}
        for module, cls in names.items():
            (app / sub / f"{module}.py").write_text(MODULE.format(cls=cls, index=int(module[-3:]), sub=sub))
        init = _sub_init(variant, names)
        if init is not None:
            (app / sub / "__init__.py").write_text(init)
    (app / "__init__.py").write_text(_top_init(variant, subs))


def _sub_init(variant: str, names: dict[str, str]) -> str | None:
    if variant == "eager":
        return "".join(f"from .{module} import {cls}\n" for module, cls in names.items())
    if variant == "lazy_loader":
        attrs = {module: [cls] for module, cls in names.items()}
        return f"import lazy_loader\n__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={attrs!r})\n"
    if variant == "pep562":
        where = {cls: module for module, cls in names.items()}
        return (
            "import importlib\n"
            f"_WHERE = {where!r}\n"
            "def __getattr__(name):\n"
            "    module = _WHERE.get(name)\n"
            "    if module is None:\n"
            "        raise AttributeError(name)\n"
            "    value = getattr(importlib.import_module(f'{__name__}.{module}'), name)\n"
            "    globals()[name] = value\n"
            "    return value\n"
        )
    return None


def _top_init(variant: str, subs: list[str]) -> str:
    if variant == "eager":
        return "".join(f"from . import {sub}\n" for sub in subs)
    if variant == "lazy_loader":
        return f"import lazy_loader\n__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submodules={subs!r})\n"
    if variant == "pep562":
        return (
            "import importlib\n"
            f"_SUBS = {set(subs)!r}\n"
            "def __getattr__(name):\n"
            "    if name not in _SUBS:\n"
            "        raise AttributeError(name)\n"
            "    return importlib.import_module(f'{__name__}.{name}')\n"
        )
    return "import pyautoload\n\nloader = pyautoload.Loader.for_package(__name__)\nloader.setup()\n"


PROBE = """
import json, resource, sys, time
start = time.perf_counter()
import app
imported = time.perf_counter()
{action}
done = time.perf_counter()
print(json.dumps({{"import_ms": (imported - start) * 1e3, "total_ms": (done - start) * 1e3,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

ALL = {
    "eager": "pass",
    "lazy_loader": "[getattr(getattr(app, s), n) for s in app.__all__ for n in getattr(app, s).__all__]",
    "pep562": "[getattr(getattr(app, s), n) for s in sorted(app._SUBS) for n in getattr(app, s)._WHERE]",
    "pyautoload": "app.loader.eager_load()",
}
VARIANTS = ["eager", "lazy_loader", "pep562", "pyautoload"]


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a probe: bytecode caching on (warm .pyc), no pyautoload switches."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONDONTWRITEBYTECODE", "PYAUTOLOAD_EAGER", "PYAUTOLOAD_LOG"}
    }
    return {**env, **extra}


def probe(root: Path, variant: str, action: str) -> dict[str, float]:
    env = clean_environment(PYTHONPATH=str(root / variant))
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(action=action)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def import_time(module: str) -> float:
    code = f"import time; s = time.perf_counter(); import {module}; print((time.perf_counter() - s) * 1e3)"
    run = subprocess.run(
        [sys.executable, "-c", code], env=clean_environment(), capture_output=True, text=True, check=True
    )
    return float(run.stdout)


def rotation(turn: int) -> list[str]:
    """The layouts in the order of one round: reversed every other round."""
    return VARIANTS if turn % 2 == 0 else VARIANTS[::-1]


def paired_ratio(ours: list[dict[str, float]], theirs: list[dict[str, float]], key: str) -> float:
    """The median over rounds of ours / theirs, each ratio taken within one round."""
    return statistics.median(a[key] / b[key] for a, b in zip(ours, theirs, strict=True))


def median(samples: list[dict[str, float]], key: str) -> float:
    return statistics.median(sample[key] for sample in samples)


def best(samples: list[dict[str, float]], key: str) -> float:
    return min(sample[key] for sample in samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9, help="runs of each probe that loads modules")
    parser.add_argument(
        "--repeat-import", type=int, default=60, help="runs of the cheap probes (import only)"
    )
    parser.add_argument("--subpackages", type=int, default=20)
    parser.add_argument("--modules", type=int, default=100)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="pyautoload-bench-") as tmp:
        root = Path(tmp)
        for variant in VARIANTS:
            layout(root, variant, args.subpackages, args.modules)
        samples: dict[str, dict[str, list[dict[str, float]]]] = {
            v: {"lazy": [], "one": [], "all": []} for v in VARIANTS
        }
        use_one = f"app.sub_{args.subpackages // 3:02d}.Widget{args.modules // 2:03d}().area()"
        for variant in VARIANTS:
            probe(root, variant, ALL[variant])  # compiles every .pyc: the runs below are warm
        for turn in range(args.repeat_import):  # round robin, so a busy moment hits every layout alike
            for variant in rotation(turn):
                samples[variant]["lazy"].append(probe(root, variant, "pass"))
        for turn in range(args.repeat):
            for variant in rotation(turn):
                samples[variant]["one"].append(probe(root, variant, use_one))
                samples[variant]["all"].append(probe(root, variant, ALL[variant]))
        rows = {
            variant: {
                "import": best(runs["lazy"], "import_ms"),
                "use_one": best(runs["one"], "total_ms"),
                "all": best(runs["all"], "total_ms"),
                "import_median": median(runs["lazy"], "import_ms"),
                "use_one_median": median(runs["one"], "total_ms"),
                "all_median": median(runs["all"], "total_ms"),
                "rss_one": median(runs["one"], "rss_mb"),
                "rss_all": median(runs["all"], "rss_mb"),
            }
            for variant, runs in samples.items()
        }
        paired = {
            "import": paired_ratio(samples["eager"]["lazy"], samples["pyautoload"]["lazy"], "import_ms"),
            "use_one": paired_ratio(samples["pyautoload"]["one"], samples["lazy_loader"]["one"], "total_ms"),
            "all": paired_ratio(samples["pyautoload"]["all"], samples["eager"]["all"], "total_ms"),
        }
    import_time("pyautoload")  # warm its .pyc too
    import_time("lazy_loader")
    pairs = [(import_time("pyautoload"), import_time("lazy_loader")) for _ in range(args.repeat_import)]
    own = min(p[0] for p in pairs)
    anchor = min(p[1] for p in pairs)
    report(rows, paired, own, anchor, args)
    loads = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(load_before, os.getloadavg(), strict=True))
    print(f"\nload average (1, 5, 15 min), at start/end: {loads}")


def report(
    rows: dict[str, dict[str, float]],
    paired: dict[str, float],
    own: float,
    anchor: float,
    args: argparse.Namespace,
) -> None:
    total = args.subpackages * args.modules
    print(
        f"\n{total} modules ({args.subpackages} x {args.modules}), best of {args.repeat} fresh interpreters ({args.repeat_import} for imports alone), warm .pyc\n"
    )
    print(
        f"{'layout':<12} {'import app':>12} {'import+use 1':>13} {'eager all':>11} {'RSS use 1':>10} {'RSS all':>9}"
    )
    for variant, row in rows.items():
        print(
            f"{variant:<12} {row['import']:>9.2f} ms {row['use_one']:>10.2f} ms {row['all']:>8.1f} ms "
            f"{row['rss_one']:>7.1f} MB {row['rss_all']:>6.1f} MB"
        )
    print(
        "medians:",
        ", ".join(
            f"{v} {r['import_median']:.2f} / {r['use_one_median']:.2f} / {r['all_median']:.0f} ms"
            for v, r in rows.items()
        ),
    )
    ours, eager, lazy = rows["pyautoload"], rows["eager"], rows["lazy_loader"]
    print("\nratios: of the best runs, and the median of per-round ratios (target)")
    print(
        f"  import app, eager / pyautoload          {eager['import'] / ours['import']:8.1f}x  "
        f"{paired['import']:8.1f}x  (>= 100x)"
    )
    print(f"  import app, pyautoload                  {ours['import']:8.2f} ms (<= 2 ms)")
    print(
        f"  import+use 1, pyautoload / lazy_loader  {ours['use_one'] / lazy['use_one']:8.2f}x  "
        f"{paired['use_one']:8.2f}x  (<= 1.2x)"
    )
    print(
        f"  eager all, pyautoload / eager           {ours['all'] / eager['all']:8.2f}x  "
        f"{paired['all']:8.2f}x  (<= 1.05x)"
    )
    print(
        f"  import pyautoload {own:.2f} ms vs import lazy_loader {anchor:.2f} ms: {own / anchor:.2f}x  (<= 3 ms)"
    )


if __name__ == "__main__":
    main()
