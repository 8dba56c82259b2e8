"""The generated sample site with long article text, a stress variant: `python -m benchmarks.site N`.

sample_site.generate gives articles news-length text (lognormal around 3.2 KB) in 40–150 KB
pages, like real news pages. This variant serves the old long bodies instead: 33–137 KB of text
per article, 10–40× a real one's. Feed output grows with the text (each article is copied into
~6 feeds × 3 formats), so the cold build on it shows what text volume costs. Same stories and
links; the furniture still fills each page up to its drawn weight, but the text alone often
exceeds that, so most pages carry only the minimum furniture (~25 KB) and weigh 70–180 KB.
"""

from __future__ import annotations

import sys

from sample_site import generate, server

if __name__ == "__main__":
    generate.body = generate.long_body  # build_big_catalog looks `body` up when called
    server.main(["--port", "0", "--prerender", "--articles", sys.argv[1]])
