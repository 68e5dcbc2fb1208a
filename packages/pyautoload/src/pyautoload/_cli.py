"""The `pyautoload` command line."""

from __future__ import annotations

import click

from pyautoload.__about__ import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyautoload")
def main() -> None:
    """Zeitwerk-style autoloader for Python: names resolve lazily by file convention; eager loading and reloading."""
