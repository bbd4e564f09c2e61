"""Identifier mentions in text: DOIs, PDB IDs, PubMed and PMC IDs, arXiv IDs, Zenodo record URLs,
and accessions of data archives (EMDB, EMPIAR, GEO, ArrayExpress, GenBank/ENA/DDBJ, UniProt,
BioProject, SRA).

Regular expressions find candidate spans, the punctuation prose puts around them is trimmed, and
:mod:`kg.ids` decides whether each is a valid identifier and normalises it: no other parsing of
identifiers happens here. A PDB ID (four characters) counts only when a nearby word says PDB; an
accession only when a nearby word names its archive or says it is an accession (for accessions
that look like model numbers, GenBank's and UniProt's, and GEO's GSM and GPL, only the archive's
own words will do).

>>> [(m.kind, m.value, m.text) for m in find_identifiers("The entry (PDB 6gv0; doi:10.1038/S41598-021-81251-2).")]
[('pdb', '6GV0', '6gv0'), ('doi', '10.1038/s41598-021-81251-2', 'doi:10.1038/S41598-021-81251-2')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg import ids
from kg.errors import IdentifierError


@dataclass(frozen=True)
class Mention:
    """An identifier written in the text, valid by :mod:`kg.ids`."""

    #: as written, e.g. "https://dx.doi.org/10.1038/S41598-021-81251-2"
    text: str
    #: doi, pdb, pmid, pmcid, arxiv, zenodo (a Zenodo record URL) or an accession kind of :data:`kg.ids.ARCHIVES`
    kind: str
    #: the normalised value (a Zenodo record: its number)
    value: str
    #: the canonical IRI for a DOI, PDB ID or accession; None for the others (looked up in the graph)
    iri: str | None
    start: int
    end: int
    #: how it was found: "regex:doi", "matcher:pdb-in-context", ...
    method: str

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "kind": self.kind, "value": self.value, "iri": self.iri,
                "start": self.start, "end": self.end, "method": self.method}



# Candidate spans; kg.ids decides. Order matters: earlier patterns claim their span first.
_CANDIDATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zenodo", re.compile(r"(?:https?://)?(?:www\.)?zenodo\.org/records?/(\d+)", re.I)),
    # a bare DOI needs a registrant code of four digits or more; after "doi:" or doi.org any will do
    ("doi", re.compile(r"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|\bdoi\s*:\s*|\bdoi\s+|\binfo:doi/)"
                       r"10\.\d+(?:\.\d+)*/[^\s\"<>]+|\b10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]+", re.I)),
    ("pmcid", re.compile(r"(?:https?://)?(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/"
                         r"articles/|europepmc\.org/articles?/)PMC\d+/?|\bPMC\s?\d{4,9}\b|\bPMCID\s*:?\s*(?:PMC)?\d+",
                         re.I)),
    ("pmid", re.compile(r"(?:https?://)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/)\d+/?"
                        r"|\b(?:PMID|PubMed(?:\s+ID)?)\s*:?\s*\d{1,9}\b", re.I)),
    ("arxiv", re.compile(r"(?:https?://)?(?:www\.)?arxiv\.org/(?:abs|pdf)/[\w.\-/]+\d(?:v\d+)?"
                         r"|\barXiv\s*:\s*(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I)),
)
#: a PDB ID: a digit 1-9 and three letters or digits, at least one a letter (not a year)
_PDB_TOKEN = re.compile(r"[1-9](?=[0-9a-z]{0,2}[a-z])[0-9a-z]{3}", re.I)
#: words that say a nearby four-character code is a PDB entry
_PDB_CONTEXT = frozenset({"pdb", "rcsb", "pdbe", "pdbj", "wwpdb", "entry", "entries", "structure", "structures",
                          "accession", "code", "id", "coordinates", "deposited", "bank"})
_PDB_WINDOW = 6

#: words saying a nearby accession-like code is an accession of some archive
_DATA_WORDS = frozenset({"accession", "accessions", "deposited", "archived", "dataset", "datasets", "data",
                         "database", "repository", "entry", "entries", "id", "ids", "code", "number"})
_WORDS: dict[str, frozenset[str]] = {kind: frozenset(words) for kind, words in {
    "emdb": {"emdb", "emd", "map", "maps", "cryo-em", "density", "pdbe", "wwpdb"},
    "empiar": {"empiar"},
    "geo": {"geo", "omnibus", "ncbi"},
    "arrayexpress": {"arrayexpress", "biostudies"},
    "insdc": {"genbank", "ena", "ddbj", "insdc", "embl", "nucleotide", "nuccore", "accession", "accessions",
              "sequence", "sequences", "genome"},
    "uniprot": {"uniprot", "uniprotkb", "swiss-prot", "swissprot", "trembl", "protein", "proteins"},
    "bioproject": {"bioproject", "ncbi", "ena", "sra", "project"},
    "sra": {"sra", "ena", "ncbi", "reads", "run", "runs", "sequencing"},
}.items()}
#: how many words before and after an accession are its context
_ACCESSION_BEFORE, _ACCESSION_AFTER = 6, 3
_CONTEXT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
_SENTENCE_END = re.compile(r"[.;!?]\s+|\n\s*\n")


def _trim(text: str, start: int, end: int) -> int:
    """The end of a candidate without the punctuation prose puts after it: '.', ',', quotes,
    and a ')' or ']' that closes nothing inside it."""
    while end > start:
        span = text[start:end]
        last = span[-1]
        if last in ".,;:!?'\"\u201d\u2019>" or (last == ")" and span.count(")") > span.count("(")) \
                or (last == "]" and span.count("]") > span.count("[")):
            end -= 1
        else:
            return end
    return end


def _identify(kind: str, written: str) -> tuple[str, str, str | None] | None:
    """(kind, value, IRI) of a candidate by kg.ids, or None when it is not valid."""
    try:
        if kind == "zenodo":
            return "zenodo", ids.normalize_zenodo_record(written), None
        if kind == "doi":
            parsed = ids.parse_identifier(ids.normalize_doi(written))
            return parsed.kind, parsed.value, parsed.iri
        normalize = {"pmid": ids.normalize_pmid, "pmcid": ids.normalize_pmcid, "arxiv": ids.normalize_arxiv}[kind]
        value = normalize(re.sub(r"(?i)^pubmed\s+id", "PMID", written))
        return kind, value, None
    except IdentifierError:
        return None


def find_identifiers(text: str, tokens: Sequence[tuple[str, int]] = ()) -> list[Mention]:
    """Every identifier mention in ``text``, in order; ``tokens`` (text, offset) find PDB IDs in context.

    >>> [(m.kind, m.value, m.text) for m in find_identifiers("See https://dx.doi.org/10.1/ABC). PMID: 33462295.")]
    [('doi', '10.1/abc', 'https://dx.doi.org/10.1/ABC'), ('pmid', '33462295', 'PMID: 33462295')]
    """
    taken = bytearray(len(text))  # 1 where an earlier pattern's mention is
    found: list[Mention] = []
    for kind, pattern in _CANDIDATES:
        for m in pattern.finditer(text):
            start, end = m.start(), _trim(text, m.start(), m.end())
            if 1 in taken[start:end]:
                continue
            written = text[start:end]
            identified = _identify(kind, written)
            if identified is None:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(Mention(written, *identified, start, end, f"regex:{kind}"))
    found.extend(_accession_mentions(text, taken))
    found.extend(_pdb_mentions(text, tokens, taken))
    return sorted(found, key=lambda x: x.start)


def _accession_mentions(text: str, taken: bytearray) -> list[Mention]:
    """Accessions of data archives (:func:`kg.ids.find_accessions`) with a word naming the archive nearby,
    or saying it is an accession; for one that looks like other codes only the archive's own words
    will do, and one that names its archive (EMPIAR-10001) needs none.

    >>> [(m.kind, m.value) for m in _accession_mentions("Reads are in the SRA (SRR1234567).", bytearray(40))]
    [('sra', 'SRR1234567')]
    """
    found: list[Mention] = []
    for written in ids.find_accessions(text):
        kind, start, end = written.kind, written.start, written.end
        if 1 in taken[start:end]:
            continue
        words = _WORDS[kind] if written.lookalike else _WORDS[kind] | _DATA_WORDS
        if not written.text.startswith(ids.ARCHIVES[kind].name) and not words.intersection(_context(text, start, end)):
            continue
        taken[start:end] = b"\x01" * (end - start)
        found.append(Mention(written.text, kind, written.value, ids.accession_iri(kind, written.value), start, end,
                             f"regex:{kind}-in-context"))
    return found


def _context(text: str, start: int, end: int) -> set[str]:
    """The lower-cased words just before and after a span in its sentence (a URL's path segments
    count: ebi.ac.uk/ena/...)."""
    before = _SENTENCE_END.split(text[max(0, start - 120):start])[-1]
    after = _SENTENCE_END.split(text[end:end + 60], maxsplit=1)[0]
    words = _CONTEXT_WORD.findall(before)[-_ACCESSION_BEFORE:] + _CONTEXT_WORD.findall(after)[:_ACCESSION_AFTER]
    return {w.lower() for w in words}


def _pdb_mentions(text: str, tokens: Sequence[tuple[str, int]], taken: bytearray) -> list[Mention]:
    """PDB IDs: four-character tokens with a PDB word among the few tokens before or after them."""
    if not tokens:
        tokens = [(m.group(), m.start()) for m in re.finditer(r"\w+", text)]
    lowered = [t.lower() for t, _ in tokens]
    found = []
    for i, (token, offset) in enumerate(tokens):
        if len(token) != 4 or not _PDB_TOKEN.fullmatch(token):
            continue
        if 1 in taken[offset:offset + 4]:
            continue
        window = lowered[max(0, i - _PDB_WINDOW):i] + lowered[i + 1:i + 3]
        if not _PDB_CONTEXT.intersection(window):
            continue
        value = ids.normalize_pdb_id(token, strict=False)
        if value is not None:
            found.append(Mention(token, "pdb", value, ids.pdb_iri(value), offset, offset + 4,
                                 "matcher:pdb-in-context"))
    return found
