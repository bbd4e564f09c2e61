"""Display names of cited works over the real recorded Crossref corpus (``../shared/realdata``).

Every Crossref file (``crossref/works``, ``crossref/works-lists``) is loaded into its own store
(shared with tests/loaders/test_realdata.py). For every work its records cite by DOI, the name
kg shows must be what the JSON says by the naming rule of kg.works, worked out here from the raw
references: its own record's title if the file holds one, else its citers' most frequent title
(ties: longest, then alphabetical), else the most frequent wording ("author year, venue
volume:page"; without an author "venue volume:page (year)"; or the reference text), else "DOI <doi>".
Each file is named so with the cited-as names kept in the metrics summary, from the summary's sampled
wordings (a summary an earlier kg built) and asked of the store (no summary): the same names. The corpus
skips where absent.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.describe import describe
from kg.store import summary_reads
from kg.web.works import work_json
from kg.works import summaries
from tests.loaders.test_realdata import ABSENT, REALDATA, corpus_files, doi_node, load_file, raw_items


def _cites_by_doi(param: Any) -> bool:
    path = param.values[0]
    return path is None or any(ref.get("DOI") for item in raw_items(path)[1] for ref in item.get("reference") or [])


#: the Crossref files whose records cite works by DOI (or the one skipped parameter)
CROSSREF = [p for p in corpus_files("crossref/works/*.json", "crossref/works-lists/*.json") if _cites_by_doi(p)]
_TAG = re.compile(r"<[^<>]{1,200}>")
#: C0 and C1 control characters (but tab and line breaks), which loaders strip from text (docs/loading.md)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(value: Any) -> str | None:
    """A reference's text as shown: control characters and tags dropped, entities decoded, white space folded."""
    if not isinstance(value, str):
        return None
    return " ".join(html.unescape(_TAG.sub("", _CONTROLS.sub("", value))).split()) or None


def wording(ref: dict[str, Any]) -> str | None:
    author, venue = clean(ref.get("author")), clean(ref.get("journal-title"))
    if not (author or venue):
        return clean(ref.get("unstructured"))
    year = re.match(r"\s*([12]\d{3})(?!\d)", ref.get("year") or "") if isinstance(ref.get("year"), str) else None
    volume = (ref.get("volume") or "").strip() or None
    page = (ref.get("first-page") or "").strip() or None
    where = " ".join(x for x in (venue, volume) if x)
    if page:
        where = f"{where}:{page}" if volume else ", ".join(x for x in (where, f"p. {page}") if x)
    if not author:  # "Procedia Engineering 45:317 (2012)", as a reader expects, not "2012, Procedia ..."
        return f"{where} ({year.group(1)})" if year else where
    return ", ".join(x for x in (" ".join(x for x in (author, year.group(1) if year else None) if x), where) if x)


def title(ref: dict[str, Any]) -> str | None:
    return clean(ref.get("article-title")) or clean(ref.get("volume-title")) or clean(ref.get("series-title"))


