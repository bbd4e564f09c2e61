"""Stated evidence leads, over the whole real corpus (``../shared/realdata``): wherever a record
states that a work rests on data, software or a method (a supplement, a derivation, a required
tool), that link comes before every plain citation in the work's evidence chain and is among its
top related items.

The expectations are read here from the sources' JSON, with the relation catalogue's roles
(``ontology/kg.ttl``), never from kg's output: Crossref ``relation``, DataCite
``relatedIdentifiers``, Zenodo ``related_identifiers`` and PDBe primary citations, each with a
DOI at both ends. A record recorded twice (two list pages, two dates) counts only for what every
copy states, since the store keeps one copy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from kg import ids
from kg.chains import evidence_chain
from kg.related import related_items
from kg.store import Store
from kg.vocab import relation
from loaders.pipeline import load
from loaders.read import read_paths

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()
FOLDERS = ("crossref", "datacite", "zenodo", "pdbe")
_DOI_FORM = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
#: a pair (the work relying, the work relied upon), both DOI IRIs
Pair = tuple[str, str]


def _iri(value: Any) -> str | None:
    doi = ids.normalize_doi(value, strict=False) if isinstance(value, str) else None
    return ids.doi_iri(doi) if doi else None


def _stated(work: str | None, name: str, target: str | None) -> Iterator[Pair]:
    """The evidence pair a relation named so states between the record's work and a target."""
    rel = relation(name) if name else None
    if rel is None or rel.role not in ("data", "software", "method") or not work or not target or work == target:
        return
    yield (work, target) if rel.reliance == "subject" else (target, work)


def _crossref(item: dict[str, Any]) -> Iterator[Pair]:
    work = _iri(item.get("DOI"))
    for name, targets in (item.get("relation") or {}).items():
        for t in targets if isinstance(targets, list) else []:
            if (t.get("id-type") or "").lower() == "doi":
                yield from _stated(work, name, _iri(t.get("id")))


def _datacite(item: dict[str, Any]) -> Iterator[Pair]:
    attributes = item.get("attributes") or {}
    work = _iri(attributes.get("doi") or item.get("id"))
    for rel in attributes.get("relatedIdentifiers") or []:
        value = rel.get("relatedIdentifier")
        if (rel.get("relatedIdentifierType") or "").upper() == "DOI" or (isinstance(value, str)
                                                                          and _DOI_FORM.match(value)):
            yield from _stated(work, rel.get("relationType") or "", _iri(value))


def _zenodo(hit: dict[str, Any]) -> Iterator[Pair]:
    metadata = hit.get("metadata") or {}
    work = _iri(hit.get("doi") or metadata.get("doi"))
    for rel in metadata.get("related_identifiers") or []:
        name = rel.get("relation") or (rel.get("relation_type") or {}).get("id") or ""
        if (rel.get("scheme") or "").lower() == "doi":
            yield from _stated(work, name, _iri(rel.get("identifier")))


def _pdbe(document: dict[str, Any]) -> Iterator[Pair]:
    """The primary citation relies on the entry (PDBe lists it first; a search document names it)."""
    if "pdb_id" in document and document.get("citation_doi"):
        yield from _stated(_iri(document["citation_doi"]), "IsSupplementedBy", ids.doi_iri(
            f"10.2210/pdb{str(document['pdb_id']).lower()}/pdb"))
        return
    for pdb_id, items in document.items():
        publications = [i for i in items if isinstance(i, dict) and "journal_info" in i] if isinstance(
            items, list) else []
        if publications:
            yield from _stated(_iri(publications[0].get("doi")), "IsSupplementedBy",
                               ids.doi_iri(f"10.2210/pdb{pdb_id.lower()}/pdb"))


