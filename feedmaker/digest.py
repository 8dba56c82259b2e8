"""What counts as an edit of a stored article: a digest of its title, body text and summary."""

from __future__ import annotations

import hashlib
import html
import json
import re

from .model import Article

DIGEST_V2 = "2:"  # digests since the tag-stripping `digest`; older ones are bare hex
_TAGS = re.compile(r"<[^>]*>")


def digest(article: Article) -> str:
    """What counts as an edit: title, body text or summary, not incidental markup changes (a
    CDN's signed image URLs or a cache-buster change on every fetch). The body is stored
    sanitized (no scripts, styles or comments), so dropping its tags leaves its text: a regex
    pass costs a tenth of laying the body out with a parser, which `digest_v1` did."""
    body = " ".join(html.unescape(_TAGS.sub(" ", article.content or "")).split())
    return DIGEST_V2 + _hash([article.title, body, article.summary or ""])


def digest_v1(article: Article) -> str:
    """The digest of state files written before DIGEST_V2: kept so that their articles are not
    all taken for edited (and given a new `updated`) the first time they are fetched again."""
    from .sanitize import html_to_text  # only for state files older than DIGEST_V2

    return _hash([article.title, " ".join(html_to_text(article.content or "").split()),
                  article.summary or ""])


def same_digest(stored: str, article: Article, fresh: str) -> bool:
    return stored == fresh if stored.startswith(DIGEST_V2) else stored == digest_v1(article)


def _hash(parts: list[str]) -> str:
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=12).hexdigest()