def most_frequent(named: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (text, first citing DOI) of the most frequent text; ties: longest, then alphabetical."""
    if not named:
        return None
    counts = Counter(text for text, _ in named)
    best = min(counts, key=lambda t: (-counts[t], -len(t), t))
    return best, min(doi for text, doi in named if text == best)


def expected_names(path: Path) -> dict[str, tuple[str, str]]:
    """(name, name source) of every work the file's records cite by DOI, from the JSON alone."""
    _, items = raw_items(path)
    # the last record of a DOI wins, as in the store
    records = {ids.normalize_doi(item["DOI"]): item for item in items}
    cited: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for doi, item in records.items():
        for ref in item.get("reference") or []:
            if doi_node(ref.get("DOI"), doi) is not None:
                cited.setdefault(ids.normalize_doi(ref["DOI"]), []).append((ref, doi))
    out: dict[str, tuple[str, str]] = {}
    for cited_doi, refs in cited.items():
        iri = ids.doi_iri(cited_doi)
        own = records.get(cited_doi)
        own_title = clean((own.get("title") or [None])[0]) if own else None
        if own_title:
            out[iri] = (own_title, "record")
            continue
        found = (most_frequent([(t, doi) for ref, doi in refs if (t := title(ref))])
                 or most_frequent([(w, doi) for ref, doi in refs if (w := wording(ref))]))
        out[iri] = (found[0], f"cited-as by {found[1]}") if found else \
            (f"DOI {cited_doi}", "identifier")
    return out


@pytest.mark.realdata
@pytest.mark.parametrize("read", ["kept", "wordings", "store"])
@pytest.mark.parametrize("path", CROSSREF)
def test_every_cited_work_is_named_as_its_citers_name_it(path: Path, read: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = expected_names(path)
    assert expected, f"{path.name}: no reference with a valid DOI"
    store = load_file(path).store
    if read == "wordings":  # a summary without the names kept (an earlier kg built it): its samples' wordings
        monkeypatch.setattr(summary_reads, "cited_names", lambda summary, works: None)
    elif read == "store":  # no summary: the catalogue queries
        monkeypatch.setattr(store, "complete_summary", lambda: None)
    found = summaries(store, [NamedNode(iri) for iri in expected])
    actual = {iri: (s.name, s.name_source) for iri, s in found.items()}
    wrong = {iri: (actual[iri], want) for iri, want in expected.items() if actual[iri] != want}
    assert wrong == {}, f"{len(wrong)} of {len(expected)} named otherwise, e.g. {list(wrong.items())[:3]}"
    assert all(name and name != "(no title)" for name, _ in actual.values())


@pytest.mark.realdata
def test_a_reference_with_a_venue_and_a_year_but_no_author_is_named_venue_first() -> None:
    """Hindawi's 10.1155/2014/858260 cites 10.1016/j.proeng.2012.08.164 by journal, volume, first page and
    year alone: "Procedia Engineering 45:317 (2012)", never "2012, Procedia Engineering 45:317"."""
    path = REALDATA / "crossref" / "works-lists" / "members_98_works_rows-100-cursor-.json"
    if not path.is_file():
        pytest.skip(ABSENT)
    item = next(i for i in raw_items(path)[1] if i["DOI"].lower() == "10.1155/2014/858260")
    ref = next(r for r in item["reference"] if r.get("DOI", "").lower() == "10.1016/j.proeng.2012.08.164")
    assert not (ref.get("author") or title(ref) or ref.get("unstructured"))
    want = f"{ref['journal-title']} {ref['volume']}:{ref['first-page']} ({ref['year']})"
    found = summaries(load_file(path).store, [NamedNode(ids.doi_iri(ref["DOI"]))])
    assert [(s.name, s.name_source, s.year) for s in found.values()] == [
        (want, "cited-as by 10.1155/2014/858260", int(ref["year"]))]


@pytest.mark.realdata
def test_the_corpus_names_most_cited_works_by_their_citers() -> None:
    if not REALDATA.is_dir():
        pytest.skip(ABSENT)
    sources: Counter[str] = Counter()
    for param in CROSSREF:
        cited = [NamedNode(iri) for iri in expected_names(param.values[0])]
        found = summaries(load_file(param.values[0]).store, cited)
        sources.update(s.name_source.split(" ", 1)[0] for s in found.values())
    # recorded: 7,627 cited works named by their citers, 3,913 by their DOI (references giving nothing
    # but the DOI and a key), 3 by a record of their own in the same file
    assert sources["cited-as"] > 7000 and sources["cited-as"] > sources["identifier"] and sources["record"], sources


@pytest.mark.realdata
def test_the_elife_articles_references_have_their_titles() -> None:
    path = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"
    if not path.is_file():
        pytest.skip(ABSENT)
    refs = raw_items(path)[1][0]["reference"]
    by_doi = {ids.doi_iri(r["DOI"]): r["article-title"] for r in refs}
    assert len(by_doi) == 27
    found = summaries(load_file(path).store, [NamedNode(iri) for iri in by_doi])
    assert {iri: s.name for iri, s in found.items()} == {iri: clean(t) for iri, t in by_doi.items()}
    assert {s.name_source for s in found.values()} == {"cited-as by 10.7554/elife.01567"}


def _related_items_with_doi(param: Any) -> bool:
    path = param.values[0]
    return path is None or any(
        (i.get("relatedItemIdentifier") or {}).get("relatedItemIdentifierType") == "DOI"
        for item in raw_items(path)[1] for i in item["attributes"].get("relatedItems") or [])


#: the DataCite files whose records describe related items named by DOI
DATACITE = [p for p in corpus_files("datacite/dois/*.json", "datacite/dois-lists/*.json") if _related_items_with_doi(p)]


def _main_title(titles: Any) -> str | None:
    titles = [t for t in titles or [] if isinstance(t, dict)]
    main = next((t for t in titles if not t.get("titleType")), titles[0] if titles else None)
    return clean(main.get("title")) if main else None


@pytest.mark.realdata
@pytest.mark.parametrize("path", DATACITE)
def test_every_related_item_with_a_doi_is_named_by_its_title(path: Path) -> None:
    _, items = raw_items(path)
    records = {ids.normalize_doi(item["attributes"].get("doi") or item["id"]): item for item in items}
    named: dict[str, list[tuple[str, str]]] = {}
    for doi, item in records.items():
        for related in item["attributes"].get("relatedItems") or []:
            ident = related.get("relatedItemIdentifier") or {}
            target = doi_node(ident.get("relatedItemIdentifier"), doi) \
                if ident.get("relatedItemIdentifierType") == "DOI" else None
            if target is not None and (t := _main_title(related.get("titles"))):
                named.setdefault(target.value, []).append((t, doi))
    assert named, f"{path.name}: no related item with a DOI and a title"
    expected = {}
    for iri, found in named.items():
        own = records.get(ids.doi_from_iri(iri))
        own_title = _main_title(own["attributes"].get("titles")) if own else None
        best = most_frequent(found)
        assert best is not None
        expected[iri] = (own_title, "record") if own_title else (best[0], f"cited-as by {best[1]}")
    found_names = summaries(load_file(path).store, [NamedNode(iri) for iri in expected])
    assert {iri: (s.name, s.name_source) for iri, s in found_names.items()} == expected


@pytest.mark.realdata
def test_the_elife_articles_json_links_name_the_linked_works_not_the_article() -> None:
    """``links[].otherName`` of /works/{id}.json: each cited work as its reference titles it, never the
    article's own title (the Dryad data supplement's title starts "Data from: " + that title, as its
    reference words it)."""
    path = REALDATA / "crossref" / "works" / "10.7554_elife.01567.json"
    if not path.is_file():
        pytest.skip(ABSENT)
    record = raw_items(path)[1][0]
    by_doi = {ids.doi_iri(r["DOI"]): clean(r["article-title"]) for r in record["reference"]}
    body = work_json(describe(load_file(path).store, "10.7554/elife.01567"), "http://kg.test")
    links = body["links"]
    assert isinstance(links, list)
    cites = {link["other"]: (link["otherName"], link["otherNameSource"]) for link in links
             if link["relation"] == "cito:cites" and link["direction"] == "out"}
    assert cites == {iri: (name, "cited-as by 10.7554/elife.01567") for iri, name in by_doi.items()}
    own = clean(record["title"][0])
    assert all(link["otherName"] and link["otherName"] != own for link in links)
