"""What a DOI prefix holds: the curated table ``ontology/repositories.csv`` of repositories that
register DOIs for data, software and structures, each row with the source that shows the prefix
is theirs (the registration agency's record of the prefix).

A citation of a DOI under one of these prefixes is, by the rule named here, an *inferred* data
citation: kg never stores it as stated; the analyses mark it ``inferred`` with :attr:`Repository.rule`.

>>> repository("10.5061/dryad.cv323").name
'Dryad'
>>> repository("https://doi.org/10.2210/pdb6gv0/pdb").holds
'structure'
>>> repository("10.1038/nature12373") is None
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
    return repositories().get(normal.split("/", 1)[0]) if normal else None
