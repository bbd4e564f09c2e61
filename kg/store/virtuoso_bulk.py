"""N-Quads to Virtuoso's own bulk loader: the stream written as a gzipped file in a folder the server
may read (its ``DirsAllowed``), then ``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint`` (what ``kg
bulk-load`` uses on a Virtuoso store).

The loader's procedures are called through the store's own SPARQL endpoint, as SQL functions in a
SPARQL query (``sql:ld_dir(…)``, ``bif:exec("checkpoint")``), with the store's account and HTTP
authentication (Digest on ``/sparql-auth``): no ``isql`` is run, so the password is never on a command
line (``isql`` takes it only as an argument, which every user of the machine sees in the process list;
its other way in, ``RECONNECT``, needs a failed login first, and four of those lock the address out).
The loader commits as it goes, so the server's ``MaxQueryExecutionTime`` does not cut it (a 37 s load
ran whole under a limit of 1 s); the request waits for it without a time limit.

Configured from the environment: ``KG_VIRTUOSO_BULK_DIR`` (required: a folder both kg and the
server see, listed in the server's ``DirsAllowed``) and ``KG_VIRTUOSO_LOADERS`` (``rdf_loader_run()``
calls at once, default 1: with more, the quads are written in twice as many files, blocks of
:data:`FILE_BLOCK` lines dealt in turn). Loaders at once deadlock on each other now and then
(``40001 ... Transaction deadlock`` in ``load_list``, the file left part-loaded; Virtuoso 7.2 does not
retry it): such files are put back on the list and loaded again (a quad is stored once), up to
:data:`RETRIES` times, waiting 1, 2, 4 ... s before each round. The account must be allowed to run
the loader (``dba``, or one granted ``EXECUTE`` on ``DB.DBA.ld_dir`` and ``DB.DBA.rdf_loader_run``,
and ``UPDATE`` on ``DB.DBA.load_list`` for the retries). Literals are written as the engine's profile
writes them in updates (:meth:`kg.store.engines.Engine.update_text`: durations).
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from kg.errors import StoreError
from kg.store.credentials import Credentials, install_digest
from kg.store.engines import Engine
from kg.store.revision import new_token

#: the graph Virtuoso's loader is given for quads without one (kg's shards have none such)
_DEFAULT_GRAPH = "urn:kg:bulk"


#: lines of N-Quads written together in one file (several loaders: the files take blocks in turn)
FILE_BLOCK = 100_000
#: rounds of loading again the files a deadlock between loaders cut short
RETRIES = 6


def virtuoso_bulk_load(url: str, nquads: IO[bytes], engine: Engine, credentials: Credentials | None,
                       timeout: float = 60.0) -> None:
    """Load ``nquads`` into the Virtuoso server whose SPARQL endpoint is ``url``; ``timeout`` for each
    call but the loader's own (which takes as long as the load)."""
    folder = os.environ.get("KG_VIRTUOSO_BULK_DIR")
    if not folder:
        raise StoreError("kg bulk-load on Virtuoso needs KG_VIRTUOSO_BULK_DIR: a folder the server reads "
                         "(in its DirsAllowed) where the N-Quads are put for its loader (docs/scaling.md)")
    if credentials is None:
        raise StoreError("kg bulk-load on Virtuoso needs the store's account (KG_STORE_USER, KG_STORE_PASSWORD)")
    loaders = _loaders()
    token = new_token()
    paths = [Path(folder).resolve() / f"kg-bulk-{token}-{i}.nq.gz" for i in range(1 if loaders == 1 else 2 * loaders)]
    try:
        with ExitStack() as files:
            outs = [files.enter_context(gzip.open(path, "wb", compresslevel=1)) for path in paths]
            for number, line in enumerate(nquads):
                outs[number // FILE_BLOCK % len(outs)].write(
                    engine.update_text(line.decode()).encode() if b"^^" in line else line)
        written = [path for path in paths if path.stat().st_size > 20]  # an empty gzip file is 20 bytes
        for path in written:
            path.chmod(0o644)
        loader = VirtuosoLoader(url, credentials, timeout, f"kg-bulk-{token}")
        for path in written:
            loader.register(path)
        loader.run_all(written, loaders)
        loader.finish(written)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


def _loaders() -> int:
    text = os.environ.get("KG_VIRTUOSO_LOADERS", "1")
    if not text.isdigit() or int(text) < 1:
        raise StoreError(f"KG_VIRTUOSO_LOADERS must be a number of loaders (1 or more), not {text!r}")
    return int(text)


