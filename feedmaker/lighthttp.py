"""httpx and aiohttp, imported without import-time work feedmaker never uses, and the TLS
context every https request is made with.

- httpx's `__init__` imports `httpx._main`, its `httpx` command, which imports rich and
  pygments whenever they are installed (rich is one of ours): 35 ms of CPU in every process for
  a program feedmaker never runs. An empty module standing in for `httpx._main` makes httpx take
  its own "CLI not installed" branch; the client is untouched.
- `aiohttp.connector` builds two default TLS contexts as it is imported, each loading the
  system's CA bundle (parsing ~140 certificates: 470 M instructions, 28 % of a `feedmaker build`
  that finds nothing new), the second for unverified connections, which feedmaker never makes.
  It is imported with that loading step skipped, so those two defaults trust nothing; every
  https request feedmaker sends names `tls_context()` instead, made with the certificates on
  first use. A request that named none would fail verification: never pass unverified.

When a library is already imported (by a test, say) it is taken as it is.
"""

from __future__ import annotations

import functools
import ssl
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))


@contextmanager
def _no_default_certificates() -> Iterator[None]:
    real = ssl.SSLContext.set_default_verify_paths
    ssl.SSLContext.set_default_verify_paths = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        ssl.SSLContext.set_default_verify_paths = real  # type: ignore[method-assign]


if "aiohttp" not in sys.modules:
    with _no_default_certificates():
        import aiohttp
else:
    import aiohttp

import httpx  # noqa: E402


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verified context for https: the system's CA certificates, HTTP/1.1 by ALPN."""
    context = ssl.create_default_context()
    context.set_alpn_protocols(("http/1.1",))
    return context


__all__ = ["aiohttp", "httpx", "tls_context"]
