"""The one exception hierarchy of kg.

Every exception carries structured fields and builds its message from them, so a user reading
it learns which record, which field and which value were wrong, and what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence


class KgError(Exception):
    """Base class of every error kg raises on purpose."""


class IdentifierError(KgError, ValueError):
    """A string is not a valid identifier of the expected kind.

    >>> str(IdentifierError("doi", "11.1/x", "a DOI starts with '10.'"))
    "not a valid DOI: '11.1/x' (a DOI starts with '10.')"
    """

    def __init__(self, kind: str, value: str, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        shown = value if len(value) <= 200 else value[:200] + "..."
        names = {"doi": "DOI", "orcid": "ORCID", "ror": "ROR ID", "funder": "Crossref Funder ID",
                 "pdb": "PDB ID", "pmid": "PubMed ID", "pmcid": "PMC ID", "arxiv": "arXiv ID"}
        super().__init__(f"not a valid {names.get(kind, kind)}: {shown!r} ({reason})")


class RecordError(KgError, ValueError):
    """One raw record cannot be mapped: names the source, the record, the field and the value.

    >>> str(RecordError("crossref", "10.1/x", "title", "is a number, expected a list of strings", 5))
    "crossref record 10.1/x: field 'title' is a number, expected a list of strings (value: 5)"
    """

    def __init__(self, source: str, record_id: str, field: str, problem: str,
                 value: object = None) -> None:
        self.source = source
        self.record_id = record_id
        self.field = field
        self.problem = problem
        self.value = value
        shown = "" if value is None else f" (value: {_short(value)})"
        super().__init__(f"{source} record {record_id}: field {field!r} {problem}{shown}")


class ReadError(KgError, ValueError):
    """A file, or one line or item of it, cannot be read as records.

    >>> str(ReadError("a.json", "not valid JSON: Expecting value", location="line 3"))
    'a.json, line 3: not valid JSON: Expecting value'
    """

    def __init__(self, path: str, problem: str, location: str | None = None) -> None:
        self.path = path
        self.location = location
        self.problem = problem
        where = f"{path}, {location}" if location else path
        super().__init__(f"{where}: {problem}")


class ConfigError(KgError, ValueError):
    """A setting (an environment variable or option) has a value kg cannot use.

    >>> str(ConfigError("KG_MAX_LIST_ITEMS", "must be a positive whole number, not 'x'"))
    "KG_MAX_LIST_ITEMS must be a positive whole number, not 'x'"
    """

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name} {problem}")


class UnknownSourceError(KgError, LookupError):
    """A source name, or a record shape, that no registered loader handles."""

    def __init__(self, name: str, valid: list[str]) -> None:
        self.name = name
        self.valid = valid
        super().__init__(f"unknown source {name!r}; valid sources: {', '.join(valid)}")


class NotFoundError(KgError, LookupError):
    """An identifier that is valid but names nothing in the graph.

    >>> str(NotFoundError("https://doi.org/10.1/x"))
    'nothing in the graph is named https://doi.org/10.1/x; load or harvest its record first'
    """

    def __init__(self, iri: str) -> None:
        self.iri = iri
        super().__init__(f"nothing in the graph is named {iri}; load or harvest its record first")


class StoreError(KgError, OSError):
    """The store cannot be opened, read or written."""


class ReadOnlyStoreError(KgError, PermissionError):
    """A write sent to a store opened read-only: a replica (``kg serve --read-only``, or each worker of
    ``kg serve --workers N`` over an embedded store). The message says where writes go.

    The message leaves out the store's path (it may be shown to web clients); ``location`` holds it.

    >>> print(ReadOnlyStoreError("./kg-data"))
    this service opens the store read-only (a replica): writes go to the one process that opens it \
read-write, a kg serve without --read-only and with --workers 1, or kg load / kg sync while no server holds it
    """

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__("this service opens the store read-only (a replica): writes go to the one process that "
                         "opens it read-write, a kg serve without --read-only and with --workers 1, or kg load / "
                         "kg sync while no server holds it")


class StoreNotAnsweringError(StoreError):
    """The store took the connection, then sent nothing for ``seconds``, and answers no trivial query
    either: it is frozen, not busy with a slow query (:class:`QueryTimeoutError`)."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class FetchError(KgError, OSError):
    """An HTTP request to a source failed for good (after retries, where retrying made sense)."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        self.problem = problem
        code = f"HTTP {status}: " if status is not None else ""
        super().__init__(f"fetching {url} failed: {code}{problem}")


class UnsupportedRequestError(KgError, ValueError):
    """A harvest request asks a source's API for something it cannot do.

    >>> str(UnsupportedRequestError("opencitations", "--query", "the API looks citations up by DOI"))
    'opencitations: --query is not supported: the API looks citations up by DOI'
    """

    def __init__(self, source: str, option: str, reason: str) -> None:
        self.source = source
        self.option = option
        self.reason = reason
        super().__init__(f"{source}: {option} is not supported: {reason}")

class NotAcceptableError(KgError):
    """No format the request accepts fits the answer; names the formats that would (HTTP 406)."""

    def __init__(self, asked: str, available: Sequence[str]) -> None:
        self.asked = asked
        self.available = list(available)
        super().__init__(f"cannot answer in a format the request accepts ({asked}); "
                         f"available: {', '.join(self.available)}")


class ServiceBusyError(KgError):
    """Every query worker stayed busy for the whole time limit (HTTP 503 with Retry-After)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"every query worker was busy for {seconds:g} s; try again shortly")


