"""The CLI reference, docs/cli.md, made from click's own help of ``kg`` and of each command.

Regenerate it with ``python -m kg.cli.reference > docs/cli.md``; a test fails when it drifts."""

from __future__ import annotations

import click

from kg.cli import cli

#: the help's width: fixed, so the page does not depend on the terminal that made it
WIDTH = 100


def help_text(command: click.Command, name: str, parent: click.Context | None = None) -> str:
    """What ``kg ... --help`` prints for ``command``, at :data:`WIDTH` columns."""
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH)
    return command.get_help(ctx)


def cli_reference() -> str:
    """docs/cli.md: the help of ``kg`` and then of each command, one section each, by name."""
    root = click.Context(cli, info_name="kg", terminal_width=WIDTH, max_content_width=WIDTH)
    sections = ["# kg command reference", "",
                "Made from each command's `--help` by `python -m kg.cli.reference > docs/cli.md` (a test checks it "
                "matches). Every command that prints results takes `--format`, and `--json` for `--format json`.",
                "", "## kg", "", "```text", help_text(cli, "kg"), "```"]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        if command is not None:
            sections += ["", f"## kg {name}", "", "```text", help_text(command, name, root), "```"]
    return "\n".join(sections) + "\n"


if __name__ == "__main__":
    click.echo(cli_reference(), nl=False)
