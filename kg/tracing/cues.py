"""Citation cues matched against the works of the graph: titles, authors, venues, years, facilities.

The works are in the store's cue index (:mod:`kg.store.cues`: SQLite and FTS5, on disk beside the
store), which is queried, never loaded: a claim's cues select the works they may be about (those
whose titles share at least two of its words, best first by FTS5's bm25, :data:`TITLE_CANDIDATES`
at most; those its venues, authors and facilities name, :data:`NAME_CANDIDATES` at most a name) and
:meth:`CueIndex.match` scores them. Each signal gives a strength and the strengths combine as a
noisy-or (``1 - prod(1 - s)``), so two weak signals make a fair one and no signal adds up past 1:

- title words: the share of a title's content words the claim uses, each weighted by its rarity
  among titles (IDF), times ``min(1, matched / 3)`` so that one shared word is not a match;
- the first author's family name: 0.85 with a matching year ("Gillis et al. (2021)"), 0.35
  with another year, 0.65 for the full name ("Mara Gillis"), 0.45 for the family name alone;
  another author: half that;
- the venue: 0.5 divided by the square root of the number of works in it (a venue with one
  work says more than one with a hundred);
- a facility or instrument the work was measured at: 0.4;
- the year, only alongside another signal: 0.25;
- the abstract (or description): the share of the claim's content words that some run of two of them,
  in the claim's order, also has in the work's abstract, scaled to 0.95 at :data:`FULL_ABSTRACT_SHARE`;
  at least :data:`MIN_ABSTRACT_WORDS` words so covered. A sentence quoted from an abstract covers all
  its words; one with a few words changed most of them; a sentence on the same subject in other words few.

A claim naming years none of which is the work's year multiplies its score by 0.85. A work is
matched when its score reaches :data:`MIN_SCORE` and is within 10% of the best.

The index follows the store's writes (:meth:`kg.store.Store.write`); a missing or stale one is built
from the store by :func:`build_cue_index` (``queries/trace_cue_index.rq``) at its first use.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from kg.queries import load_query
from kg.store import Store
from kg.store.cuerows import CueRow, field_rows, word_sequence
from kg.store.cues import CueIndexDb
from kg.tracing.claims import ClaimSpan

log = logging.getLogger(__name__)

#: the least score of a work matched from cues alone
MIN_SCORE = 0.6
#: works within this share of the best score are matched too
TIE_SHARE = 0.9
#: the most works one claim is matched to from cues
MAX_MATCHES = 3
#: the factor on the score of a work when the claim names years and none is the work's
YEAR_MISMATCH = 0.85
#: title words are counted, weighted by rarity, against this many for a full-strength match
FULL_TITLE_WORDS = 3
#: the most works a claim's title words select, best first by bm25
TITLE_CANDIDATES = 200
#: the most works one venue, author or facility name selects
NAME_CANDIDATES = 1000
#: the most works a claim's runs of words select by their abstracts, best first by bm25
ABSTRACT_CANDIDATES = 50
#: the share of a claim's words covered by runs shared with an abstract that gives the abstract signal in full
FULL_ABSTRACT_SHARE = 0.75
#: the least number of a claim's words covered by runs shared with an abstract
MIN_ABSTRACT_WORDS = 4
#: the most tokens of a name found in text
MAX_NAME_TOKENS = 16


@dataclass
class IndexedWork:
    """What cues are matched against, for one work."""

    iri: str
    words: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    venues: set[str] = field(default_factory=set)
    #: family names, lower case
    first_authors: set[str] = field(default_factory=set)
    other_authors: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    #: the runs of two words of its abstracts and descriptions
    abstract_pairs: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class CueMatch:
    """A work a claim's cues point at."""

    iri: str
    score: float
    #: the signals that matched, e.g. ("title", "venue", "year")
    signals: tuple[str, ...]
    #: the words or names of the claim that matched
    matched: tuple[str, ...]

    @property
    def method(self) -> str:
        return "cues:" + "+".join(self.signals)