def _records(path: Path) -> Iterator[tuple[tuple[str, str | None], list[Pair]]]:
    """Each record of a corpus file, by (source, its own DOI), with the pairs it states."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    if not isinstance(document, dict):
        return
    folder = path.relative_to(REALDATA).parts[0]
    if folder == "crossref" and document.get("message-type") in ("work", "work-list"):
        message = document["message"]
        for item in message.get("items") or [] if document["message-type"] == "work-list" else [message]:
            yield ("crossref", _iri(item.get("DOI"))), list(_crossref(item))
    elif folder == "datacite" and "data" in document:
        data = document["data"]
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and "attributes" in item:
                yield ("datacite", _iri(item["attributes"].get("doi") or item.get("id"))), list(_datacite(item))
    elif folder == "zenodo":
        for hit in (document.get("hits") or {}).get("hits") or [] if "hits" in document else [document]:
            yield ("zenodo", _iri(hit.get("doi") or (hit.get("metadata") or {}).get("doi"))), list(_zenodo(hit))
    elif folder == "pdbe":
        yield ("pdbe", path.name), list(_pdbe(document))


def stated_evidence() -> dict[str, list[str]]:
    """Each work relying on stated evidence -> the works it relies on, from the corpus JSON."""
    copies: dict[tuple[str, str | None], list[set[Pair]]] = {}
    for folder in FOLDERS:
        for path in sorted((REALDATA / folder).rglob("*.json")):
            for key, pairs in _records(path):
                copies.setdefault(key, []).append(set(pairs))
    relied: dict[str, set[str]] = {}
    for versions in copies.values():
        for work, target in set.intersection(*versions):
            relied.setdefault(work, set()).add(target)
    return {work: sorted(targets) for work, targets in sorted(relied.items())}


@pytest.fixture(scope="module")
def corpus() -> Store:
    if not REALDATA.is_dir():
        pytest.skip(f"the real corpus is not at {REALDATA} (kept beside the project, not in a fresh clone)")
    store = Store.open(None)
    assert load(store, read_paths([REALDATA / f for f in FOLDERS])).loaded > 1000
    return store


@pytest.mark.realdata
def test_stated_evidence_leads_every_chain_and_every_list_of_related_items(corpus: Store) -> None:
    expected = stated_evidence()
    assert len(expected) >= 30, expected
    for work, targets in expected.items():
        chain = evidence_chain(corpus, NamedNode(work), max_depth=1)
        hops = chain.hops_from(work)
        first_citation = next((i for i, h in enumerate(hops) if h.is_citation), len(hops))
        leading = {h.to for h in hops[:first_citation]}
        assert set(targets) <= leading, f"{work}: {sorted(set(targets) - leading)} not before its citations"
        assert all(h.basis == "stated" and h.assertions for h in hops[:first_citation]), work
        # each link in its top 3 related items. A work stating more than 3 cannot have them all there
        # (in the corpus one does: 10.1039/c5fo00397k states 4), so then its top places are these links,
        # as many as it states: nothing ranks between a work and the evidence its record states
        top = [r.item.iri for r in related_items(corpus, NamedNode(work), limit=max(3, len(targets)))]
        if len(targets) <= 3:
            assert set(targets) <= set(top[:3]), f"{work}: {sorted(set(targets) - set(top[:3]))} not in its top 3"
        else:
            assert set(top[:len(targets)]) == set(targets), f"{work}: its top {len(targets)} are {top}"
    assert [w for w, t in expected.items() if len(t) > 3] == [ids.doi_iri("10.1039/c5fo00397k")]


@pytest.mark.realdata
def test_the_elife_article_rests_first_on_its_dryad_supplement(corpus: Store) -> None:
    elife, dryad = ids.doi_iri("10.7554/elife.01567"), ids.doi_iri("10.5061/dryad.b835k")
    assert stated_evidence()[elife] == [dryad]
    chain = evidence_chain(corpus, "10.7554/elife.01567")
    assert (chain.hops[0].to, chain.hops[0].label, chain.hops[0].basis) == (dryad, "supplemented by data", "stated")
    assert chain.hops[0].assertions[0].source == "crossref" and chain.hops[0].assertions[0].retrieved
    assert related_items(corpus, "10.7554/elife.01567", limit=1)[0].item.iri == dryad


@pytest.mark.realdata
def test_the_efsa_opinion_lists_its_10_strongest_of_229_references(corpus: Store) -> None:
    chain = evidence_chain(corpus, "10.2903/j.efsa.2018.5239")
    root = chain.nodes[0]
    assert root.citations == len({h.to for h in evidence_chain(corpus, "10.2903/j.efsa.2018.5239",
                                                                all_citations=True).hops if h.is_citation})
    assert root.citations > 100 and root.citations_listed == 10
    assert len([h for h in chain.hops if h.is_citation]) == 10
    assert root.citation_note == f"cites {root.citations} works (the 10 strongest shown)"
