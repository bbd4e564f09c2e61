"""``kg sync pdbe``: PDB entries by the wwPDB's weekly release lists.

The PDB archive is released once a week, on Wednesday at 00:00 UTC (wwPDB, "PDB versioned
archive": "updated every Wednesday at 00:00 UTC"). Each release's lists are in the archive's
status directory, ``https://files.wwpdb.org/pub/pdb/data/status/latest/``: ``added.pdb`` (new
entries), ``modified.pdb`` (entries revised) and ``obsolete.pdb`` (entries taken out), plain
text, one PDB ID per line (read so by Biopython's ``PDBList.get_recent_changes`` and
BioStructures.jl's ``pdbrecentchanges``). ``latest`` holds the newest week only; each week's lists
are kept beside it in a folder named by its date, ``status/YYYYMMDD/`` (Biopython's
``PDBList.get_recent_changes`` up to release 1.5x listed ``pub/pdb/data/status/`` and read the
dated folder with the largest name, its docstring showing ``20031006`` and ``20031013``; a client
of the archive read ``status/%s/modified.nmr`` for every dated folder newer than its last update).
We name a week's folder by its release date: not stated in wwPDB's pages found, an inference.

A sync's window runs from the watermark to the newest release (the last Wednesday 00:00 UTC).
Every release in it is read, oldest first: the newest one's lists from ``latest``, each earlier
one's from its dated folder, so a window of any length is complete. For each week the new and modified entries are
fetched through the PDBe loader (:meth:`loaders.pdbe.PdbeLoader.fetch`, every endpoint, a POST per
batch of ids) and stored as ``kg harvest pdbe`` stores them; the obsoleted ones are looked up in
PDBe's ``/pdb/entry/status/{id}`` (``status_code`` ``OBS``, ``since`` its date, ``superceded_by``
the entries replacing it; loaders/pdbe.py maps it), which marks them obsoleted: their graphs stay.

The cursor keeps the weeks still to read and, for the week in hand, the steps still to do (a batch
of entries, or of obsoleted entries' statuses), its lists read once: each step is stored before the
cursor moves past it, so a sync that dies goes on with the same week, and the same week's entries
even after ``latest`` has moved on; the watermark moves when the last week is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from kg import ids
from kg.errors import ConfigError, FetchError
from kg.store import Store
from loaders.base import HarvestRequest, Problem
from loaders.http import HttpClient, HttpConfig, Response
from loaders.pdbe import PdbeLoader
from loaders.pipeline import load
from loaders.read import records_of
from loaders.syncstate import SyncReport, SyncScope, WriteGuard, fail, read_state, refuse, save_state

#: the newest weekly release's lists in the wwPDB archive (``--api wwpdb=URL`` for a mirror:
#: PDBe's is ``https://ftp.ebi.ac.uk/pub/databases/pdb/data/status/latest``)
LISTS_BASE = "https://files.wwpdb.org/pub/pdb/data/status/latest"
LISTS = ("added", "modified", "obsolete")
WEEK = timedelta(days=7)


def latest_release(now: datetime) -> datetime:
    """The newest weekly release at ``now``: the last Wednesday 00:00 UTC up to it.

    >>> latest_release(datetime(2024, 6, 7, 9, tzinfo=UTC)).isoformat()
    '2024-06-05T00:00:00+00:00'
    >>> latest_release(datetime(2024, 6, 5, 0, tzinfo=UTC)).date().isoformat()
    '2024-06-05'
    """
    day = now.astimezone(UTC)
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return midnight - timedelta(days=(midnight.weekday() - 2) % 7)


def read_list(text: str, url: str) -> list[str]:
    """The PDB IDs of a weekly list, lower case, in order: the first word of each line.

    >>> read_list("1abc\\n2XYZ  \\n\\n", "added.pdb")
    ['1abc', '2xyz']
    >>> read_list("1abc\\n<html>", "added.pdb")
    Traceback (most recent call last):
    kg.errors.FetchError: fetching added.pdb failed: line 2 is not a PDB ID ('<html>'): a weekly list has one per line
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        pdb = ids.normalize_pdb_id(words[0], strict=False)
        if pdb is None:
            raise FetchError(url, f"line {number} is not a PDB ID ({words[0][:40]!r}): a weekly list has one per line")
        found.append(pdb.lower())
    return found