class CueIndex:
    """The works of the graph by what a cue may name: the store's cue index, queried for one trace
    (what it reads is remembered until the object goes)."""

    def __init__(self, db: CueIndexDb) -> None:
        self.db = db
        self._phrases: dict[str, tuple[bool, set[str]]] = {}
        self._titled: dict[frozenset[str], bool] = {}
        self._quoted: dict[tuple[str, ...], bool] = {}
        self._works: dict[int, IndexedWork] = {}
        self._idf: dict[str, float] = {}
        self._venue_size: dict[str, int] = {}
        self._family: dict[str, str | None] = {}

    # -- names in text ---------------------------------------------------------------------

    def find_names(self, tokens: Sequence[tuple[str, str]]) -> list[tuple[str, int, int]]:
        """(label, first token, end token) of each venue, author or organisation name in ``tokens``
        (each its lower-case text and its trailing whitespace), compared case-insensitively with
        single spaces between words, as spaCy's PhraseMatcher compares tokens."""
        found: list[tuple[str, int, int]] = []
        for i in range(len(tokens)):
            key = ""
            for j in range(i, min(len(tokens), i + MAX_NAME_TOKENS)):
                text, space = tokens[j]
                if not text.strip():
                    break
                key += text
                if key not in self._phrases:
                    self._phrases[key] = self.db.phrase(key)
                more, labels = self._phrases[key]
                found.extend((label, i, j + 1) for label in sorted(labels))
                if not more:
                    break
                key += " " if space else ""
        return found

    def names_a_title(self, words: frozenset[str]) -> bool:
        """Whether ``words`` hold most of some work's title (three words or more): a claim's cue
        even without a word that says research."""
        if len(words) < FULL_TITLE_WORDS:
            return False
        if words not in self._titled:
            works = self._read(self.db.title_candidates(sorted(words), TITLE_CANDIDATES))
            self._titled[words] = any(len(w.words & words) >= FULL_TITLE_WORDS
                                      and len(w.words & words) >= 0.6 * len(w.words) for w in works)
        return self._titled[words]

    def quotes_an_abstract(self, text: str) -> bool:
        """Whether ``text`` says most of some sentence of a work's abstract (then it is a claim even
        without a word saying research)."""
        sequence = tuple(word_sequence(text))
        if len(sequence) < MIN_ABSTRACT_WORDS:
            return False
        if sequence not in self._quoted:
            works = self._read(self.db.abstract_candidates(sequence, ABSTRACT_CANDIDATES))
            self._quoted[sequence] = any(abstract_strength(sequence, w.abstract_pairs) >= MIN_SCORE for w in works)
        return self._quoted[sequence]

    # -- matching ----------------------------------------------------------------------------

    def match(self, claim: ClaimSpan) -> list[CueMatch]:
        """The works the claim's cues point at, best first (none below :data:`MIN_SCORE`)."""
        works = self._read(self._candidates(claim))
        self._learn_idf({w for work in works for w in work.words})
        scored = [m for work in works if (m := self._score(claim, work)) is not None]
        if not scored:
            return []
        best = max(m.score for m in scored)
        kept = [m for m in scored if m.score >= MIN_SCORE and m.score >= best * TIE_SHARE]
        return sorted(kept, key=lambda m: (-m.score, m.iri))[:MAX_MATCHES]

    def _candidates(self, claim: ClaimSpan) -> list[int]:
        found = list(self.db.title_candidates(sorted(claim.words), TITLE_CANDIDATES))
        found += self.db.abstract_candidates(word_sequence(claim.text), ABSTRACT_CANDIDATES)
        for cue in claim.cues:
            if cue.kind == "author-year":
                name, _, year = cue.value.rpartition(" ")
                found += self.db.named([self.family(name) or name], NAME_CANDIDATES, year=year)
            else:
                name = cue.value
            found += self.db.named([self.family(name) or name], NAME_CANDIDATES)
            if cue.kind == "person":
                found += self.db.named([name.rsplit(" ", 1)[-1]], NAME_CANDIDATES)
        return found

    def family(self, name: str) -> str | None:
        """The family name of the author known by ``name``, None when no author is."""
        if name not in self._family:
            self._family[name] = self.db.family_of(name)
        return self._family[name]

    def _read(self, ids: Sequence[int]) -> list[IndexedWork]:
        missing = [i for i in dict.fromkeys(ids) if i not in self._works]
        abstracts = self.db.abstracts(missing)
        for i, (iri, words, rows) in self.db.works(missing).items():
            work = IndexedWork(iri, set(words))
            for kind, value, position in rows:
                if kind == "year":
                    work.years.add(value)
                elif kind == "venue":
                    work.venues.add(value)
                elif kind == "author":
                    (work.first_authors if position == "1" else work.other_authors).add(value)
                elif kind == "organisation":
                    work.organisations.add(value)
            sequence = abstracts.get(i, [])
            work.abstract_pairs = set(zip(sequence, sequence[1:], strict=False))
            self._works[i] = work
        return [self._works[i] for i in dict.fromkeys(ids) if i in self._works]

    def _learn_idf(self, words: set[str]) -> None:
        missing = words - self._idf.keys()
        if missing:
            n = max(1, self.db.work_count())
            for word, count in self.db.doc_freq(missing).items():
                self._idf[word] = math.log(1 + n / count)

    def venue_size(self, venue: str) -> int:
        if venue not in self._venue_size:
            self._venue_size[venue] = max(1, self.db.venue_size(venue))
        return self._venue_size[venue]

    def _score(self, claim: ClaimSpan, work: IndexedWork) -> CueMatch | None:
        signals: dict[str, float] = {}
        matched: list[str] = []
        shared = claim.words & work.words
        if len(shared) >= 2:
            weight = sum(self._idf.get(w, 0.0) for w in shared)
            total = sum(self._idf.get(w, 0.0) for w in work.words) or 1.0
            signals["title"] = 0.9 * (weight / total) * min(1.0, len(shared) / FULL_TITLE_WORDS)
            matched.extend(sorted(shared))
        if work.abstract_pairs:
            sequence = word_sequence(claim.text)
            strength = abstract_strength(sequence, work.abstract_pairs)
            if strength > 0:
                signals["abstract"] = strength
                matched.extend(w for w in dict.fromkeys(_covered(sequence, work.abstract_pairs)) if w not in matched)
        years = {c.value for c in claim.cues if c.kind == "year"}
        for cue in claim.cues:
            strength = 0.0
            if cue.kind == "author-year":
                family, _, year = cue.value.rpartition(" ")
                first = family in work.first_authors
                if first or family in work.other_authors:
                    strength = (0.85 if year in work.years else 0.35) * (1.0 if first else 0.5)
            elif cue.kind in ("author", "person"):
                family = self.family(cue.value) or cue.value.rsplit(" ", 1)[-1]
                full = " " in cue.value
                if family in work.first_authors:
                    strength = 0.65 if full else 0.45
                elif family in work.other_authors:
                    strength = 0.3 if full else 0.2
            elif cue.kind == "venue" and cue.value in work.venues:
                signals["venue"] = max(signals.get("venue", 0.0), 0.5 / math.sqrt(self.venue_size(cue.value)))
                matched.append(cue.text)
            elif cue.kind == "organisation" and cue.value in work.organisations:
                signals["organisation"] = 0.4
                matched.append(cue.text)
            if strength > signals.get("author", 0.0):
                signals["author"] = strength
                matched.append(cue.text)
        if not signals:
            return None
        if years & work.years:
            signals["year"] = 0.25
            matched.extend(sorted(years & work.years))
        score = 1.0 - math.prod(1.0 - s for s in signals.values())
        if years and work.years and not years & work.years:
            score *= YEAR_MISMATCH  # the claim names years, none of them the work's
        order = ("title", "abstract", "author", "venue", "organisation", "year")
        return CueMatch(work.iri, round(score, 3), tuple(s for s in order if s in signals),
                        tuple(dict.fromkeys(matched)))


