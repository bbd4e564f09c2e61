"""The server-rendered drawings: the evidence chain and the bar chart are well-formed SVG holding
exactly the chain's works and hops (with their sources) and the chart's values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from kg.chains import evidence_chain
from kg.metrics import item_metrics
from kg.store import Store
from kg.web.svg import NODE_W, bar_chart, chain_svg
from tests.web.conftest import load_samples

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    location = str(tmp_path_factory.mktemp("svg") / "db")
    load_samples(location)
    with Store.open(location) as store:
        yield store


def _box_x(node: ET.Element) -> float:
    rect = node.find(f"{SVG}rect")
    assert rect is not None
    return float(rect.attrib["x"])


def test_the_6gv0_chain_is_drawn_with_every_work_and_hop_and_its_source(samples: Store) -> None:
    drawing = ET.fromstring(chain_svg(evidence_chain(samples, "10.1038/s41598-021-81251-2"),
                                      lambda w: "/works/" + (w.identifiers.get("doi") or "")))
    nodes = {n.attrib["data-iri"]: n for n in drawing.iter(f"{SVG}a")}
    assert set(nodes) == {"https://doi.org/10.1038/s41598-021-81251-2", "https://doi.org/10.2210/pdb6gv0/pdb",
                          "https://doi.org/10.5281/zenodo.4456817"}
    assert nodes["https://doi.org/10.2210/pdb6gv0/pdb"].attrib["data-kind"] == "StructureEntry"
    assert nodes["https://doi.org/10.2210/pdb6gv0/pdb"].attrib["href"] == "/works/10.2210/pdb6gv0/pdb"
    hops = [(h.attrib["data-from"], h.attrib["data-to"], h.attrib["data-relation"], h.attrib["data-sources"])
            for h in drawing.iter(f"{SVG}g") if h.attrib.get("class") == "hop"]
    assert hops == [
        ("https://doi.org/10.1038/s41598-021-81251-2", "https://doi.org/10.2210/pdb6gv0/pdb", "kg:isSupplementTo",
         "pdbe"),
        ("https://doi.org/10.2210/pdb6gv0/pdb", "https://doi.org/10.5281/zenodo.4456817", "kg:isDerivedFrom",
         "pdbe")]
    tooltip = next(h for h in drawing.iter(f"{SVG}g") if h.attrib.get("class") == "hop").findtext(f"{SVG}title")
    assert tooltip is not None and re.search(r"asserted by pdbe \((its record of|retrieved) \d{4}-\d\d-\d\d\)", tooltip)


def test_arrows_read_in_the_direction_of_reliance_and_the_raw_data_is_named_whole(samples: Store) -> None:
    drawing = ET.fromstring(chain_svg(evidence_chain(samples, "10.1038/s41598-021-81251-2"), lambda w: "#"))
    labels = [(h.attrib["data-label"], h.findtext(f"{SVG}text")) for h in drawing.iter(f"{SVG}g")
              if h.attrib.get("class") == "hop"]
    assert labels == [("uses structure", "uses structure"), ("derived from data", "derived from data")]
    raw = next(n for n in drawing.iter(f"{SVG}a") if n.attrib["data-iri"] == "https://doi.org/10.5281/zenodo.4456817")
    assert "10.5281/zenodo.4456817" in [t.text for t in raw.iter(f"{SVG}text")]


def test_citations_are_counted_under_the_citing_work_not_labelled_on_each_arrow() -> None:
    store = Store.open(None)
    cited = " ".join(f"<https://doi.org/10.1/ref{n}>" for n in range(15))
    store.update("PREFIX cito: <http://purl.org/spar/cito/> INSERT DATA { GRAPH <https://example.org/g> { "
                 f"<https://doi.org/10.1/a> cito:cites {', '.join(cited.split())} }} }}")
    drawing = ET.fromstring(chain_svg(evidence_chain(store, "10.1/a"), lambda w: "#"))
    hops = [h for h in drawing.iter(f"{SVG}g") if h.attrib.get("class") == "hop"]
    assert len(hops) == 10 and all(h.findtext(f"{SVG}text") == "" for h in hops)
    assert [t.text for t in drawing.iter(f"{SVG}text") if t.attrib.get("class") == "citations"] == [
        "cites 15 works (the 10 strongest shown)"]


def test_an_inferred_hop_is_dashed_and_labelled_inferred_a_stated_one_solid() -> None:
    store = Store.open(None)
    store.update("PREFIX cito: <http://purl.org/spar/cito/> PREFIX kg: <https://w3id.org/evidence-kg/ns#> "
                 "INSERT DATA { GRAPH <https://example.org/g> { <https://doi.org/10.1/a> "
                 "cito:cites <https://doi.org/10.5061/dryad.x> ; kg:reliesOnData <https://doi.org/10.1/d> } }")
    drawing = ET.fromstring(chain_svg(evidence_chain(store, "10.1/a"), lambda w: "#"))
    hops = {h.attrib["data-to"]: h for h in drawing.iter(f"{SVG}g") if h.attrib.get("class") == "hop"}
    inferred, stated = hops["https://doi.org/10.5061/dryad.x"], hops["https://doi.org/10.1/d"]
    # what the inference rests on is in the hop's tooltip and label attribute; drawn, the label fits the gap
    assert (inferred.attrib["data-basis"], inferred.attrib["data-label"], inferred.findtext(f"{SVG}text")) == (
        "inferred", "cites data (inferred: Dryad DOI)", "cites data (inferred)")
    assert inferred.find(f"{SVG}path").attrib["stroke-dasharray"] == "6 4"  # type: ignore[union-attr]
    assert "repository-prefix:10.5061" in (inferred.findtext(f"{SVG}title") or "")
    assert stated.attrib["data-basis"] == "stated"
    assert "stroke-dasharray" not in stated.find(f"{SVG}path").attrib  # type: ignore[union-attr]


def test_hops_between_works_at_one_depth_still_point_rightwards(samples: Store) -> None:
    """P5 cites P3 and D, and P3 relies on D: D is drawn right of P3, not beside it."""
    drawing = ET.fromstring(chain_svg(evidence_chain(samples, "10.5555/kg-sample.p5"), lambda w: "#"))
    x = {n.attrib["data-iri"]: _box_x(n) for n in drawing.iter(f"{SVG}a")}
    hops = [h for h in drawing.iter(f"{SVG}g") if h.attrib.get("class") == "hop"]
    assert hops
    for hop in hops:
        assert x[hop.attrib["data-to"]] > x[hop.attrib["data-from"]], hop.attrib


def test_two_works_citing_each_other_are_drawn_with_an_arrow_each_way_apart_from_the_other() -> None:
    """A DataCite record listing the same dataset among its references and its citations (real: figshare
    10.6084/m9.figshare.1449060 and Dryad 10.5061/dryad.b8gtht79c): the hop back to the root was drawn from
    the far side of the cited box across it, its label under that box."""
    store = Store.open(None)
    store.update("PREFIX cito: <http://purl.org/spar/cito/> INSERT DATA { GRAPH <https://example.org/g> { "
                 "<https://doi.org/10.6084/m9.figshare.1> cito:cites <https://doi.org/10.5061/dryad.x> . "
                 "<https://doi.org/10.5061/dryad.x> cito:cites <https://doi.org/10.6084/m9.figshare.1> } }")
    drawing = ET.fromstring(chain_svg(evidence_chain(store, "10.6084/m9.figshare.1"), lambda w: "#"))
    box = {n.attrib["data-iri"]: _box_x(n) for n in drawing.iter(f"{SVG}a")}
    root, dataset = "https://doi.org/10.6084/m9.figshare.1", "https://doi.org/10.5061/dryad.x"
    assert box[dataset] > box[root]
    hops = {(h.attrib["data-from"], h.attrib["data-to"]): h for h in drawing.iter(f"{SVG}g")
            if h.attrib.get("class") == "hop"}
    ends = {key: [float(v) for v in re.findall(r"-?[\d.]+", hop.find(f"{SVG}path").attrib["d"])]  # type: ignore[union-attr]
            for key, hop in hops.items()}
    for key, (x1, _, _, _, x2, _) in ends.items():  # each from one box's side to the facing side of the other
        assert sorted((x1, x2)) == [box[root] + NODE_W, box[dataset]], key
    (_, fy, _, _, _, _), (_, by, _, bend, _, _) = ends[(root, dataset)], ends[(dataset, root)]
    assert by > fy and bend > by  # the way back below the way there, bowed further down
    labels = {key: float(hop.find(f"{SVG}text").attrib["y"]) for key, hop in hops.items()}  # type: ignore[union-attr]
    assert labels[(dataset, root)] > by > labels[(root, dataset)]  # one over its arrow, one under


def test_the_bar_chart_holds_each_year_and_count(samples: Store) -> None:
    by_year = item_metrics(samples, "10.5555/kg-sample.data").all_versions.by_year
    drawing = ET.fromstring(bar_chart(sorted(by_year.items()), "Citations per year"))
    bars = [(b.attrib["data-label"], int(b.attrib["data-value"])) for b in drawing.iter(f"{SVG}g")]
    assert bars == [("2021", 1), ("2022", 2), ("2023", 1)]
    assert drawing.findtext(f"{SVG}title") == "Citations per year"


def test_an_empty_chart_says_there_is_nothing_yet() -> None:
    assert "no citations yet" in bar_chart([], "Citations per year")


def test_text_from_the_graph_is_escaped() -> None:
    drawing = bar_chart([("<script>alert(1)</script>", 1)], "a & b")
    assert "<script>" not in drawing
    ET.fromstring(drawing)


