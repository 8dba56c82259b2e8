"""Who may use /new and save a site: off unless the daemon runs with --admin (or `admin = true`);
then the admin token (the config's `admin_token`, or one made at start-up and printed) opens a
browser session, and every POST needs that session's CSRF token and a same-origin request.

The token is given once, as /new?token=...; the answer sets an HttpOnly, SameSite=Strict session
cookie and redirects to /new, so the token does not stay in the address bar or the history.
Sessions live in memory (a restart asks for the token again), at most MAX_SESSIONS of them.
"""

from __future__ import annotations

import hmac
import secrets
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "feedmaker_admin"
MAX_SESSIONS = 64


class Admin:
    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(24)
        self._sessions: OrderedDict[str, str] = OrderedDict()  # session id -> its CSRF token

    def login(self, token: str, response: Response) -> bool:
        """Open a session on `response` if `token` is the admin token."""
        if not hmac.compare_digest(token.encode(), self.token.encode()):
            return False
        session = secrets.token_urlsafe(32)
        self._sessions[session] = secrets.token_urlsafe(32)
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
        response.set_cookie(COOKIE, session, httponly=True, samesite="strict", path="/")
        return True

    def csrf(self, request: Request) -> str | None:
        """The CSRF token of the request's session; None without a session."""
        return self._sessions.get(request.cookies.get(COOKIE, ""))

    def allows_post(self, request: Request, form_csrf: str) -> bool:
        """A POST from a page of this server, in a session, with that session's CSRF token."""
        expected = self.csrf(request)
        if expected is None or not hmac.compare_digest(form_csrf.encode(), expected.encode()):
            return False
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return False
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            return origin.split("://", 1)[-1] == request.headers.get("host", "")
        return origin is None
