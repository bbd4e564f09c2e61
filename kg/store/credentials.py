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
import threading
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from kg.errors import StoreError
from kg.store.remote_http import KeptHTTPHandler, KeptHTTPSHandler, keep_alive, server_of

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


class _ClosingDigestHandler(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest handler, mended.

    - It answers the server's last challenge before being asked (RFC 7616's nonce reuse, with a counted
      ``nc``): urllib meets a challenge anew on every request, a 401 and the request again, which doubled
      the round trips of every query to Virtuoso's ``/sparql-auth``. A stale or refused nonce is met as
      before: the server's 401 brings a new challenge, and the request is sent again with it.
    - It closes the 401 answer it retries after (urllib leaves its socket open).
    - It counts retries per thread, and resets the count when the retried request fails otherwise (a 400
      for a refused update): urllib counted those, and refused every request after the sixth.
    """

    _local = threading.local()

    def __init__(self, passwd: urllib.request.HTTPPasswordMgr | None = None) -> None:
        super().__init__(passwd)
        #: the last challenge of each server (scheme://host:port), answered before the next request
        self.challenges: dict[str, Mapping[str, str]] = {}
        #: how many challenges (401s asking for Digest) the servers sent: once a server, while its nonce holds
        self.challenged = 0
        self._counting = threading.Lock()  # nc: one count for every thread using the nonce

    @property
    def retried(self) -> int:
        count: int = getattr(self._local, "retried", 0)
        return count

    @retried.setter
    def retried(self, value: int) -> None:
        self._local.retried = value

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self.challenges.get(server_of(req.full_url))
        if challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, challenge)  # None: no password for this URL
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request

    def get_authorization(self, req: urllib.request.Request, chal: Mapping[str, str]) -> str | None:
        with self._counting:
            answer: str | None = super().get_authorization(req, chal)
            return answer

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        challenge = urllib.request.parse_keqv_list(
            [part for part in urllib.request.parse_http_list(auth.split(" ", 1)[-1]) if part])
        self.challenges[server_of(req.full_url)] = challenge
        self.challenged += 1
        return super().retry_http_digest_auth(req, auth)

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        fp.read()
        fp.close()
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        finally:
            self.reset_retry_count()


_installed: set[tuple[str, str]] = set()
_installing = threading.Lock()


def install(url: str) -> None:
    """Send requests to the server of ``url`` on kept-alive connections (:mod:`kg.store.remote_http`), through
    urllib's process-wide opener (which SPARQLWrapper sends with), with this module's Digest handler."""
    with _installing:
        keep_alive(url)
        if not _installed:
            urllib.request.install_opener(urllib.request.build_opener(_digest, KeptHTTPHandler(), KeptHTTPSHandler()))
            _installed.add(("", ""))


def install_digest(url: str, credentials: Credentials) -> None:
    """Make urllib answer the server's Digest challenges at ``url`` with ``credentials`` (and keep its
    connections alive: :func:`install`).

    urllib keeps them in its process-wide opener, as SPARQLWrapper's own Digest support does: other stores
    in this process reaching the same URL use them too."""
    install(url)
    with _installing:
        if (url, credentials.user) in _installed:
            return
        _passwords.add_password(None, url, credentials.user, credentials.password)
        _installed.add((url, credentials.user))


def digest_challenges() -> int:
    """How many Digest challenges (401s) the servers sent this process: one a server while its nonce holds,
    not one a request."""
    return _digest.challenged


_passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
_digest = _ClosingDigestHandler(_passwords)
