"""Identifiers: the one place that parses DOIs, ORCIDs, ROR IDs, funder IDs, PDB IDs, PMIDs,
PMC IDs, arXiv IDs, Zenodo records and archive accessions (:data:`ARCHIVES`), and mints their
canonical IRIs (ARCHITECTURE.md, "Identifiers").

Every ``normalize_*`` function accepts the forms people paste (bare, prefixed, URL, quoted,
followed by a full stop) and returns one canonical string, or raises :class:`IdentifierError`
saying what was wrong. ``strict=False`` returns ``None`` instead of raising, for any bad input,
including a value that is not a string.

The modules: :mod:`kg.ids.pasted` (the pasted forms, the ``strict`` convention), :mod:`kg.ids.iris`
(the IRIs kg mints and the one escaping rule), :mod:`kg.ids.doi` (DOIs and PDB entries),
:mod:`kg.ids.literature` (PubMed, PMC, arXiv, Zenodo records), :mod:`kg.ids.contributors` (ORCID,
ROR, funders), :mod:`kg.ids.accessions` (archive accessions) and :mod:`kg.ids.parse` (any kind).
Import the names from here.

>>> from kg import ids
>>> ids.parse_identifier("PDB 6gv0").iri
'https://doi.org/10.2210/pdb6gv0/pdb'
"""

from kg.errors import IdentifierError
from kg.ids.accessions import (
    ARCHIVES,
    PROSE_ORDER,
    Archive,
    WrittenAccession,
    accession_iri,
    accession_iris,
    find_accessions,
    normalize_accession,
    normalize_arrayexpress,
    normalize_bioproject,
    normalize_emdb,
    normalize_empiar,
    normalize_geo,
    normalize_insdc,
    normalize_sra,
    normalize_uniprot,
)
from kg.ids.contributors import funder_iri, normalize_funder_id, normalize_orcid, normalize_ror, orcid_iri, ror_iri
from kg.ids.doi import (
    doi_from_iri,
    doi_iri,
    doi_or_iri,
    doi_prefix,
    doi_prefix_iri,
    normalize_doi,
    normalize_pdb_id,
    pdb_id_from_doi,
    pdb_iri,
)
from kg.ids.iris import DOI_BASE, EMDB_BASE, KG_BASE, META_GRAPH, ORCID_BASE, ROR_BASE, graph_iri, shared_iri
from kg.ids.literature import (
    arxiv_doi,
    arxiv_doi_iri,
    normalize_arxiv,
    normalize_pmcid,
    normalize_pmid,
    normalize_zenodo_record,
    zenodo_doi_iri,
    zenodo_record_pages,
)
from kg.ids.parse import Identifier, parse_identifier

__all__ = [
    "ARCHIVES", "DOI_BASE", "EMDB_BASE", "KG_BASE", "META_GRAPH", "ORCID_BASE", "PROSE_ORDER", "ROR_BASE", "Archive",
    "Identifier",
    "IdentifierError", "WrittenAccession", "accession_iri", "accession_iris", "arxiv_doi", "arxiv_doi_iri",
    "doi_from_iri", "doi_iri", "doi_or_iri", "doi_prefix", "doi_prefix_iri",
    "find_accessions", "funder_iri", "graph_iri", "normalize_accession",
    "normalize_arrayexpress", "normalize_arxiv", "normalize_bioproject", "normalize_doi", "normalize_emdb",
    "normalize_empiar", "normalize_funder_id", "normalize_geo", "normalize_insdc", "normalize_orcid",
    "normalize_pdb_id", "normalize_pmcid", "normalize_pmid", "normalize_ror", "normalize_sra", "normalize_uniprot",
    "normalize_zenodo_record", "orcid_iri", "parse_identifier", "pdb_id_from_doi", "pdb_iri", "ror_iri",
    "shared_iri", "zenodo_doi_iri", "zenodo_record_pages",
]
