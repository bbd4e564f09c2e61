"""Claims in text: identifier mentions, citation cues and the sentences that carry them.

A spaCy pipeline that needs no download: ``spacy.blank("en")`` with the rule-based
``sentencizer``, a token :class:`~spacy.matcher.Matcher` for author-year cues, the names the graph
knows (venues, authors, facilities) looked up in the cue index by a :class:`NameFinder` (or, given
as :class:`CueNames`, matched by a :class:`~spacy.matcher.PhraseMatcher`) and regular expressions
over the text for identifiers (:mod:`kg.tracing.mentions`: the extractor only finds candidate spans,
:mod:`kg.ids` decides whether each is a valid identifier and normalises it).
When a statistical English model (``en_core_web_sm``) happens to be installed, its ORG, PERSON
and DATE entities are added as cues; it is never required.

Matching cues against the works of the graph, and storing claims, is :mod:`kg.tracing.tracer`'s part.

>>> found = extract("A 2021 study in Scientific Reports (doi:10.1038/s41598-021-81251-2) solved it. It rained.")
>>> [(m.kind, m.value) for m in found.mentions]
[('doi', '10.1038/s41598-021-81251-2')]
>>> [c.text for c in found.claims]
['A 2021 study in Scientific Reports (doi:10.1038/s41598-021-81251-2) solved it.']
"""

from __future__ import annotations

import functools
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

from kg.errors import KgError
from kg.store.cuerows import content_words
from kg.store.cuerows import fold as _fold
from kg.tracing.mentions import Mention, find_identifiers

#: the most characters of text traced at once (spaCy's own default limit); longer input is refused
MAX_CHARS = 1_000_000
#: the most characters of input, markup included, read at all
MAX_INPUT_CHARS = 5_000_000
#: the most characters a claim grows to by joining the sentences that refer back to it ("The study ...",
#: "It ..."): a text of one such sentence repeated is many claims, not one of a million characters
MAX_CLAIM_CHARS = 2_000
_NLP_LOCK = threading.Lock()
#: the share of control or replacement characters above which input is taken for binary data
MAX_JUNK_SHARE = 0.02


class TraceInputError(KgError, ValueError):
    """Text that cannot be traced: empty, too long, or not text at all.

    >>> str(TraceInputError("the text is empty", "give a sentence or a paragraph"))
    'cannot trace this input: the text is empty; give a sentence or a paragraph'
    """

    def __init__(self, problem: str, hint: str) -> None:
        self.problem = problem
        self.hint = hint
        super().__init__(f"cannot trace this input: {problem}; {hint}")


