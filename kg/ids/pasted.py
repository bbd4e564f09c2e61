"""What every identifier parser shares: the forms people paste (whitespace, enclosing quotes or
brackets, a trailing full stop, a label or URL before the identifier) and the ``strict=`` convention
of the ``normalize_*`` functions (curies'): ``strict=False`` returns ``None`` for any bad input.

>>> _unwrap(' "(10.1/x)." ')
'10.1/x'
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Literal, Protocol, cast, overload

from kg.errors import IdentifierError

# re.A: \s, \d and IGNORECASE stay ASCII, so "ſ" (long s) or the Kelvin sign never match a letter.
_FLAGS = re.A | re.I
_URL = r"(?:https?://)?(?:www\.)?"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PAIRS = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb",
          "(": ")", "[": "]", "<": ">", "{": "}"}
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def _text(kind: str, value: object) -> str:
    """``value`` itself if it is a non-blank string, else the IdentifierError for ``kind``."""
    if not isinstance(value, str):
        raise IdentifierError(kind, repr(value), f"expected a string, got {type(value).__name__}")
    if not value.strip():
        raise IdentifierError(kind, value, "the value is empty")
    return value


def _unwrap(text: str) -> str:
    """Strip what surrounds an identifier pasted from prose: whitespace, enclosing quotes or
    brackets, trailing '.', ',' or ';', and a trailing ')' or ']' that closes nothing."""
    while True:
        before = text
        text = text.strip().rstrip(".,;")
        if len(text) >= 2 and _PAIRS.get(text[0]) == text[-1]:
            text = text[1:-1]
        for opener, closer in ("()", "[]"):
            if text.endswith(closer) and text.count(closer) > text.count(opener):
                text = text[:-1]
        if text == before:
            return text


def _after(prefix: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """The match of ``prefix`` at the start of ``text`` and what follows it; for a URL, without
    query, fragment or trailing '/' (none is part of these identifiers)."""
    found = prefix.match(text)
    if found is None:
        return None, text
    rest = text[found.end():]
    if "/" in found.group():
        rest = re.split(r"[?#]", rest, maxsplit=1)[0].rstrip("/")
    return found, rest



class _Normalizer(Protocol):
    """A ``normalize_*`` function: ``strict=False`` turns any IdentifierError into None."""

    @overload
    def __call__(self, value: str, *, strict: Literal[True] = ...) -> str: ...
    @overload
    def __call__(self, value: str, *, strict: bool) -> str | None: ...


def _normalizer(parse: Callable[[str], str]) -> _Normalizer:
    """Add the ``strict`` keyword (curies' convention) to a parser that raises IdentifierError."""
    def normalize(value: str, *, strict: bool = True) -> str | None:
        try:
            return parse(value)
        except IdentifierError:
            if strict:
                raise
            return None
    # Not functools.wraps: its __wrapped__ would make help() show the signature without strict.
    normalize.__name__ = normalize.__qualname__ = parse.__name__
    normalize.__doc__ = parse.__doc__
    return cast(_Normalizer, normalize)
