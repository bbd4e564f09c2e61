"""Tracing end to end on the sample graph: the 6GV0 story from a news paragraph to the raw data,
claims stored in their own graphs and listed on works, on-demand resolution through the loaders'
HTTP clients against a local replaying server, and hostile input leaving the store untouched."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat

from kg.chains import evidence_chain
from kg.store import Store
from kg.tracing import claim_iri, claims_about, trace
from kg.tracing.claims import MAX_CLAIM_CHARS, TraceInputError
from loaders.http import HttpConfig
from loaders.pipeline import load
from loaders.read import read_paths
from tests.loaders.replay import ReplayServer, Reply

ROOT = Path(__file__).resolve().parents[3]
CLAIMS = ROOT / "tests" / "fixtures" / "claims"
A0 = "https://doi.org/10.1038/s41598-021-81251-2"
ENTRY = "https://doi.org/10.2210/pdb6gv0/pdb"
RAW = "https://doi.org/10.5281/zenodo.4456817"
FETCHED = "https://doi.org/10.5555/kg-claims.fetched"
FETCHED_DATA = "https://doi.org/10.5555/kg-claims.fetched-data"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STORY = ("Insulin glulisine, a fast-acting insulin used by people with diabetes, has had its crystal structure "
         "solved. The researchers, writing in Scientific Reports in 2021, describe how the molecules pack in the "
         "crystal.\n\nThe city also opened a new tram line on Tuesday.")


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open(None)
    report = load(s, read_paths([ROOT / "samples"]))
    assert report.rejected == 0
    yield s
    s.close()


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as running:
        yield running


def http() -> HttpConfig:
    return HttpConfig(retries=0, backoff=0.01, timeout=5.0)


def quads(store: Store) -> bytes:
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return out.getvalue()


def test_the_6gv0_news_story_resolves_to_the_sci_rep_article_and_its_chain_reaches_the_raw_data(
        store: Store) -> None:
    result = trace(store, STORY, url="https://news.example.org/insulin", source_kind="news",
                   published=date(2021, 1, 20), now=WHEN)
    assert len(result.claims) == 1
    claim = result.claims[0]
    assert claim.text.startswith("Insulin glulisine") and claim.text.endswith("in the crystal.")
    assert [(w.iri, w.method) for w in claim.works] == [(A0, "cues:title+venue+year")]
    assert claim.works[0].score >= 0.8 and claim.stored
    chain = result.chains[A0]
    assert [(h.from_, h.to, h.role, h.sources) for h in chain.hops] == [
        (A0, ENTRY, "data", ("pdbe",)), (ENTRY, RAW, "data", ("pdbe",))]
    assert chain.node(RAW).work.kind == "Dataset"
    as_json = result.as_dict()
    assert as_json["claims"][0]["works"][0]["chain"]["hops"][1]["to"] == RAW  # type: ignore[index]


def test_a_traced_claim_is_stored_in_its_own_graph_with_provenance_and_has_a_chain_of_its_own(
        store: Store) -> None:
    result = trace(store, STORY, url="https://news.example.org/insulin", source_kind="news",
                   published=date(2021, 1, 20), now=WHEN)
    claim = result.claims[0].iri
    assert claim == claim_iri(result.claims[0].text, "https://news.example.org/insulin")
    local = claim.removeprefix("https://w3id.org/evidence-kg/claim/")
    graph = f"https://w3id.org/evidence-kg/graph/trace/{local}"
    rows = store.select("""SELECT ?kind ?appearance ?first ?method ?score ?text ?time WHERE { GRAPH ?g {
        ?c a <http://schema.org/Claim> ; <https://w3id.org/evidence-kg/ns#sourceKind> ?kind ;
           <http://schema.org/appearance> ?appearance ; <http://schema.org/firstAppearance> ?first ;
           <http://purl.org/spar/cito/citesAsEvidence> ?w ; <https://w3id.org/evidence-kg/ns#evidenceMatch> ?m .
        ?m <https://w3id.org/evidence-kg/ns#matchedWork> ?w ; <https://w3id.org/evidence-kg/ns#matchMethod> ?method ;
           <https://w3id.org/evidence-kg/ns#matchScore> ?score ; <https://w3id.org/evidence-kg/ns#matchedText> ?text ;
           <http://www.w3.org/ns/prov#generatedAtTime> ?time } }""",
                        {"g": NamedNode(graph), "c": NamedNode(claim), "w": NamedNode(A0)}).values()
    assert {r[5] for r in rows} == {"crystal", "glulisine", "insulin", "structure", "Scientific Reports", "2021"}
    assert {r[:5] + r[6:] for r in rows} == {("news", "https://news.example.org/insulin", "2021-01-20",
                                              "cues:title+venue+year", f"{result.claims[0].works[0].score:.3f}",
                                              "2026-01-02T03:04:05Z")}
    assert store.select("SELECT ?s WHERE { GRAPH <https://w3id.org/evidence-kg/graph/meta> { "
                        "?g <https://w3id.org/evidence-kg/ns#source> ?s } }", {"g": NamedNode(graph)}).values() == [
        ("trace",)]
    from_claim = evidence_chain(store, claim)
    assert [(h.from_, h.to, h.role) for h in from_claim.hops] == [
        (claim, A0, "unspecified"), (A0, ENTRY, "data"), (ENTRY, RAW, "data")]
    assert from_claim.hops[0].sources == ("trace",)


def test_tracing_the_same_text_again_replaces_its_claim_graph(store: Store) -> None:
    trace(store, STORY, url="https://news.example.org/insulin", now=WHEN)
    before = quads(store)
    trace(store, STORY, url="https://news.example.org/insulin", now=WHEN)
    assert quads(store) == before


def test_works_list_the_claims_made_about_them_in_one_query(store: Store) -> None:
    trace(store, STORY, url="https://news.example.org/insulin", now=WHEN)
    trace(store, "Our reanalysis (doi:10.1038/s41598-021-81251-2) used the 6GV0 raw images "
                 "(https://zenodo.org/record/4456817).", url="https://arxiv.org/abs/2101.00001", now=WHEN)
    found = claims_about(store, [A0, RAW, ENTRY])
    assert [(c.source_kind, c.method, c.score) for c in found[A0]] == [
        ("academic", "identifier:doi", 1.0), ("news", "cues:title+venue+year", pytest.approx(0.963, abs=0.05))]
    assert [(c.source_kind, c.method, c.appearance) for c in found[RAW]] == [
        ("academic", "identifier:zenodo", "https://arxiv.org/abs/2101.00001")]
    assert found[ENTRY] == []


def test_identifiers_without_an_iri_resolve_through_the_graphs_literals_and_urls(store: Store) -> None:
    result = trace(store, "The study is PMID 33462295; its data are at https://zenodo.org/records/4456817.",
                   store_claims=False)
    assert [(m.mention.kind, m.status, m.work) for m in result.claims[0].mentions] == [
        ("pmid", "resolved", A0), ("zenodo", "resolved", RAW)]


def test_offline_an_unknown_doi_is_unresolved_with_the_reason_and_the_rest_is_answered(
        store: Store, server: ReplayServer) -> None:
    result = trace(store, "The paper (doi:10.1038/s41598-021-81251-2) builds on doi:10.5555/kg-claims.fetched.",
                   apis={"crossref": server.base}, http=http(), online=False)
    mentions = result.claims[0].mentions
    assert [(m.mention.value, m.status, m.reason) for m in mentions] == [
        ("10.1038/s41598-021-81251-2", "resolved", None),
        ("10.5555/kg-claims.fetched", "unresolved", "not in the graph, and fetching is off (offline)")]
    assert [h.to for h in result.chains[A0].hops] == [ENTRY, RAW]
    assert server.seen == []


def test_online_an_unknown_doi_is_fetched_stored_and_chained_with_one_hop_of_its_links(
        store: Store, server: ReplayServer) -> None:
    server.add("/works/10.5555/kg-claims.fetched", Reply(body=(CLAIMS / "crossref-work-fetched.json").read_bytes()))
    server.add("/works/10.5555/kg-claims.fetched-data", Reply(404, b'{"message": "Resource not found."}'))
    server.add("/dois/10.5555/kg-claims.fetched-data",
               Reply(body=(CLAIMS / "datacite-fetched-data.json").read_bytes()))
    result = trace(store, "Lake ice now thins earlier, a study (https://doi.org/10.5555/kg-claims.fetched) shows.",
                   apis={"crossref": server.base, "datacite": server.base}, http=http(), online=True, now=WHEN)
    [mention] = result.claims[0].mentions
    assert (mention.status, mention.work, mention.fetched) == ("resolved", FETCHED, True)
    chain = result.chains[FETCHED]
    assert [(h.from_, h.to, h.role, h.sources) for h in chain.hops] == [
        (FETCHED, FETCHED_DATA, "data", ("crossref",)), (FETCHED, FETCHED_DATA, "citation", ("crossref",))]
    assert chain.node(FETCHED_DATA).work.kind == "Dataset"  # the linked work was fetched from DataCite
    assert [s.path for s in server.seen] == ["/works/10.5555/kg-claims.fetched",
                                             "/works/10.5555/kg-claims.fetched-data",
                                             "/dois/10.5555/kg-claims.fetched-data"]
    assert claims_about(store, [FETCHED])[FETCHED][0].method == "identifier:doi"


def test_a_server_error_leaves_a_clear_unresolved_mention_and_the_rest_of_the_answer_intact(
        store: Store, server: ReplayServer) -> None:
    server.add("/works/10.5555/kg-claims.down", Reply(503, b"busy"))
    server.add("/dois/10.5555/kg-claims.down", Reply(500, b"oops"))
    result = trace(store, "Two studies (doi:10.5555/kg-claims.down and doi:10.1038/s41598-021-81251-2) agree.",
                   apis={"crossref": server.base, "datacite": server.base}, http=http(), online=True)
    down, known = result.claims[0].mentions
    assert (down.status, known.status) == ("unresolved", "resolved")
    assert down.reason is not None
    assert down.reason.startswith("cannot fetch DOI 10.5555/kg-claims.down: crossref: fetching ")
    assert "HTTP 503" in down.reason and "datacite: fetching " in down.reason and "HTTP 500" in down.reason
    assert [w.iri for w in result.claims[0].works] == [A0]
    assert [h.to for h in result.chains[A0].hops] == [ENTRY, RAW]


@pytest.mark.parametrize("text", ["", "\x00\x01\x02\x03" * 100, "a" * 5_000_001,
                                  "<html><script>var doi = '10.1038/s41598-021-81251-2';</script></html>"])
def test_rejected_input_stores_nothing(store: Store, text: str) -> None:
    before = quads(store)
    with pytest.raises(TraceInputError, match="^cannot trace this input: "):
        trace(store, text)
    assert quads(store) == before


def test_html_with_scripts_is_traced_by_its_text_only(store: Store) -> None:
    html = ("<html><body><script>fetch('https://doi.org/10.5555/kg-sample.p1')</script>"
            "<p>The structure (PDB entry 6GV0) is online.</p></body></html>")
    result = trace(store, html, store_claims=False)
    assert [(m.mention.kind, m.work) for c in result.claims for m in c.mentions] == [("pdb", ENTRY)]


def test_a_text_without_claims_stores_nothing_and_says_so(store: Store) -> None:
    before = quads(store)
    result = trace(store, "The tram line opens on Tuesday. Tickets cost two euros.")
    assert result.claims == () and result.as_dict()["claims"] == []
    assert quads(store) == before


def test_an_unknown_source_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="source kind must be one of news, academic, social, other, not 'blog'"):
        trace(Store.open(None), "A study (doi:10.1/x).", source_kind="blog")


