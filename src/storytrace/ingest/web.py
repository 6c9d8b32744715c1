"""Pages and RSS/Atom feeds over HTTP, fetched politely: a clear user agent,
a timeout, a delay per host, robots.txt honoured, and a size cap while reading."""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from storytrace.errors import InputError
from storytrace.ingest.decode import decode, human_size
from storytrace.ingest.html import parse_html
from storytrace.models import Article
from storytrace.settings import Settings


def is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def is_feed(head: str, content_type: str = "") -> bool:
    low = head[:1024].lower()
    if any(t in content_type.lower() for t in ("rss", "atom")):
        return True
    return "<rss" in low or "<feed" in low or "<rdf:rdf" in low


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    content: bytes
    content_type: str

    @property
    def charset(self) -> str | None:
        m = re.search(r"charset=[\"']?([\w.:-]+)", self.content_type, re.IGNORECASE)
        return m[1] if m else None


class Fetcher:
    """One HTTP client for a run; waits `host_delay` between requests to a host.

    >>> Fetcher(Settings(host_delay=0)).close()
    """

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=settings.timeout,
            follow_redirects=True,
        )
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.settings.host_delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _allowed(self, url: str) -> bool:
        if not self.settings.respect_robots:
            return True
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = None
            try:
                self._wait(parts.netloc)
                r = self.client.get(urljoin(base, "/robots.txt"))
                if r.status_code < 400 or r.status_code >= 500:
                    rp = urllib.robotparser.RobotFileParser()
                    # RFC 9309: on a server error assume everything is disallowed;
                    # a missing robots.txt (4xx) allows everything.
                    rules = ["User-agent: *", "Disallow: /"] if r.status_code >= 500 else (
                        r.text[:500_000].splitlines())
                    rp.parse(rules)
            except httpx.HTTPError:
                rp = None
            self._robots[base] = rp
        robots = self._robots[base]
        return robots is None or robots.can_fetch(self.settings.user_agent, url)

    def get(self, url: str) -> Page:
        """Fetch a URL, refusing bodies over the article size limit before reading them whole."""
        if not self._allowed(url):
            raise InputError(url, "disallowed by the site's robots.txt")
        limit = self.settings.max_article_bytes
        self._wait(urlsplit(url).netloc)
        try:
            with self.client.stream("GET", url) as r:
                if r.status_code >= 400:
                    raise InputError(url, f"HTTP {r.status_code} {r.reason_phrase}")
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise InputError(
                        url, f"page of {human_size(int(declared))} is over the limit")
                buf = bytearray()
                for chunk in r.iter_bytes():
                    buf += chunk
                    if len(buf) > limit:
                        raise InputError(url, f"page over the {human_size(limit)} limit")
                return Page(str(r.url), bytes(buf), r.headers.get("content-type", ""))
        except httpx.TimeoutException:
            raise InputError(url, f"timed out after {self.settings.timeout:g} s") from None
        except httpx.HTTPError as e:
            raise InputError(url, f"cannot be fetched ({e})") from None


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return dt.date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def read_url(
    url: str,
    fetcher: Fetcher,
    *,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
) -> Iterator[Article | InputError]:
    """The article at a page URL, or every entry's page of a feed URL."""
    try:
        page = fetcher.get(url)
        text, _ = decode(page.content, url, page.charset)
    except InputError as e:
        yield e
        return
    if not is_feed(text, page.content_type):
        try:
            yield parse_html(text, url, url=page.url, default_date=default_date,
                             default_outlet=default_outlet)
        except InputError as e:
            yield e
        return
    import feedparser  # only feeds need it

    feed = feedparser.parse(page.content)
    if not feed.entries:
        yield InputError(url, "feed with no entries")
        return
    feed_title = feed.feed.get("title") or None
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            yield InputError(url, f"feed entry {entry.get('title', '?')!r} has no link")
            continue
        link = urljoin(page.url, link)
        try:
            sub = fetcher.get(link)
            html, _ = decode(sub.content, link, sub.charset)
            yield parse_html(
                html, link, url=sub.url,
                default_date=_entry_date(entry) or default_date,
                default_outlet=feed_title or default_outlet,
                title=entry.get("title") or None,
            )
        except InputError as e:
            yield e