def _covered(sequence: Sequence[str], pairs: set[tuple[str, str]]) -> list[str]:
    """The words of ``sequence`` that are in some run of two of its words found in ``pairs``."""
    return [w for i, w in enumerate(sequence)
            if (i + 1 < len(sequence) and (w, sequence[i + 1]) in pairs) or (i > 0 and (sequence[i - 1], w) in pairs)]


def abstract_strength(sequence: Sequence[str], pairs: set[tuple[str, str]]) -> float:
    """The abstract signal of a claim's content words (in order) against an abstract's runs of two words.

    >>> pairs = set(zip("abcdefg", "bcdefgh", strict=False))  # the abstract "a b c d e f g h"
    >>> abstract_strength("abcdef", pairs), abstract_strength("abxdeyz", pairs), abstract_strength("axcyez", pairs)
    (0.95, 0.724, 0.0)
    """
    covered = len(_covered(sequence, pairs))
    if covered < MIN_ABSTRACT_WORDS:
        return 0.0
    return round(0.95 * min(1.0, covered / len(sequence) / FULL_ABSTRACT_SHARE), 3)


_BUILDING = threading.Lock()
#: seconds between two checks of a remote store's mark against its cue index's
MARK_EVERY = 30.0


def cue_index(store: Store) -> CueIndex:
    """The cue index of ``store``, for one trace; built from the store first when it is missing or
    stale (once: traces arriving meanwhile wait for it), or when another process wrote to a remote
    store since it was complete (its mark checked at most every :data:`MARK_EVERY` seconds)."""
    store.cues.check_mark(every=MARK_EVERY)
    if not store.cues.built:
        with _BUILDING:
            if not store.cues.built:
                log.warning("building the cue index of %s from the store (once; kg index-cues does it ahead)", store)
                works = build_cue_index(store)
                log.warning("cue index of %s built: %s works", store, f"{works:,}")
    return CueIndex(store.cues)


def build_cue_index(store: Store) -> int:
    """Build the cue index of ``store`` again from everything in it (one query, read as it streams);
    the number of works it holds."""
    return store.cues.rebuild(_store_rows(store))


def _store_rows(store: Store) -> Iterator[tuple[str, CueRow]]:
    for solution in store.query(load_query("trace_cue_index").text):  # type: ignore[union-attr]
        graph, work, kind, value, position = (solution[v] for v in ("graph", "work", "field", "value", "position"))
        if graph is None or not isinstance(work, NamedNode) or kind is None or not isinstance(value, Literal):
            continue  # a blank node is no work; a name is a literal
        for row in field_rows(work.value, kind.value, value.value, position.value if position is not None else ""):
            yield graph.value, row
