"""Render a prepared IR model into the files of a Python package (sources, not yet formatted)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from functools import cache
from typing import Any

from pygen.__about__ import __version__
from pygen.generator._context import ViewContext, build_contexts
from pygen.ir import Model
from pygen.ir._names import to_pascal


def _docstring(text: Any, indent: int = 4) -> str:
    """One safe docstring paragraph, wrapped: no triple quotes, no backslashes, no trailing quote."""
    flat = " ".join(str(text).split()).replace("\\", "/").replace('"""', "'''").rstrip('"') or "."
    lines = textwrap.wrap(flat, width=80 - indent)
    if len(lines) == 1:
        return lines[0]
    pad = " " * indent
    return "\n".join([lines[0], *(pad + line for line in lines[1:])]) + "\n" + pad


def _pyrepr(value: Any) -> str:
    return repr(value)


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pygen.generator", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Python source, not HTML
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pyrepr"] = _pyrepr
    env.filters["docstring"] = _docstring
    return env


def client_name(model: Model) -> str:
    """The SDK client class: `<Model>Client`."""
    return f"{to_pascal(model.name) or 'SDK'}Client"


def _export_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def render_python(
    model: Model, package: str, *, progress: Callable[[int, int], None] | None = None
) -> dict[str, str]:
    """The files of the SDK package for a prepared model, by path relative to the package.

    Args:
        model: A flattened model with Python names (`pygen.ir.prepare_python`).
        package: The import name of the package.
        progress: Called with (views done, views in total) after each view.

    Returns:
        Relative path -> source text (unformatted).
    """
    env = _environment()
    views = build_contexts(model, package)
    client = client_name(model)
    sources = ", ".join(str(ref) for ref in model.data_models) or model.name
    common = {"model": model, "package": package, "views": views, "client": client, "version": __version__}
    files = {
        "__init__.py": env.get_template("init.py.jinja").render(
            exports=_exports(model, views, client), sources=sources, **common
        ),
        "_client.py": env.get_template("client.py.jinja").render(**common),
        "py.typed": "",
    }
    if model.enums:
        files["_enums.py"] = env.get_template("enums.py.jinja").render(**common)
    view_template = env.get_template("view.py.jinja")
    for done, view in enumerate(views, start=1):
        files[f"{view.module}.py"] = view_template.render(view=view, **common)
        if progress is not None:
            progress(done, len(views))
    return files


def _exports(model: Model, views: list[ViewContext], client: str) -> list[str]:
    names = [client, *(e.name for e in model.enums)]
    for view in views:
        names += [view.name, f"{view.name}API", f"{view.name}Select"]
        if view.writable:
            names.append(f"{view.name}Write")
    return sorted(names, key=_export_key)