def test_online_an_unknown_pdb_entry_is_fetched_from_pdbe_and_its_raw_data_from_datacite(
        server: ReplayServer) -> None:
    from loaders.pdbe import PdbeLoader
    samples = ROOT / "samples"
    for endpoint in PdbeLoader.endpoints:
        server.add(f"/pdb/entry/{endpoint}/6gv0", Reply(body=(samples / "pdbe" / f"6gv0-{endpoint}.json").read_bytes()))
    server.add("/works/10.5281/zenodo.4456817", Reply(404, b'{"message": "Resource not found."}'))
    server.add("/dois/10.5281/zenodo.4456817", Reply(body=(samples / "datacite" / "zenodo-4456817.json").read_bytes()))
    empty = Store.open(None)
    result = trace(empty, "The structure of insulin glulisine is PDB entry 6GV0, scientists say.", online=True,
                   http=http(), apis={"pdbe": server.base, "crossref": server.base, "datacite": server.base})
    [mention] = result.claims[0].mentions
    assert (mention.status, mention.work, mention.fetched) == ("resolved", ENTRY, True)
    chain = result.chains[ENTRY]
    assert [(h.from_, h.to, h.role, h.sources) for h in chain.hops] == [(ENTRY, RAW, "data", ("pdbe",))]
    assert (chain.node(RAW).work.kind, chain.node(RAW).work.year) == ("Dataset", 2021)
    assert claims_about(empty, [ENTRY])[ENTRY][0].method == "identifier:pdb"


