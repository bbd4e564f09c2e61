"""A node with several names shows the same one on every backend, whatever order the engine answers in
(issue 14, item 8): the longest, and of the longest the first in code-point order
(:func:`kg.vocab.preferred_name`). Every name here is as long as its rival, so engine order alone
decided before; each store is written in both orders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode

from kg.describe import describe
from kg.store import Store
from kg.vocab import SCHEMA, preferred_name
from kg.works import names, summaries
from tests.kg.store.conftest import record
from tests.kg.store.test_virtuoso import clear

FUNDER = NamedNode("https://doi.org/10.13039/999999")
#: as long as each other: the first in code-point order is shown
FUNDER_NAMES = ("Agency Gamma", "Agency Alpha", "Agency Delta")
TITLES = ("A study of Y", "A study of X")


def _write(store: Store, order: int) -> None:
    funder_names = FUNDER_NAMES if order == 0 else tuple(reversed(FUNDER_NAMES))
    titles = TITLES if order == 0 else tuple(reversed(TITLES))
    # two sources' records name one funder differently; one record gives its work two titles
    records = [record(f"10.1/funded-{n}", (SCHEMA.funder, FUNDER), (SCHEMA.name, Literal(f"Funded {n}")))
               for n in range(len(funder_names))]
    records += [record(f"10.1/namer-{n}", (SCHEMA.name, Literal(f"Namer {n}"))) for n in range(len(funder_names))]
    store.write(records)
    for n, name in enumerate(funder_names):  # the funder's name, stated in each namer's own graph
        store.update(f'INSERT DATA {{ GRAPH <https://w3id.org/evidence-kg/graph/test/10.1/namer-{n}> '
                     f'{{ {FUNDER} {SCHEMA.name} "{name}" }} }}')
    store.write([record("10.1/two-titles", *((SCHEMA.name, Literal(t)) for t in titles),
                        (SCHEMA.funder, FUNDER))])


def _shown(store: Store) -> tuple[str | None, ...]:
    work = NamedNode("https://doi.org/10.1/two-titles")
    description = describe(store, work.value)
    return (names(store, [FUNDER.value]).get(FUNDER.value), summaries(store, [work])[work.value].title,
            description.name_of(FUNDER.value))


EXPECTED = ("Agency Alpha", "A study of X", "Agency Alpha")


def test_the_preferred_name_is_the_longest_then_the_first_in_code_point_order() -> None:
    assert preferred_name(["NSF", "National Science Foundation"]) == "National Science Foundation"
    assert preferred_name(["Agency Gamma", "Agency Alpha"]) == preferred_name(["Agency Alpha", "Agency Gamma"]) \
        == "Agency Alpha"
    assert preferred_name(["Ärzte", "Zebra"]) == "Zebra"  # code points, not a locale's collation
    assert preferred_name([]) is None


@pytest.mark.parametrize("order", [0, 1])
def test_a_node_with_two_names_shows_the_same_one_on_every_backend(store: Store, order: int) -> None:
    _write(store, order)
    assert _shown(store) == EXPECTED


@pytest.fixture
def virtuoso(virtuoso_server: str) -> Iterator[Store]:
    store = Store.open(virtuoso_server)
    clear(store)
    yield store
    clear(store)


@pytest.mark.slow
@pytest.mark.parametrize("order", [0, 1])
def test_a_node_with_two_names_shows_the_same_one_on_virtuoso(virtuoso: Store, order: int) -> None:
    _write(virtuoso, order)
    assert _shown(virtuoso) == EXPECTED