@dataclass(frozen=True)
class Cue:
    """A hint at a work without an identifier: an author, a venue, a year, an organisation."""

    #: author, author-year, venue, year, organisation, person (model), date (model)
    kind: str
    text: str
    #: the normalised value: a lower-case name, or a four-digit year
    value: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "value": self.value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ClaimSpan:
    """The sentence (or consecutive sentences) carrying a research claim, with what it cites."""

    text: str
    start: int
    end: int
    mentions: tuple[Mention, ...]
    cues: tuple[Cue, ...]
    #: the content words of the text, lower case, plurals folded (for matching titles)
    words: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract` found in one text."""

    #: the plain text traced (HTML reduced to its text)
    text: str
    claims: tuple[ClaimSpan, ...]

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(m for c in self.claims for m in c.mentions)


@dataclass(frozen=True)
class CueNames:
    """Names the graph knows, matched as phrases: venues, author family names, organisations."""

    venues: Sequence[str] = ()
    authors: Sequence[str] = ()
    organisations: Sequence[str] = ()

    def __post_init__(self) -> None:
        # tuples, so that the names are hashable and their matcher can be kept (_phrase_matcher)
        for name in ("venues", "authors", "organisations"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


class NameFinder(Protocol):
    """What finds the names the graph knows in text without holding them all (the cue index,
    :meth:`kg.tracing.cues.CueIndex.find_names`)."""

    def find_names(self, tokens: Sequence[tuple[str, str]]) -> list[tuple[str, int, int]]:
        """(label, first token, end token) of each known name among ``tokens`` (lower-case text, trailing
        whitespace); labels venue, author, organisation."""
        ...


# ------------------------------------------------------------------------------ input


_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
                         "article", "blockquote", "header", "footer", "figcaption", "dd", "dt", "title"})
_HTML_HINT = re.compile(r"<\s*(?:!doctype|html|body|p|div|script|style|span|a|article|h[1-6])\b", re.I)


class _TextParser(HTMLParser):
    """The text of an HTML document: script, style and the like dropped, blocks on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        if tag == "a" and not self.skipping:
            # a link's target is often the only place the DOI is written
            href = dict(attrs).get("href") or ""
            if re.search(r"doi\.org/|zenodo\.org/records?/|pubmed|arxiv\.org/|/pmc/", href, re.I):
                self.parts.append(f" {href} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of an HTML page (stdlib ``html.parser``; scripts and styles dropped).

    >>> html_text("<p>Hello <b>world</b></p><script>alert(1)</script><p>Bye</p>")
    'Hello world\\n\\nBye'
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is markup rather than prose (a tag among its first 2,000 characters)."""
    return bool(_HTML_HINT.search(text[:2000]))


def checked_text(text: str, *, html: bool | None = None) -> str:
    """The plain text to trace, or TraceInputError saying why there is none.

    :param html: True for markup, False for plain text, None to guess from the first tags
    :raises TraceInputError: empty input, more than :data:`MAX_CHARS` characters, or binary data
    """
    if not isinstance(text, str):
        raise TraceInputError(f"expected text, got {type(text).__name__}", "decode it as UTF-8 first")
    if len(text) > MAX_INPUT_CHARS:
        raise TraceInputError(f"{len(text):,} characters is over the limit of {MAX_INPUT_CHARS:,}",
                              "trace one article or a few paragraphs at a time")
    sample = text[:100_000]
    junk = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd"
               or 0xD800 <= ord(ch) <= 0xDFFF)
    if "\x00" in sample or (sample and junk / len(sample) > MAX_JUNK_SHARE):
        raise TraceInputError("it looks like binary data, not text (control characters or undecodable bytes)",
                              "give the text of an article, or its HTML")
    if html or (html is None and looks_like_html(text)):
        text = html_text(text)
    if not text.strip():
        raise TraceInputError("there is no text in it", "give a sentence, a paragraph or an article")
    if len(text) > MAX_CHARS:
        raise TraceInputError(f"{len(text):,} characters of text is over the limit of {MAX_CHARS:,}",
                              "trace one article or a few paragraphs at a time")
    return text


# ------------------------------------------------------------------------------ the pipeline

#: words that say a sentence reports research
_RESEARCH_WORDS = frozenset("""
study studies paper papers article research researchers scientist scientists team published publish journal
preprint dataset datasets data findings report reported analysis survey trial experiment experiments
structure structures software tool authors author et al according shown showed show found finds reveal
reveals revealed suggests suggest demonstrate demonstrated measured measurements measurement deposited
released release review reviewed co-author lab laboratory university institute
""".split())


@functools.cache
def _research_words() -> frozenset[str]:
    return frozenset(_fold(w) for w in _RESEARCH_WORDS)


_ANAPHORA = re.compile(r"^(?:the (?:study|paper|team|researchers|authors|work|data|article|analysis|findings|"
                       r"structure|group|scientists)|it|they|this|these|their|its|such|he|she)\b", re.I)


@functools.cache
def _pipeline() -> Any:
    """The blank English pipeline with the sentencizer (built once; no model download)."""
    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_CHARS + 1
    return nlp


@functools.cache
def _entity_model() -> Any | None:
    """``en_core_web_sm`` when it is installed, else None (it is never required)."""
    import spacy
    if not spacy.util.is_package("en_core_web_sm"):
        return None
    return spacy.load("en_core_web_sm", exclude=["lemmatizer"])


@functools.cache
def _author_year_matcher() -> Any:
    """Token patterns: "Gillis et al. (2021)", "Gillis et al., 2021", "Gillis and Park (2021)"."""
    from spacy.matcher import Matcher
    matcher = Matcher(_pipeline().vocab)
    name = {"IS_TITLE": True, "IS_ALPHA": True}
    year = {"TEXT": {"REGEX": r"^(?:19|20)\d\d$"}}
    matcher.add("author-year", [
        [name, {"LOWER": "et"}, {"LOWER": {"IN": ["al", "al."]}}, {"TEXT": ".", "OP": "?"},
         {"TEXT": {"IN": [",", "("]}, "OP": "?"}, year],
        [name, {"LOWER": {"IN": ["and", "&"]}}, name, {"TEXT": {"IN": [",", "("]}, "OP": "?"}, year],
        [name, {"TEXT": "("}, year, {"TEXT": ")"}],
    ])
    return matcher


@functools.lru_cache(maxsize=4)
def _phrase_matcher(names: CueNames) -> Any:
    """The matcher of the graph's names; kept while the cue index returns the same names."""
    from spacy.matcher import PhraseMatcher
    nlp = _pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in (("venue", names.venues), ("author", names.authors),
                           ("organisation", names.organisations)):
        docs = [nlp.make_doc(p) for p in dict.fromkeys(phrases) if p.strip()]
        if docs:
            matcher.add(label, docs)
    return matcher


def extract(text: str, names: CueNames | NameFinder | None = None,
            names_a_title: Callable[[frozenset[str]], bool] | None = None,
            quotes_an_abstract: Callable[[str], bool] | None = None) -> Extraction:
    """The claims of a plain text: each sentence carrying an identifier or a citation cue.

    A sentence that starts by referring back ("The study ...", "It ...", "They ...") and
    follows a claim in the same paragraph joins that claim, unless it quotes a work's abstract itself
    (then it is a claim of its own: it may be another work's).

    :param names: the graph's venues, author names and organisations, matched as phrases: given
        (:class:`CueNames`), or found by a :class:`NameFinder` (the store's cue index)
    :param names_a_title: whether a sentence's content words name a work's title (then it is a claim
        even without a word saying research)
    :param quotes_an_abstract: whether a sentence says most of a sentence of some work's abstract (then
        it is a claim too)
    """
    # one text at a time, the pipeline and its matchers built inside: functools.cache does not lock, so
    # two first traces at once each built a pipeline, and a matcher of one met a document of the other
    # ("[E018] Can't retrieve string for hash"); spaCy's string store is not safe to grow from two threads
    with _NLP_LOCK:
        doc = _pipeline()(text)
        tokens = [(t.text, t.idx) for t in doc]
        cues = _cues(doc, names or CueNames())
        sentences = _sentences(doc)
        del doc
    mentions = find_identifiers(text, tokens)
    claims: list[ClaimSpan] = []
    previous_end = -1
    mention_starts = [m.start for m in mentions]
    cue_starts = [c.start for c in cues]
    for start, end in sentences:
        own_mentions = tuple(mentions[bisect_left(mention_starts, start):bisect_left(mention_starts, end)])
        own_cues = tuple(cues[bisect_left(cue_starts, start):bisect_left(cue_starts, end)])
        words = content_words(text[start:end])
        research = bool(words & _research_words()) or (names_a_title is not None and names_a_title(words))
        cited = own_mentions or any(c.kind in ("author-year", "venue", "author", "organisation") for c in own_cues)
        quoted: bool | None = None  # whether it quotes some work's abstract: asked once, when needed
        if not (cited or research):
            quoted = quotes_an_abstract is not None and quotes_an_abstract(text[start:end])
            if not quoted:
                previous_end = -1
                continue
        stripped = text[start:end].strip()
        same_paragraph = previous_end >= 0 and "\n\n" not in text[previous_end:start]
        # a sentence quoting a work's abstract stands alone, though it starts "This ...": it has its own
        # work ("This article presents a roadmap ..." after a sentence of another article's abstract)
        if (claims and same_paragraph and _ANAPHORA.match(stripped)
                and end - claims[-1].start <= MAX_CLAIM_CHARS
                and not (quoted if quoted is not None else
                         quotes_an_abstract is not None and quotes_an_abstract(text[start:end]))):
            last = claims.pop()
            start = last.start
            own_mentions = last.mentions + own_mentions
            own_cues = last.cues + own_cues
            words = last.words | words  # the words so far, not the joined text read again
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        start, end = start + lead, start + len(text[start:end].rstrip())
        claims.append(ClaimSpan(text[start:end], start, end, own_mentions, own_cues, words))
        previous_end = end
    return Extraction(text, tuple(claims))


_ABBREVIATION_END = re.compile(r"(?:\bet al|\be\.g|\bi\.e|\bfig|\bdr|\bprof|\bvs|\bapprox|\bno|\bca|\bst)\.[\s(]*$",
                               re.I)


def _sentences(doc: Any) -> list[tuple[int, int]]:
    """Sentence spans (character offsets): the sentencizer's, rejoined after "et al.", "e.g." and
    the like, and before a sentence that starts in lower case or with a closing bracket."""
    spans: list[tuple[int, int]] = []
    text = doc.text
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        head = text[start:end].lstrip()[:1]
        if spans and (_ABBREVIATION_END.search(text[spans[-1][0]:spans[-1][1]])
                      or head.islower() or head in ")]," or (head.isdigit() and text[start:end].lstrip()[4:5] == ")")):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _cues(doc: Any, names: CueNames | NameFinder) -> list[Cue]:
    """Author-year, year, venue, author and organisation cues; the model's entities when installed."""
    text = doc.text
    found: list[Cue] = []
    for _, s, e in _author_year_matcher()(doc):
        span = doc[s:e]
        year = next(t.text for t in reversed(span) if t.text.isdigit())
        found.append(Cue("author-year", span.text, f"{span[0].lower_} {year}", span.start_char, span.end_char))
    for m in re.finditer(r"\b(?:19|20)\d\d\b", text):
        found.append(Cue("year", m.group(), m.group(), m.start(), m.end()))
    phrases: list[tuple[str, int, int]] = []
    if not isinstance(names, CueNames):
        phrases = names.find_names([(t.lower_, t.whitespace_) for t in doc])
    elif names.venues or names.authors or names.organisations:
        phrases = [(doc.vocab.strings[match_id], s, e) for match_id, s, e in _phrase_matcher(names)(doc)]
    if phrases:
        for label, s, e in phrases:
            span = doc[s:e]
            if label == "author" and not span[0].is_title:
                continue  # "sample" the word is not Sample the author
            found.append(Cue(label, span.text, span.text.lower(), span.start_char, span.end_char))
    found.extend(_model_cues(text))
    return sorted(found, key=lambda c: (c.start, c.kind))


def _model_cues(text: str) -> list[Cue]:
    """ORG, PERSON and DATE entities of the statistical model, when one is installed."""
    model = _entity_model()
    if model is None:
        return []
    kinds = {"ORG": "organisation", "PERSON": "person", "DATE": "date"}
    return [Cue(kinds[ent.label_], ent.text, ent.text.lower(), ent.start_char, ent.end_char)
            for ent in model(text).ents if ent.label_ in kinds]

