"""Citation cues matched against the works of the graph: titles, authors, venues, years, facilities.

:func:`cue_index` reads every work's titles, venues, dates, authors and facility names in one
catalogue query (``queries/trace_cue_index.rq``). :meth:`CueIndex.match` scores the works a claim
may be about. Each signal gives a strength and the strengths combine as a noisy-or
(``1 - prod(1 - s)``), so two weak signals make a fair one and no signal adds up past 1:

- title words: the share of a title's content words the claim uses, each weighted by its rarity
  among titles (IDF), times ``min(1, matched / 3)`` so that one shared word is not a match;
- the first author's family name: 0.85 with a matching year ("Gillis et al. (2021)"), 0.35
  with another year, 0.65 for the full name ("Mara Gillis"), 0.45 for the family name alone;
  another author: half that;
- the venue: 0.5 divided by the square root of the number of works in it (a venue with one
  work says more than one with a hundred);
- a facility or instrument the work was measured at: 0.4;
- the year, only alongside another signal: 0.25.

A claim naming years none of which is the work's year multiplies its score by 0.85. A work is
matched when its score reaches :data:`MIN_SCORE` and is within 10% of the best.

Reading the index is the cost of a trace on a large graph (seconds on a million quads), so
:func:`cue_index` keeps it for each store until the store is written (:attr:`kg.store.Store.generation`
moves); a trace's own claim graphs do not change it (:func:`keep_cue_index`). A remote server may
be written by other clients: its index is read again after :data:`REMOTE_MAX_AGE` seconds.
"""

from __future__ import annotations

import math
import re
import threading
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from kg.queries import load_query
from kg.store import Store
from kg.tracing.claims import ClaimSpan, CueNames, content_words

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
#: seconds a remote store's index is kept, since other clients may write to the server
REMOTE_MAX_AGE = 60.0


@dataclass
class IndexedWork:
    """What cues are matched against, for one work."""

    iri: str
    titles: list[str] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    venues: set[str] = field(default_factory=set)
    #: family names, lower case
    first_authors: set[str] = field(default_factory=set)
    other_authors: set[str] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)


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


