"""Accessions of data archives (:data:`ARCHIVES`: EMDB, EMPIAR, GEO, ArrayExpress, GenBank/ENA/DDBJ,
UniProt, BioProject, SRA): normalising them, the IRIs sources name their records by, and finding
them where prose writes them (:func:`find_accessions`). One table drives all three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, overload

from kg.errors import IdentifierError
from kg.ids.doi import doi_iri
from kg.ids.iris import DOI_BASE, _escape
from kg.ids.pasted import _ASCII_UPPER, _FLAGS, _after, _Normalizer, _normalizer, _text, _unwrap


@dataclass(frozen=True)
class Archive:
    """An archive whose records are named by accessions, and the IRIs sources write for them."""

    #: the archive's name in messages, e.g. "EMDB"
    name: str
    #: a valid accession, for messages and docs
    example: str
    #: what an accession looks like, for messages
    form: str
    #: the upper-cased accession, whole (group 1, when present, is the number of an EMDB map)
    pattern: re.Pattern[str]
    #: labels and URLs written before an accession ("GEO:", identifiers.org, the archive's pages)
    prefix: re.Pattern[str]
    #: the canonical IRI, then the other IRIs sources use for a record ("{}" is the accession)
    iris: tuple[str, ...]
    #: the scheme names sources give these accessions (lower case; "accession" is Crossref's id-type)
    schemes: tuple[str, ...]
    #: how prose writes an accession, in the archive's own case (a regex; None: as ``pattern`` says)
    written: str | None = None
    #: the accessions that also look like other codes (model or part numbers): prose should name the
    #: archive near them before a reader takes them for accessions
    lookalike: re.Pattern[str] | None = None


def _archive_prefix(labels: str, urls: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{labels})\s*[:\s]\s*|(?:https?://)?(?:www\.)?(?:{urls})", _FLAGS)


_EBI = r"ebi\.ac\.uk/"
_NCBI = r"ncbi\.nlm\.nih\.gov/"
_ENA_VIEW = "https://www.ebi.ac.uk/ena/browser/view/{}"
_IDORG = "https://identifiers.org/"
# every GenBank or UniProt accession looks like a model number
_INSDC = re.compile(r"(?:[A-Z][0-9]{5}|[A-Z]{2}(?:[0-9]{6}|[0-9]{8}))(?:\.[1-9][0-9]{0,3})?", re.A)
_UNIPROT = re.compile(r"[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2}", re.A)

#: accession kinds by name; each has a ``normalize_<kind>`` function and its IRIs (:func:`accession_iris`)
ARCHIVES: dict[str, Archive] = {
    "emdb": Archive("EMDB", "EMD-1234", "an EMDB accession is 'EMD-' and four or five digits",
                    re.compile(r"EMD[-_]?([0-9]{4,5})", re.A),
                    _archive_prefix("emdb", rf"identifiers\.org/emdb:|{_EBI}(?:pdbe/entry/)?emdb/"),
                    ("https://www.ebi.ac.uk/emdb/{}", _IDORG + "emdb:{}", "https://www.ebi.ac.uk/pdbe/entry/emdb/{}"),
                    ("emdb", "accession"), written=r"EMD[-_][0-9]{4,5}"),
    "empiar": Archive("EMPIAR", "EMPIAR-10001", "an EMPIAR accession is 'EMPIAR-' and five digits",
                      re.compile(r"EMPIAR-[0-9]{5}", re.A),
                      _archive_prefix("empiar", rf"identifiers\.org/empiar:|{_EBI}empiar/(?:entry/)?"),
                      ("https://www.ebi.ac.uk/empiar/{}", _IDORG + "empiar:{}", "https://doi.org/10.6019/{}"),
                      ("empiar", "accession")),
    "geo": Archive("GEO", "GSE12345", "a GEO accession is GSE, GSM, GDS or GPL and a number",
                   re.compile(r"G(?:SE|SM|DS|PL)[1-9][0-9]{0,8}", re.A),
                   _archive_prefix("geo", rf"identifiers\.org/geo:|{_NCBI}geo/query/acc\.cgi\?acc="),
                   ("https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={}", _IDORG + "geo:{}"),
                   ("geo", "accession"), lookalike=re.compile(r"G(?:SM|PL)[0-9]+", re.A)),
    "arrayexpress": Archive("ArrayExpress", "E-MTAB-1234",
                            "an ArrayExpress accession is 'E-', four letters, '-' and a number, e.g. E-GEOD-1234",
                            re.compile(r"E-[A-Z]{4}-[1-9][0-9]{0,8}", re.A),
                            _archive_prefix("arrayexpress", rf"identifiers\.org/arrayexpress:|{_EBI}(?:biostudies/"
                                                            r"(?:arrayexpress/)?studies/|arrayexpress/experiments/)"),
                            ("https://www.ebi.ac.uk/biostudies/arrayexpress/studies/{}", _IDORG + "arrayexpress:{}",
                             "https://www.ebi.ac.uk/arrayexpress/experiments/{}",
                             "https://www.ebi.ac.uk/arrayexpress/experiments/{}/"),
                            ("arrayexpress", "accession")),
    "insdc": Archive("GenBank/ENA/DDBJ", "MN908947",
                     "a GenBank/ENA/DDBJ nucleotide accession is one letter and five digits or two letters and six "
                     "or eight digits, optionally '.' and a version",
                     _INSDC,
                     _archive_prefix("genbank|ena|ddbj|insdc", rf"identifiers\.org/(?:insdc|ena\.embl):"
                                                               rf"|{_EBI}ena/(?:browser|data)/view/|{_NCBI}nuccore/"),
                     (_ENA_VIEW, "https://www.ncbi.nlm.nih.gov/nuccore/{}", _IDORG + "insdc:{}",
                      _IDORG + "ena.embl:{}"),
                     ("insdc", "genbank", "ena", "ena.embl", "ddbj", "accession"), lookalike=_INSDC),
    "uniprot": Archive("UniProt", "P69905", "a UniProt accession is six or ten letters and digits, e.g. P69905 or "
                                            "A0A023GPI8",
                       _UNIPROT,
                       _archive_prefix("uniprot(?:kb)?|swiss-?prot",
                                       r"identifiers\.org/uniprot:|(?:rest\.|purl\.)?uniprot\.org/uniprot(?:kb)?/"),
                       ("https://www.uniprot.org/uniprotkb/{}", "https://www.uniprot.org/uniprot/{}",
                        "http://purl.uniprot.org/uniprot/{}", _IDORG + "uniprot:{}"),
                       ("uniprot", "uniprotkb", "accession"), lookalike=_UNIPROT),
    "bioproject": Archive("BioProject", "PRJNA123456", "a BioProject accession is PRJNA, PRJEB or PRJDB and a number",
                          re.compile(r"PRJ[DEN][A-Z][1-9][0-9]{0,8}", re.A),
                          _archive_prefix("bioproject", rf"identifiers\.org/bioproject:|{_NCBI}bioproject/"
                                                        rf"|{_EBI}ena/browser/view/"),
                          ("https://www.ncbi.nlm.nih.gov/bioproject/{}", _IDORG + "bioproject:{}", _ENA_VIEW),
                          ("bioproject", "accession")),
    "sra": Archive("SRA", "SRR1234567", "an SRA accession is SRR, ERR or DRR (or SRX, SRS, SRP, ...) and six to "
                                        "nine digits",
                   re.compile(r"[SED]R[RXSP][0-9]{6,9}", re.A),
                   _archive_prefix("sra", rf"identifiers\.org/insdc\.sra:|{_NCBI}sra/|{_EBI}ena/browser/view/"),
                   ("https://www.ncbi.nlm.nih.gov/sra/{}", _IDORG + "insdc.sra:{}", _ENA_VIEW),
                   ("sra", "insdc.sra", "accession")),
}


def _accession(kind: str, value: str) -> str:
    archive = ARCHIVES[kind]
    _, text = _after(archive.prefix, _unwrap(_text(kind, value)))
    found = archive.pattern.fullmatch(text.translate(_ASCII_UPPER))
    if found is None:
        raise IdentifierError(kind, value, f"{archive.form}, e.g. {archive.example}")
    return f"EMD-{found[1]}" if kind == "emdb" else found.group()



@_normalizer
def normalize_emdb(value: str) -> str:
    """The EMDB accession of a map, "EMD-" and its number.

    >>> normalize_emdb("emd_1234"), normalize_emdb("https://www.ebi.ac.uk/emdb/EMD-12345")
    ('EMD-1234', 'EMD-12345')
    """
    return _accession("emdb", value)


@_normalizer
def normalize_empiar(value: str) -> str:
    """The EMPIAR accession of a raw image data set.

    >>> normalize_empiar("empiar:EMPIAR-10001")
    'EMPIAR-10001'
    """
    return _accession("empiar", value)


@_normalizer
def normalize_geo(value: str) -> str:
    """The GEO accession of a series, sample, data set or platform.

    >>> normalize_geo("https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE12345")
    'GSE12345'
    """
    return _accession("geo", value)


@_normalizer
def normalize_arrayexpress(value: str) -> str:
    """The ArrayExpress accession of an experiment.

    >>> normalize_arrayexpress("https://www.ebi.ac.uk/biostudies/arrayexpress/studies/E-MTAB-1234")
    'E-MTAB-1234'
    """
    return _accession("arrayexpress", value)


@_normalizer
def normalize_insdc(value: str) -> str:
    """The GenBank/ENA/DDBJ (INSDC) nucleotide accession, version kept if given.

    >>> normalize_insdc("GenBank: mn908947.3"), normalize_insdc("AB123", strict=False)
    ('MN908947.3', None)
    """
    return _accession("insdc", value)


@_normalizer
def normalize_uniprot(value: str) -> str:
    """The UniProtKB accession of a protein.

    >>> normalize_uniprot("https://www.uniprot.org/uniprotkb/p69905"), normalize_uniprot("UniProt: A0A023GPI8")
    ('P69905', 'A0A023GPI8')
    """
    return _accession("uniprot", value)


@_normalizer
def normalize_bioproject(value: str) -> str:
    """The BioProject accession of a project.

    >>> normalize_bioproject("bioproject:prjna123456")
    'PRJNA123456'
    """
    return _accession("bioproject", value)


@_normalizer
def normalize_sra(value: str) -> str:
    """The SRA (or ENA, DDBJ) accession of a run, experiment, sample or study.

    >>> normalize_sra("SRA: SRR1234567")
    'SRR1234567'
    """
    return _accession("sra", value)


def accession_iris(kind: str, value: str) -> tuple[str, ...]:
    """The IRIs sources name an accession's record by: the canonical one first (:func:`accession_iri`),
    then identifiers.org and the archive's other pages; a versioned INSDC accession also unversioned.

    >>> accession_iris("geo", "GEO: GSE12345")
    ('https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc=GSE12345', 'https://identifiers.org/geo:GSE12345')
    """
    accession = normalize_accession(kind, value)
    forms = [accession, accession.split(".")[0]] if kind == "insdc" else [accession]
    iris = (iri.format(_escape(form)) for iri in ARCHIVES[kind].iris for form in forms)
    # a DOI IRI is lower-cased like every other (EMPIAR's DOIs are 10.6019/EMPIAR-nnnnn)
    return tuple(dict.fromkeys(doi_iri(iri) if iri.startswith(DOI_BASE) else iri for iri in iris))


def accession_iri(kind: str, value: str) -> str:
    """The canonical IRI of an accession: the archive's page of the record, as the mappers write it.

    >>> accession_iri("emdb", "EMD-1234"), accession_iri("uniprot", "P69905")
    ('https://www.ebi.ac.uk/emdb/EMD-1234', 'https://www.uniprot.org/uniprotkb/P69905')
    """
    return accession_iris(kind, value)[0]


_NORMALIZE_ACCESSION: dict[str, _Normalizer] = {
    "emdb": normalize_emdb, "empiar": normalize_empiar, "geo": normalize_geo, "arrayexpress": normalize_arrayexpress,
    "insdc": normalize_insdc, "uniprot": normalize_uniprot, "bioproject": normalize_bioproject, "sra": normalize_sra}


@overload
def normalize_accession(kind: str, value: str, *, strict: Literal[True] = ...) -> str: ...
@overload
def normalize_accession(kind: str, value: str, *, strict: bool) -> str | None: ...


def normalize_accession(kind: str, value: str, *, strict: bool = True) -> str | None:
    """The accession normalised by its kind's ``normalize_<kind>`` (an unknown kind raises, even when not strict).

    >>> normalize_accession("sra", "err000001"), normalize_accession("geo", "GSE0", strict=False)
    ('ERR000001', None)
    """
    if kind not in _NORMALIZE_ACCESSION:
        raise IdentifierError("accession kind", kind, f"expected one of {', '.join(ARCHIVES)}")
    return _NORMALIZE_ACCESSION[kind](value) if strict else _NORMALIZE_ACCESSION[kind](value, strict=False)


# ------------------------------------------------------------------------------ accessions in prose

#: the order prose is searched in: a code two archives' forms fit (P69905 is a UniProt and a GenBank
#: form) is listed first as the archive whose form is narrower
PROSE_ORDER = ("empiar", "emdb", "geo", "arrayexpress", "bioproject", "sra", "uniprot", "insdc")
# an accession in prose stands alone: no letter, digit or '-' joined to it on either side
_WRITTEN = {kind: re.compile(rf"(?<![\w-])(?:{archive.written or archive.pattern.pattern})(?![\w-])")
            for kind, archive in ARCHIVES.items()}


@dataclass(frozen=True)
class WrittenAccession:
    """A code written in prose the way an archive writes its accessions."""

    #: the archive's kind, a key of :data:`ARCHIVES`
    kind: str
    #: as written
    text: str
    #: normalised by :func:`normalize_accession`
    value: str
    start: int
    end: int
    #: whether it also looks like other codes (:attr:`Archive.lookalike`)
    lookalike: bool


def find_accessions(text: str) -> list[WrittenAccession]:
    """Every code in ``text`` written as an archive writes its accessions and valid by its normaliser,
    archive by archive in :data:`PROSE_ORDER` (a code two archives' forms fit is listed for each).
    Whether a code is meant as an accession is the reader's to judge from the words around it.

    >>> [(a.kind, a.value, a.lookalike) for a in find_accessions("Maps EMD_1234 and P69905 (GSM12).")]
    [('emdb', 'EMD-1234', False), ('geo', 'GSM12', True), ('uniprot', 'P69905', True), ('insdc', 'P69905', True)]
    """
    found: list[WrittenAccession] = []
    for kind in PROSE_ORDER:
        lookalike = ARCHIVES[kind].lookalike
        for m in _WRITTEN[kind].finditer(text):
            value = normalize_accession(kind, m.group(), strict=False)
            if value is not None:
                found.append(WrittenAccession(kind, m.group(), value, m.start(), m.end(),
                                              lookalike is not None and lookalike.fullmatch(value) is not None))
    return found
