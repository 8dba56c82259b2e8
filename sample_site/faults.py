"""Injected misbehaviour: which requests a fault matches, and how each kind of fault answers."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .templates import challenge


class Responder(Protocol):
    """What a fault may do with the request it hijacks (implemented by the server's handler)."""

    @property
    def stopping(self) -> threading.Event: ...

    def render(self, *, empty: bool = False) -> tuple[int, str | None, bytes]: ...

    def serve(self) -> None: ...  # answer normally, validators and all

    def head(self, status: int, headers: Mapping[str, str]) -> None: ...

    def write(self, data: bytes) -> bool: ...  # False once the client has gone

    def finish_early(self) -> None: ...  # close the connection after this response


@dataclass
class Fault:
    pattern: str  # exact path (query ignored unless given), or a prefix ending in "*"
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    times: int | None = None  # answer this many matching requests, then disappear

    def matches(self, target: str) -> bool:
        if self.pattern.endswith("*"):
            return target.startswith(self.pattern[:-1])
        if "?" in self.pattern:
            return target == self.pattern
        return target.split("?", 1)[0].split("#", 1)[0] == self.pattern

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.pattern, "kind": self.kind, "times": self.times, **self.params}


def _status(h: Responder, code: int = 503, retry_after: int | str | None = None,
            body: str | None = None) -> None:
    data = (body or f"<html><body><h1>Error {code}</h1></body></html>").encode()
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(data))}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    h.head(code, headers)
    h.write(data)


def _slow(h: Responder, seconds: float = 5.0) -> None:
    if not h.stopping.wait(seconds):
        h.serve()


def _drip(h: Responder, interval: float = 1.0) -> None:
    _, _, body = h.render()
    h.finish_early()
    h.head(200, {"Content-Type": "text/html; charset=utf-8", "Connection": "close"})
    i = 0
    # One byte per interval until the client hangs up or the site stops; the page is replayed
    # in a loop so the trickle never ends on its own.
    while h.write(body[i % len(body): i % len(body) + 1]) and not h.stopping.wait(interval):
        i += 1


def _reset(h: Responder, after_headers: bool = False) -> None:
    if after_headers:
        h.head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "100000"})
    conn: socket.socket = getattr(h, "connection")  # noqa: B009 - not part of the protocol
    # SO_LINGER with a zero timeout makes close() send RST instead of a polite FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.finish_early()
    conn.close()


def _truncate(h: Responder, sent: float = 0.5) -> None:
    status, _, body = h.render()
    h.finish_early()
    h.head(status, {"Content-Type": "text/html; charset=utf-8",
                    "Content-Length": str(len(body))})
    h.write(body[: int(len(body) * sent)])


def _huge(h: Responder, mb: float = 20.0, content_length: bool = True) -> None:
    total = int(mb * 1024 * 1024)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if content_length:
        headers["Content-Length"] = str(total)
    else:
        headers["Connection"] = "close"
        h.finish_early()
    h.head(200, headers)
    chunk = (b"<!DOCTYPE html><html><body>" + b"<p>filler " * 6550)[:65536]
    sent = 0
    while sent < total and not h.stopping.is_set():
        part = chunk[: total - sent]
        if not h.write(part):
            return
        sent += len(part)


def _redirect(h: Responder, to: str = "/", code: int = 302) -> None:
    body = f'<html><body><a href="{to}">Moved</a></body></html>'.encode()
    h.head(code, {"Location": to, "Content-Type": "text/html; charset=utf-8",
                  "Content-Length": str(len(body))})
    h.write(body)


def _challenge(h: Responder, code: int = 503) -> None:
    body = challenge().encode()
    h.head(code, {"Content-Type": "text/html; charset=UTF-8", "Content-Length": str(len(body)),
                  "Server": "cloudflare", "cf-mitigated": "challenge",
                  "cf-ray": "7d1c2a3b4c5d6e7f-BEY", "Cache-Control": "no-store"})
    h.write(body)


_META = '<meta charset="utf-8">'
_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)


def encode_page(text: str, encoding: str) -> bytes:
    """Encode a page; characters the charset lacks become &#NNNN; (or \\uNNNN inside JSON-LD)."""
    def escape_json(m: re.Match[str]) -> str:
        def one(c: str) -> str:
            try:
                c.encode(encoding)
            except UnicodeEncodeError:
                return json.dumps(c)[1:-1]
            return c
        return m.group(1) + "".join(one(c) for c in m.group(2)) + m.group(3)
    return _LD.sub(escape_json, text).encode(encoding, errors="xmlcharrefreplace")


def _charset(h: Responder, encoding: str = "windows-1256", declare: str = "meta",
             header_charset: str | None = None) -> None:
    """declare: "meta" (only a <meta> names the charset), "none" (nothing does), or "header"
    (the Content-Type header names `header_charset`, which is wrong; there is no meta)."""
    status, text, body = h.render()
    if text is not None:
        meta = f'<meta charset="{encoding}">' if declare == "meta" else ""
        body = encode_page(text.replace(_META, meta, 1), encoding)
    ctype = "text/html"
    if declare == "header":
        wrong = header_charset or ("iso-8859-1" if encoding.lower() == "utf-8" else "utf-8")
        ctype += f"; charset={wrong}"
    h.head(status, {"Content-Type": ctype, "Content-Length": str(len(body))})
    h.write(body)


def _empty(h: Responder) -> None:
    status, _, body = h.render(empty=True)
    h.head(status, {"Content-Type": "text/html; charset=utf-8",
                    "Content-Length": str(len(body))})
    h.write(body)


KINDS: dict[str, Callable[..., None]] = {
    "status": _status, "slow": _slow, "drip": _drip, "reset": _reset,
    "truncate": _truncate, "huge": _huge, "redirect": _redirect, "challenge": _challenge,
    "charset": _charset, "empty": _empty,
}


def make_fault(path: str, kind: str, times: int | None = None, **params: Any) -> Fault:
    """Validate kind and parameter names now, so a typo fails in the test, not mid-request."""
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    code = KINDS[kind].__code__
    allowed = set(code.co_varnames[1 : code.co_argcount])
    if unknown := set(params) - allowed:
        raise ValueError(f"fault {kind!r} takes {sorted(allowed)}, not {sorted(unknown)}")
    if kind == "redirect" and "to" not in params:
        raise ValueError("fault 'redirect' needs to=URL")
    if kind == "charset":
        "x".encode(params.get("encoding", "windows-1256"))  # LookupError for unknown codecs
    return Fault(path, kind, params, times)


def run(fault: Fault, h: Responder) -> None:
    KINDS[fault.kind](h, **fault.params)

