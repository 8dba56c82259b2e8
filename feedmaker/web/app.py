"""The browser pages' routes, added to the served app (serve.create_app): /status, /status.json,
/new (preview and save), and their CSS and script under /_static/."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..config import FIELDS, Config, load_config
from ..errors import ConfigError
from ..health import Health, SiteHealth
from ..store import Store
from .admin import Admin
from .preview import EDITABLE, Busy, Form, Preview, Previewer
from .status import Cache, site_statuses, status_json

if TYPE_CHECKING:
    from ..schedule import Scheduler

log = logging.getLogger("feedmaker.run")
HERE = Path(__file__).parent
STATIC = {"feedmaker.css": "text/css; charset=utf-8", "preview.js": "text/javascript; charset=utf-8"}
# The pages load their own CSS and script and talk to this server only; nothing inline, nothing
# from elsewhere (a fetched page's images are shown as URLs, not loaded).
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
MAX_FORM = 64 * 1024  # bytes of a posted form
REFRESH = 3  # seconds between reloads of /status while a poll runs
HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": CSP,
           "Referrer-Policy": "same-origin"}  # no-referrer would make a form post's Origin "null"

_templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                         autoescape=select_autoescape(default=True), trim_blocks=True,
                         lstrip_blocks=True)


def _ago(then: datetime | None, now: datetime | None = None) -> str:
    if then is None:
        return "never"
    seconds = ((now or datetime.now(UTC)) - then).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            text = f"{n} {unit}{'' if n == 1 else 's'}"
            break
    else:
        text = f"{int(seconds)} second{'' if int(seconds) == 1 else 's'}"
    return f"in {text}" if future else f"{text} ago"


def _href(url: str) -> str:
    """A link target from a fetched page: http(s) only (no javascript: or data:)."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


_templates.filters.update(ago=_ago, href=_href)
_templates.globals.update(fields=EDITABLE)


