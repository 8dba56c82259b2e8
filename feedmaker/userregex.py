"""User regexes (links.include / links.exclude) on RE2, a linear-time engine: no pattern a config
can hold makes a poll backtrack for seconds. Compile errors are ValueError with RE2's reason.

Python's `re` backtracks: '^/(news|articles)/([\\w-]+/?)+$' took 7.4 s on a 26-character path,
and a static check for nested quantifiers misses polynomial shapes ('.*a.*a.*a$'). RE2 has no
lookaround and no backreferences; a pattern using them is refused with that reason (an exclude
rule says "not this" instead). It matches canonical URL paths, which are ASCII (non-ASCII is
percent-encoded), so RE2's ASCII-only \\w and \\d mean what Python's do there.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["UserRegex", "compile_user_regex"]


class UserRegex:
    """A compiled user pattern: `search(text)` is a match object or None, as with `re`;
    `pattern` is the source."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._compiled = compiled

    def search(self, text: str) -> object | None:
        found: object | None = self._compiled.search(text)
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        return compile_user_regex, (self.pattern,)  # to worker processes; RE2's object cannot

    def __repr__(self) -> str:
        return f"UserRegex({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserRegex) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)


def compile_user_regex(pattern: str) -> UserRegex:
    """Compile `pattern` for RE2; ValueError (with the reason) when either engine refuses it."""
    try:
        re.compile(pattern)  # Python's wording for plain syntax errors ("unterminated ...")
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    import re2  # 15 ms of import: only for configs that have such rules

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr besides ours
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        raise ValueError(
            f"regex {pattern!r} is not supported: {reason}. Link rules run on a linear-time "
            "engine (RE2) so that no pattern can stall a poll: lookahead, lookbehind and "
            "backreferences are not available (use an exclude rule for 'not this')") from None
    return UserRegex(pattern, compiled)
