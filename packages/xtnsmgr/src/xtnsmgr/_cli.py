"""The `xtnsmgr` command line."""

from __future__ import annotations

import click

from xtnsmgr.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xtnsmgr")
def main() -> None:
    """Extension manager: make any package importable on demand from an isolated, shared cache."""
