"""One JSON error shape for every endpoint, and the map from kg's errors to HTTP statuses.

Every error answer is ``{"error": {"status": 400, "type": "BadRequestError", "message": "..."}}``:
the message is the exception's own (it names the parameter or identifier and how to fix it), and
nothing internal (no traceback, no store path) is ever in it.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg.errors import (
    BadRequestError,
    FetchError,
    IdentifierError,
    KgError,
    NotAcceptableError,
    NotAllowedError,
    NotFoundError,
    QueryMemoryError,
    QuerySyntaxError,
    QueryTimeoutError,
    ReadOnlyStoreError,
    ServiceBusyError,
    StoreError,
    StoreNotAnsweringError,
    TooManyQueriesError,
)

log = logging.getLogger(__name__)

#: most specific first: the first class an error is an instance of gives its status
STATUS: tuple[tuple[type[KgError], int], ...] = (
    (QuerySyntaxError, 400),
    (IdentifierError, 400),
    (BadRequestError, 400),
    (NotAllowedError, 401),
    (ReadOnlyStoreError, 403),
    (NotFoundError, 404),
    (NotAcceptableError, 406),
    (TooManyQueriesError, 429),
    (QueryTimeoutError, 503),
    (QueryMemoryError, 503),
    (ServiceBusyError, 503),
    (FetchError, 502),
    (StoreError, 502),
)


def status_of(error: KgError) -> int:
    """The HTTP status an error is answered with (400 for any other KgError).

    >>> status_of(NotFoundError("https://doi.org/10.1/x"))
    404
    """
    return next((status for cls, status in STATUS if isinstance(error, cls)), 400)


def error_response(status: int, error_type: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": {"status": status, "type": error_type, "message": message}}, status, headers)


async def kg_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, KgError):  # pragma: no cover - registered for KgError only
        raise exc
    status = status_of(exc)
    if isinstance(exc, StoreNotAnsweringError):
        log.error("store not answering on %s: %s", request.url.path, exc)
        message = (f"the store is not answering: it took the connection, then sent nothing for {exc.seconds:g} s "
                   "and answers no other query either (frozen; not your query's doing); try again later")
    elif isinstance(exc, StoreError):
        log.error("store error on %s: %s", request.url.path, exc)
        message = "the store could not answer; try again later"
    else:
        message = str(exc)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAllowedError) else \
        {"Retry-After": "5"} if isinstance(exc, ServiceBusyError | TooManyQueriesError) else None
    return error_response(status, type(exc).__name__, message, headers)


async def http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # pragma: no cover - registered for HTTPException only
        raise exc
    return error_response(exc.status_code, "HTTPError", exc.detail, dict(exc.headers or {}))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(500, "InternalError", "the service failed to answer; the error is logged")
