"""Inferred evidence hops: a plain citation that the repository-prefix rule
(:func:`kg.repositories.inferred_citation`) reads as a citation of data, raw data, a structure or
software becomes an evidence hop marked ``inferred``, with the rule's name and a label saying so
("cites data (inferred: Dryad DOI)").

The hop keeps the graphs asserting the citation (the citation is stated; that it is a citation of
data is ours), and its edge stays ``cito:cites``. A citation of a work the same work already relies
on by a stated evidence hop is left a plain citation: a stated hop is never duplicated as inferred.
"""

from __future__ import annotations

from dataclasses import replace

from kg.chains.model import Hop
from kg.repositories import inferred_citation
from kg.standing import Standing


def infer_citations(hops: list[Hop], standing: dict[str, Standing]) -> list[Hop]:
    """The hops of one level with each plain citation the rule reads as data (or software) turned
    into an inferred evidence hop; ``standing`` gives the cited works' classes and records.

    >>> cites = Hop("https://doi.org/10.1/a", "https://doi.org/10.5061/dryad.x", "cito:cites", "citation", 1, ())
    >>> [(h.role, h.basis, h.rule, h.label) for h in infer_citations([cites], {})]
    [('data', 'inferred', 'repository-prefix:10.5061', 'cites data (inferred: Dryad DOI)')]
    >>> stated = replace(cites, evidence="kg:reliesOnData", role="data")
    >>> [(h.role, h.basis) for h in infer_citations([stated, cites], {})]
    [('data', 'stated'), ('citation', 'stated')]
    """
    stated = {(h.from_, h.to) for h in hops if not h.is_citation and h.basis == "stated"}
    out = []
    for h in hops:
        if h.is_citation and (h.from_, h.to) not in stated:
            cited = standing.get(h.to, Standing(h.to))
            found = inferred_citation(h.to, cited.classes, cited.records)
            if found is not None:
                h = replace(h, role=found.role, basis="inferred", rule=found.rule, label=found.label)
        out.append(h)
    return out
