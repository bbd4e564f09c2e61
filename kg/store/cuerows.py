"""What the cue index holds of one record graph: its works' title words, venues, years, authors and
facilities, as rows (:class:`CueRow`), and how words are folded for matching.

A record graph's rows are read from its own quads (:func:`record_cues`) when it is written, or from
the store's answer to ``queries/trace_cue_rows.rq`` when the index is built again
(:func:`field_rows`): both give the same rows for the same graph. Within one graph:

- a title is the ``schema:name`` of a node typed there as an article, data set, software, structure
  entry or other creative work, kept as its content words (:func:`title_words`);
- a venue is a ``kg:containerTitle``, a year the first four digits of a ``schema:datePublished``;
- an author is the name of a ``schema:Role`` slot the work's ``schema:author`` or ``schema:creator``
  points to, with its position (the family name, and the given and family name as a ``person``);
- an organisation is the name of a node the work's ``kg:facility`` or ``kg:instrument`` points to;
- an abstract is a ``schema:abstract`` or ``schema:description`` of a work typed there, kept as its
  content words in their order (:func:`abstract_words`), so that a sentence quoted from it, or
  lightly reworded, is found by its runs of words.

>>> sorted(content_words("The crystal structures of insulin"))
['crystal', 'insulin', 'structure']
>>> [(r.kind, r.value) for r in field_rows("urn:w", "author", "Gillis, Mara", "1")]
[('author', 'gillis'), ('person', 'mara gillis')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.vocab import KG, RDF, SCHEMA

#: the classes whose names are titles cues are matched against
WORK_TYPES = frozenset(t.value for t in (SCHEMA.ScholarlyArticle, SCHEMA.Dataset, SCHEMA.SoftwareSourceCode,
                                         SCHEMA.CreativeWork, KG.StructureEntry))

_STOPWORDS = frozenset("""
a an the of in on at to for from by with and or but as is are was were be been being it its this that these
those their they them he she his her we our us you your i not no into than then so such which who whom whose
what when where how has have had do does did can could may might will would shall should also more most
very new first about over under after before between during while up down out all any each other some one two
""".split())


@dataclass(frozen=True)
class CueRow:
    """One thing a cue may name about a work: kind title (value: its content words, space-separated),
    venue, year, author (the family name), person (given and family name; ``family`` set),
    organisation. Names are lower case."""

    work: str
    kind: str
    value: str
    #: an author's position ("1" is the first author), else ""
    position: str = ""
    #: a person's family name, else ""
    family: str = ""


def fold(word: str) -> str:
    """A word with its plural folded: "structures" -> "structure", "studies" -> "study"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """Lower-case words of ``text`` without stop words, plurals folded (titles and claims alike)."""
    return frozenset(fold(w) for w in re.findall(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z]", text.lower())
                     if w not in _STOPWORDS and not w.isdigit())


def title_words(title: str) -> frozenset[str]:
    """A title's content words, without a trailing remark in brackets when enough words are left.

    >>> sorted(title_words("Insulin glulisine (sample record: not real)"))
    ['glulisine', 'insulin']
    """
    words = content_words(re.sub(r"\s*\([^()]*\)\s*$", "", title))
    return words if len(words) >= 2 else content_words(title)


#: the most words of an abstract or description kept (a long description is cut)
MAX_ABSTRACT_WORDS = 400


def word_sequence(text: str) -> list[str]:
    """The content words of ``text`` in their order, repeats kept (as :func:`content_words` folds them).

    >>> word_sequence("Secondary growth of Arabidopsis hypocotyls creates a radial pattern")
    ['secondary', 'growth', 'arabidopsis', 'hypocotyl', 'create', 'radial', 'pattern']
    """
    return [fold(w) for w in re.findall(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z]", text.lower())
            if w not in _STOPWORDS and not w.isdigit()]


def abstract_words(text: str) -> str:
    """An abstract's content words in their order, space-separated, :data:`MAX_ABSTRACT_WORDS` at most."""
    return " ".join(word_sequence(text)[:MAX_ABSTRACT_WORDS])


def family_given(name: str) -> tuple[str, str]:
    """("gillis", "mara") from "Gillis, Mara" or "Mara Gillis", lower case."""
    if "," in name:
        family, _, given = name.partition(",")
    else:
        given, _, family = name.strip().rpartition(" ")
    return _name(family), _name(given)


def _name(text: str) -> str:
    """A name as it is matched: lower case, single spaces."""
    return " ".join(text.lower().split())


