"""The SPARQL catalogue: every question the service answers is a file in ``queries/``.

Each file starts with a header of ``# key: value`` lines (title, description, parameters,
example, and ``audience: analyst`` for the questions an analyst asks, which the /sparql editor offers
as examples; the others are the service's own helpers, bound by the code that asks them) and then the
query.

>>> q = load_query("stats_sources")
>>> q.title
'Record graphs per source'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import KgError

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_HEADER = re.compile(r"^#\s*(\w+):\s*(.*)$")


class QueryNotFoundError(KgError, LookupError):
    def __init__(self, name: str) -> None:
        names = ", ".join(sorted(p.stem for p in QUERY_DIR.glob("*.rq")))
        super().__init__(f"no query named {name!r} in {QUERY_DIR}; there are: {names}")


@dataclass(frozen=True)
class StoredQuery:
    name: str
    title: str
    description: str
    parameters: str
    example: str
    text: str
    #: "analyst" for a question the /sparql editor offers as an example (it runs as it is); else ""
    audience: str = ""

    @property
    def body(self) -> str:
        """The query without its header lines (what the /sparql editor shows beside the description).

        >>> load_query("stats_sources").body.startswith("PREFIX")
        True
        """
        lines = self.text.splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if not _HEADER.match(line)), len(lines))
        return "".join(lines[start:])


def parse_query_file(path: Path) -> StoredQuery:
    """A query file with its header."""
    text = path.read_text("utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            break
        header[m.group(1)] = m.group(2).strip()
    return StoredQuery(path.stem, header.get("title", ""), header.get("description", ""),
                       header.get("parameters", ""), header.get("example", ""), text, header.get("audience", ""))


@cache
def load_query(name: str) -> StoredQuery:
    """The catalogue query ``queries/<name>.rq``."""
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise QueryNotFoundError(name)
    return parse_query_file(path)


def all_queries() -> list[StoredQuery]:
    """Every query of the catalogue, by name."""
    return [parse_query_file(p) for p in sorted(QUERY_DIR.glob("*.rq"))]


def analyst_queries() -> list[StoredQuery]:
    """The questions an analyst asks (``audience: analyst``), which run as they are: the editor's examples.

    >>> "stats_sources" in [q.name for q in analyst_queries()]
    True
    """
    return [q for q in all_queries() if q.audience == "analyst"]
