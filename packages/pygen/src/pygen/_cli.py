"""The `pygen` command line; subcommands import their modules only when run."""

from __future__ import annotations

import importlib

import click

from pygen.__about__ import __version__

# name -> "module:attribute" of a click command; loaded on first use so `pygen --help` stays fast.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "emulator": ("pygen._cli_emulator", "emulator"),
    "generate": ("pygen._cli_generate", "generate"),
}


class _LazyGroup(click.Group):
    """A click group whose subcommands live in modules imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS:
            module, attribute = SUBCOMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pygen")
def main() -> None:
    """Typed Python SDK generator for Cognite Data Fusion data models, with its own DMS client and a local DMS emulator."""