def field_rows(work: str, field: str, value: str, position: str = "") -> list[CueRow]:
    """The rows of one field of a work as ``trace_cue_rows.rq`` names it (title, venue, date, author,
    organisation); none when the value says nothing (an author's family name under three letters)."""
    if field == "title":
        words = title_words(value)
        return [CueRow(work, "title", " ".join(sorted(words)))] if words else []
    if field == "venue":
        return [CueRow(work, "venue", _name(value))]
    if field == "date":
        return [CueRow(work, "year", value[:4])] if value[:4].isdigit() else []
    if field == "author":
        family, given = family_given(value)
        if len(family) < 3:
            return []
        rows = [CueRow(work, "author", family, position)]
        if given:
            rows.append(CueRow(work, "person", f"{given} {family}", position, family))
        return rows
    if field == "organisation":
        return [CueRow(work, "organisation", _name(value))]
    if field == "abstract":
        sequence = abstract_words(value)
        return [CueRow(work, "abstract", sequence)] if sequence.count(" ") >= 4 else []
    return []


_FIELDS = {SCHEMA.name.value: "name", KG.containerTitle.value: "venue", SCHEMA.datePublished.value: "date",
           SCHEMA.abstract.value: "abstract", SCHEMA.description.value: "abstract"}
_SLOTS = frozenset({SCHEMA.author.value, SCHEMA.creator.value})
_PLACES = frozenset({KG.facility.value, KG.instrument.value})
#: the predicates :func:`record_cues` reads
PREDICATES = frozenset({RDF.type.value, SCHEMA.position.value, *_FIELDS, *_SLOTS, *_PLACES})


#: one triple as :func:`cue_rows` reads it: the subject's key (``<iri>`` or ``_:id``), the predicate's
#: IRI, and the object's key if it is an IRI or a blank node, else None, and its value if it is a literal
Term = tuple[str, str, str | None, str | None]


def record_cues(quads: Iterable[Quad]) -> list[CueRow]:
    """The cue rows of one record graph's quads (joined within the graph, as ``trace_cue_rows.rq`` does)."""
    return cue_rows(quad_terms(quads))


def quad_terms(quads: Iterable[Quad]) -> Iterator[Term]:
    """``quads`` as :func:`cue_rows` reads them."""
    return ((_key(q.subject), q.predicate.value,
             _key(q.object) if isinstance(q.object, NamedNode | BlankNode) else None,
             q.object.value if isinstance(q.object, Literal) else None)
            for q in quads if isinstance(q.subject, NamedNode | BlankNode))


def cue_rows(triples: Iterable[Term]) -> list[CueRow]:
    """The cue rows of one record graph's triples (:data:`Term`; those of other predicates than
    :data:`PREDICATES` are passed over)."""
    types: dict[str, set[str]] = {}
    values: dict[tuple[str, str], list[str]] = {}
    links: list[tuple[str, str, str]] = []  # (work, "author"/"organisation", slot or place)
    positions: dict[str, list[str]] = {}
    for key, p, node, literal in triples:
        if p == RDF.type.value and node is not None and node[0] == "<":
            types.setdefault(key, set()).add(node[1:-1])
        elif p in _FIELDS and literal is not None:
            values.setdefault((key, _FIELDS[p]), []).append(literal)
        elif p == SCHEMA.position.value and literal is not None:
            positions.setdefault(key, []).append(literal)
        elif (p in _SLOTS or p in _PLACES) and node is not None:
            links.append((key, "author" if p in _SLOTS else "organisation", node))
    rows: list[CueRow] = []
    for (key, field), found in values.items():
        if not key.startswith("<"):
            continue  # a blank node is no work
        work = key[1:-1]
        if field in ("name", "abstract") and types.get(key, set()) & WORK_TYPES:
            rows.extend(r for v in found for r in field_rows(work, "title" if field == "name" else field, v))
        elif field not in ("name", "abstract"):
            rows.extend(r for v in found for r in field_rows(work, field, v))
    for key, field, node in dict.fromkeys(links):
        if not key.startswith("<"):
            continue
        names = values.get((node, "name"), [])
        if field == "author":
            if SCHEMA.Role.value not in types.get(node, set()):
                continue
            rows.extend(r for pos in positions.get(node, []) for n in names
                        for r in field_rows(key[1:-1], "author", n, pos))
        else:
            rows.extend(r for n in names for r in field_rows(key[1:-1], "organisation", n))
    return list(dict.fromkeys(rows))


def _key(node: NamedNode | BlankNode) -> str:
    return f"<{node.value}>" if isinstance(node, NamedNode) else f"_:{node.value}"
