"""Language tags (BCP 47) as pages and configs write them, made uniform: "EN_us" -> "en-US"."""

from __future__ import annotations

import re

_LANGUAGE = re.compile(r"^([a-z]{2,3})((?:-[a-z0-9]{1,8})*)$", re.I)


def normal_language(raw: str) -> str | None:
    """"EN_us" -> "en-US"; None for anything that is not a language tag."""
    found = _LANGUAGE.match(raw.strip().replace("_", "-"))
    if found is None or found[1].lower() in ("und", "xx", "zxx"):
        return None
    subtags = [t.upper() if len(t) == 2 else t.lower() for t in found[2].split("-")[1:]]
    return "-".join([found[1].lower(), *subtags])