@dataclass
class CueIndex:
    """The works of the graph by what a cue may name."""

    works: dict[str, IndexedWork]
    #: full names ("mara gillis") and family names ("gillis"), lower case -> family name
    author_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        df = Counter(w for work in self.works.values() for w in work.words)
        n = max(1, len(self.works))
        self.idf = {w: math.log(1 + n / count) for w, count in df.items()}
        self.venue_size = Counter(v for work in self.works.values() for v in work.venues)
        # inverted indexes: only works sharing a word or a name with a claim are scored
        self.by_word: dict[str, set[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        for work in self.works.values():
            for w in work.words:
                self.by_word.setdefault(w, set()).add(work.iri)
            for name in (*work.venues, *work.first_authors, *work.other_authors, *work.organisations):
                self.by_name.setdefault(name, set()).add(work.iri)

    def _candidates(self, claim: ClaimSpan) -> set[str]:
        shared = Counter(i for w in claim.words for i in self.by_word.get(w, ()))
        found = {i for i, n in shared.items() if n >= 2}
        for cue in claim.cues:
            name = cue.value.rpartition(" ")[0] if cue.kind == "author-year" else cue.value
            found |= self.by_name.get(self.author_names.get(name, name), set())
            if cue.kind == "person":
                found |= self.by_name.get(name.rsplit(" ", 1)[-1], set())
        return found

    def names_a_title(self, words: frozenset[str]) -> bool:
        """Whether ``words`` hold most of some work's title (three words or more): a claim's cue
        even without a word that says research."""
        shared = Counter(i for w in words for i in self.by_word.get(w, ()))
        return any(n >= FULL_TITLE_WORDS and n >= 0.6 * len(self.works[i].words) for i, n in shared.items())

    def names(self) -> CueNames:
        """The phrases :func:`kg.tracing.claims.extract` looks for (the same object each time)."""
        return self._names

    @cached_property
    def _names(self) -> CueNames:
        venues = tuple(sorted({v for w in self.works.values() for v in w.venues}))
        organisations = tuple(sorted({o for w in self.works.values() for o in w.organisations}))
        return CueNames(venues=venues, authors=tuple(sorted(self.author_names)), organisations=organisations)

    def match(self, claim: ClaimSpan) -> list[CueMatch]:
        """The works the claim's cues point at, best first (none below :data:`MIN_SCORE`)."""
        scored = [m for i in self._candidates(claim) if (m := self._score(claim, self.works[i])) is not None]
        if not scored:
            return []
        best = max(m.score for m in scored)
        kept = [m for m in scored if m.score >= MIN_SCORE and m.score >= best * TIE_SHARE]
        return sorted(kept, key=lambda m: (-m.score, m.iri))[:MAX_MATCHES]

    def _score(self, claim: ClaimSpan, work: IndexedWork) -> CueMatch | None:
        signals: dict[str, float] = {}
        matched: list[str] = []
        shared = claim.words & work.words
        if len(shared) >= 2:
            weight = sum(self.idf[w] for w in shared)
            total = sum(self.idf[w] for w in work.words)
            signals["title"] = 0.9 * (weight / total) * min(1.0, len(shared) / FULL_TITLE_WORDS)
            matched.extend(sorted(shared))
        years = {c.value for c in claim.cues if c.kind == "year"}
        for cue in claim.cues:
            strength = 0.0
            if cue.kind == "author-year":
                family, _, year = cue.value.rpartition(" ")
                first = family in work.first_authors
                if first or family in work.other_authors:
                    strength = (0.85 if year in work.years else 0.35) * (1.0 if first else 0.5)
            elif cue.kind in ("author", "person"):
                family = self.author_names.get(cue.value, cue.value.rsplit(" ", 1)[-1])
                full = " " in cue.value
                if family in work.first_authors:
                    strength = 0.65 if full else 0.45
                elif family in work.other_authors:
                    strength = 0.3 if full else 0.2
            elif cue.kind == "venue" and cue.value in work.venues:
                signals["venue"] = max(signals.get("venue", 0.0), 0.5 / math.sqrt(self.venue_size[cue.value]))
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
        order = ("title", "author", "venue", "organisation", "year")
        return CueMatch(work.iri, round(score, 3), tuple(s for s in order if s in signals),
                        tuple(dict.fromkeys(matched)))


def _title_words(title: str) -> set[str]:
    """A title's content words, without a trailing remark in brackets when enough words are left."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", title)
    words = content_words(bare)
    return set(words if len(words) >= 2 else content_words(title))


@dataclass
class _Kept:
    generation: int
    built: float
    index: CueIndex


_KEPT: weakref.WeakKeyDictionary[Store, _Kept] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def cue_index(store: Store) -> CueIndex:
    """The index of every work's titles, venues, years, authors and facilities, read in one query
    and kept for ``store`` until the store is written."""
    with _BUILDING:  # traces arriving together wait for one read instead of each making its own
        generation = store.generation
        kept = _KEPT.get(store)
        if kept is not None and kept.generation == generation and (
                not store.profile.sees_outside_writes or time.monotonic() - kept.built < REMOTE_MAX_AGE):
            return kept.index
        index = read_cue_index(store)
        _KEPT[store] = _Kept(generation, time.monotonic(), index)
        return index


def keep_cue_index(store: Store, since: int) -> None:
    """Keep the index of ``store`` across the writes made since generation ``since``, which the caller
    knows cannot change it (a trace's claim graphs: claims are not works)."""
    with _BUILDING:
        kept = _KEPT.get(store)
        if kept is not None and kept.generation == since:
            kept.generation = store.generation


def read_cue_index(store: Store) -> CueIndex:
    """The index of every work's titles, venues, years, authors and facilities, read now (one query)."""
    works: dict[str, IndexedWork] = {}
    author_names: dict[str, str] = {}
    for iri, kind, value, position in store.select(load_query("trace_cue_index").text).values():
        if iri is None or kind is None or value is None:
            continue
        work = works.setdefault(iri, IndexedWork(iri))
        if kind == "title":
            work.titles.append(value)
            work.words |= _title_words(value)
        elif kind == "venue":
            work.venues.add(value.lower())
        elif kind == "date" and value[:4].isdigit():
            work.years.add(value[:4])
        elif kind == "author":
            family, given = _family_given(value)
            if len(family) < 3:
                continue
            (work.first_authors if position == "1" else work.other_authors).add(family)
            author_names[family] = family
            if given:
                author_names[f"{given} {family}"] = family
        elif kind == "organisation":
            work.organisations.add(value.lower())
    return CueIndex(works, author_names)


def _family_given(name: str) -> tuple[str, str]:
    """("gillis", "mara") from "Gillis, Mara" or "Mara Gillis", lower case."""
    if "," in name:
        family, _, given = name.partition(",")
    else:
        given, _, family = name.strip().rpartition(" ")
    return family.strip().lower(), given.strip().lower()

