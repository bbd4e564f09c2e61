"""Drawings rendered on the server as SVG: an evidence chain, and a bar chart over time.

Server-rendered, so a page shows them with scripts off, a test can read them as XML, and no
drawing library is shipped. Interaction is what SVG gives for free: every node is a link to its
work's page, every hop and bar has a ``<title>`` (a tooltip on hover, read by screen readers), and
both are focusable. ``data-*`` attributes carry the IRIs and sources for scripts and tests. A hop
that a rule of ours inferred (``basis`` "inferred") is drawn dashed, and its label says "inferred".

>>> from kg.works import WorkSummary
>>> from kg.chains import Chain, ChainNode
>>> root = ChainNode(WorkSummary("https://doi.org/10.1/a", "ScholarlyArticle", "A"), 0, True)
>>> svg = chain_svg(Chain("https://doi.org/10.1/a", 5, (root,), ()), lambda w: "/works/10.1/a")
>>> svg.count('class="node'), svg.count('class="hop"')
(1, 0)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from html import escape

import networkx as nx

from kg import ids
from kg.chains import ROLE_RANK, Chain, Hop
from kg.labels import described, kind_name, work_note
from kg.works import WorkSummary

#: fill colour per work class (light, so the dark labels keep a contrast ratio above 7:1)
KIND_COLOURS = {"ScholarlyArticle": "#dbe8fb", "Dataset": "#d7f0dc", "StructureEntry": "#e8dcf6",
                "SoftwareSourceCode": "#fde6cc", "Claim": "#fbe0e0"}
OTHER_COLOUR = "#e8e8e8"
#: stroke colour per hop role
ROLE_COLOURS = {"data": "#1b7a34", "software": "#a05a00", "method": "#6a3fa0", "unspecified": "#444444",
                "citation": "#2c5fa8"}
#: the frame and label of a retracted, withdrawn or obsoleted work
STATUS_COLOUR = "#b00020"
NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 230, 54, 150, 22, 16
#: a title's characters on its box's second line, the ellipsis included (real titles ran past the box at 34)
TITLE_CHARS = 31
#: characters of a box's bold first line shown unsqueezed: at 12 px bold a character is 7.4 px wide on
#: average, a digit 8.4; 'Dataset · 10.5281/zenodo.834781' (31) ran 8 px past its box in Chromium
BOLD_HOLDS = 26
#: characters of a hop's label the gap between two columns holds (11 px, 6 px a character on average)
LABEL_HOLDS = 24
#: the most works drawn in one column; the rest are counted under it
MAX_PER_COLUMN = 25


def _label(work: WorkSummary) -> tuple[str, str]:
    """Two lines: the kind and identifier, then the display name (shortened). A work no loaded record
    describes (only cited) is named by its DOI, not its doi.org IRI, and its second line says so when
    no citer names it either.

    >>> _label(WorkSummary("https://doi.org/10.1002/arch.20056"))
    ('10.1002/arch.20056', 'no record loaded')
    >>> _label(WorkSummary("https://doi.org/10.1/b", name="Support-vector Networks", name_source="cited-as by x"))
    ('10.1/b', 'as cited: Support-vector Netwo…')
    """
    ident = work.identifiers.get("pdb") or work.identifiers.get("doi") or ids.doi_or_iri(work.iri)
    title = (work.name if described(work) or work.name_source == "record" else f"as cited: {work.name}"
             ) if work.name_source != "identifier" else "no record loaded"
    kind = kind_name(work)
    first = f"{kind} · {ident}" if kind else ident
    # the identifier is never cut (it is what leads to the raw data): a long one stands alone
    return first if len(first) <= 31 else ident, title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"


def _fit(line: str, holds: int = 31) -> str:
    """Attributes squeezing a line longer than the box holds (``holds`` characters of average width) into
    it, so that it is shown whole and never runs past the box's edge."""
    return f' textLength="{NODE_W - 20}" lengthAdjust="spacingAndGlyphs"' if len(line) > holds else ""


def _drawn(label: str) -> str:
    """A hop's label as drawn between two columns: whole when the gap holds it, else without what its
    inference rests on (in its tooltip), else cut.

    >>> _drawn("cites data (inferred: figshare DOI typed data)"), _drawn("supplemented by data")
    ('cites data (inferred)', 'supplemented by data')
    """
    if len(label) > LABEL_HOLDS:
        label = re.sub(r" \(inferred: [^)]*\)$", " (inferred)", label)
    return label if len(label) <= LABEL_HOLDS else label[:LABEL_HOLDS - 1] + "…"


def _hop_text(hops: Sequence[Hop]) -> tuple[str, str, str]:
    """The label drawn on an edge (how its best hop reads in the direction of reliance: "uses
    structure", "supplemented by data"), the typed relation the source stated (else the evidence
    edge), and its tooltip."""
    best = min(hops, key=lambda h: ROLE_RANK[h.role])
    relations = [r.property for h in hops for r in h.relations]
    lines = []
    for h in hops:
        lines.append(f"{h.label or h.evidence} ({h.evidence}, {h.basis}{': ' + h.rule if h.rule else ''})")
        for a in h.assertions:
            rel = ", ".join(r.property for r in a.relations)
            lines.append(f"  asserted by {a.source or 'unknown source'}"
                         f"{' (' + a.when + ')' if a.when else ''}{': ' + rel if rel else ''}")
    return best.label or best.evidence, relations[0] if relations else best.evidence, "\n".join(lines)


