"""What keeps `briefgen serve` safe by default: where it may listen, who may read, what may run.

- Loopback only, unless an access token is given (`--token`); behind a reverse proxy that
  authenticates, keep the default bind and let the proxy forward to it (docs/serve.md).
- Without a token, only requests naming a loopback host are answered: a web page elsewhere
  cannot reach the archive by pointing a domain at 127.0.0.1 (DNS rebinding).
- Every page says, in its Content-Security-Policy, that no script runs and nothing loads
  from elsewhere; feed text is escaped by the templates anyway.
- Feedback (the one write) needs a form token only the archive's own pages carry.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from ..errors import UsageError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
TOKEN_COOKIE = "briefgen_token"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # The archive's own forms carry their origin; links out to sources carry nothing.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an access token."""
    if not is_loopback(host) and not token:
        raise UsageError(f"serve: --host {host} is reachable from other machines: give --token TOKEN "
                         "(or keep 127.0.0.1 behind a reverse proxy that authenticates; docs/serve.md)")
    if token is not None and len(token) < 16:
        raise UsageError("serve: --token must be at least 16 characters (e.g. `openssl rand -hex 16`)")


class Guard:
    """The checks every request passes, and the headers every answer carries."""

    def __init__(self, token: str | None):
        self.token = token
        self.secret = secrets.token_bytes(32)

    def csrf_token(self) -> str:
        """The form token of this server's pages: a forged form elsewhere cannot know it."""
        return hmac.new(self.secret, b"feedback", hashlib.sha256).hexdigest()[:40]

    def csrf_ok(self, request: Request, given: str | None) -> bool:
        origin = request.headers.get("origin")
        # Behind a reverse proxy the browser's origin is the proxy's name (X-Forwarded-Host);
        # a cross-site form cannot set that header, so it cannot make the two agree.
        ours = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "")} - {""}
        # ("null": a page with no origin to give, e.g. under a strict referrer policy: the token decides.)
        if origin and origin != "null" and urlsplit(origin).netloc not in ours:
            return False
        return bool(given) and hmac.compare_digest(given or "", self.csrf_token())

    def _authorised(self, request: Request) -> bool:
        if self.token is None:
            return True
        given = request.cookies.get(TOKEN_COOKIE) or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            given = header[7:].strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await self._check(request, call_next)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _check(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = urlsplit("//" + request.headers.get("host", "")).hostname or ""
        if self.token is None and not is_loopback(host):
            return refusal(request, 400, "this archive answers only to 127.0.0.1 or localhost")
        offered = request.query_params.get("token")
        if self.token is not None and offered is not None:
            if not hmac.compare_digest(offered.encode(), self.token.encode()):
                return _unauthorised(request)
            # The token moves into a cookie, and out of the address bar, history and logs of links.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/")
            return redirect
        if not self._authorised(request):
            return _unauthorised(request)
        return await call_next(request)


def wants_json(request: Request) -> bool:
    """Whether to answer with a page's JSON twin: `?format=json`, or JSON accepted and HTML not."""
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def refusal(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A refused request, said in one line (or as JSON, like every page's twin)."""
    if wants_json(request):
        return JSONResponse({"status": status, "error": message}, status_code=status, headers=headers)
    return PlainTextResponse(f"{status} {message}\n", status_code=status, headers=headers)


def _unauthorised(request: Request) -> Response:
    return refusal(request, 401, "this archive needs its access token: open it once with ?token=TOKEN, or send "
                   "`Authorization: Bearer TOKEN`", headers={"WWW-Authenticate": "Bearer"})
