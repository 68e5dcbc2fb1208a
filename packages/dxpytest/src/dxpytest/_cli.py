"""The `dxpytest` command line."""

from __future__ import annotations

import click

from dxpytest.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dxpytest")
def main() -> None:
    """Fast runner for pytest-style suites: static discovery, warm workers, work stealing."""
