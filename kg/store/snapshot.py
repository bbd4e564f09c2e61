"""A replica's private view of an embedded store on disk: a directory of hard links to the store's table
files and copies of its small bookkeeping files, which RocksDB opens read-only as the store was then.

Why: a read-only open of the store's own directory reads most of its table (``.sst``) files lazily, on
first use (RocksDB opens at most 16 when it opens the store), and the writer removes table files that a
compaction replaced, also after it published its revision. An open made then answered with rows that
failed to read (``No such file ... .sst``: 500s in issue 17's background reopen). Table files are never
changed once written, so a hard link made before the writer removes one keeps it readable for as long
as the link lives; the manifest (which files make the store) and the write-ahead logs are copied, as
RocksDB's own checkpoints do. Taking one costs a hard link per table file and a copy of a few small files.

The order closes the gap: table files are linked first, the manifest copied after (every file it names
either was linked already or is new since), then new table files linked again. Snapshots live in the
temporary directory (hard links need the same file system; elsewhere there is none: :func:`take` answers
None) under a name with the process id, and one whose process is gone is removed by the next
:func:`take` of any process.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

#: the beginning of a snapshot directory's name, then the process id
PREFIX = "kg-replica-"
_swept = False


def take(store: Path) -> Path | None:
    """A new snapshot directory of the store directory ``store``; None when hard links cannot be made there
    (another file system than the temporary directory's, or links refused).

    :raises OSError: a file vanished meanwhile (the writer replaced its manifest): take another
    """
    parent = Path(tempfile.gettempdir())
    if os.stat(parent).st_dev != os.stat(store).st_dev:
        return None
    _sweep(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    try:
        current = (store / "CURRENT").read_text("ascii")
        linked = _link_tables(store, folder, set())
        shutil.copyfile(store / current.strip(), folder / current.strip())
        for name in os.listdir(store):  # after the manifest: a log it names is there
            if name.endswith(".log") or name == "IDENTITY" or name.startswith("OPTIONS-"):
                try:
                    shutil.copyfile(store / name, folder / name)
                except FileNotFoundError:  # an older log or options file, removed meanwhile
                    continue
        _link_tables(store, folder, linked)
        (folder / "CURRENT").write_text(current, "ascii")
    except PermissionError as e:  # links to others' files refused (fs.protected_hardlinks)
        log.warning("cannot link the files of %s (%s): opening the store itself", store, e)
        remove(folder)
        return None
    except BaseException:
        remove(folder)
        raise
    return folder


def _link_tables(store: Path, folder: Path, done: set[str]) -> set[str]:
    for name in os.listdir(store):
        if name.endswith(".sst") and name not in done:
            try:
                os.link(store / name, folder / name)
            except FileNotFoundError:  # compacted away meanwhile: the manifest copied after does not name it
                continue
            done.add(name)
    return done


def remove(folder: Path) -> None:
    """Remove a snapshot directory (the store's files stay: only their links go)."""
    shutil.rmtree(folder, ignore_errors=True)


def _sweep(parent: Path) -> None:
    """Remove the snapshots of processes that are gone (killed before they removed their own), once."""
    global _swept
    if _swept:
        return
    _swept = True
    for found in parent.glob(f"{PREFIX}*"):
        pid = found.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            log.info("removing %s, a replica's snapshot left by process %s", found, pid)
            remove(found)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
