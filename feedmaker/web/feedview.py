"""A feed as a page, for a browser that opens an Atom or RSS URL: the feed's own stylesheet
(static/feed.xsl, the one its `<?xml-stylesheet?>` names) applied on the server.

Why on the server: Chromium shows application/atom+xml as plain text, and where it does apply a
stylesheet (application/xml) it covers the page with a banner saying XSLT is being removed. A
page load is told from a reader by the headers only browsers send (`Sec-Fetch-Dest: document`,
and text/html in Accept); readers get the feed's bytes as before. The stylesheet copies only
text out of the feed, escaped by the HTML serializer; it may read no file and no URL.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

STYLESHEET = Path(__file__).parent / "static" / "feed.xsl"
MAX_FEED = 8 << 20  # bytes; a bigger feed is served as it is rather than parsed for a page
_local = threading.local()  # one compiled stylesheet per thread


def wants_page(headers: dict[str, str] | object) -> bool:
    """Is this a browser loading the URL as a page (not a reader, not a script's fetch)?"""
    get = getattr(headers, "get")  # noqa: B009 - starlette Headers or a dict
    return get("sec-fetch-dest", "") == "document" and "text/html" in get("accept", "")


def _transform() -> etree.XSLT:
    found: etree.XSLT | None = getattr(_local, "xslt", None)
    if found is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        found = etree.XSLT(etree.parse(str(STYLESHEET), parser),
                           access_control=etree.XSLTAccessControl.DENY_ALL)
        _local.xslt = found
    return found


def feed_page(feed: bytes, index_href: str) -> bytes | None:
    """The feed as HTML, or None when it cannot be shown (too big, not XML)."""
    if len(feed) > MAX_FEED:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        doc = etree.fromstring(feed, parser)
        page = _transform()(doc.getroottree(), index=etree.XSLT.strparam(index_href))
    except (etree.XMLSyntaxError, etree.XSLTError):
        return None
    return bytes(page)