ICE_PROTEIN = "https://doi.org/10.5555/kg-claims.ice-protein"
EMPIAR = "https://www.ebi.ac.uk/empiar/EMPIAR-19999"


def labelled(item_id: str) -> str:
    import json
    lines = (CLAIMS / "labelled.jsonl").read_text("utf-8").splitlines()
    return next(str(i["text"]) for i in map(json.loads, filter(None, lines)) if i["id"] == item_id)


def test_an_accession_resolves_to_the_node_a_loaded_record_links_to_and_the_citing_works_chain_shows_it(
        store: Store) -> None:
    report = load(store, read_paths([CLAIMS / "crossref-work-accessions.json"]))
    assert (report.loaded, report.rejected) == (1, 0)
    result = trace(store, labelled("s70"), now=WHEN)
    [claim] = result.claims
    [empiar, geo] = claim.mentions
    assert (empiar.mention.kind, empiar.mention.iri, empiar.status, empiar.work) == ("empiar", EMPIAR, "resolved",
                                                                                  EMPIAR)
    # Crossref's id-type "accession": a related item named by its scheme and value, as loaders.builder mints it
    assert (geo.mention.kind, geo.status) == ("geo", "resolved")
    assert geo.work is not None and geo.work.startswith("https://w3id.org/evidence-kg/related/")
    assert [(w.iri, w.method) for w in claim.works] == [(EMPIAR, "identifier:empiar"), (geo.work, "identifier:geo")]
    assert claim.stored and claims_about(store, [EMPIAR])[EMPIAR][0].method == "identifier:empiar"
    hops = evidence_chain(store, NamedNode(ICE_PROTEIN), 2).hops
    assert sorted((h.to, h.role, h.sources) for h in hops) == sorted([(EMPIAR, "data", ("crossref",)),
                                                                      (geo.work, "data", ("crossref",))])


