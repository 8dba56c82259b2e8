"""`httpx`, imported without its command line.

httpx's `__init__` imports `httpx._main`, its `httpx` command, which imports rich and pygments
whenever they are installed (rich is one of ours): 35 ms of CPU in every feedmaker process for
a program feedmaker never runs, a tenth of a `feedmaker build` that finds nothing new. An empty
module standing in for `httpx._main` makes httpx take its own "CLI not installed" branch; the
client is untouched. When httpx is already imported (by a test, say) nothing changes.
"""

from __future__ import annotations

import sys
import types

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))

import httpx

__all__ = ["httpx"]
