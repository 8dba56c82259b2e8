"""One poll of one site: section pages -> new articles -> store -> the feeds they touched.

`poll_site` never raises for a site's own trouble (network, HTTP, markup): it returns a
`SiteResult` that says what failed, and keeps every feed the site already had.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .config import Config, SiteConfig
from .errors import BlockedError, FeedmakerError, FetchError, OutputError, RobotsDenied
from .feedfiles import present, stale_feeds
from .fetch import Fetcher
from .limits import TagBudget, cap_article
from .listing import FALLBACK, Link, Listing
from .model import Article
from .rulehealth import RuleHealth
from .slug import assign_slugs
from .store import RunRecord, Store, tag_key

if TYPE_CHECKING:
    from .workers import Parsers

log = logging.getLogger("feedmaker")
MANY_FAILED = 3  # this many new articles all failing make the run fail, not just skip them
LANES = 16  # articles in flight per poll: enough to keep the host's request slots and the parser busy
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class SiteResult:
    site: str
    started: datetime
    sections: int = 0
    new: int = 0
    updated: int = 0
    feeds_written: int = 0
    requests: int = 0
    skipped: int = 0  # robots.txt-disallowed articles
    capped: int = 0  # articles cut to the content or tag limits
    not_modified: int = 0  # section pages answered 304
    problems: list[str] = field(default_factory=list)  # site or section trouble: the run failed
    # Articles that could not be fetched or parsed: reported and retried next run, but a dead
    # link is not the site failing (it would send the daemon into backoff for one bad page).
    article_errors: list[str] = field(default_factory=list)
    blocked: bool = False
    retry_after: float | None = None
    duration: float = 0.0
    health: RuleHealth = field(default_factory=RuleHealth)

    @property
    def warnings(self) -> list[str]:
        """Rules that used to match and now do not: loud, but the run still counts as ok."""
        return self.health.warnings

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def state(self) -> str:
        return "blocked" if self.blocked else "ok" if self.ok else "failing"

    def record(self, finished: datetime) -> RunRecord:
        return RunRecord(self.site, self.started, finished, self.ok, self.state,
                         "; ".join(self.problems)[:2000] or None, self.new, self.updated,
                         self.feeds_written, self.requests)


@dataclass
class _Listed:
    title: str
    sections: set[str]
    failed: bool = False  # a failure is on record (store.failures), to clear once it loads


Progress = Callable[[str, int], None]  # (what happened, how many) for progress bars


async def poll_site(site: SiteConfig, config: Config, store: Store, fetcher: Fetcher, *,
                    clock: Clock = utcnow, progress: Progress | None = None,
                    parsers: Parsers | None = None) -> SiteResult:
    """`parsers` is where pages are parsed: a ParserPool (worker processes, a time budget per
    page) in the daemon and in builds; in this thread by default."""
    if parsers is None:
        from .workers import INLINE

        parsers = INLINE
    started = time.monotonic()
    before = fetcher.stats.requests
    result = SiteResult(site.key, clock(), health=RuleHealth.of(store.rule_health(site.key)))
    slugs = assign_slugs(site.sections)
    validators: dict[str, tuple[str | None, str | None]] = {}
    listed: dict[str, _Listed] = {}
    pages = await asyncio.gather(*(
        _read_section(site, title, url, store, fetcher, parsers, result, validators)
        for title, url in site.sections.items()))
    for title, links in zip(site.sections, pages, strict=True):
        for link in links:
            entry = listed.setdefault(link.url, _Listed(link.title, set()))
            entry.sections.add(slugs[title])
            if len(link.title) > len(entry.title):
                entry.title = link.title
    result.sections = len(site.sections)
    dirty: set[str] = set()
    todo = _to_fetch(site, store, listed, dirty, clock())
    if progress:
        progress("articles", len(todo))
    budget = TagBudget(config.max_new_tags, lambda keys: store.known_tags(site.key, keys), tag_key)

    def admit(article: Article) -> Article:
        """The article within the limits: content and tags per article, new tags per poll."""
        article, notes = cap_article(article, config.max_content, config.max_tags)
        capped = budget.apply(article)
        if capped is not article:
            notes.append(f"new tags over this poll's limit of {config.max_new_tags} left off")
        if notes:
            result.capped += 1
            log.info("%s: %s: %s", site.key, article.url, "; ".join(notes))
        return capped

    waiting = list(reversed(todo))
    failures: list[BaseException] = []

    async def lane() -> None:
        while waiting:
            url = waiting.pop()
            try:
                await _fetch_article(site, store, fetcher, parsers, admit, url, listed[url],
                                     result, dirty, clock, progress)
            except Exception as exc:
                failures.append(exc)

    with store.grouped():
        # A few lanes take the articles in turn, rather than a task per article: starting
        # 1,000 tasks at once ran their first steps in one turn of the event loop, ~0.1 s in
        # which /healthz could not answer. Fetching is limited per host anyway.
        # Every lane runs to its end before the group commits, even if an article raises: a
        # task left running would save after the commit, and fetch after the fetcher is closed.
        await asyncio.gather(*(lane() for _ in range(min(LANES, len(todo)))))
    if failures:
        raise failures[0]
    failed = len(result.article_errors)
    if failed >= MANY_FAILED and failed == len(todo):
        # Not a few dead links: every article page fails, so the site is in trouble.
        result.problems.append(f"all {failed} article pages failed, e.g. {result.article_errors[0]}")
    try:
        if dirty or store.IN_STORE or stale_feeds(site, config, store, (),
                                                  present(config.out_dir, site.key)):
            from .writer import publish_site_off_loop  # the renderers load only to publish

            result.feeds_written = await publish_site_off_loop(site, config, store, dirty, slugs)
    except (OutputError, OSError) as exc:
        result.problems.append(f"writing feeds: {exc}")
    # Validators are saved only now, with the listed articles stored or, for those that failed,
    # recorded for a retry (store.failures): the next 304 then loses nothing.
    for url, (etag, modified) in validators.items():
        store.save_validators(site.key, url, etag, modified)
    result.requests = fetcher.stats.requests - before
    result.duration = time.monotonic() - started
    _save_health(site, store, result, clock())
    store.record_run(result.record(clock()))
    return result


async def _read_section(site: SiteConfig, title: str, url: str, store: Store, fetcher: Fetcher,
                        parsers: Parsers, result: SiteResult,
                        validators: dict[str, tuple[str | None, str | None]]) -> list[Link]:
    links: list[Link] = []
    page_url: str | None = url
    fell_back = False  # the rules stopped matching: later pages use the automatic picks too
    for number in range(site.pages):
        if page_url is None:
            break
        etag, modified = store.validators(site.key, page_url) if number == 0 else (None, None)
        try:
            page = await fetcher.get(page_url, etag=etag, last_modified=modified,
                                     allowed_hosts=site.allowed_hosts)
        except BlockedError as exc:
            result.blocked = True
            result.retry_after = exc.retry_after or result.retry_after
            result.problems.append(f"section {title!r}: blocked: {exc}")
            return links if number else []
        except FetchError as exc:
            result.retry_after = exc.retry_after or result.retry_after
            result.problems.append(f"section {title!r}: {exc}")
            log.warning("%s: section %r: %s", site.key, title, exc)
            return links if number else []
        except Exception as exc:  # an HTTP-stack surprise costs this section, not the site
            result.problems.append(f"section {title!r}: {page_url}: {exc!r}")
            log.exception("%s: section %r failed", site.key, title)
            return links if number else []
        if page.not_modified:
            result.not_modified += 1
            return []
        try:
            listing = await parsers.listing(page.html, page.url, url, site.links, site.host)
        except Exception as exc:  # odd markup, or a page over its time budget: this section only
            what = str(exc) if isinstance(exc, FeedmakerError) else f"cannot parse {page_url}: {exc!r}"
            result.problems.append(f"section {title!r}: {what}")
            return links
        if number == 0:
            if not listing.links and listing.fallback and result.health.worked_before(title):
                result.health.fell_back(site, title, listing)
                listing, fell_back = Listing(listing.fallback, listing.next_url, FALLBACK), True
            if not listing.links:
                hint = f"; the automatic picker finds {len(listing.fallback)}, remove [links]?" \
                    if listing.fallback else ""
                if result.health.listed_before(title):
                    # A page that listed articles and now lists none, even to the automatic
                    # picker, is more often a block or an interstitial than a real empty page.
                    result.blocked = True
                    hint += "; recorded as blocked: it listed articles before"
                # "Changed" only for a section that listed articles before: on a first run the
                # page may simply not list any (`feedmaker check` says why each link was left out).
                changed = "has the page layout changed? " \
                    if result.health.listed_before(title) else ""
                result.problems.append(
                    f"section {title!r}: no article links matched on {page_url} ({changed}"
                    f"`feedmaker check {site.key}` says why each link was left out){hint}")
                result.health.section(site, title, listing, 0)
                return []
            result.health.section(site, title, listing, len(listing.links))
            validators[page_url] = (page.etag, page.last_modified)
        links.extend(listing.fallback if fell_back and not listing.links else listing.links)
        page_url = listing.next_url
    return links


def _to_fetch(site: SiteConfig, store: Store, listed: dict[str, _Listed], dirty: set[str],
              now: datetime) -> list[str]:
    """New articles, articles due for an edit check, and failed ones due for a retry (listed
    or not: their section page may answer 304 until the article finally loads)."""
    known = store.known(site.key, listed)
    failures = store.failures(site.key)
    due = {url for url, f in failures.items() if f.next_try <= now}
    todo = [url for url in listed if url not in known and (url not in failures or url in due)]
    for url in sorted(due - set(listed)):
        f = failures[url]
        listed[url] = _Listed(f.listed_title or "", set(f.sections))
        todo.append(url)
    for url in failures.keys() & listed.keys():
        listed[url].failed = True
    for url, seen in known.items():
        dirty |= store.add_sections(site.key, url, listed[url].sections)
        retitled = seen.listed_title and listed[url].title and seen.listed_title != listed[url].title
        stale = site.refetch_after is not None and \
            (now - seen.fetched).total_seconds() > site.refetch_after
        if retitled or stale:
            todo.append(url)
    return todo


async def _fetch_article(site: SiteConfig, store: Store, fetcher: Fetcher, parsers: Parsers,
                         admit: Callable[[Article], Article], url: str, listed: _Listed,
                         result: SiteResult, dirty: set[str], clock: Clock,
                         progress: Progress | None) -> None:
    try:
        page = await fetcher.get(url, allowed_hosts=site.allowed_hosts)
        parsed = await parsers.article(page.html, page.url, site)
        article = admit(parsed.article)
        saved = store.save_article(site.key, article, aliases=[url], sections=listed.sections,
                                   listed_title=listed.title, now=clock())
    except RobotsDenied:
        result.skipped += 1
        log.info("%s: skipped %s (disallowed by robots.txt)", site.key, url)
        return
    except BlockedError as exc:
        result.blocked = True
        store.record_failure(site.key, url, listed.sections, listed.title, str(exc), clock())
        result.problems.append(f"article {url}: blocked: {exc}")
        return
    except FeedmakerError as exc:
        failure = store.record_failure(site.key, url, listed.sections, listed.title, str(exc), clock())
        where = "" if url in str(exc) else f"{url}: "  # a redirect may have led elsewhere
        result.article_errors.append(f"article skipped: {where}{exc} (try {failure.count}, next "
                                     f"{failure.next_try:%Y-%m-%d %H:%M} UTC)")
        log.warning("%s: article skipped: %s", site.key, exc)
        return
    except Exception as exc:  # a parser bug on odd markup costs one article, not the site
        store.record_failure(site.key, url, listed.sections, listed.title, repr(exc), clock())
        result.article_errors.append(f"article skipped: {url}: cannot parse: {exc!r}")
        log.exception("%s: article skipped, parser failed on %s", site.key, url)
        return
    finally:
        if progress:
            progress("article", 1)
    if listed.failed:  # a statement per article saved otherwise, nearly always deleting nothing
        store.clear_failure(site.key, url)
    result.health.article(parsed.sources)
    dirty |= saved.feeds
    result.new += saved.new
    result.updated += saved.changed


def _save_health(site: SiteConfig, store: Store, result: SiteResult, now: datetime) -> None:
    """Record what the rules matched; warn (loudly, without failing the run) about broken ones."""
    result.health.warnings.extend(result.health.field_warnings(site))
    for warning in result.health.warnings:
        log.warning("%s: %s", site.key, warning)
    store.save_rule_health(site.key, result.health.rows(site), now)
