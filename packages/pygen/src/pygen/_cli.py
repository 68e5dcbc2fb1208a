"""The `pygen` command line."""

from __future__ import annotations

import click

from pygen.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pygen")
def main() -> None:
    """Typed Python SDK generator for Cognite Data Fusion data models, with its own DMS client and a local DMS emulator."""