def sync_pdbe(store: Store, config: HttpConfig, *, scope: SyncScope | None = None, since: datetime | None = None,
              now: datetime | None = None, api: str | None = None, lists: str | None = None,
              max_pages: int | None = None, strict: bool = False,
              on_problem: Callable[[Problem], None] | None = None, writes: WriteGuard | None = None) -> SyncReport:
    """Sync PDBe (within ``scope``: some entries, by ``--doi``) from its watermark to the newest
    weekly release, or go on with the window an earlier run left unfinished.

    :param api: PDBe's REST API base; :param lists: where the weekly lists are (:data:`LISTS_BASE`).
    :raises ConfigError: the first sync, without ``since``.
    """
    scope, guard = scope or SyncScope(), writes or nullcontext
    refuse("pdbe", scope, {"--doi"})
    keep = {ids.normalize_pdb_id(d).lower() for d in scope.dois}
    state = read_state(store, "pdbe", scope.key)
    resumed = state.in_progress
    if not resumed:
        start = state.watermark or since
        if start is None:
            raise ConfigError("--since", "is needed for the first sync of pdbe: the date to fetch the weekly "
                                         "releases from, e.g. the date of the data you loaded")
        release = latest_release(now or datetime.now(UTC))
        if start >= release:  # the newest release is in already: nothing to ask
            state.last_sync = datetime.now(UTC)
            with guard():
                save_state(store, state)
            return SyncReport("pdbe", scope.key, start, start, complete=True)
        state.window_from, state.window_until = start, release
        state.records = state.requests = 0
        state.cursor = None
    window_from, window_until = state.window_from or datetime.now(UTC), state.window_until or datetime.now(UTC)
    report = SyncReport("pdbe", scope.key, window_from, window_until, resumed=resumed)
    base = (api or PdbeLoader.api).rstrip("/")
    with HttpClient("pdbe", config, min_interval=PdbeLoader.min_interval) as client:
        if state.cursor is None:
            state.cursor = json.dumps({"weeks": releases(window_from, window_until), "steps": []})
            with guard():
                save_state(store, state)
        cursor = json.loads(state.cursor)
        weeks, steps = list(cursor.get("weeks", [])), list(cursor["steps"])
        while steps or weeks:
            if max_pages is not None and report.requests >= max_pages:
                return report
            if not steps:
                folder = "latest" if weeks[0] == f"{window_until:%Y%m%d}" else weeks[0]
                try:
                    steps = _plan(client, _folder(lists or LISTS_BASE, folder), keep, report)
                except FetchError as e:
                    fail(report, on_problem, e)
                    return report
                weeks.pop(0)
                state.cursor = json.dumps({"weeks": weeks, "steps": steps})
                with guard():
                    save_state(store, state)
                continue
            kind, batch = steps[0]
            asked, part_records = 0, 0
            try:
                for response in _fetch(client, base, kind, batch):
                    asked += 1
                    with guard():
                        part = load(store, records_of(response.data, response.url, response.retrieved_at,
                                                      response.url, ""), strict=strict, on_problem=on_problem)
                    report.load.extend(part)
                    part_records += part.loaded + part.unchanged
                    if part.failure:
                        report.requests += asked
                        return report
            except FetchError as e:
                report.requests += asked
                fail(report, on_problem, e)
                return report
            report.requests += asked
            steps.pop(0)
            state.records += part_records
            state.requests += asked
            state.cursor = json.dumps({"weeks": weeks, "steps": steps})
            with guard():
                save_state(store, state)
    state.watermark, state.last_sync = window_until, datetime.now(UTC)
    state.window_from = state.window_until = state.cursor = None
    with guard():
        save_state(store, state)
    report.complete = True
    return report


def releases(after: datetime, until: datetime) -> list[str]:
    """The weekly releases after ``after`` up to ``until`` (a release), oldest first, as folder names.

    >>> releases(datetime(2024, 5, 20, tzinfo=UTC), datetime(2024, 6, 5, tzinfo=UTC))
    ['20240522', '20240529', '20240605']
    >>> releases(datetime(2024, 5, 29, tzinfo=UTC), datetime(2024, 6, 5, tzinfo=UTC))
    ['20240605']
    """
    found, week = [], until
    while week > after:
        found.append(f"{week:%Y%m%d}")
        week -= WEEK
    return found[::-1]


def _folder(lists: str, folder: str) -> str:
    """A week's folder beside ``latest`` (``lists`` names ``latest``, or the status directory)."""
    base = lists.rstrip("/")
    return f"{base.removesuffix('/latest')}/{folder}"


def _plan(client: HttpClient, lists: str, keep: set[str], report: SyncReport) -> list[tuple[str, list[str]]]:
    """A week's lists as steps: batches of new and modified entries, then batches of
    obsoleted ones (an entry both modified and obsoleted is only obsoleted)."""
    found: dict[str, list[str]] = {}
    for name in LISTS:
        page = client.get_text(f"{lists}/{name}.pdb")
        report.requests += 1
        found[name] = [i for i in read_list(str(page.data), page.url) if not keep or i in keep]
    obsolete = list(dict.fromkeys(found["obsolete"]))
    gone = set(obsolete)
    entries = [i for i in dict.fromkeys([*found["added"], *found["modified"]]) if i not in gone]
    size = PdbeLoader.batch_size
    return ([("entries", entries[i:i + size]) for i in range(0, len(entries), size)]
            + [("status", obsolete[i:i + size]) for i in range(0, len(obsolete), size)])


def _fetch(client: HttpClient, base: str, kind: str, batch: list[str]) -> Iterator[Response]:
    """The answers of one step: every endpoint of a batch of entries, or the batch's statuses."""
    if kind == "entries":
        yield from PdbeLoader.fetch(client, HarvestRequest(dois=batch, api=base))
    elif len(batch) == 1:
        yield client.get_json(f"{base}/pdb/entry/status/{batch[0]}")
    else:
        yield client.post_json(f"{base}/pdb/entry/status/", ",".join(batch))


__all__ = ["LISTS_BASE", "latest_release", "read_list", "releases", "sync_pdbe"]
