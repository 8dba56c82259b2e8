"""The state file's tables, as numbered migrations: the file's PRAGMA user_version says how many
have run, and `Store` runs the rest in order, each in one transaction. Append; never edit one."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        published TEXT,
        updated TEXT,
        summary TEXT,
        image TEXT,
        content TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        sections TEXT NOT NULL DEFAULT '[]',
        first_seen TEXT NOT NULL,
        fetched TEXT NOT NULL,
        listed_title TEXT,
        digest TEXT NOT NULL,
        UNIQUE (site, url)
    );
    CREATE TABLE aliases (
        site TEXT NOT NULL, url TEXT NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id),
        PRIMARY KEY (site, url)
    );
    CREATE TABLE memberships (
        site TEXT NOT NULL, feed TEXT NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id),
        sort_key TEXT NOT NULL,
        PRIMARY KEY (site, feed, article_id)
    );
    CREATE INDEX memberships_newest ON memberships (site, feed, sort_key DESC, article_id DESC);
    CREATE TABLE tags (
        site TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, slug TEXT NOT NULL,
        PRIMARY KEY (site, key), UNIQUE (site, slug)
    );
    CREATE TABLE validators (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, site TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL,
        ok INTEGER NOT NULL, state TEXT NOT NULL, error TEXT, new_articles INTEGER NOT NULL,
        updated_articles INTEGER NOT NULL, feeds_written INTEGER NOT NULL, requests INTEGER NOT NULL
    );
    CREATE INDEX runs_by_site ON runs (site, id DESC);
    CREATE TABLE site_state (
        site TEXT PRIMARY KEY, fingerprint TEXT
    );
    """,
    # Rule health: per site, the last measured figures of each section's links ("links", title)
    # and each article field ("field", name), and the most the configured rule ever matched.
    """
    CREATE TABLE rule_health (
        site TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        total INTEGER NOT NULL, filled INTEGER NOT NULL, sources TEXT NOT NULL,
        rule TEXT, rule_hits INTEGER NOT NULL, ever INTEGER NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (site, kind, name)
    );
    """,
    # Feeds whose files are behind the stored articles: marked in the same transaction as the
    # change, cleared once the files are written, so a kill -9 or a full disk in between never
    # leaves a stored article out of its feeds.
    """
    CREATE TABLE pending (
        site TEXT NOT NULL, feed TEXT NOT NULL, PRIMARY KEY (site, feed)
    );
    """,
    # Listed articles that could not be fetched or parsed, and when to try each again.
    """
    CREATE TABLE failures (
        site TEXT NOT NULL, url TEXT NOT NULL, sections TEXT NOT NULL, listed_title TEXT,
        count INTEGER NOT NULL, next_try TEXT NOT NULL, error TEXT,
        PRIMARY KEY (site, url)
    );
    """,
    # Validators per site: two sites over the same pages must not answer each other's 304s.
    # Old rows name no site and are dropped: each section is fetched in full once more.
    """
    CREATE TABLE site_validators (
        site TEXT NOT NULL, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
        PRIMARY KEY (site, url)
    );
    DROP TABLE validators;
    """,
    # No table changes: an article's digest may now be "" until its first re-fetch (store.LATER),
    # which an older feedmaker would read as an edit of every article. The version bump makes
    # it refuse the file instead.
    """
    SELECT 1;
    """,
    # One name per author (a JSON list, like tags) instead of "A, B" in one string, and the
    # page's language. An old combined name stays one name until the article is fetched again.
    """
    ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE articles ADD COLUMN language TEXT;
    UPDATE articles SET authors = json_array(author) WHERE author IS NOT NULL AND author <> '';
    ALTER TABLE articles DROP COLUMN author;
    """,
)
