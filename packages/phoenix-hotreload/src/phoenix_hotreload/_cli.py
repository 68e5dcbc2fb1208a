"""The `phoenix-hotreload` command line."""

from __future__ import annotations

import click

from phoenix_hotreload.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="phoenix-hotreload")
def main() -> None:
    """Validated, versioned hot reload of YAML/.env configuration with rollback and subscriptions."""