class Web:
    """The pages of one daemon (`run`, with a scheduler) or server (`serve`, without)."""

    def __init__(self, config: Config, health: Health | Callable[[], Health],
                 store: Callable[[], contextlib.AbstractContextManager[Store | None]], *,
                 scheduler: Scheduler | None = None, previewer: Previewer | None = None,
                 admin: Admin | None = None) -> None:
        self.config = config
        self._health = health
        self._store = store
        self.scheduler, self.previewer, self.admin = scheduler, previewer, admin
        self._last: OrderedDict[str, Preview] = OrderedDict()  # session's CSRF -> last preview
        self._saving = asyncio.Lock()
        # Per site, what /status read of it, until its next run (`run`: the store is written
        # by polls only, and they update `health`). `serve` reads a store that builds write.
        self._cache: Cache | None = {} if scheduler is not None else None

    def routes(self) -> list[Route]:
        return [Route("/status", self.status, methods=["GET", "HEAD"]),
                Route("/status.json", self.status_json, methods=["GET", "HEAD"]),
                Route("/new", self.new, methods=["GET", "HEAD", "POST"]),
                Route("/new/preview", self.preview_fragment, methods=["POST"]),
                Route("/_static/{name}", self.static, methods=["GET", "HEAD"])]

    @property
    def health(self) -> Health:
        return self._health() if callable(self._health) else self._health

    # -- /status ------------------------------------------------------------------------------
    def _statuses(self) -> tuple[Health, list[Any]]:
        health = self.health
        polling = self.scheduler.polling if self.scheduler else set()
        with self._store() as store:
            return health, site_statuses(self.config, health, store, polling, self._cache)

    async def status(self, request: Request) -> Response:
        health, sites = self._statuses()
        polling = any(s.polling for s in sites)
        return self._page("status.html", title="Status", sites=sites, health=health,
                          refresh=REFRESH if polling else None, now=datetime.now(UTC))

    async def status_json(self, request: Request) -> Response:
        health, sites = self._statuses()
        return JSONResponse(status_json(self.config, health, sites),
                            headers={"Cache-Control": "no-store"})

    # -- /new ---------------------------------------------------------------------------------
    async def new(self, request: Request) -> Response:
        if (refused := self._refused(request)) is not None:
            return refused
        csrf = self.admin.csrf(request) if self.admin else None
        assert csrf is not None and self.previewer is not None
        if request.method != "POST":
            return self._page("new.html", title="New site", form=Form(), csrf=csrf, preview=None)
        data = await _form(request)
        if data is None or not self.admin or not self.admin.allows_post(request, data.get("csrf", "")):
            return self._message(403, "Refused", "This form has expired or did not come from "
                                 "this server's page: open New site again.")
        form = Form.of(data)
        if data.get("action") == "save":
            return await self._save(form, csrf)
        preview, status = await self._preview(form, csrf)
        return self._page("new.html", status, title="New site", form=form, csrf=csrf,
                          preview=preview)

    async def preview_fragment(self, request: Request) -> Response:
        """The preview alone, for the page's script to put in place."""
        if (refused := self._refused(request)) is not None:
            return refused
        data = await _form(request)
        csrf = self.admin.csrf(request) if self.admin else None
        if data is None or csrf is None or not self.admin or \
                not self.admin.allows_post(request, data.get("csrf", "")):
            return Response("refused", 403, headers=HEADERS, media_type="text/plain")
        preview, status = await self._preview(Form.of(data), csrf)
        return self._page("_preview.html", status, preview=preview)

    async def _preview(self, form: Form, csrf: str) -> tuple[Preview | None, int]:
        assert self.previewer is not None
        try:
            preview = await self.previewer.run(form)
        except Busy as exc:
            return Preview(form, error=str(exc)), 503
        self._last[csrf] = preview
        while len(self._last) > 64:
            self._last.popitem(last=False)
        return preview, 200

    async def _save(self, form: Form, csrf: str) -> Response:
        async with self._saving:
            preview = self._last.get(csrf)
            if preview is None or preview.form != form or not preview.block:
                preview, status = await self._preview(form, csrf)
                if status != 200 or preview is None:
                    return self._page("new.html", status, title="New site", form=form,
                                      csrf=csrf, preview=preview)
            if preview.error or preview.problems or not preview.block:
                return self._page("new.html", 400, title="New site", form=form, csrf=csrf,
                                  preview=preview, refused="Not saved: the preview shows "
                                  "what to fix first.")
            try:
                await asyncio.to_thread(self._append, preview)
            except ConfigError as exc:
                return self._page("new.html", 400, title="New site", form=form, csrf=csrf,
                                  preview=preview, refused=f"Not saved: {exc}")
        log.info("%s: added to %s from the /new page; polling it", preview.key, self.config.path)
        return self._page("saved.html", title="Saved", key=preview.key,
                          name=self.config.sites[preview.key].name, path=self.config.path)

    def _append(self, preview: Preview) -> None:
        """Write the block as `init --write` does, then poll the new site (no restart)."""
        from ..init import append_to_config

        if preview.key in self.config.sites:
            raise ConfigError(str(self.config.path), f"sites.{preview.key}",
                              "already configured: choose another site key")
        append_to_config(self.config.path, preview.block, preview.key)
        added = load_config(self.config.path).sites[preview.key]
        self.config = dataclasses.replace(self.config, sites={**self.config.sites,
                                                              preview.key: added})
        self.health.sites.setdefault(preview.key, SiteHealth(preview.key))
        if self.scheduler is not None:
            self.scheduler.add_site(self.config, preview.key)

    def _refused(self, request: Request) -> Response | None:
        """403 unless the admin pages are on and the request has a session (or the token,
        which opens one and redirects to /new)."""
        if self.admin is None or self.previewer is None:
            return self._message(403, "Admin pages are off", "Adding sites from the browser is "
                                 "off. Start the daemon with `feedmaker run --admin` (or set "
                                 "admin = true in the config) and open the address it prints.")
        if token := request.query_params.get("token"):
            response = RedirectResponse("new", 303, headers=HEADERS)
            if self.admin.login(token, response):
                return response
        if self.admin.csrf(request) is None:
            return self._message(403, "Token needed", "This page needs the admin token: open "
                                 "the /new?token=... address the daemon printed when it started "
                                 "(or the admin_token from its config).")
        return None

    # -- plumbing -----------------------------------------------------------------------------
    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found\n", 404, media_type="text/plain")
        return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name],
                        headers={"Cache-Control": "public, max-age=300"})

    def _page(self, template: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("admin_on", self.admin is not None)
        body = _templates.get_template(template).render(**context)
        return Response(body, status, headers=HEADERS, media_type="text/html; charset=utf-8")

    def _message(self, status: int, title: str, text: str) -> Response:
        return self._page("message.html", status, title=title, text=text)


async def _form(request: Request) -> dict[str, str] | None:
    """A urlencoded form of at most MAX_FORM bytes (None otherwise)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=64))
    except (UnicodeDecodeError, ValueError):
        return None


@contextlib.contextmanager
def shared_store(store: Store) -> Iterator[Store]:
    yield store


@contextlib.contextmanager
def read_only_store(path: Path) -> Iterator[Store | None]:
    """`serve`'s view of the state file: opened read-only per request; None before any build."""
    if not path.exists():
        yield None
        return
    with Store(path, readonly=True) as store:
        yield store


__all__ = ["FIELDS", "Web", "read_only_store", "shared_store"]
