"""Where a remote store's cue index lives: a SQLite file on this machine, never in memory, so that a
process tracing against a SPARQL server of any size stays in bounded memory (issue 19).

The file is ``cues-<hash of the query URL>.sqlite`` in ``$KG_CUE_INDEX_DIR``, else in
``$XDG_CACHE_HOME/kg`` (``~/.cache/kg``); only when neither can be made is the index in memory. It
is built from the engine at its first use (``queries/trace_cue_index.rq``, or ``kg index-cues``
ahead), kept by this process's writes (:meth:`kg.store.Store.write`, :meth:`kg.store.Store.update`
graph by graph), and checked against the server's mark (:data:`kg.store.revision.MARK_QUERY`: how many
record graphs, the latest retrieval) each time a process opens it: the index keeps the mark it was
complete at (when built, and when the process that wrote through it closes the store), so records
loaded by another kg process, or another server answering at the same URL, have it built again. A
SPARQL Update by another client, which leaves the records' provenance as it was, is not seen:
``kg index-cues`` builds the index again.

>>> import tempfile
>>> cue_index_file("http://127.0.0.1:7878/query", {"KG_CUE_INDEX_DIR": tempfile.gettempdir()}).name
'cues-1d2c9731ceeca829.sqlite'
>>> cue_index_file("http://127.0.0.1:7878/query", {}) is None  # no folder named, no home
True
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["cue_index_file"]

log = logging.getLogger(__name__)


def cue_index_file(url: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cue index file of the server at ``url`` (its folder made); None when no folder can be made."""
    folder = environ.get("KG_CUE_INDEX_DIR") or ""
    if not folder:
        cache = environ.get("XDG_CACHE_HOME") or (str(Path(environ["HOME"]) / ".cache") if environ.get("HOME") else "")
        if not cache:
            return None
        folder = str(Path(cache) / "kg")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        log.warning("cannot keep the cue index of %s in %s (%s): it is kept in memory", url, folder, e)
        return None
    return Path(folder) / f"cues-{hashlib.sha256(url.encode()).hexdigest()[:16]}.sqlite"
