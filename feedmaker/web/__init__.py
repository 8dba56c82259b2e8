"""feedmaker in the browser: /status (read-only), /new (a live preview for a new site, behind
`--admin` and a token), and the page a browser gets for a feed. Server-rendered (Jinja2), one
CSS file, one small script for the live preview."""
