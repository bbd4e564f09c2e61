"""``kg sync ror`` / ``kg sync opencitations``: sources published as versioned data dumps.

Each sync asks the dump's *version record* for the current version; when it differs from the
version loaded last (the state's ``version``; its publication date is the watermark), the new
version's files are downloaded and loaded through the same read -> map -> write path as ``kg load``
(an unchanged record is skipped by its content hash, a changed one replaces its graph).

- **ROR** publishes every release of its registry as a version of one Zenodo record, whose concept
  record (``https://zenodo.org/api/records/6347574``, DOI 10.5281/zenodo.6347574) always answers
  with the newest version (ROR's documentation, "Retrieve ROR data from Zenodo"). A Zenodo record
  gives ``metadata.version`` (``v1.55``), ``metadata.publication_date`` and its ``files``, each with a
  ``key`` (``v1.55-2024-10-31-ror-data.zip``) and a link to its bytes (``links.content``, else
  ``links.self``), a list in the REST API's JSON or ``{"entries": {key: file}}`` in InvenioRDM's.
  The zip holds the release as JSON (``..._schema_v2.json``: the v2 records kg reads; the v1 file
  and the CSVs are passed over).
- **OpenCitations** publishes its Index as CSV on figshare (article 24356626, DOI
  10.6084/m9.figshare.24356626): figshare's API, ``https://api.figshare.com/v2/articles/{id}``,
  answers with the newest ``version`` (a number), its ``published_date`` and ``files`` (``name``,
  ``download_url``, ``size``), zip files of CSV files (each CSV row a citation).

A dump's files are downloaded to ``<cache>/dumps/<source>/<version>/`` (kept until the next
version is loaded) and loaded one by one; the files still to load are the state's cursor, so a
sync that dies goes on with the same version's next file. Records gone from a new version are not
removed (ROR keeps withdrawn organisations in its dumps, with their status; the OpenCitations Index
grows).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg.errors import FetchError
from kg.store import Store
from loaders.base import Problem
from loaders.http import HttpClient, HttpConfig, download
from loaders.limits import Limits
from loaders.pipeline import load
from loaders.read import SUFFIXES, read_paths
from loaders.syncstate import SyncReport, SyncScope, WriteGuard, fail, read_state, refuse, save_state


@dataclass(frozen=True)
class DumpVersion:
    """One version of a dump, as its version record names it."""

    version: str
    published: datetime
    #: (file name, download URL) of each file of the version that kg loads
    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DumpSource:
    """Where a source's dump versions are listed, and which files of them are records."""

    name: str
    #: the version record's URL (the newest version of the dump)
    record: str
    #: reads a version record (Zenodo's or figshare's JSON)
    read: Callable[[Any, str], DumpVersion]
    #: which files (and members of zip files) are loaded, by name
    wanted: Callable[[str], bool]


def zenodo_version(data: Any, url: str) -> DumpVersion:
    """A Zenodo record's version, date and files.

    >>> v = zenodo_version({"id": 1, "metadata": {"version": "v1.55", "publication_date": "2024-10-31"},
    ...     "files": [{"key": "v1.55-ror-data.zip", "links": {"self": "https://z/v1.55-ror-data.zip"}}]}, "u")
    >>> v.version, v.published.date().isoformat(), v.files[0][0]
    ('v1.55', '2024-10-31', 'v1.55-ror-data.zip')
    """
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        raise FetchError(url, "the answer is not a Zenodo record (no 'metadata' object)")
    meta = data["metadata"]
    version = meta.get("version") or data.get("id")
    published = _date(meta.get("publication_date") or data.get("created"), url, "metadata.publication_date")
    files = data.get("files")
    entries = list(files.get("entries", {}).values()) if isinstance(files, dict) else files
    found = []
    for i, item in enumerate(entries if isinstance(entries, list) else []):
        links = item.get("links") if isinstance(item, dict) else None
        # the file's bytes: ``links.content`` (InvenioRDM; its ``links.self`` is the file's metadata), else
        # ``links.self`` as the REST API's list gives it (``.../files/<key>/content``)
        link = (links or {}).get("content") or (links or {}).get("download") or (links or {}).get("self")
        name = item.get("key") or item.get("filename") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(link, str):
            raise FetchError(url, f"field 'files[{i}]' has no 'key' and 'links.content': not a Zenodo file")
        found.append((name, link))
    if version is None or not found:
        raise FetchError(url, "the Zenodo record names no version or no files")
    return DumpVersion(str(version), published, tuple(found))


def figshare_version(data: Any, url: str) -> DumpVersion:
    """A figshare article's version, date and files.

    >>> v = figshare_version({"id": 7, "version": 8, "published_date": "2024-05-01T10:00:00Z",
    ...     "files": [{"id": 3, "name": "part-1.zip", "download_url": "https://f/files/3"}]}, "u")
    >>> v.version, v.published.date().isoformat(), v.files
    ('8', '2024-05-01', (('part-1.zip', 'https://f/files/3'),))
    """
    if not isinstance(data, dict) or "version" not in data or not isinstance(data.get("files"), list):
        raise FetchError(url, "the answer is not a figshare article (no 'version' and 'files')")
    found = []
    for i, item in enumerate(data["files"]):
        name = item.get("name") if isinstance(item, dict) else None
        link = item.get("download_url") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(link, str):
            raise FetchError(url, f"field 'files[{i}]' has no 'name' and 'download_url': not a figshare file")
        found.append((name, link))
    if not found:
        raise FetchError(url, "the figshare article has no files")
    return DumpVersion(str(data["version"]), _date(data.get("published_date"), url, "published_date"), tuple(found))


