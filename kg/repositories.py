"""What a DOI prefix holds: the curated table ``ontology/repositories.csv`` of repositories that
register DOIs for data, software and structures, each row with the source that shows the prefix
is theirs (the registration agency's record of the prefix).

A citation of a DOI under one of these prefixes is, by the rule named here, an *inferred* data
citation: kg never stores it as stated; the analyses mark it ``inferred`` with :attr:`Repository.rule`.
:func:`inferred_citation` is the rule, written once for evidence chains and related items: a plain
citation of a DOI of a data, raw-data or structure repository is a citation of data (of raw data, of
a structure); of a mixed repository's DOI (Zenodo, figshare, OSF) only when a record types the cited
work ``Dataset`` or ``SoftwareSourceCode`` and none types it an article, or when no record is about
it and nothing gives it a class (the label then says the type is unknown).

>>> repository("10.5061/dryad.cv323").name
'Dryad'
>>> repository("https://doi.org/10.2210/pdb6gv0/pdb").holds
'structure'
>>> repository("10.1038/nature12373") is None
True
>>> inferred_citation("https://doi.org/10.5061/dryad.cv323", frozenset(), 0)
InferredCitation(rule='repository-prefix:10.5061', role='data', label='cites data (inferred: Dryad DOI)')
>>> inferred_citation("https://doi.org/10.5281/zenodo.1", frozenset({"ScholarlyArticle"}), 1) is None
True
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kg import ids
from kg.vocab import ONTOLOGY_DIR

#: what a repository holds: only data, raw data of a facility, structures, or a mix of outputs
#: (Zenodo, figshare: articles and slides beside data and software)
Holds = Literal["data", "raw-data", "structure", "mixed"]
HOLDS: tuple[Holds, ...] = ("data", "raw-data", "structure", "mixed")
TABLE = ONTOLOGY_DIR / "repositories.csv"
#: what a citation of a DOI of a repository holding only one kind of output cites, as its label says
_CITES = {"data": "data", "raw-data": "raw data", "structure": "structure"}
#: work classes (short names, as kg.works.WorkSummary.kind) that make a mixed repository's DOI data
#: or software, and those that make it an article (never inferred)
_DATA_CLASSES = frozenset({"Dataset", "StructureEntry"})
_SOFTWARE_CLASSES = frozenset({"SoftwareSourceCode"})
_ARTICLE_CLASSES = frozenset({"ScholarlyArticle"})


@dataclass(frozen=True)
class Repository:
    """One row of the table."""

    prefix: str
    name: str
    holds: Holds
    #: where the prefix is shown to be the repository's
    source: str

    @property
    def rule(self) -> str:
        """The name of the inference rule, as the analyses report it."""
        return f"repository-prefix:{self.prefix}"


@dataclass(frozen=True)
class InferredCitation:
    """What the rule infers of one citation: the evidence role it gives the hop and how it reads."""

    #: the rule's name, :attr:`Repository.rule`
    rule: str
    #: "data" (data, raw data, structures) or "software" (a mixed repository's DOI typed software)
    role: Literal["data", "software"]
    #: how the hop reads: "cites data (inferred: Dryad DOI)"
    label: str


@cache
def repositories() -> dict[str, Repository]:
    """The table, by DOI prefix.

    :raises ValueError: a row with an unknown ``holds`` or no source, naming the row
    """
    table: dict[str, Repository] = {}
    with TABLE.open(encoding="utf-8", newline="") as rows:
        for number, row in enumerate(csv.DictReader(rows), start=2):
            holds = row["holds"]
            if holds not in HOLDS or not row["source"].startswith("https://") or not row["prefix"].startswith("10."):
                raise ValueError(f"{TABLE.name} line {number}: holds must be one of {', '.join(HOLDS)}, the "
                                 f"prefix a DOI prefix and the source an https URL: {row}")
            table[row["prefix"]] = Repository(row["prefix"], row["repository"], holds, row["source"])
    return table


def repository(doi: str) -> Repository | None:
    """The repository whose prefix a DOI (bare, ``doi:`` or doi.org IRI, any case) has, if any."""
    normal = ids.normalize_doi(doi, strict=False)
    return repositories().get(ids.doi_prefix(normal)) if normal else None


def inferred_citation(cited: str, classes: frozenset[str], records: int) -> InferredCitation | None:
    """The rule: whether citing ``cited`` (a DOI in any form) is an inferred data (or software)
    citation, given the work classes the graph gives the cited work (short names: "Dataset") and how
    many records are about it. None when it is not: the DOI is outside the table, or a mixed
    repository's DOI is typed an article (or only another kind of work) or is typed nothing while a
    record is about it.
    """
    repo = repository(cited)
    if repo is None:
        return None
    if repo.holds != "mixed":
        return InferredCitation(repo.rule, "data", f"cites {_CITES[repo.holds]} (inferred: {repo.name} DOI)")
    if classes & _ARTICLE_CLASSES:
        return None
    if classes & _DATA_CLASSES:
        return InferredCitation(repo.rule, "data", f"cites data (inferred: {repo.name} DOI typed data)")
    if classes & _SOFTWARE_CLASSES:
        return InferredCitation(repo.rule, "software", f"cites software (inferred: {repo.name} DOI typed software)")
    if not classes and records == 0:
        return InferredCitation(repo.rule, "data",
                                f"cites data (inferred: {repo.name} DOI; no record says what it is)")
    return None