class TracesBusyError(ServiceBusyError):
    """As many traces as the service runs at once stayed running for the whole wait (HTTP 503).

    >>> str(TracesBusyError(2, 30))
    'the service was tracing 2 texts at once, its most, for 30 s; try again shortly'
    """

    def __init__(self, running: int, seconds: float) -> None:
        super().__init__(seconds)
        self.running = running
        self.args = (f"the service was tracing {running} texts at once, its most, for {seconds:g} s; "
                     "try again shortly",)



class TooManyQueriesError(KgError):
    """A client already has as many queries running as it may (HTTP 429 with Retry-After).

    >>> str(TooManyQueriesError(1))
    'this client already has 1 query running, the most one client may run at once; wait for it to finish'
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        running = f"{limit} quer{'y' if limit == 1 else 'ies'}"
        super().__init__(f"this client already has {running} running, the most one client may run at once; "
                         "wait for it to finish")


class QueryMemoryError(KgError):
    """A query needed more memory than a query worker may use, and was stopped (HTTP 503).

    >>> str(QueryMemoryError(2048))
    'the query needed more than 2048 MB and was stopped; narrow it (LIMIT, more specific patterns, no ORDER BY over everything) or ask an operator for a larger limit'
    """  # noqa: E501

    def __init__(self, megabytes: int) -> None:
        self.megabytes = megabytes
        super().__init__(f"the query needed more than {megabytes} MB and was stopped; narrow it (LIMIT, more "
                         "specific patterns, no ORDER BY over everything) or ask an operator for a larger limit")


class QueryTimeoutError(KgError, TimeoutError):
    """A query ran past the time limit and was stopped.

    >>> str(QueryTimeoutError(30))
    'the query ran past the 30 s time limit and was stopped; narrow it (LIMIT, more specific patterns) or ask an operator for a longer limit'
    """  # noqa: E501

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"the query ran past the {seconds:g} s time limit and was stopped; narrow it "
                         "(LIMIT, more specific patterns) or ask an operator for a longer limit")


class QuerySyntaxError(KgError, ValueError):
    """A SPARQL query or update that the parser rejects; carries the parser's message."""

    def __init__(self, message: str) -> None:
        self.parser_message = message
        super().__init__(f"the SPARQL text does not parse: {message}")


class BadRequestError(KgError, ValueError):
    """A request parameter is missing or out of range: names the parameter and what is allowed.

    >>> str(BadRequestError("first", "must be between 1 and 100", 5000))
    "parameter 'first' must be between 1 and 100 (value: 5000)"
    """

    def __init__(self, parameter: str, problem: str, value: object = None) -> None:
        self.parameter = parameter
        self.problem = problem
        self.value = value
        shown = "" if value is None else f" (value: {_short(value)})"
        super().__init__(f"parameter {parameter!r} {problem}{shown}")


class NotAllowedError(KgError, PermissionError):
    """A request needs a permission it does not carry (an update without the update token)."""


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"



class SyncBusyError(KgError):
    """Another ``kg sync`` holds the lock of this store: two syncs never run at once.

    >>> print(SyncBusyError("/tmp/kg-cache/sync.lock", "pid 12 since 2024-01-01T00:00:00+00:00"))
    another kg sync is running on this store (pid 12 since 2024-01-01T00:00:00+00:00; lock file \
/tmp/kg-cache/sync.lock): wait for it to finish, or stop it
    """

    def __init__(self, lock_path: str, holder: str) -> None:
        self.lock_path = lock_path
        self.holder = holder
        held = f"{holder}; " if holder else ""
        super().__init__(f"another kg sync is running on this store ({held}lock file {lock_path}): "
                         "wait for it to finish, or stop it")


def freed(error: BaseException) -> str:
    """The error's message, with the tracebacks of it and of the errors that caused it dropped.

    Their frames may hold pyoxigraph's answer being read, which must be freed in the thread that made it
    (pyoxigraph refuses to drop it in another: "unsendable", and keeps it); a log handler that kept the
    error, or another thread that reads it, would let it go elsewhere. For errors of threads that log and
    go on.

    >>> try:
    ...     raise ValueError("bad")
    ... except ValueError as e:
    ...     freed(e), e.__traceback__
    ('bad', None)
    """
    for found in raised_from(error):
        found.__traceback__ = None
    return str(error)


def raised_from(error: BaseException) -> Iterator[BaseException]:
    """``error`` and the errors it was raised from (its cause, else its context), each once.

    >>> try:
    ...     try:
    ...         raise KeyError("inner")
    ...     except KeyError as e:
    ...         raise ValueError("outer") from e
    ... except ValueError as e:
    ...     [type(found).__name__ for found in raised_from(e)]
    ['ValueError', 'KeyError']
    """
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        yield found
        found = found.__cause__ or found.__context__
