"""Credentials for a SPARQL server: from the store URL's user part, or from the environment.

``http://user:secret@host:8890/sparql-auth`` or ``KG_STORE_USER`` and ``KG_STORE_PASSWORD``
(the URL wins); ``KG_STORE_AUTH`` chooses the scheme: ``digest`` (the default, what Virtuoso's
``/sparql-auth`` asks for) or ``basic`` (Fuseki, a proxy in front of Oxigraph). The password is
never part of what a store prints (its repr, its log lines, its error messages name the URL
without it).

>>> url, found = credentials_of("http://dba:s%40cret@127.0.0.1:8890/sparql-auth", environ={})
>>> url, found
('http://127.0.0.1:8890/sparql-auth', Credentials(user='dba', scheme='digest'))
>>> found.password
's@cret'
>>> credentials_of("http://127.0.0.1:7878/query", environ={})
('http://127.0.0.1:7878/query', None)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from kg.errors import StoreError

Scheme = Literal["basic", "digest"]


@dataclass(frozen=True)
class Credentials:
    """A user, a password (kept out of the repr) and the HTTP authentication scheme."""

    user: str
    password: str = field(repr=False)
    scheme: Scheme = "digest"


def credentials_of(url: str, environ: Mapping[str, str] | None = None) -> tuple[str, Credentials | None]:
    """The URL without its user part, and the credentials from it or from the environment."""
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    scheme = env.get("KG_STORE_AUTH", "digest").lower()
    if scheme not in ("basic", "digest"):
        raise StoreError(f"KG_STORE_AUTH must be basic or digest, not {scheme!r}")
    if parts.username is not None:
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            netloc += f":{parts.port}"
        bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
        return bare, Credentials(unquote(parts.username), unquote(parts.password or ""), scheme)  # type: ignore[arg-type]
    user = env.get("KG_STORE_USER")
    if user:
        return url, Credentials(user, env.get("KG_STORE_PASSWORD", ""), scheme)  # type: ignore[arg-type]
    return url, None
