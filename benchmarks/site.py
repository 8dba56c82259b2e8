"""The generated sample site with article text of news length: `python -m benchmarks.site N`.

sample_site.generate fills pages to 40–150 KB with article text (30–138 KB of it); real news
pages weigh that much in furniture and scripts around 3–10 KB of text. Feed output grows with
the text (each article is copied into ~6 feeds × 3 formats), so the cold build is also measured
on this variant: same site, same furniture, bodies cut to 3–10 KB.
"""

from __future__ import annotations

import random
import sys

from sample_site import generate, server
from sample_site.model import Story

_full_body = generate.body


def news_length_body(story: Story) -> tuple[str, ...]:
    cap = random.Random(story.seed).randint(3_000, 10_000)
    kept: list[str] = []
    size = 0
    for para in _full_body(story):
        if size >= cap:
            break
        kept.append(para)
        size += len(para.encode())
    return tuple(kept)


if __name__ == "__main__":
    generate.body = news_length_body  # build_big_catalog looks `body` up when called
    server.main(["--port", "0", "--articles", sys.argv[1]])
