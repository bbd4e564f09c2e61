"""The one HTTP client every loader shares: polite, rate-limited, retried, and caching raw bodies.

Each successful body is kept on disk exactly as received (when a cache directory is configured),
so that a harvest can be replayed offline with ``kg load <cache_dir>``: the ``*.json`` files are
the records, the ``*.meta`` sidecars say where and when they came from.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import json
import logging
import os
import random
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3

from kg.errors import ConfigError, FetchError
from kg.version import __version__
from loaders.limits import MIB, env_int, env_seconds

log = logging.getLogger("kg.http")

#: Query parameters of a request; values are sent as their ``str()``.
Params = Mapping[str, str | int]
#: What ``paged`` asks for next: a URL and its parameters, or None to stop.
NextRequest = Callable[["Response"], tuple[str, Params | None] | None]

#: Statuses worth another attempt: throttling and transient server trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Response headers copied into the cache sidecar.
META_HEADERS = ("content-type", "date", "etag", "last-modified",
                "x-rate-limit-limit", "x-rate-limit-interval")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
#: Redirects a fetched page may take.
MAX_REDIRECTS = 5
#: Content types of a page read as text, besides ``text/*``.
_TEXT_TYPES = ("application/xhtml+xml", "application/xml")


@dataclass(frozen=True)
class HttpConfig:
    """How every client of one run behaves; build it with :meth:`from_env` in the CLI."""

    #: Contact address for the APIs' polite pools (User-Agent, and Crossref's mailto parameter).
    mailto: str | None = None
    #: Seconds allowed to connect, and again to read the response.
    timeout: float = 30.0
    #: Attempts after the first one, for retryable failures.
    retries: int = 5
    #: Base of the exponential backoff: ``backoff * 2**attempt``, with jitter, capped by max_wait.
    backoff: float = 1.0
    #: Cap on any single wait, Retry-After included.
    max_wait: float = 120.0
    #: A Retry-After longer than this gives up at once instead of waiting (``KG_HTTP_MAX_RETRY_AFTER``).
    max_retry_after: float = 3600.0
    #: Seconds one request may take in all: connecting, redirects, headers and the whole body
    #: (``KG_HTTP_DEADLINE``); ``timeout`` bounds each read only, which a dripping server defeats.
    deadline: float = 300.0
    #: Bytes of one response body, decompressed (``KG_MAX_BODY_BYTES``); a bigger one is refused
    #: and never cached.
    max_body: int = 64 * MIB
    #: Hosts a redirect may lead to besides the requested one (``KG_HTTP_ALLOW_HOSTS``, commas).
    allow_hosts: tuple[str, ...] = ()
    #: Redirects followed within one request.
    max_redirects: int = 5
    #: Where raw responses are kept; None means no cache.
    cache_dir: Path | None = None
    #: True ignores cached responses (fresh ones are still written).
    refresh: bool = False

    @classmethod
    def from_env(cls, **overrides: Any) -> HttpConfig:
        """Read ``KG_MAILTO``, ``KG_CACHE_DIR``, ``KG_HTTP_TIMEOUT``, ``KG_HTTP_DEADLINE``,
        ``KG_HTTP_MAX_RETRY_AFTER``, ``KG_MAX_BODY_BYTES`` and ``KG_HTTP_ALLOW_HOSTS``; keyword
        overrides win.

        :raises ConfigError: (a ValueError) when one of them is not a usable number.

        >>> HttpConfig.from_env(mailto="me@example.org", timeout=5.0).timeout
        5.0
        """
        values: dict[str, Any] = {}
        if mailto := os.environ.get("KG_MAILTO"):
            values["mailto"] = mailto
        if cache_dir := os.environ.get("KG_CACHE_DIR"):
            values["cache_dir"] = Path(cache_dir)
        if timeout := os.environ.get("KG_HTTP_TIMEOUT"):
            try:
                values["timeout"] = float(timeout)
            except ValueError:
                raise ConfigError("KG_HTTP_TIMEOUT", f"must be a number of seconds, not {timeout!r}") from None
        values["deadline"] = env_seconds("KG_HTTP_DEADLINE", cls.deadline)
        values["max_retry_after"] = env_seconds("KG_HTTP_MAX_RETRY_AFTER", cls.max_retry_after)
        values["max_body"] = env_int("KG_MAX_BODY_BYTES", cls.max_body)
        if hosts := os.environ.get("KG_HTTP_ALLOW_HOSTS"):
            values["allow_hosts"] = tuple(h.strip().lower() for h in hosts.split(",") if h.strip())
        return cls(**{**values, **overrides})


@dataclass(frozen=True)
class Response:
    """One parsed JSON answer, fresh or from the cache."""

    #: The URL requested, with its query string (the mailto parameter left out).
    url: str
    #: The parsed JSON body.
    data: Any
    #: When the source answered, in UTC: its ``Date`` header, else the local clock (for a cache
    #: hit: when it originally answered, as the cache's ``.meta`` keeps it).
    retrieved_at: datetime
    #: The raw body on disk, when caching.
    cache_path: Path | None
    from_cache: bool


class HttpClient:
    """The HTTP client of one source: rate-limited, retried, caching raw bodies.

    :param source: the source name, also the cache sub-directory (``crossref``).
    :param config: the shared settings.
    :param min_interval: least seconds between the starts of two requests.
    :param session: a session to use (not closed by :meth:`close`); default a new one.
    :param mailto_param: also send ``mailto=`` as a query parameter (Crossref's polite pool).
    :param headers: extra request headers, overriding the defaults (e.g. ``Accept``).
    :param sleep: how to wait; tests pass a recorder.
    :param clock: what tells the time between request starts; tests pass one that only their ``sleep``
        moves on.
    """

    def __init__(self, source: str, config: HttpConfig, *, min_interval: float = 0.0,
                 session: requests.Session | None = None, mailto_param: bool = False,
                 headers: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.config = config
        self.min_interval = min_interval
        self.mailto_param = mailto_param
        self._sleep = sleep
        self._clock = clock
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        contact = f"; mailto:{config.mailto}" if config.mailto else ""
        self.headers: dict[str, str] = {
            "User-Agent": f"kg/{__version__} (https://w3id.org/evidence-kg{contact})",
            "Accept": "application/json", **(headers or {})}
        self._header_interval = 0.0  # from X-Rate-Limit-* headers
        self._throttle = 0.0  # grows on each 429
        self._last_start: float | None = None

    @property
    def interval(self) -> float:
        """Seconds currently kept between request starts (grows with rate-limit headers, 429)."""
        return max(self.min_interval, self._header_interval, self._throttle)

    def get_json(self, url: str, params: Params | None = None) -> Response:
        """GET ``url`` with ``params`` and parse the JSON answer (from the cache when there).

        :raises FetchError: on a 4xx other than 429 at once, otherwise once retries are used up.
        """
        return self._request("GET", url, params, None, None)

    def get_text(self, url: str, params: Params | None = None) -> Response:
        """GET ``url`` as text (a plain list such as wwPDB's weekly ``added.pdb``): the response's
        ``data`` is the body decoded as UTF-8; cached, retried and limited like :meth:`get_json`.

        :raises FetchError: as :meth:`get_json`.
        """
        return self._request("GET", url, params, None, None, text=True)

    def post_json(self, url: str, body: str | bytes | Mapping[str, Any], *,
                  content_type: str | None = None) -> Response:
        """POST ``body`` and parse the JSON answer, e.g. PDBe's ``"1cbs,6gv0"`` id lists.

        Text and bytes go as ``text/plain`` and a mapping as JSON unless ``content_type`` says
        otherwise. PDBe's POSTs are queries, so they are retried and cached like GETs.

        :raises FetchError: as :meth:`get_json`.
        """
        if isinstance(body, Mapping):
            raw, default = json.dumps(body, sort_keys=True).encode(), "application/json"
        else:
            raw = body.encode() if isinstance(body, str) else body
            default = "text/plain"
        return self._request("POST", url, None, raw, content_type or default)

    def paged(self, url: str, params: Params | None, next_request: NextRequest, *,
              max_pages: int | None = None) -> Iterator[Response]:
        """Yield the first page, then each page ``next_request(page)`` asks for, until it says None.

        :param next_request: given a page, the next ``(url, params)``, or None to stop.
        :param max_pages: stop after this many pages.
        :raises FetchError: as :meth:`get_json`, for any page.
        """
        request: tuple[str, Params | None] | None = (url, params)
        count = 0
        asked: set[str] = set()
        while request is not None and (max_pages is None or count < max_pages):
            # a listing whose next page is one it gave already (a repeated cursor) would loop forever
            key = json.dumps([request[0], sorted((k, str(v)) for k, v in (request[1] or {}).items())])
            if key in asked:
                shown = requests.Request("GET", request[0], params=request[1]).prepare().url or request[0]
                raise FetchError(shown, f"the listing asks for a page it gave already (its cursor or next link "
                                        f"repeats) after {count} pages; stopped there")
            asked.add(key)
            page = self.get_json(request[0], request[1])
            count += 1
            yield page
            request = next_request(page)

    def close(self) -> None:
        """Close the session, when this client created it."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _request(self, method: str, url: str, params: Params | None, body: bytes | None,
                 content_type: str | None, *, text: bool = False) -> Response:
        query = {key: str(value) for key, value in (params or {}).items()}
        try:
            shown = requests.Request(method, url, params=query).prepare().url or url
        except requests.RequestException as error:
            raise FetchError(url, f"not a usable URL ({error})") from error
        path = self._cache_path(method, url, query, body)
        if path is not None and not self.config.refresh:
            cached = _read_cache(path, shown, text=text)
            if cached is not None:
                log.debug("%s %s: from cache %s", method, shown, path)
                return cached
        if self.mailto_param and self.config.mailto:
            query["mailto"] = self.config.mailto
        headers = {**self.headers, **({"Content-Type": content_type} if content_type else {})}
        raw, data, status, answer_headers, final = self._fetch(method, url, shown, query, body, headers, text)
        retrieved_at = _answered_at(answer_headers.get("date"))
        shown = final or shown  # a same-host redirect: provenance is where the answer came from
        if path is not None:
            meta = {"url": shown, "method": method, "status": status, "source": self.source,
                    "retrieved_at": retrieved_at.isoformat(),
                    "request_body": body.decode(errors="replace") if body else None,
                    "headers": {h: answer_headers[h] for h in META_HEADERS if h in answer_headers}}
            _write_atomic(path, raw)
            _write_atomic(path.with_suffix(".meta"), json.dumps(meta, indent=1).encode())
        return Response(shown, data, retrieved_at, path, False)

    def _fetch(self, method: str, url: str, shown: str, query: dict[str, str],
               body: bytes | None, headers: dict[str, str], text: bool = False,
               ) -> tuple[bytes, Any, int, requests.structures.CaseInsensitiveDict[str], str | None]:
        attempts = self.config.retries + 1
        wait, attempt = 0.0, 0
        while True:
            attempt += 1
            self._pause(wait)
            log.debug("%s %s (attempt %d of %d)", method, shown, attempt, attempts)
            status: int | None = None
            retry_after: float | None = None
            try:
                answer = self._attempt(method, url, shown, query, body, headers)
            except requests.Timeout:
                problem = f"timed out after {self.config.timeout:g}s"
            except _DeadlinePassed:
                problem = (f"took longer than the {self.config.deadline:g} s one request may take in all "
                           "(KG_HTTP_DEADLINE)")
            except (requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError):
                problem = "response body ended early (truncated)"
            except requests.ConnectionError as error:
                problem = f"connection failed ({error})"
            except requests.RequestException as error:
                raise FetchError(shown, str(error)) from error
            else:
                status = answer.status
                self._note_rate_limit(answer.headers)
                if 200 <= status < 300 and text:
                    return answer.body, answer.text, status, answer.headers, answer.final_url
                if 200 <= status < 300:
                    try:
                        return answer.body, json.loads(answer.body), status, answer.headers, answer.final_url
                    except json.JSONDecodeError:
                        problem = "response body is not valid JSON (truncated?)"
                    except (ValueError, RecursionError) as error:  # a 5,000-digit number, 100k-deep nesting
                        raise FetchError(shown, "response body is JSON kg does not read ("
                                         + ("a number of too many digits" if isinstance(error, ValueError)
                                            else "nested too deep") + ")", status=status) from None
                elif status in RETRY_STATUSES:
                    problem = answer.reason or "server error"
                    retry_after = _retry_after(answer.headers.get("Retry-After"))
                    if retry_after is not None and retry_after > self.config.max_retry_after:
                        raise FetchError(shown, f"{problem}: the server asks kg to wait {retry_after:,.0f} s "
                                                f"(Retry-After), more than the {self.config.max_retry_after:,g} s "
                                                "kg waits for (KG_HTTP_MAX_RETRY_AFTER); try again later",
                                         status=status)
                    if status == 429:
                        self._throttle = min(self.config.max_wait, max(2 * self.interval, 0.1))
                else:
                    raise FetchError(shown, f"{answer.reason}: {_excerpt(answer.text)}", status=status)
            if attempt == attempts:
                plural = "s" if attempts > 1 else ""
                raise FetchError(shown, f"{problem} (gave up after {attempts} attempt{plural})",
                                 status=status)
            if retry_after is None:
                retry_after = self.config.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
            wait = min(retry_after, self.config.max_wait)
            code = f"HTTP {status} " if status is not None else ""
            log.warning("%s %s: %s%s; retry %d of %d in %.2fs", method, shown, code, problem,
                        attempt, self.config.retries, wait)

    def _attempt(self, method: str, url: str, shown: str, query: dict[str, str], body: bytes | None,
                 headers: dict[str, str]) -> _Answer:
        """One attempt within the overall deadline: it runs in a worker thread, so that a server
        dripping bytes (each read within ``timeout``) is abandoned when the deadline passes; the
        worker stops at its next read."""
        outcome: list[_Answer | BaseException] = []
        cancel = threading.Event()

        def run() -> None:
            try:
                outcome.append(self._exchange(method, url, shown, query, body, headers, cancel))
            except BaseException as error:  # handed to the caller's thread, raised there
                outcome.append(error)

        worker = threading.Thread(target=run, name=f"kg-http-{self.source}", daemon=True)
        worker.start()
        worker.join(self.config.deadline)
        if worker.is_alive() or not outcome:
            cancel.set()
            raise _DeadlinePassed()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _exchange(self, method: str, url: str, shown: str, query: dict[str, str], body: bytes | None,
                  headers: dict[str, str], cancel: threading.Event) -> _Answer:
        """The request, redirects within the same host (or ``allow_hosts``), and the body read
        up to ``max_body`` bytes: a bigger body is refused before anything is cached."""
        target, params, final = url, query, None
        for _ in range(self.config.max_redirects + 1):
            answer = self._session.request(method, target, params=params, data=body, headers=headers,
                                           timeout=self.config.timeout, stream=True, allow_redirects=False)
            with answer:
                if answer.is_redirect:
                    following = urljoin(answer.url, answer.headers["Location"])
                    if not _same_site(url, following, self.config.allow_hosts):
                        raise FetchError(shown, f"redirected to {following}, which is on another host; kg "
                                                f"follows redirects only within {urlsplit(url).netloc} "
                                                "(allow more hosts with KG_HTTP_ALLOW_HOSTS)",
                                         status=answer.status_code)
                    target, params, final = following, {}, following
                    continue
                ok = 200 <= answer.status_code < 300
                cap = self.config.max_body if ok else min(self.config.max_body, 1 << 16)
                declared = answer.headers.get("Content-Length", "")
                if ok and declared.isdigit() and int(declared) > cap:
                    raise FetchError(shown, f"the response body is {int(declared):,} bytes (Content-Length); "
                                            f"the limit is {cap:,} (KG_MAX_BODY_BYTES)", status=answer.status_code)
                parts: list[bytes] = []
                size = 0
                while not cancel.is_set() and (chunk := _read1(answer)):
                    size += len(chunk)
                    if size > cap:
                        if not ok:
                            break  # an error page: its start is enough
                        packed = " once decompressed" if answer.headers.get("Content-Encoding") else ""
                        raise FetchError(shown, f"the response body is more than {cap:,} bytes{packed}; "
                                                f"the limit is {cap:,} (KG_MAX_BODY_BYTES)", status=answer.status_code)
                    parts.append(chunk)
                return _Answer(answer.status_code, answer.reason, answer.headers, b"".join(parts), final)
        raise FetchError(shown, f"more than {self.config.max_redirects} redirects")

    def _pause(self, wait: float) -> None:
        """Wait ``wait`` seconds, or longer when the rate limit asks, then mark a request start."""
        if self._last_start is not None:
            wait = max(wait, self._last_start + self.interval - self._clock())
        if wait > 0:
            self._sleep(wait)
        self._last_start = self._clock()

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        """Follow Crossref's ``X-Rate-Limit-Limit: 50`` / ``X-Rate-Limit-Interval: 1s``."""
        limit, span = headers.get("X-Rate-Limit-Limit"), headers.get("X-Rate-Limit-Interval")
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", span or "")
        if limit and limit.strip().isdigit() and int(limit) > 0 and match:
            seconds = float(match[1]) * _UNITS[match[2] or "s"]
            self._header_interval = seconds / int(limit)

    def _cache_path(self, method: str, url: str, query: Mapping[str, str],
                    body: bytes | None) -> Path | None:
        if self.config.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{method}\n{url}\n{urlencode(sorted(query.items()))}\n".encode())
        digest.update(body or b"")
        key = digest.hexdigest()
        return self.config.cache_dir / self.source / key[:2] / f"{key}.json"


def get_page(url: str, config: HttpConfig, *, max_chars: int, public_only: bool = False) -> str:
    """The text or HTML of a web page, read up to ``max_chars`` characters (more is refused).

    Redirects are followed by hand (at most :data:`MAX_REDIRECTS`), so that each one's host is checked
    like the first; the whole answer must arrive within three times ``config.timeout``. Not retried
    or cached: a page is read once, for the reader who asked.

    :param public_only: refuse hosts on loopback, private, link-local or reserved addresses, also
        on each redirect (a service fetching pages for anyone must not reach its own network)
    :raises FetchError: the page cannot be fetched, is not text, is too long, or is not public

    >>> get_page("http://127.0.0.1:9/x", HttpConfig(), max_chars=100, public_only=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.FetchError: fetching http://127.0.0.1:9/x failed: the host is not on the public internet; ...
    """
    headers = {"User-Agent": f"kg/{__version__} (https://w3id.org/evidence-kg)",
               "Accept": "text/html, text/plain;q=0.9"}
    deadline = time.monotonic() + config.timeout * 3
    try:
        for _ in range(MAX_REDIRECTS + 1):
            if public_only:
                _check_public(url)
            with requests.get(url, headers=headers, timeout=config.timeout, stream=True,
                              allow_redirects=False) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code >= 400:
                    raise FetchError(url, response.reason or "the server refused", response.status_code)
                kind = response.headers.get("Content-Type", "text/html").split(";")[0].strip().lower()
                if not (kind.startswith("text/") or kind in _TEXT_TYPES):
                    raise FetchError(url, f"the page is {kind}, not text or HTML")
                body = b""
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > max_chars * 4:
                        raise FetchError(url, f"the page is over {max_chars:,} characters")
                    if time.monotonic() > deadline:
                        raise FetchError(url, f"the page took over {config.timeout * 3:g} s to arrive")
                return body.decode(response.encoding or "utf-8", errors="replace")
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")
    except requests.RequestException as e:
        raise FetchError(url, str(e)) from e


def download(url: str, dest: Path, config: HttpConfig, *, source: str) -> Path:
    """Stream ``url`` into the file ``dest``: a data dump (ROR's, OpenCitations'), too big to hold in
    memory or under ``max_body``, and with no overall deadline (``timeout`` bounds each read). It
    is written to ``dest`` plus ``.part`` and renamed when whole, so a file at ``dest`` is always
    complete; a 5xx, 429 or lost connection is retried as :class:`HttpClient` retries. Redirects
    are followed (repositories send file downloads to their storage hosts), to https only.

    :raises FetchError: the file cannot be had.
    """
    headers = {"User-Agent": f"kg/{__version__} (https://w3id.org/evidence-kg"
                             f"{'; mailto:' + config.mailto if config.mailto else ''})"}
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    attempts = config.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            with requests.get(url, headers=headers, timeout=config.timeout, stream=True) as answer:
                final = urlsplit(answer.url)
                if answer.history and final.scheme != "https" and final.netloc != urlsplit(url).netloc:
                    raise FetchError(url, f"redirected to {answer.url}, which is not https")
                if answer.status_code in RETRY_STATUSES and attempt < attempts:
                    time.sleep(config.backoff * 2 ** (attempt - 1))
                    continue
                if answer.status_code >= 400:
                    raise FetchError(url, answer.reason or "the server refused", answer.status_code)
                with part.open("wb") as stream:
                    for chunk in answer.iter_content(1 << 20):
                        stream.write(chunk)
            os.replace(part, dest)
            log.info("%s: downloaded %s (%d bytes)", source, url, dest.stat().st_size)
            return dest
        except requests.RequestException as e:
            part.unlink(missing_ok=True)
            if attempt == attempts:
                raise FetchError(url, f"{e} (gave up after {attempts} attempts)") from e
            time.sleep(config.backoff * 2 ** (attempt - 1))
    raise FetchError(url, f"the server was busy (gave up after {attempts} attempts)")


def _check_public(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(url, "only http(s) URLs with a host name are fetched")
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError) as e:
        raise FetchError(url, f"the host name does not resolve: {e}") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise FetchError(url, "the host is not on the public internet; this service fetches public pages only")

@dataclass(frozen=True)
class _Answer:
    """One answer as received: status, headers and the (bounded) body."""

    status: int
    reason: str
    headers: requests.structures.CaseInsensitiveDict[str]
    body: bytes
    #: the URL answered from, after same-host redirects; None when not redirected
    final_url: str | None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _read1(answer: requests.Response) -> bytes:
    """What one read of the body brings, decompressed (at most 64 KiB): a server dripping bytes
    gives them one by one, so the deadline is checked between them. urllib3's errors become
    requests' own, as ``iter_content`` would raise them."""
    try:
        return bytes(answer.raw.read1(1 << 16, decode_content=True))
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.exceptions.ReadTimeout(error) from error
    except urllib3.exceptions.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from error
    except urllib3.exceptions.SSLError as error:
        raise requests.exceptions.SSLError(error) from error


class _DeadlinePassed(Exception):
    """One request took longer than ``HttpConfig.deadline`` in all."""


def _same_site(asked: str, following: str, allowed: tuple[str, ...]) -> bool:
    """A redirect stays on the host asked (http may become https, never the reverse) or goes
    to an allowed host."""
    a, b = urlsplit(asked), urlsplit(following)
    if b.scheme not in ("http", "https") or (a.scheme == "https" and b.scheme == "http"):
        return False
    return (b.hostname or "") == (a.hostname or "") or (b.hostname or "").lower() in allowed


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _answered_at(date: str | None) -> datetime:
    """When the source answered: its ``Date`` header (RFC 9110 HTTP-date), else the local clock.

    >>> _answered_at("Tue, 03 Dec 2024 10:00:00 GMT").isoformat()
    '2024-12-03T10:00:00+00:00'
    >>> _answered_at("soon").tzinfo
    datetime.timezone.utc
    """
    try:
        when = email.utils.parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        when = None
    if when is None:
        return datetime.now(UTC)
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def _read_cache(path: Path, url: str, *, text: bool = False) -> Response | None:
    """The cached response at ``path``, or None when missing or unreadable (then refetched)."""
    try:
        meta = json.loads(path.with_suffix(".meta").read_bytes())
        data = path.read_bytes().decode("utf-8", errors="replace") if text else json.loads(path.read_bytes())
        retrieved_at = datetime.fromisoformat(meta["retrieved_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Response(str(meta.get("url") or url), data, retrieved_at, path, True)  # after a redirect: where it came from


def _write_atomic(path: Path, content: bytes) -> None:
    """Write via a temporary file and ``os.replace``, so readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
