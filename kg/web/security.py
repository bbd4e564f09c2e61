"""Security headers on every response (issue 13, finding 8): a Content-Security-Policy that allows no
inline script (the pages' scripts are files under ``kg/web/static/``), ``X-Content-Type-Options:
nosniff``, a referrer policy, and no framing by other sites, except the embeddable widget's frame
(``/embed/related``), which portals show in an iframe.

>>> from starlette.testclient import TestClient
>>> from starlette.responses import PlainTextResponse
>>> app = SecurityHeaders(PlainTextResponse("hi"))
>>> headers = TestClient(app).get("/").headers
>>> headers["x-content-type-options"], headers["x-frame-options"]
('nosniff', 'DENY')
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: scripts and everything else from the service itself; styles may be inline (GraphiQL's React sets
#: them), scripts may not
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
#: paths other sites may show in a frame (the related-items widget)
FRAMEABLE = frozenset({"/embed/related"})


def _added(framed: bool) -> tuple[tuple[bytes, bytes], ...]:
    policy = POLICY + ("; frame-ancestors *" if framed else "; frame-ancestors 'none'")
    found = [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"strict-origin-when-cross-origin")]
    return tuple(found if framed else [*found, (b"x-frame-options", b"DENY")])


#: the headers added to every answer, to a framed one and to any other
_FRAMED, _UNFRAMED = _added(True), _added(False)


class SecurityHeaders:
    """Adds the security headers to every HTTP response; leaves any the app set itself."""

    def __init__(self, app: ASGIApp, frameable: frozenset[str] = FRAMEABLE) -> None:
        self.app, self.frameable = app, frameable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = _FRAMED if scope["path"] in self.frameable else _UNFRAMED

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in added if header[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
