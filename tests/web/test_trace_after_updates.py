"""A record retitled through the service's own write paths (a SPARQL Update at /sparql, a graph PUT at
/store) is traced under its new title at once, and no longer under the old one: the cue index follows
each write graph by graph (kg.store.written), on each backend."""

from __future__ import annotations

import requests

from tests.web.conftest import UPDATE_TOKEN, Live

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
ELIFE = "https://doi.org/10.7554/elife.01567"
ELIFE_GRAPH = "https://w3id.org/evidence-kg/graph/crossref/10.7554/elife.01567"
HISTOLOGY = "Automated quantitative histology reveals vascular morphodynamics in Arabidopsis hypocotyls, a study found."
OTTERS = "Sea otters are back in the northern kelp forests, a study found."
PUFFINS = "Puffins nest on the windswept cliffs of the northern islands, a study found."


def traced(live: Live, text: str) -> set[str]:
    answer = requests.post(live("/api/trace"), json={"text": text}, timeout=120)
    assert answer.status_code == 200, answer.text
    return {w["iri"] for c in answer.json()["claims"] for w in c["works"]}


def test_a_record_retitled_by_sparql_update_or_graph_put_is_traced_under_its_new_title(writable: Live) -> None:
    assert traced(writable, HISTOLOGY) == {ELIFE} and traced(writable, OTTERS) == set()
    title = "Sea otters return to the northern kelp forests"
    update = (f"PREFIX schema: <http://schema.org/> "
              f"DELETE {{ GRAPH <{ELIFE_GRAPH}> {{ <{ELIFE}> schema:name ?old }} }} "
              f"INSERT {{ GRAPH <{ELIFE_GRAPH}> {{ <{ELIFE}> schema:name '{title}' }} }} "
              f"WHERE {{ GRAPH <{ELIFE_GRAPH}> {{ <{ELIFE}> schema:name ?old }} }}")
    done = requests.post(writable("/sparql"), data={"update": update}, headers=AUTH, timeout=120)
    assert done.status_code in (200, 204), done.text
    assert traced(writable, OTTERS) == {ELIFE} and traced(writable, HISTOLOGY) == set()

    graph = requests.get(writable("/store"), params={"graph": ELIFE_GRAPH},
                         headers={"Accept": "application/n-triples"}, timeout=60)
    assert graph.status_code == 200 and title in graph.text
    put = requests.put(writable("/store"), params={"graph": ELIFE_GRAPH}, timeout=120,
                       data=graph.text.replace(title, "Puffins nest on windswept northern cliffs").encode(),
                       headers={**AUTH, "Content-Type": "application/n-triples"})
    assert put.status_code == 204, put.text
    assert traced(writable, PUFFINS) == {ELIFE} and traced(writable, OTTERS) == set()
