"""How commands print: the one ``--format``/``--json`` convention, tables (text, CSV, TSV, JSON)
and the evidence chain as an indented tree."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from click.core import ParameterSource

from kg.labels import described, kind_name, work_note, year_label

if TYPE_CHECKING:
    from kg.chains import Chain
    from kg.works import WorkSummary

Command = TypeVar("Command", bound=Callable[..., Any])


def output_format(*formats: str, default: str, help: str = "How to print the result.") -> Callable[[Command], Command]:
    """Give a command ``--format`` (one of ``formats``) and ``--json``, short for ``--format json``.

    The command receives the chosen format as ``fmt``. ``--json`` with a different ``--format`` is a
    usage error. Put it below the command's other options and above ``pass_ctx``."""
    if "json" not in formats:
        raise ValueError(f"--json needs json among the formats, not only {', '.join(formats)}")

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def with_format(*args: Any, fmt: str, as_json: bool, **kwargs: Any) -> Any:
            if as_json:
                given = click.get_current_context().get_parameter_source("fmt") != ParameterSource.DEFAULT
                if given and fmt != "json":
                    raise click.UsageError(f"--json means --format json; it contradicts --format {fmt}")
                fmt = "json"
            return command(*args, fmt=fmt, **kwargs)

        with_json = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(with_format)
        return cast(Command, click.option("--format", "fmt", type=click.Choice(formats), default=default,
                                          show_default=True, help=help)(with_json))

    return decorate


def examples(*lines: str) -> str:
    """A command's help epilog: example invocations, kept as written (click's ``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def echo_json(data: object) -> None:
    """Print ``data`` as indented JSON."""
    click.echo(json.dumps(data, indent=2))


def format_rows(columns: list[str], rows: list[list[str]], fmt: str) -> str:
    """Rows as ``table`` (aligned text, cells cut at 60 characters), ``json`` (one object per row),
    ``csv`` or ``tsv``; every form ends with a newline.

    >>> print(format_rows(["a", "b"], [["1", "x"]], "table"), end="")
    a | b
    --+--
    1 | x
    (1 rows)
    """
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", delimiter="," if fmt == "csv" else "\t")
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue()
    widths = [min(60, max([len(v), *(len(r[i]) for r in rows)])) for i, v in enumerate(columns)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(columns, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c[:w].ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"


def work_line(work: WorkSummary) -> str:
    """A work on one line, worded as the pages word it (:mod:`kg.labels`): its kind (in words) only when
    known, its DOI (or PDB id), year and name; a work no record describes by its DOI, the name its citers
    give, and what the graph knows of it ("as cited, 1995 · no record loaded"), never a bare "Work"."""
    ident = work.identifiers.get("doi") or work.identifiers.get("pdb") or work.iri
    marks = "".join(f" [{m.label}]" for m in work.status)
    if described(work):
        kind, year = kind_name(work), year_label(work)
        return f"{f'{kind} ' if kind else ''}{ident}{f' ({year})' if year else ''}: {work.name}{marks}"
    name = f": {work.name}" if work.name_source != "identifier" else ""
    return f"{ident}{name} ({work_note(work, with_id=False)}){marks}"


def format_chain_tree(found: Chain) -> str:
    """The chain as an indented tree: each work once, under the first hop that reaches it."""
    lines: list[str] = []
    seen: set[str] = set()

    def label(iri: str) -> str:
        return work_line(found.node(iri).work)

    def walk(iri: str, indent: int) -> None:
        noted = False
        for hop in found.hops_from(iri):
            if hop.is_citation and not noted:  # "cites 229 works (the 10 strongest shown):"
                lines.append(f"{'  ' * indent}{found.node(iri).citation_note}:")
                noted = True
            sources = ", ".join(sorted({a.source or "?" for a in hop.assertions}))
            lines.append(f"{'  ' * indent}└ {hop.label} [{hop.basis}: {sources}] {label(hop.to)}")
            if hop.to not in seen:
                seen.add(hop.to)
                walk(hop.to, indent + 1)

    seen.add(found.root)
    lines.append(label(found.root))
    walk(found.root, 1)
    if found.truncated:
        lines.append("(truncated: some levels had more works than the fan-out limit)")
    return "\n".join(lines)
