"""N-Quads to Virtuoso's own bulk loader: the stream written as a gzipped file in a folder the server
may read (its ``DirsAllowed``), then ``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint`` through
``isql`` (what ``kg bulk-load`` uses on a Virtuoso store).

Configured from the environment: ``KG_VIRTUOSO_BULK_DIR`` (required: a folder both kg and the
server see, listed in the server's ``DirsAllowed``), ``KG_VIRTUOSO_ISQL`` (the SQL port as
``host:port``; default the store's host and 1111) and ``KG_VIRTUOSO_ISQL_COMMAND`` (default
``isql-vt``, else ``isql``). The account is the store's (its credentials), given to isql as its
arguments (isql takes it no other way: other users of the machine may see it in the process list
while the load runs; kg never prints it). Literals are written as the engine's profile
writes them in updates (:meth:`kg.store.engines.Engine.update_text`: durations).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from kg.errors import StoreError
from kg.store.credentials import Credentials
from kg.store.engines import Engine
from kg.store.revision import new_token


def virtuoso_bulk_load(url: str, nquads: IO[bytes], engine: Engine, credentials: Credentials | None) -> None:
    """Load ``nquads`` into the Virtuoso server whose SPARQL endpoint is ``url``."""
    folder = os.environ.get("KG_VIRTUOSO_BULK_DIR")
    if not folder:
        raise StoreError("kg bulk-load on Virtuoso needs KG_VIRTUOSO_BULK_DIR: a folder the server reads "
                         "(in its DirsAllowed) where the N-Quads are put for its loader (docs/scaling.md)")
    if credentials is None:
        raise StoreError("kg bulk-load on Virtuoso needs the store's account (KG_STORE_USER, KG_STORE_PASSWORD)")
    command = os.environ.get("KG_VIRTUOSO_ISQL_COMMAND") or shutil.which("isql-vt") or shutil.which("isql")
    if not command:
        raise StoreError("kg bulk-load on Virtuoso runs isql (isql-vt), which is not installed")
    address = os.environ.get("KG_VIRTUOSO_ISQL") or f"{urlsplit(url).hostname or '127.0.0.1'}:1111"
    name = f"kg-bulk-{new_token()}.nq.gz"
    path = Path(folder).resolve() / name
    try:
        with gzip.open(path, "wb", compresslevel=1) as out:
            for line in nquads:
                out.write(engine.update_text(line.decode()).encode() if b"^^" in line else line)
        path.chmod(0o644)
        _isql(command, address, credentials, f"""
DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '%{name}';
ld_dir('{_sql(str(path.parent))}', '{name}', 'urn:kg:bulk');
rdf_loader_run();
checkpoint;
SELECT 'KG-LOAD-ERROR:', ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '%{name}' AND ll_error IS NOT NULL;
SELECT 'KG-LOADED:', ll_state FROM DB.DBA.load_list WHERE ll_file LIKE '%{name}';
""", name)
    finally:
        path.unlink(missing_ok=True)


def _isql(command: str, address: str, credentials: Credentials, script: str, name: str) -> None:
    done = subprocess.run([command, address, credentials.user, credentials.password], input=script,
                          capture_output=True, text=True, timeout=None)
    out = done.stdout + done.stderr
    errors = [line for line in out.splitlines() if "KG-LOAD-ERROR:" in line or line.startswith("*** Error")]
    if done.returncode or errors or not re.search(r"^KG-LOADED:\s+2\s*$", out, re.MULTILINE):  # 2: loaded
        detail = "; ".join(errors) or (f"isql exited with {done.returncode}" if done.returncode else
                                       "the server did not take the file: is its folder in the server's DirsAllowed?")
        raise StoreError(f"Virtuoso's bulk loader did not load {name}: {detail}")


def _sql(text: str) -> str:
    return text.replace("'", "''")
