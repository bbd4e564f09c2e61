"""Titles with markup in the real corpus (``../shared/realdata``) are shown as text: Crossref's record of
10.5194/cp-2020-95 escapes its ``<sup>`` twice (``δ&amp;lt;sup&amp;gt;13...``), and its title was shown
on pages as ``δ&lt;sup&gt;13&lt;/sup&gt;C``. Expectations are computed from the record's JSON here, with
the standard library's decoder, never from kg's mapper."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from tests.loaders.test_realdata import ABSENT, REALDATA, load_file, select

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

RECORD = REALDATA / "crossref" / "works" / "10.5194_cp-2020-95.json"
WORKS = sorted((REALDATA / "crossref" / "works").glob("*.json")) if REALDATA.is_dir() else []


def decoded(title: str) -> str:
    """The title as a reader should see it: entities decoded as often as they were encoded, tags removed."""
    while (once := html.unescape(title)) != title:
        title = once
    return " ".join(re.sub(r"</?[a-z][^>]*>", "", title, flags=re.I).split())


def names(path: Path) -> list[str]:
    loaded = load_file(path)
    work = NamedNode("https://doi.org/" + json.loads(path.read_text("utf-8"))["message"]["DOI"].lower())
    rows = select(loaded.store, "SELECT ?name WHERE { GRAPH ?g { ?work schema:name ?name } }", work=work)
    return [r["name"].value for r in rows if isinstance(r["name"], Literal)]


def test_a_title_escaped_twice_is_text_without_its_tags() -> None:
    title = json.loads(RECORD.read_text("utf-8"))["message"]["title"][0]
    assert "&amp;lt;sup&amp;gt;" in title  # the record as Crossref serves it
    expected = decoded(title)
    assert "δ13C" in expected
    assert names(RECORD) == [expected]


@pytest.mark.parametrize("path", WORKS, ids=[p.name for p in WORKS])
def test_no_crossref_title_keeps_escaped_markup(path: Path) -> None:
    for name in names(path):
        assert not re.search(r"&lt;|&gt;|&amp;|</?(?:i|b|sup|sub|jats:\w+)>", name), (path.name, name)


MATHML = [REALDATA / "crossref" / "works-lists" / "funders_10.13039_100000001_works_rows-5.json"]


def test_mathml_in_a_title_reads_as_its_symbols_set_apart_from_the_words() -> None:
    """A physics title wrote an isotope and a count in MathML, touching the words: it read "in theN=88nucleusTb153"
    on the NSF dashboard. The math is set apart from a word it touches, a prescript (¹⁵³Tb) put before its base."""
    items = json.loads(MATHML[0].read_text("utf-8"))["message"]["items"]
    (work,) = [w for w in items if "<mml:mprescripts" in w["title"][0]]
    title = work["title"][0]
    assert "the<mml:math" in title and "</mml:math>nucleus" in title  # (the source: no space around the math)
    loaded = load_file(MATHML[0])
    rows = select(loaded.store, "SELECT ?name WHERE { GRAPH ?g { ?work schema:name ?name } }",
                  work=NamedNode("https://doi.org/" + work["DOI"].lower()))
    (name,) = [r["name"].value for r in rows]
    isotope = re.search(r"<mml:mi[^>]*>(\w+)</mml:mi><mml:mprescripts />.*?<mml:mn>(\d+)</mml:mn>", title)
    assert isotope is not None
    base, prescript = isotope.groups()
    tokens = re.findall(r"<mml:m[ion][^>]*>([^<]+)<", title.split("<mml:mmultiscripts")[0])  # N = 88
    assert f"in the {''.join(tokens)} nucleus {prescript}{base}" in name, name


def test_an_abstracts_own_heading_is_no_part_of_it() -> None:
    """Four real Crossref abstracts open with ``<jats:title>Abstract</jats:title>``: the page read "Abstract This
    article presents ..."."""
    found = 0
    for path in sorted((REALDATA / "crossref" / "works").glob("*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        heading = re.match(r"\s*<jats:title>\s*Abstract\s*</jats:title>\s*(<jats:p>)?\s*(\w+)",
                           message.get("abstract", ""))
        if heading is None:
            continue
        found += 1
        rows = select(load_file(path).store, "SELECT ?a WHERE { ?work schema:abstract ?a }",
                      work=NamedNode(f"https://doi.org/{message['DOI'].lower()}"))
        (abstract,) = [r["a"].value for r in rows]
        assert abstract.startswith(heading[2]), path.name  # its first word, not "Abstract"
    assert found >= 4
