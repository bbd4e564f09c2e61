"""Typed, checked access to a raw record's JSON, and the text and date rules of mapping."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from pyoxigraph import Literal

from kg import ids
from kg.errors import RecordError
from kg.vocab import XSD
from loaders.limits import default_limits

#: The longest text kept in one literal; a longer one rejects its record (``KG_MAX_TEXT_CHARS``).
MAX_TEXT = default_limits().text_chars
#: The most items read from one list of a record; the rest are dropped with a warning
#: (``KG_MAX_LIST_ITEMS``): a record with 100,000 authors costs what one with 10,000 does.
MAX_ITEMS = default_limits().list_items

class Fields:
    """Typed access to one raw record's JSON; a wrong type raises RecordError naming the field.

    >>> f = Fields({"title": ["A"], "n": "x"}, "crossref", "10.1/x")
    >>> f.strings("title")
    ['A']
    >>> f.integer("n")
    Traceback (most recent call last):
    kg.errors.RecordError: crossref record 10.1/x: field 'n' is a string, expected a whole number (value: 'x')
    """

    def __init__(self, data: Mapping[str, Any], source: str, record_id: str, path: str = "",
                 notes: list[str] | None = None, controls: dict[str, str] | None = None) -> None:
        self.data = data
        self.source = source
        self.record_id = record_id
        self.path = path
        #: warnings met while reading (a list cut short, control characters removed), shared by
        #: every Fields of one record; RecordBuilder reports them with its own
        self.notes: list[str] = [] if notes is None else notes
        #: text values holding control characters -> the field each came from, so that the
        #: builder names the field when it strips them from a literal (identifiers keep them,
        #: and their parsers refuse them)
        self.controls: dict[str, str] = {} if controls is None else controls

    def name(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | int, problem: str, value: object = None) -> RecordError:
        return RecordError(self.source, self.record_id, self.name(key), problem, value)

    def note(self, key: str | int, problem: str) -> None:
        """A warning about field ``key``: the record loads, without what the warning names."""
        self.notes.append(f"{self.source} record {self.record_id}: field {self.name(key)!r} {problem}")

    def _typed(self, key: str, kinds: type | tuple[type, ...], expected: str) -> Any:
        value = self.data.get(key)
        if value is None or isinstance(value, kinds) and not isinstance(value, bool):
            return value
        raise self.error(key, f"is {kind_of(value)}, expected {expected}", value)

    def string(self, key: str) -> str | None:
        """A text field, checked for length and encoding; None when absent or empty."""
        value = self._typed(key, str, "a string")
        return check_text(value, self, key) if value else None

    def integer(self, key: str) -> int | None:
        value = self._typed(key, int, "a whole number")
        return int(value) if value is not None else None

    def flag(self, key: str) -> bool:
        """A true/false field, also written as text ("True": real Zenodo records); False when absent, and,
        with a warning, when it is neither."""
        value = self.data.get(key)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if value is not None and not isinstance(value, bool):
            self.note(key, f"is {kind_of(value)}, expected true or false; read as false")
        return value is True

    def array(self, key: str) -> list[Any]:
        """A list; one longer than :data:`MAX_ITEMS` is cut to its first items, with a note."""
        return self._capped(key, self._typed(key, list, "a list") or [])

    def _capped(self, key: str, items: list[Any]) -> list[Any]:
        if len(items) <= MAX_ITEMS:
            return items
        self.note(key, f"has {len(items):,} items; the first {MAX_ITEMS:,} are kept "
                       "(the limit is KG_MAX_LIST_ITEMS)")
        return items[:MAX_ITEMS]

    def strings(self, key: str) -> list[str]:
        """A list of strings; a bare string counts as a list of one."""
        value = self.data.get(key)
        items = [value] if isinstance(value, str) else self._capped(key, self._typed(key, list, "a list of strings")
                                                                    or [])
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(self.source, self.record_id, f"{self.name(key)}[{i}]",
                                  f"is {kind_of(item)}, expected a string", item)
        return [check_text(s, self, key) for s in items if s.strip()]

    def obj(self, key: str) -> Fields | None:
        value = self._typed(key, dict, "an object")
        return Fields(value, self.source, self.record_id, self.name(key), self.notes, self.controls) if value else None

    def objs(self, key: str) -> list[Fields]:
        """A list of objects, each as Fields named ``key[i]``."""
        out = []
        for i, item in enumerate(self.array(key)):
            name = f"{self.name(key)}[{i}]"
            if not isinstance(item, dict):
                raise RecordError(self.source, self.record_id, name, f"is {kind_of(item)}, expected an object",
                                  item)
            out.append(Fields(item, self.source, self.record_id, name, self.notes, self.controls))
        return out


def kind_of(value: object) -> str:
    """How a JSON value is named in messages: 'a string', 'a list', 'null'."""
    return {str: "a string", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 and C1 controls but tab, line feed and carriage return: never meant in metadata text
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_text(value: str, fields: Fields, key: str) -> str:
    """``value`` checked for length and encoding; one holding control characters is remembered
    with its field, for :func:`strip_controls`."""
    if len(value) > MAX_TEXT:
        raise fields.error(key, f"is {len(value):,} characters long; the limit is {MAX_TEXT:,} "
                                "(KG_MAX_TEXT_CHARS)")
    if _SURROGATE.search(value):
        raise fields.error(key, "holds an unpaired UTF-16 surrogate (broken Unicode)", value)
    if _CONTROL.search(value):
        fields.controls.setdefault(value, fields.name(key))
    return value


def strip_controls(value: str, fields: Fields) -> str:
    """``value`` without control characters, noting which were removed from which field.

    >>> f = Fields({"title": "A\\x00B\\x1b"}, "crossref", "10.1/x")
    >>> strip_controls(f.string("title") or "", f), f.notes
    ('AB', ["crossref record 10.1/x: field 'title' held 2 control characters (U+0000, U+001B); removed"])
    """
    found = _CONTROL.findall(value)
    if not found:
        return value
    codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in found[:20]))
    fields.notes.append(f"{fields.source} record {fields.record_id}: field {fields.controls.get(value, '(text)')!r} "
                        f"held {len(found):,} control character{'s' if len(found) > 1 else ''} ({codes}); removed")
    return _CONTROL.sub("", value)


_BLOCK_TAG = re.compile(r"</?(?:[a-z]+:)?(?:p|br|div|li|ul|ol|sec|title|tr|td|h[1-6])\b[^>]{0,200}>", re.I)
#: MathML's math, which readers see set apart from a word it touches ("in the<math>N=88</math>nucleus"), not
#: from punctuation ("Dominant<math>M</math>-Matrices")
_MATH_TAG = re.compile(r"</?(?:[a-z]+:)?math\b[^>]{0,200}>", re.I)
_MATH_EDGE = re.compile(r"(?<=\w)\x00+(?=\w)")
#: MathML's scripts written before their base (an isotope, ¹⁵³Tb): the prescripts put first, as read
_PRESCRIPTS = re.compile(r"<(?:[a-z]+:)?mmultiscripts\b[^>]{0,200}>(.*?)<(?:[a-z]+:)?mprescripts\s*/>(.*?)"
                         r"</(?:[a-z]+:)?mmultiscripts>", re.I | re.S)
_TAG = re.compile(r"</?[a-z][a-z0-9:_-]*\b[^>]{0,200}>", re.I)
_SPACE = re.compile(r"\s+")
#: a tag whose angle brackets are still entities once decoded: markup escaped twice
_ESCAPED_TAG = re.compile(r"&lt;/?[a-z][a-z0-9:_-]*\b[^&<>]{0,200}&gt;", re.I)


def plain(text: str) -> str:
    """Markup (JATS, HTML) removed, entities decoded, white space folded. Markup escaped once or twice
    too often (Crossref's record of 10.5194/cp-2020-95 has ``δ&amp;lt;sup&amp;gt;13...`` in its title)
    is markup still: decoded and removed, never shown as ``&lt;sup&gt;``.

    >>> plain("<jats:p>Arabidopsis  <i>thaliana</i> &amp; H<sub>2</sub>O</jats:p><p>Next</p>")
    'Arabidopsis thaliana & H2O Next'
    >>> plain("if a < b and c > d")
    'if a < b and c > d'
    >>> plain("The δ&amp;lt;sup&amp;gt;13&amp;lt;/sup&amp;gt;C decline &amp;amp; more")
    'The δ13C decline & more'
    >>> plain('in the<mml:math><mml:mi>N</mml:mi><mml:mo>=</mml:mo><mml:mn>88</mml:mn></mml:math>nucleus<mml:math>'
    ...       '<mml:mmultiscripts><mml:mi>Tb</mml:mi><mml:mprescripts /><mml:none /><mml:mn>153</mml:mn>'
    ...       '</mml:mmultiscripts></mml:math>')
    'in the N=88 nucleus 153Tb'
    >>> plain('Dominant<mml:math><mml:mi>M</mml:mi></mml:math>-Matrices')
    'Dominant M-Matrices'
    """
    math = "math" in text  # (MathML's tags are lower case; most texts have none: three passes saved)
    if math:
        text = _MATH_TAG.sub("\x00", _PRESCRIPTS.sub(r"\2\1", text.replace("\x00", "")))
    out = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))
    if math:
        out = _MATH_EDGE.sub(" ", out).replace("\x00", "")
    for _ in range(2):
        if not _ESCAPED_TAG.search(out):
            break
        out = _TAG.sub("", _BLOCK_TAG.sub(" ", html.unescape(out)))
    return _SPACE.sub(" ", out).strip()


def page_range(first: str | None, last: str | None) -> str | None:
    """Pages as the REST APIs write them: ``181-186``, or the first page alone.

    >>> page_range("181", "186"), page_range("e0214986", None), page_range(None, "9")
    ('181-186', 'e0214986', None)
    """
    return None if not first else f"{first}-{last}" if last and last != first else first


def date_literal(year: int, month: int | None = None, day: int | None = None) -> Literal:
    """The most precise XSD literal for a partial date.

    >>> date_literal(2014, 2).value, date_literal(2014, 2, 11).datatype.value[-4:]
    ('2014-02', 'date')
    """
    if day and month:
        return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)
    if month:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{year:04d}", datatype=XSD.gYear)


#: who asserts a cited DOI kg read from a reference's text (kg:doiAssertedBy)
FOUND_IN_TEXT = "kg: found in the reference text"
#: a DOI written in prose as a doi.org link or after "doi:", up to white space, a quote or a tag
_DOI_IN_TEXT = re.compile(r"(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|\bdoi\s*:\s*)(10\.[0-9]+(?:\.[0-9]+)*/[^\s\"'<>]+)",
                          re.IGNORECASE)


def doi_in_text(text: str | None) -> str | None:
    """The one DOI a text names as a doi.org (or dx.doi.org) link or after "doi:", normalised (trailing
    punctuation dropped, lower-cased); None when it names none, or several different ones. A bare
    "10.x/y", or one inside another site's address, is not taken: only a form that says it is a DOI.

    >>> doi_in_text("Smith J. Data. Dryad Digital Repository (http://dx.doi.org/10.5061/dryad.1B15J).")
    '10.5061/dryad.1b15j'
    >>> doi_in_text("See doi: 10.1000/xyz123; and https://doi.org/10.1000/XYZ123."), doi_in_text("10.1000/abc")
    ('10.1000/xyz123', None)
    >>> doi_in_text("https://doi.org/10.1/a and https://doi.org/10.1/b") is None
    True
    """
    found = {doi for m in _DOI_IN_TEXT.finditer(html.unescape(text or ""))
             if (doi := ids.normalize_doi(m.group(1), strict=False))}
    return found.pop() if len(found) == 1 else None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(text: str) -> Literal | None:
    """A date literal from the start of an ISO 8601 text, or None."""
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    if not year or (month and not 1 <= month <= 12) or (day and not 1 <= day <= 31):
        return None
    return date_literal(year, month, day)
