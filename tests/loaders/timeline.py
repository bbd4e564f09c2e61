"""A scripted timeline served like the sources' APIs: Crossref ``/works`` filtered by
``from-index-date``/``until-index-date`` with cursors, DataCite ``/dois`` by ``updated:[a TO b]``
with ``links.next``. The source holds, for each DOI, its newest version dated up to ``today``.
PDBe: the wwPDB's ``latest`` weekly lists (the newest release up to ``today``), each week's in its
dated folder (``status/YYYYMMDD``, empty lists for a week with no release), and PDBe's entry
endpoints, by GET of one id or POST of many, each entry's newest answer up to ``today``."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.loaders.conftest import FIXTURES
from tests.loaders.replay import ReplayServer, Reply, Seen

TIMELINE = json.loads((FIXTURES / "sync" / "timeline.json").read_text("utf-8"))
PDB_STATUS = "/pub/pdb/data/status"
PDB_LISTS = f"{PDB_STATUS}/latest"
#: the Wednesdays whose dated folders are served: April to July 2024
PDB_WEEKS = [date(2024, 4, 3) + timedelta(days=7 * n) for n in range(18)]
PDB_ENDPOINTS = ("summary", "publications", "related_experiment_data", "experiment", "status")
_RANGE = re.compile(r"updated:\[(\d{4}-\d{2}-\d{2}) TO (\d{4}-\d{2}-\d{2})\]")


def crossref_day(record: dict[str, Any]) -> date:
    return date.fromisoformat(record["indexed"]["date-time"][:10])


def datacite_day(record: dict[str, Any]) -> date:
    return date.fromisoformat(record["attributes"]["updated"][:10])


def held(source: str, today: date) -> list[dict[str, Any]]:
    """What the source holds on ``today``: each DOI's newest version dated up to then."""
    day, key = (crossref_day, "DOI") if source == "crossref" else (datacite_day, "id")
    newest: dict[str, dict[str, Any]] = {}
    for record in TIMELINE[source]:
        if day(record) <= today:
            current = newest.get(record[key])
            if current is None or day(current) <= day(record):
                newest[record[key]] = record
    return [newest[k] for k in sorted(newest)]


def pdbe_release(today: date) -> str | None:
    """The newest weekly PDB release up to ``today``."""
    days = [r for r in TIMELINE["pdbe"]["releases"] if date.fromisoformat(r) <= today]
    return max(days) if days else None


def pdbe_held(today: date) -> dict[str, dict[str, dict[str, Any]]]:
    """What PDBe answers on ``today``: by endpoint, by entry, the newest answer up to then."""
    held_now: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in sorted(TIMELINE["pdbe"]["entries"], key=lambda e: e["release"]):
        if date.fromisoformat(entry["release"]) <= today:
            for endpoint in PDB_ENDPOINTS:
                if endpoint in entry:
                    held_now.setdefault(endpoint, {})[entry["id"]] = entry[endpoint]
    return held_now


def pdbe_documents(today: date) -> list[dict[str, Any]]:
    """PDBe's answers on ``today`` as documents to load: one per endpoint, every entry in it."""
    return [{pdb: [item] for pdb, item in sorted(entries.items())} for entries in pdbe_held(today).values()]


class Timeline:
    """Answers on a :class:`ReplayServer`; ``stall`` holds back the page of one cursor."""

    def __init__(self, server: ReplayServer, today: date) -> None:
        self.server, self.today = server, today
        #: a cursor whose page stalls (seconds): a sync killed while waiting for it
        self.stall: dict[str, float] = {}
        server.handlers["/works"] = self.works
        server.handlers["/dois"] = self.dois
        for name in ("added", "modified", "obsolete"):
            server.handlers[f"{PDB_LISTS}/{name}.pdb"] = self.pdb_list
            for week in PDB_WEEKS:  # each week's lists in its dated folder (an empty list: no release)
                server.handlers[f"{PDB_STATUS}/{week:%Y%m%d}/{name}.pdb"] = self.pdb_week
        ids = {e["id"] for e in TIMELINE["pdbe"]["entries"]}
        for endpoint in PDB_ENDPOINTS:
            server.handlers[f"/pdb/entry/{endpoint}/"] = self.pdbe
            for pdb in ids:
                server.handlers[f"/pdb/entry/{endpoint}/{pdb}"] = self.pdbe

    def pdb_list(self, seen: Seen) -> Reply:
        release = pdbe_release(self.today)
        if release is None:
            return Reply(404, b"Not Found")
        listed = TIMELINE["pdbe"]["releases"][release][seen.path.rsplit("/", 1)[1].removesuffix(".pdb")]
        return Reply(body="".join(f"{pdb}\n" for pdb in listed).encode(), headers={"Content-Type": "text/plain"})

    def pdb_week(self, seen: Seen) -> Reply:
        _, folder, name = seen.path.rsplit("/", 2)
        week = date(int(folder[:4]), int(folder[4:6]), int(folder[6:]))
        if week > self.today:
            return Reply(404, b"Not Found")
        listed = TIMELINE["pdbe"]["releases"].get(week.isoformat(), {}).get(name.removesuffix(".pdb"), [])
        return Reply(body="".join(f"{pdb}\n" for pdb in listed).encode(), headers={"Content-Type": "text/plain"})

    def pdbe(self, seen: Seen) -> Reply:
        _, _, _, endpoint, one = seen.path.split("/")
        asked = [one] if one else seen.body.decode().split(",")
        found = pdbe_held(self.today).get(endpoint, {})
        body = {pdb: [found[pdb]] for pdb in asked if pdb in found}
        if not body:
            return Reply(404, b"{}")
        return Reply(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})

    def works(self, seen: Seen) -> Reply:
        filters = dict(f.split(":", 1) for f in seen.query["filter"][0].split(","))
        start, until = date.fromisoformat(filters["from-index-date"]), date.fromisoformat(filters["until-index-date"])
        rows, cursor = int(seen.query["rows"][0]), seen.query["cursor"][0]
        found = [r for r in held("crossref", self.today) if start <= crossref_day(r) <= until
                 and r["DOI"].startswith(filters.get("prefix", ""))]
        offset = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        body = {"status": "ok", "message-type": "work-list",
                "message": {"items": found[offset:offset + rows], "total-results": len(found),
                            "next-cursor": f"c{offset + rows}"}}
        return Reply(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                     delay=self.stall.get(cursor, 0.0))

    def dois(self, seen: Seen) -> Reply:
        query = seen.query["query"][0]
        m = _RANGE.search(query)
        assert m, query
        start, until = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        size, cursor = int(seen.query["page[size]"][0]), seen.query["page[cursor]"][0]
        found = [r for r in held("datacite", self.today) if start <= datacite_day(r) <= until]
        offset = 0 if cursor == "1" else int(cursor.removeprefix("c"))
        body: dict[str, Any] = {"data": found[offset:offset + size], "meta": {"total": len(found)}, "links": {}}
        if offset + size < len(found):
            body["links"]["next"] = f"{self.server.base}/dois?" + urlencode(
                {"query": query, "page[size]": size, "page[cursor]": f"c{offset + size}"})
        return Reply(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                     delay=self.stall.get(cursor, 0.0))