class VirtuosoLoader:
    """Virtuoso's bulk loader driven through the store's SPARQL endpoint: files registered one by one
    (``ld_dir``, each already written, in a folder the server reads, its durations as the profile writes
    them), one or several ``rdf_loader_run()`` at once (each takes the next registered file until none is
    left), then a checkpoint and the check that every file was taken whole."""

    def __init__(self, url: str, credentials: Credentials, timeout: float = 60.0, name: str = "the files") -> None:
        self.sparql = _Sparql(url, credentials, timeout, name)
        #: rounds of files loaded again after a deadlock (:meth:`run_all`)
        self.retries = 0

    def register(self, path: Path) -> None:
        """Put ``path`` (a gzipped N-Quads file) on the loader's list, instead of a file of its name there."""
        pattern = _sql(f"%{path.name}")
        self.sparql.call(_exec(f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{pattern}'"))
        self.sparql.call(f"sql:ld_dir({_literal(str(path.parent))}, {_literal(path.name)}, {_literal(_DEFAULT_GRAPH)})")

    def run(self) -> None:
        """One ``rdf_loader_run()``: returns when no registered file is left (call it from several threads
        for several loaders at once)."""
        self.sparql.call("sql:rdf_loader_run()", wait=True)

    def run_all(self, paths: list[Path], loaders: int = 1) -> None:
        """``loaders`` ``rdf_loader_run()`` at once until no registered file is left; then, while one of
        ``paths`` failed on a deadlock with another loader, those put back on the list and loaded again
        (at most :data:`RETRIES` rounds, waiting 1, 2, 4 ... s before each)."""
        failed: list[StoreError] = []

        def run() -> None:
            try:
                self.run()
            except StoreError as e:  # a deadlock the call itself was told of: its file is retried below
                if "40001" not in str(e) and "eadlock" not in str(e):
                    failed.append(e)

        for attempt in range(RETRIES + 1):
            if attempt:
                time.sleep(2 ** (attempt - 1))
            threads = [threading.Thread(target=run, daemon=True) for _ in range(loaders)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if failed:
                raise failed[0]
            if loaders == 1 or attempt == RETRIES or not self._deadlocked(paths):  # the last: finish() tells
                return
            self.retries += 1

    def _deadlocked(self, paths: list[Path]) -> bool:
        """Whether one of ``paths`` failed on a deadlock; those put back on the list to load again."""
        where = " OR ".join(f"ll_file LIKE '{_sql(f'%{path.name}')}'" for path in paths)
        deadlock = f"({where}) AND (ll_error LIKE '%40001%' OR ll_error LIKE '%eadlock%')"
        try:
            self.sparql.call(_exec(f"SELECT signal('KGBLK', ll_error) FROM DB.DBA.load_list WHERE {deadlock}"))
        except StoreError as e:  # the message is the file's ll_error
            if "40001" not in str(e) and "eadlock" not in str(e):
                raise
            self.sparql.call(_exec(f"UPDATE DB.DBA.load_list SET ll_state = 0, ll_error = NULL, ll_started = NULL, "
                                   f"ll_done = NULL WHERE {deadlock}"))
            return True
        return False

    def finish(self, paths: list[Path]) -> None:
        """A checkpoint, then StoreError if one of ``paths`` failed or was not taken."""
        self.sparql.call(_exec("checkpoint"), wait=True)
        for path in paths:
            pattern = _sql(f"%{path.name}")
            # each raises (an HTTP 500 carrying the message) when the file failed or was not taken
            self.sparql.call(_exec(f"SELECT signal('KGBLK', ll_error) FROM DB.DBA.load_list "
                                   f"WHERE ll_file LIKE '{pattern}' AND ll_error IS NOT NULL"))
            # (the message names a column: signal() with constant arguments is run whatever the WHERE says)
            self.sparql.call(_exec(f"SELECT signal('KGBLK', 'the server did not take the file (' || cast(loaded.n "
                                   f"AS varchar) || ' loaded): does the server see its folder, in its DirsAllowed?') "
                                   f"FROM (SELECT COUNT(*) AS n FROM DB.DBA.load_list WHERE ll_file LIKE '{pattern}' "
                                   f"AND ll_state = 2) AS loaded WHERE loaded.n = 0"))


class _Sparql:
    """SPARQL queries to the store's endpoint with its account, each calling one SQL function."""

    def __init__(self, url: str, credentials: Credentials, timeout: float, name: str) -> None:
        self.url, self.credentials, self.timeout, self.name = url, credentials, timeout, name
        self.headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
        if credentials.scheme == "digest":
            install_digest(url, credentials)
        else:
            token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def call(self, function: str, *, wait: bool = False) -> None:
        """Run ``SELECT (function AS ?x) {}``; StoreError with the server's message if it fails."""
        body = urllib.parse.urlencode({"query": f"SELECT ({function} AS ?x) WHERE {{ }}"}).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=None if wait else self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as e:
            message = e.read().decode("utf-8", "replace")
            e.close()
            if e.code == 401:
                message = f"HTTP 401: the account {self.credentials.user} was refused"
            raise StoreError(f"Virtuoso's bulk loader did not load {self.name}: {_message(message)}") from e
        except OSError as e:
            raise StoreError(f"Virtuoso's bulk loader did not load {self.name}: {e}") from e


def _exec(statement: str) -> str:
    """A SQL statement run by ``exec()``, as a SPARQL expression."""
    return f"bif:exec({_literal(statement)})"


def _literal(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _message(answer: str) -> str:
    """The server's message without the query it quotes (``Virtuoso KGBLK Error …``)."""
    first = answer.split("\n\nSPARQL query:", 1)[0].strip()
    return re.sub(r"^Virtuoso KGBLK Error ", "", first)[:500] or "no message"


def _sql(text: str) -> str:
    return text.replace("'", "''")
