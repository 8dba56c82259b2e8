"""Pure slugs: any name → a short, lowercase, non-empty file name safe on Linux, Windows and macOS.

`slugify` maps one name; `assign_slugs` maps a set of names collision-free and deterministically.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["MAX_BYTES", "assign_slugs", "slugify"]

# ext4, APFS and NTFS allow 255 bytes (NTFS: 255 UTF-16 units) per name; 200 leaves room
# for ".atom", ".json" and temporary-file suffixes.
MAX_BYTES = 200
_HASH_LEN = 8
_MIN_LEN = len("tag-") + _HASH_LEN
# Windows refuses these as file names whatever the case or extension ("nul.xml" included).
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)
# Latin letters that NFKD leaves whole, so they would otherwise survive as non-ASCII.
_LATIN = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k", "ſ": "s",
})
# Hangul fillers are letters by category but print as nothing; a slug of them looks empty.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0")
# Arabic vowel marks are optional in writing; dropping them gives one slug per word.
_ARABIC_MARKS = frozenset(chr(c) for c in [*range(0x064B, 0x0660), 0x0670])


@functools.lru_cache(maxsize=8192)
def slugify(name: str, *, max_len: int = 80) -> str:
    """A slug for `name`: "Côte d'Ivoire" → "cote-d-ivoire"; non-Latin letters are kept.

    Always non-empty ("tag-" + a hash of the name when nothing usable is left), only lowercase
    letters, digits, combining marks and single inner "-", never a Windows reserved name,
    at most `max_len` characters and MAX_BYTES UTF-8 bytes. A slug cut short ends in a hash
    of the full name, so long names sharing a prefix still differ.
    """
    if max_len < _MIN_LEN:
        raise ValueError(f"max_len must be at least {_MIN_LEN}, got {max_len}")
    slug = _words(name)
    if not slug:
        return f"tag-{_name_hash(name)}"
    if slug in _RESERVED:
        slug += "-x"
    if len(slug) > max_len or len(slug.encode("utf-8")) > MAX_BYTES:
        slug = _with_suffix(slug, _name_hash(name), max_len=max_len)
    return slug


def assign_slugs(
    names: Iterable[str], *, existing: Mapping[str, str] | None = None, max_len: int = 80
) -> dict[str, str]:
    """Distinct slugs for distinct names, the same whatever order the names come in.

    Names that slugify alike ("Cell Therapy", "cell-therapy") are sorted by code point: the
    first keeps the plain slug, each other gets slug + "-" + a hash of its name. Plain slugs
    are reserved before any suffixed one is made, so a suffix never takes another name's
    plain slug. `existing` (name → slug from an earlier run) is honoured first, so a new name
    that sorts earlier cannot move a feed an old name already lives at.
    """
    result: dict[str, str] = {}
    taken: set[str] = set()
    wanted = sorted(set(names))
    for name in wanted:
        kept = (existing or {}).get(name)
        if kept and kept not in taken:
            result[name] = kept
            taken.add(kept)
    fresh = [name for name in wanted if name not in result]
    plain = {name: slugify(name, max_len=max_len) for name in fresh}
    losers: list[str] = []
    for name in fresh:
        if plain[name] in taken:
            losers.append(name)
        else:
            result[name] = plain[name]
            taken.add(plain[name])
    for name in losers:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        # Longer hashes first; a counter only if 64 hex digits somehow collide.
        candidates = [digest[:n] for n in (_HASH_LEN, 16, 64)]
        candidates += [f"{digest[:_HASH_LEN]}{i}" for i in range(2, len(taken) + 3)]
        for suffix in candidates:
            slug = _with_suffix(plain[name], suffix, max_len=max_len)
            if slug not in taken:
                break
        result[name] = slug
        taken.add(slug)
    return result


def _name_hash(name: str) -> str:
    """A short hash of `name` that is stable across runs, machines and Python versions."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LEN]


def _with_suffix(slug: str, suffix: str, *, max_len: int = 80) -> str:
    """`slug` + "-" + `suffix`, the slug cut so the whole fits `max_len` chars and MAX_BYTES."""
    room = max(0, min(max_len, MAX_BYTES) - len(suffix) - 1)
    head = slug[:room]
    while len(head.encode("utf-8")) > MAX_BYTES - len(suffix) - 1:
        head = head[:-1]
    head = head.rstrip("-")
    return f"{head or 'tag'}-{suffix}"


def _words(name: str) -> str:
    """Lowercase letters, digits and marks of `name`, runs of anything else turned into "-"."""
    # Casefold between two NFKD passes: compatibility forms can decompose to capitals ("ℌ").
    folded = unicodedata.normalize("NFKD", name).casefold().translate(_LATIN)
    text = unicodedata.normalize("NFKD", folded)
    out: list[str] = []
    base = ""  # the letter the next combining mark would sit on; "" when there is none
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] == "M":
            # Accents on Latin letters go (é → e); marks that carry meaning in other scripts
            # (Devanagari vowel signs) stay, except optional Arabic vowel marks.
            if base and not base.isascii() and ch not in _ARABIC_MARKS:
                out.append(ch)
            continue
        if ("a" <= ch <= "z") or ("0" <= ch <= "9") or (
            not ch.isascii() and category[0] in "LN" and ch not in _INVISIBLE
        ):
            out.append(ch)
            base = ch
        else:
            if out and out[-1] != "-":
                out.append("-")
            base = ""
    slug = unicodedata.normalize("NFC", "".join(out).strip("-"))
    return slug.lower()
