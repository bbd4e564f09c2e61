"""Commands that read the store as a whole: ``kg stats``, ``kg query`` (SPARQL) and ``kg export`` (RDF, Scholix)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import click
from pyoxigraph import Literal, QueryBoolean, QuerySolutions, RdfFormat, serialize

from kg.cli.context import Context, pass_ctx
from kg.cli.output import echo_json, examples, format_rows, output_format
from kg.queries import load_query
from kg.stats import KIND_NAMES
from kg.vocab import XSD

#: what ``kg query`` can print a CONSTRUCT or DESCRIBE result as, besides rows of subject, predicate, object
GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "rdfxml": RdfFormat.RDF_XML,
                 "jsonld": RdfFormat.JSON_LD}
#: what ``kg export`` can write; ``json`` is JSON-LD
EXPORT_FORMATS = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "ttl": RdfFormat.TURTLE,
                  "nt": RdfFormat.N_TRIPLES, "json": RdfFormat.JSON_LD}


@click.command(epilog=examples("kg stats", "kg stats --json", "kg --store http://localhost:7878/query stats"))
@output_format("table", "json", default="table")
@pass_ctx
def stats(ctx: Context, fmt: str) -> None:
    """What the store holds: quads, graphs per source, works per kind (--json: per class too), and each source's
    last sync and lag."""
    s, fresh = ctx.graph.stats(), ctx.graph.freshness()
    if fmt == "json":
        echo_json({**s.as_dict(), **fresh.as_dict()})
        return
    click.echo(f"store: {ctx.shown_location}")
    click.echo(f"as of: {fresh.as_of.isoformat(timespec='seconds') if fresh.as_of else 'never synced (kg sync)'}")
    for sync in fresh.sources:
        scope = f" ({sync.scope})" if sync.scope else ""
        last = sync.last_sync.isoformat(timespec="seconds") if sync.last_sync else "never completed"
        lag = f", lag {sync.lag_s / 3600:.1f} h" if sync.lag_s is not None else ""
        going = ", a window unfinished" if sync.in_progress else ""
        version = f", dump {sync.version}" if sync.version else ""
        click.echo(f"  sync {sync.source}{scope}: last {last}{lag}{version}{going}")
    click.echo(f"quads: {s.quads:,}  citations: {s.citations:,}  evidence edges: {s.evidence_edges:,}")
    width = max(map(len, [*s.graphs_by_source, *(KIND_NAMES[k] for k in s.works_by_kind)]), default=0)
    for name, n in s.graphs_by_source.items():  # the counts in one column, whatever the longest name
        click.echo(f"  {name:<{width}} {n:>8,} records")
    for kind, n in s.works_by_kind.items():
        click.echo(f"  {KIND_NAMES[kind]:<{width}} {n:>8,}")


@click.command(epilog=examples("kg query stats_sources", "kg query queries/stats_sources.rq --format csv",
                               "kg query 'SELECT * WHERE { ?s ?p ?o } LIMIT 5' --json",
                               "kg query 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5' --format ntriples"))
@click.argument("query")
@output_format("table", "json", "csv", "tsv", *GRAPH_FORMATS, default="table",
               help="table, json, csv, tsv: rows (a CONSTRUCT gives subject, predicate, object; its table is "
                    "Turtle; json gives numbers and booleans as JSON's and unbound as null). turtle, ntriples, "
                    "rdfxml, jsonld: a CONSTRUCT or DESCRIBE result only.")
@pass_ctx
def query(ctx: Context, query: str, fmt: str) -> None:
    """Run a SPARQL query: its text, a .rq file, or the name of a catalogue query."""
    path = Path(query)
    if query.endswith(".rq") and path.is_file():
        text = path.read_text("utf-8")
    elif query.isidentifier():
        text = load_query(query).text
    else:
        text = query
    result = ctx.store.query(text)
    if not isinstance(result, QueryBoolean | QuerySolutions):
        if fmt == "table" or fmt in GRAPH_FORMATS:
            out = io.BytesIO()
            serialize(result, out, format=GRAPH_FORMATS.get(fmt, RdfFormat.TURTLE))
            click.echo(out.getvalue().decode())
        else:
            rows = [[_term_text(t.subject), _term_text(t.predicate), _term_text(t.object)] for t in result]
            click.echo(format_rows(["subject", "predicate", "object"], rows, fmt), nl=False)
        return
    if fmt in GRAPH_FORMATS:
        raise click.UsageError(f"--format {fmt} prints a CONSTRUCT or DESCRIBE result; "
                               "for this query use table, json, csv or tsv")
    if isinstance(result, QueryBoolean):
        click.echo(json.dumps({"boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower())
    else:
        variables = [v.value for v in result.variables]
        if fmt == "json":  # typed: numbers and booleans as JSON's, unbound as null (text cannot say either)
            echo_json([{v: _json_value(sol[v]) for v in variables} for sol in result])
            return
        rows = [[_term_text(sol[v]) for v in variables] for sol in result]
        click.echo(format_rows(variables, rows, fmt), nl=False)


def _term_text(term: Any) -> str:
    """A cell of a result row: the term's value, empty when unbound."""
    return "" if term is None else str(term.value)


#: XSD datatypes whose literals are JSON numbers
_INTEGERS = {XSD[t].value for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt",
                                    "unsignedLong", "unsignedShort", "unsignedByte")}
_DECIMALS = {XSD[t].value for t in ("decimal", "double", "float")}


def _json_value(term: Any) -> object:
    """A cell of a JSON result row: a number or boolean literal as JSON's number or boolean, other terms as
    their value (an IRI, a literal's text), unbound as null.

    >>> from pyoxigraph import NamedNode
    >>> [_json_value(t) for t in (Literal(27), Literal(0.5), Literal(True), Literal("27"), NamedNode("https://x.org/a"))]
    [27, 0.5, True, '27', 'https://x.org/a']
    >>> _json_value(None) is None
    True
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        kind = term.datatype.value
        try:
            if kind in _INTEGERS:
                return int(term.value)
            if kind in _DECIMALS and math.isfinite(float(term.value)):
                return float(term.value)
        except ValueError:  # an ill-typed literal ("1.5"^^xsd:integer) stays text
            return term.value
        if kind == XSD.boolean.value and term.value in ("true", "false", "1", "0"):
            return term.value in ("true", "1")
    return str(term.value)


@click.command(epilog=examples("kg export -o graph.nq", "kg export --format ttl > merged.ttl",
                               "kg export --json -o graph.jsonld", "kg export --format scholix -o links.jsonl"))
@output_format(*EXPORT_FORMATS, "scholix", default="nq",
               help="nq, trig keep the graphs; ttl, nt, json (JSON-LD) merge them (no provenance); scholix: "
                    "every link between works as a Scholix package, one JSON object per line.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@pass_ctx
def export(ctx: Context, fmt: str, output: Path | None) -> None:
    """Write the whole store as RDF, or its links as Scholix (JSON Lines)."""
    if fmt == "scholix":
        with output.open("w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as out:
            for package in ctx.graph.scholix_export():
                out.write(json.dumps(package, ensure_ascii=False) + "\n")
        return
    if output:
        with output.open("wb") as f:
            ctx.store.dump(f, EXPORT_FORMATS[fmt])
    else:
        ctx.store.dump(sys.stdout.buffer, EXPORT_FORMATS[fmt])
