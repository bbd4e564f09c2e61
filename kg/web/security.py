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

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: scripts and everything else from the service itself; styles may be inline (GraphiQL's React sets
#: them), scripts may not
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
#: paths other sites may show in a frame (the related-items widget)
FRAMEABLE = frozenset({"/embed/related"})


class SecurityHeaders:
    """Adds the security headers to every HTTP response; leaves any the app set itself."""

    def __init__(self, app: ASGIApp, frameable: frozenset[str] = FRAMEABLE) -> None:
        self.app, self.frameable = app, frameable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        framed = scope["path"] in self.frameable

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy",
                                   POLICY + ("; frame-ancestors *" if framed else "; frame-ancestors 'none'"))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                if not framed:
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, with_headers)