def _ror_file(name: str) -> bool:
    """ROR's release zip: the v2 JSON (``..._schema_v2.json``); the v1 JSON and the CSVs are passed
    over (one release, three spellings: loading them all would write each organisation thrice)."""
    base = name.rsplit("/", 1)[-1].lower()
    return base.endswith(".zip") or base.endswith("_schema_v2.json")


def _citations_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1].lower()
    return base.endswith((".zip", ".csv", ".csv.gz"))


DUMPS: dict[str, DumpSource] = {
    "ror": DumpSource("ror", "https://zenodo.org/api/records/6347574", zenodo_version, _ror_file),
    "opencitations": DumpSource("opencitations", "https://api.figshare.com/v2/articles/24356626",
                                figshare_version, _citations_file),
}


def sync_dump(store: Store, source: str, config: HttpConfig, *, scope: SyncScope | None = None,
              record: str | None = None, max_pages: int | None = None, strict: bool = False,
              on_problem: Callable[[Problem], None] | None = None, writes: WriteGuard | None = None) -> SyncReport:
    """Load the current version of ``source``'s dump when it is not the one loaded last, or go on
    with the version an earlier run left unfinished. ``record``: the version record's URL.
    ``max_pages``: stop after this many dump files (the next sync goes on from there)."""
    dump, guard = DUMPS[source], writes or nullcontext
    refuse(source, scope or SyncScope(), set())
    state = read_state(store, source, "")
    resumed = state.in_progress
    cache = (config.cache_dir or Path("kg-cache")) / "dumps" / source
    report = SyncReport(source, "", state.watermark or datetime.now(UTC), state.watermark or datetime.now(UTC),
                        resumed=resumed)
    if not resumed:
        with HttpClient(source, config) as client:
            try:
                answer = client.get_json(record or dump.record)
                current = dump.read(answer.data, answer.url)
            except FetchError as e:
                report.requests += 1
                fail(report, on_problem, e)
                return report
        report.requests += 1
        report.version = current.version
        if current.version == state.version:  # the dump loaded last is still the newest
            state.last_sync = datetime.now(UTC)
            with guard():
                save_state(store, state)
            report.complete = True
            return report
        state.window_from = state.watermark or current.published
        state.window_until = current.published
        state.records = state.requests = 0
        state.cursor = json.dumps({"version": current.version, "files": [list(f) for f in current.files
                                                                         if dump.wanted(f[0])]})
        with guard():
            save_state(store, state)
    cursor = json.loads(state.cursor or "{}")
    version, files = str(cursor.get("version")), [tuple(f) for f in cursor.get("files", [])]
    report.version = version
    report.window_from = state.window_from or report.window_from
    report.window_until = state.window_until or report.window_until
    folder = cache / _safe(version)
    done_files = 0
    while files:
        if max_pages is not None and done_files >= max_pages:
            return report
        name, url = files[0]
        try:
            path = download(url, folder / _safe(name), config, source=source)
        except FetchError as e:
            report.requests += 1
            fail(report, on_problem, e)
            return report
        report.requests += 1
        with guard():
            part = load(store, _records(path, dump), strict=strict, on_problem=on_problem)
        report.load.extend(part)
        if part.failure:
            return report
        done_files += 1
        files.pop(0)
        state.records += part.loaded + part.unchanged
        state.requests += 1
        state.cursor = json.dumps({"version": version, "files": [list(f) for f in files]})
        with guard():
            save_state(store, state)
        path.unlink(missing_ok=True)  # loaded: its records are in the graph
    state.watermark, state.last_sync, state.version = state.window_until, datetime.now(UTC), version
    state.window_from = state.window_until = state.cursor = None
    with guard():
        save_state(store, state)
    for old in cache.iterdir() if cache.is_dir() else ():
        if old.is_dir() and old.name != _safe(version):
            shutil.rmtree(old, ignore_errors=True)
    report.complete = True
    return report


def _records(path: Path, dump: DumpSource) -> Iterator[Any]:
    """The records of one downloaded file: a zip's wanted members (zips in it too), else the file."""
    if not zipfile.is_zipfile(path):
        yield from read_paths([path], Limits.from_env())
        return
    folder = path.with_name(path.name + ".d")
    try:
        for member in _extract(path, folder, dump):
            yield from read_paths([member], Limits.from_env())
            member.unlink(missing_ok=True)
    except (zipfile.BadZipFile, OSError) as e:
        yield Problem("error", f"cannot be read as a zip file ({e})", str(path))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _extract(path: Path, folder: Path, dump: DumpSource) -> Iterator[Path]:
    """Each wanted member of the zip at ``path``, extracted into ``folder`` one at a time; members
    that are zips themselves (OpenCitations' dumps nest them) are opened in turn."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not dump.wanted(info.filename):
                continue
            target = folder / _safe(info.filename)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            if target.name.lower().endswith(".zip"):
                yield from _extract(target, target.with_name(target.name + ".d"), dump)
                target.unlink(missing_ok=True)
            elif target.name.lower().endswith(SUFFIXES):
                yield target


def _safe(name: str) -> str:
    """A file or folder name from a dump's own naming: no path, no leading dot.

    >>> _safe("../v1.55/x.json"), _safe(".hidden")
    ('v1.55_x.json', '_hidden')
    """
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.replace("../", "").replace("/", "_"))
    return ("_" + cleaned[1:] if cleaned.startswith(".") else cleaned) or "_"


def _date(value: Any, url: str, field: str) -> datetime:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FetchError(url, f"field {field!r} is not a date (value: {str(value)[:40]!r})") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


__all__ = ["DUMPS", "DumpVersion", "figshare_version", "sync_dump", "zenodo_version"]