def test_an_accession_no_record_links_to_is_unresolved_without_fetching_and_the_rest_is_answered(
        store: Store, server: ReplayServer) -> None:
    result = trace(store, "The paper (doi:10.1038/s41598-021-81251-2) used the cryo-EM map EMD-99999 and the "
                          "raw images in EMPIAR-19998.", apis={"crossref": server.base, "datacite": server.base},
                   http=http(), online=True, store_claims=False)
    assert [(m.mention.kind, m.mention.value, m.status, m.reason) for m in result.claims[0].mentions] == [
        ("doi", "10.1038/s41598-021-81251-2", "resolved", None),
        ("emdb", "EMD-99999", "unresolved", "no loader fetches EMDB records; load a record that links to it"),
        ("empiar", "EMPIAR-19998", "unresolved", "no loader fetches EMPIAR records; load a record that links to it")]
    as_json = result.as_dict()["claims"][0]["mentions"]  # type: ignore[index]
    assert as_json[1]["iri"] == "https://www.ebi.ac.uk/emdb/EMD-99999"  # type: ignore[index]
    assert [w.iri for w in result.claims[0].works] == [A0]
    assert [h.to for h in result.chains[A0].hops] == [ENTRY, RAW]
    assert server.seen == []


def test_a_sentence_repeated_is_one_claim_counted_and_its_work_and_chain_appear_once(store: Store) -> None:
    sentence = f"A study in Scientific Reports (doi:{A0[16:]}) solved the structure. "
    found = trace(store, sentence * 500 + "Another study (doi:10.1/absent) agreed. ", store_claims=False)
    assert [(c.text, c.occurrences) for c in found.claims] == [
        (sentence.strip(), 500), ("Another study (doi:10.1/absent) agreed.", 1)]
    assert (found.claims_found, found.max_claims, found.truncated) == (2, 200, False)
    assert list(found.chains) == [A0]
    answer = found.as_dict()
    assert answer["limits"] == {"max_claims": 200, "max_characters": 1_000_000, "claims_found": 2}


def test_claims_past_the_limit_are_left_out_and_the_answer_says_so(store: Store) -> None:
    text = "".join(f"Study {i} in Scientific Reports (doi:{A0[16:]}) counted {i} cells. " for i in range(5))
    found = trace(store, text, store_claims=False, max_claims=3)
    assert [c.text.split()[1] for c in found.claims] == ["0", "1", "2"]
    assert found.truncated and found.claims_found == 5
    assert found.notes[-1] == "only the first 3 of 5 distinct claims are answered (trace a shorter text for the rest)"
    chains = [w["chain"] for c in found.as_dict()["claims"] for w in c["works"]]  # type: ignore[attr-defined]
    assert len(chains) == 3 and chains[0] is not None and chains[1:] == [None, None]


def test_sentences_referring_back_join_a_claim_only_up_to_its_length_limit(store: Store) -> None:
    sentence = "The study was reported in Scientific Reports last year. "
    found = trace(store, sentence * 200, store_claims=False)
    assert found.claims
    assert all(len(c.text) <= MAX_CLAIM_CHARS for c in found.claims)
    assert sum(c.occurrences * c.text.count("The study") for c in found.claims) == 200