def _layers(chain: Chain) -> dict[str, int]:
    """A column per work: the longest path to it from the root, so that hops point rightwards even
    between works at the same depth (a paper relying on data its co-cited paper also cites). Hops
    closing a cycle are left out of the layering, and are drawn as curves."""
    depth = {n.iri: n.depth for n in chain.nodes}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(depth)
    graph.add_edges_from((h.from_, h.to) for h in chain.hops if depth[h.to] >= depth[h.from_])
    while not nx.is_directed_acyclic_graph(graph):
        graph.remove_edge(*nx.find_cycle(graph)[-1][:2])
    layer = dict.fromkeys(depth, 0)
    for iri in nx.topological_sort(graph):
        for successor in graph.successors(iri):
            layer[successor] = max(layer[successor], layer[iri] + 1)
    return layer


def chain_svg(chain: Chain, href: Callable[[WorkSummary], str]) -> str:
    """The chain left to right, one column per depth; ``href`` gives each work's page."""
    columns: dict[int, list[WorkSummary]] = {}
    layer = _layers(chain)
    for node in chain.nodes:
        columns.setdefault(layer[node.iri], []).append(node.work)
    position: dict[str, tuple[float, float]] = {}
    hidden: dict[int, int] = {}
    for depth, works in columns.items():
        hidden[depth] = max(0, len(works) - MAX_PER_COLUMN)
        for row, work in enumerate(works[:MAX_PER_COLUMN]):
            position[work.iri] = (PAD + depth * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
    rows = max((min(len(w), MAX_PER_COLUMN) + (1 if hidden[d] else 0) for d, w in columns.items()), default=1)
    width = PAD * 2 + max(columns, default=0) * (NODE_W + COL_GAP) + NODE_W + COL_GAP
    height = PAD * 2 + rows * (NODE_H + ROW_GAP)
    grouped: dict[tuple[str, str], list[Hop]] = {}
    for h in chain.hops:
        if h.from_ in position and h.to in position:
            grouped.setdefault((h.from_, h.to), []).append(h)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="group" aria-labelledby="chain-title">',
           f'<title id="chain-title">Evidence chain of {escape(chain.root)}: {_counted(len(chain.nodes), "work")}, '
           f'{_counted(len(chain.hops), "hop")}</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>']
    for (source, target), hops in grouped.items():
        (x1, y1), (x2, y2) = position[source], position[target]
        if x2 > x1:  # to a later column: straight, right side to left side
            start, end, bend = (x1 + NODE_W, y1 + NODE_H / 2), (x2, y2 + NODE_H / 2), (0.0, 0.0)
        elif x2 < x1:  # back to an earlier column (a cycle: two works citing each other): left side to the
            # target's right side, low, bowed under the straight hop the other way, its label under it
            start, end, bend = (x1, y1 + NODE_H * 0.8), (x2 + NODE_W, y2 + NODE_H * 0.8), (0.0, ROW_GAP * 0.6)
        else:  # within a column: a curve out to the right of the boxes
            start, end, bend = (x1 + NODE_W, y1 + NODE_H * 0.7), (x2 + NODE_W, y2 + NODE_H * 0.3), (COL_GAP * 0.6, 0.0)
        label, relation, tip = _hop_text(hops)
        if all(h.is_citation for h in hops):
            label = ""  # counted once under the citing work: many "cites" labels would overlap
        colour = ROLE_COLOURS[min((h.role for h in hops), key=list(ROLE_COLOURS).index)]
        # inferred unless a source states an evidence hop between the two (then that one is drawn)
        basis = "inferred" if any(h.basis == "inferred" for h in hops) and not any(
            h.basis == "stated" and not h.is_citation for h in hops) else "stated"
        dashed = ' stroke-dasharray="6 4"' if basis == "inferred" else ""
        sources = sorted({s for h in hops for s in h.sources})
        # a curve's control point 2 bends from the middle of its ends: the curve's middle is 1 bend from it
        mid_x, mid_y = (start[0] + end[0]) / 2 + bend[0], (start[1] + end[1]) / 2 + bend[1]
        # labels of straight hops a third of the way along, so that crossing hops keep theirs apart
        label_x, label_y = (mid_x, mid_y) if bend != (0.0, 0.0) else (start[0] + (end[0] - start[0]) * 0.4,
                                                                    start[1] + (end[1] - start[1]) * 0.4)
        label_y += 14 if bend[1] else -6  # under a hop bowed down, else over it
        out.append(
            f'<g class="hop" tabindex="0" data-from="{escape(source)}" data-to="{escape(target)}" '
            f'data-relation="{escape(relation)}" data-label="{escape(label)}" data-basis="{basis}" '
            f'data-sources="{escape(" ".join(sources))}">'
            f'<title>{escape(tip)}</title>'
            f'<path d="M{start[0]:.0f},{start[1]:.0f} Q{mid_x + bend[0]:.0f},{mid_y + bend[1]:.0f} '
            f'{end[0]:.0f},{end[1]:.0f}" fill="none" stroke="{colour}" stroke-width="2"{dashed} '
            f'marker-end="url(#arrow)"/>'
            f'<text x="{label_x:.0f}" y="{label_y:.0f}" text-anchor="middle" font-size="11" '
            f'fill="{colour}">{escape(_drawn(label))}</text></g>')
    for node in chain.nodes:
        if node.iri not in position:
            continue
        x, y = position[node.iri]
        first, second = _label(node.work)
        fill = KIND_COLOURS.get(node.work.kind or "", OTHER_COLOUR)
        root = " root" if node.iri == chain.root else ""
        # a retracted or withdrawn work says so on its box: a red frame, and its status above it
        marks = "; ".join(m.label for m in node.work.status)
        stroke = STATUS_COLOUR if marks else "#111" if root else "#777"
        status = f' data-status="{escape(node.work.status[0].status)}"' if marks else ""
        out.append(
            f'<a class="node{root}" href="{escape(href(node.work))}" data-iri="{escape(node.iri)}" '
            f'data-kind="{escape(node.work.kind or "")}"'
            f'{status}>'
            f'<title>{escape(node.work.name)} ({escape(node.iri)}){escape(f": {marks}" if marks else "")}'
            f'{escape("" if described(node.work) else f": {work_note(node.work, with_id=False)}")}</title>'
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if marks else 2 if root else 1}"/>'
            f'<text x="{x + 10}" y="{y + 21}" font-size="12" font-weight="bold" fill="#111"{_fit(first, BOLD_HOLDS)}>'
            f'{escape(first)}</text>'
            f'<text x="{x + 10}" y="{y + 40}" font-size="12" fill="#222"{_fit(second, 28)}>{escape(second)}</text></a>')
        if marks:
            out.append(f'<text class="status" x="{x + 10}" y="{y - 4}" font-size="11" font-weight="bold" '
                       f'fill="{STATUS_COLOUR}">{escape(node.work.status[0].status.upper())}</text>')
        if node.citation_note:  # "cites 229 works (the 10 strongest shown)", in the gap below the box
            out.append(f'<text class="citations" x="{x + 10}" y="{y + NODE_H + 14}" font-size="11" fill="#2c5fa8">'
                       f'{escape(node.citation_note)}</text>')
    for depth, count in hidden.items():
        if count:
            x = PAD + depth * (NODE_W + COL_GAP)
            y = PAD + MAX_PER_COLUMN * (NODE_H + ROW_GAP) + 20
            out.append(f'<text class="more" x="{x}" y="{y}" font-size="12" fill="#222">'
                       f'+ {count} more at depth {depth}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(points: Sequence[tuple[str, int]], title: str, unit: str = "citations",
              notes: Mapping[str, str] | None = None, empty: str = "") -> str:
    """A bar per (label, value), e.g. citations per year, each with a tooltip its ``notes`` (by label) add
    to ("2017: 5 citing works (2 dated as cited)"); an empty chart says there is nothing to draw (or ``empty``).

    >>> svg = bar_chart([("2021", 1), ("2022", 2)], "Citations per year")
    >>> svg.count('class="bar"')
    2
    """
    bar_w, gap, chart_h, pad = 36, 12, 140, 30
    width = max(240, pad * 2 + len(points) * (bar_w + gap))
    height = chart_h + pad * 2 + 10
    top = max((v for _, v in points), default=0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="group" aria-labelledby="chart-title">',
           f'<title id="chart-title">{escape(title)}</title>',
           f'<line x1="{pad}" y1="{pad + chart_h}" x2="{width - pad}" y2="{pad + chart_h}" stroke="#555"/>']
    if not points or top == 0:
        out.append(f'<text x="{width / 2:.0f}" y="{pad + chart_h / 2:.0f}" text-anchor="middle" font-size="13" '
                   f'fill="#222">{escape(empty or f"no {unit} yet")}</text>')
    for i, (label, value) in enumerate(points):
        h = chart_h * value / top if top else 0
        x = pad + gap / 2 + i * (bar_w + gap)
        out.append(f'<g class="bar" tabindex="0" data-label="{escape(label)}" data-value="{value}">'
                   f'<title>{escape(label)}: {value} {escape(unit)}'
                   f'{escape(f" ({notes[label]})" if notes and notes.get(label) else "")}</title>'
                   f'<rect x="{x:.0f}" y="{pad + chart_h - h:.0f}" width="{bar_w}" height="{h:.0f}" fill="#2c5fa8"/>'
                   f'<text x="{x + bar_w / 2:.0f}" y="{pad + chart_h - h - 4:.0f}" text-anchor="middle" '
                   f'font-size="12" fill="#111">{value}</text>'
                   f'<text x="{x + bar_w / 2:.0f}" y="{pad + chart_h + 16:.0f}" text-anchor="middle" '
                   f'font-size="12" fill="#111">{escape(label)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _counted(n: int, noun: str) -> str:
    """``1 hop``, ``2 hops``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
