"""What a work's page says it is about: its abstract and descriptions, its licences and its keywords, read
from the statements of its records (the work's JSON ``statements``), each text once, with the sources
giving it. The graph held them and the page did not show them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: keywords shown; the rest are counted
KEYWORDS_SHOWN = 30


@dataclass(frozen=True)
class Text:
    """An abstract or a description, and the sources giving it."""

    kind: str  # "abstract" or "description"
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Licence:
    url: str
    label: str


@dataclass(frozen=True)
class About:
    texts: list[Text] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


def about(work: dict[str, object]) -> About:
    """The abstracts first, then the descriptions (each text once); the licences; the keywords, each once
    whatever its case, in alphabetical order."""
    statements = work.get("statements")
    texts: dict[str, Text] = {}
    licences: dict[str, Licence] = {}
    keywords: dict[str, str] = {}
    for s in statements if isinstance(statements, list) else []:
        prop, value, sources = s.get("property"), str(s.get("value") or "").strip(), tuple(s.get("sources") or ())
        if not value:
            continue
        if prop in ("schema:abstract", "schema:description"):
            kind = prop.removeprefix("schema:")
            known = texts.get(value)
            if known is None or (kind == "abstract" and known.kind != "abstract"):
                texts[value] = Text(kind, value, tuple(sorted({*sources, *(known.sources if known else ())})))
        elif prop == "schema:license":
            licences.setdefault(value, Licence(value, licence_label(value)))
        elif prop == "schema:keywords":
            keywords.setdefault(value.casefold(), value)
    return About(sorted(texts.values(), key=lambda t: t.kind != "abstract"), list(licences.values()),
                 sorted(keywords.values(), key=str.casefold))


def licence_label(url: str) -> str:
    """A licence's name as readers know it, from its URL: ``CC BY 3.0``, ``CC0 1.0``, an SPDX id; else the URL.

    >>> licence_label("http://creativecommons.org/licenses/by/3.0/")
    'CC BY 3.0'
    >>> licence_label("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode")
    'CC BY-NC-SA 4.0'
    >>> licence_label("https://creativecommons.org/publicdomain/zero/1.0/")
    'CC0 1.0'
    >>> licence_label("https://spdx.org/licenses/MIT")
    'MIT'
    >>> licence_label("https://www.elsevier.com/tdm/userlicense/1.0/")
    'https://www.elsevier.com/tdm/userlicense/1.0/'
    """
    cc = re.fullmatch(r"https?://(?:www\.)?creativecommons\.org/licenses/([a-z-]+)/(\d(?:\.\d)?)(?:/.*)?", url, re.I)
    if cc:
        return f"CC {cc[1].upper()} {cc[2]}"
    if re.fullmatch(r"https?://(?:www\.)?creativecommons\.org/publicdomain/zero/1\.0(?:/.*)?", url, re.I):
        return "CC0 1.0"
    spdx = re.fullmatch(r"https?://spdx\.org/licenses/([A-Za-z0-9.+-]+)", url)
    return spdx[1] if spdx else url
