"""Page bytes -> text: BOM, valid UTF-8, the HTTP charset, <meta charset>, then a sniffed legacy
code page; and that text as UTF-8 bytes, the form the parser reads."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Bytes -> text: BOM, then UTF-8 when the bytes are valid non-ASCII UTF-8, then the HTTP
    charset if it decodes cleanly, then <meta>, then windows-1252 (which never fails). A wrong
    header charset is common, so it only wins when the bytes agree with it."""
    return _decode(body, content_type)[0]


def utf8_html(body: bytes, content_type: str | None) -> bytes:
    """`decode_html`'s text as UTF-8, the form lexbor parses. A page that is UTF-8 (or ASCII)
    already is passed on as it came: handing lexbor a str costs an encode back to UTF-8, 0.13 ms
    on a 100 KB page (a quarter of the parse)."""
    text, as_sent = _decode(body, content_type)
    if as_sent:
        while body.startswith(codecs.BOM_UTF8):
            body = body[3:]
        return body
    # A label such as utf-7 can decode to lone surrogates, which UTF-8 cannot carry.
    return text.encode("utf-8", "replace")


def _decode(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """The text, and whether it is exactly the body (less a UTF-8 BOM) read as UTF-8."""
    if body.startswith(codecs.BOM_UTF8):
        try:
            return body[3:].decode("utf-8").lstrip("\ufeff"), True
        except UnicodeDecodeError:
            return body[3:].decode("utf-8", errors="replace").lstrip("\ufeff"), False
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if body.startswith(bom):
            return body.decode("utf-16", errors="replace").lstrip("\ufeff"), False
    ascii_only = body.isascii()
    # Bytes that decode as UTF-8 and are not plain ASCII are UTF-8 whatever the label says:
    # legacy single-byte text almost never forms valid multi-byte sequences by accident, and
    # a server-wide "charset=iso-8859-1" over UTF-8 pages is the classic wrong header.
    if not ascii_only:
        try:
            return body.decode("utf-8"), True
        except UnicodeDecodeError:
            pass
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([-\w.:]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8"]
    for name in candidates:
        codec = _codec(name)
        if codec is None:
            continue
        try:
            text = body.decode(codec)
        except (UnicodeDecodeError, LookupError):  # LookupError: base64 and other non-text codecs
            continue
        # ASCII bytes read alike in every ASCII-compatible codec (not in UTF-16 or EBCDIC).
        return text, ascii_only and text == body.decode("ascii")
    return body.decode(_sniff(body), errors="replace"), False


# The candidates for a page that declares no charset and is not UTF-8: windows-1252 (the WHATWG
# default for unlabelled pages) and the legacy code pages of non-Latin scripts, whose text is
# unmistakable once decoded. Sniffing among Latin code pages (cp1250 vs cp1252...) guesses
# poorly, so those are not candidates.
_SNIFF_CANDIDATES = ["cp1252", "cp1256", "iso8859_6", "cp1251", "koi8_r", "cp1253", "cp1255",
                     "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]


def _sniff(body: bytes) -> str:
    """The least garbled decoding among the candidates; windows-1252 unless another is clearly
    cleaner (charset-normalizer's "chaos" measures how garbled a decoding looks)."""
    from charset_normalizer import from_bytes

    results = {str(m.encoding): m.chaos for m in
               from_bytes(body[:65536], cp_isolation=_SNIFF_CANDIDATES, explain=False)}
    if not results:
        return "cp1252"
    best = min(results, key=lambda enc: (results[enc], enc != "cp1252"))
    if best != "cp1252" and results.get("cp1252", 1.0) - results[best] < 0.01:
        return "cp1252"
    return best


def _codec(name: str) -> str | None:
    try:
        enc = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG encoding spec).
    return "cp1252" if enc in ("latin-1", "iso8859-1", "ascii") else enc
