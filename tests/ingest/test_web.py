"""Pages and feeds over HTTP, against a local server: nothing here touches the internet."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.errors import InputError
from storytrace.ingest import read_inputs
from storytrace.models import Article
from storytrace.settings import Settings

UA = "storytrace-tests/9.9 (local server; +https://example.invalid/)"
SITE = "The Coastal Ledger"

# Every paragraph is over 30 words so trafilatura keeps it as article text.
BRIDGE = (
    "The harbour council voted by seven to two on Thursday evening to fund urgent repairs "
    "to the old swing bridge, ending a dispute that had closed the crossing to lorries "
    "for most of the winter and pushed freight traffic onto narrow village roads.",
    "Engineers told the meeting that corrosion in the lower girders was worse than the "
    "survey of last autumn had suggested, and that without new steel the bridge would "
    "have to close to every vehicle heavier than a family car within months.",
    "Shopkeepers on the quay, who had collected more than four hundred signatures, said "
    "the vote came late but was welcome, and asked the council to publish a timetable "
    "so that deliveries could be planned around the weeks of work ahead.",
)
LIBRARY = (
    "The town library reopened its doors on Monday morning after eighteen months of "
    "building work, with a new reading room overlooking the estuary, a children's corner "
    "painted by pupils of the primary school and longer opening hours on weekdays.",
    "The head librarian said that more than two hundred people had queued before the "
    "doors opened, many of them carrying books borrowed before the closure that had "
    "spent the whole of the building work on their shelves at home by mistake.",
    "Volunteers from the local history society moved the archive of shipping records "
    "back into the basement store, where new shelving and a dehumidifier should keep "
    "the ledgers and photographs safe from the damp that damaged them before.",
)
FERRY = (
    "The island ferry will keep its winter timetable for another season, the operator "
    "said in a statement that followed weeks of complaints from passengers about early "
    "departures, cancelled crossings and a booking office that was rarely open.",
    "Commuters who travel to the mainland each morning had asked for a later boat on "
    "weekdays, but the operator said the crew rota and the tides made any change "
    "impossible before the new vessel arrives from the shipyard in the north.",
    "Island councillors said they would raise the matter again with the harbour board "
    "and would ask for a public meeting in the village hall, where residents could put "
    "their questions to the operator's managers directly and in person.",
)
MEMO = (
    "This internal memo sets out the plans for staff parking during the repairs to the "
    "swing bridge and asks every member of the team to use the park and ride service "
    "from the retail park whenever they can during the weeks of the closure.",
    "Managers are asked to agree rotas with their teams so that the office stays staffed "
    "at the counter from nine until five each weekday, and to send the finished rotas "
    "to the facilities desk by the end of the month at the latest please.",
)


def article_page(
    title: str, paras: tuple[str, ...], *, author: str, published: str | None,
    site: str = SITE,
) -> bytes:
    date_meta = (f'<meta property="article:published_time" content="{published}">'
                 if published else "")
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
{date_meta}
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer>Copyright {site}. All rights reserved.</footer>
</body></html>""".encode()


BRIDGE_TITLE = "Council backs swing bridge repairs"
LIBRARY_TITLE = "Town library reopens by the estuary"
FERRY_TITLE = "Ferry keeps its winter timetable"

BRIDGE_PAGE = article_page(BRIDGE_TITLE, BRIDGE, author="Mara Quinlan",
                           published="2025-03-14T08:00:00Z")
LIBRARY_PAGE = article_page(LIBRARY_TITLE, LIBRARY, author="Tomas Reyes",
                            published="2025-03-20T07:30:00+00:00")
FERRY_PAGE = article_page(FERRY_TITLE, FERRY, author="Ines Carrow", published=None)
MEMO_PAGE = article_page("Staff parking during the repairs", MEMO, author="Facilities",
                         published="2025-02-01T09:00:00Z")
EMPTY_PAGE = (b"<!DOCTYPE html><html><head><title>Nothing here</title></head>"
              b"<body><nav><a href='/'>Home</a></nav></body></html>")
ROBOTS = b"User-agent: *\nDisallow: /private/\n"

# The RSS entry for the bridge page carries a different date than the page:
# the page's own date wins; the ferry page has none, so its entry's date is used.
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Coastal Ledger: News</title><link>{base}/news</link>
<description>Local news</description>
<item><title>{bridge}</title><link>{base}/news/swing-bridge</link>
<pubDate>Sat, 15 Mar 2025 06:00:00 GMT</pubDate></item>
<item><title>{ferry}</title><link>{base}/news/ferry-timetable</link>
<pubDate>Tue, 18 Mar 2025 12:00:00 GMT</pubDate></item>
</channel></rss>"""

# Relative links, and only <updated> for the dateless page: both must work.
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Coastal Ledger: Culture</title><id>urn:example:ledger:culture</id>
<updated>2025-03-22T10:00:00Z</updated>
<entry><title>{library}</title><id>urn:example:ledger:library</id>
<link rel="alternate" href="/news/library-reopens"/>
<published>2025-03-21T09:00:00Z</published><updated>2025-03-21T09:00:00Z</updated></entry>
<entry><title>{ferry}</title><id>urn:example:ledger:ferry</id>
<link rel="alternate" href="/news/ferry-timetable"/>
<updated>2025-03-19T16:45:00Z</updated></entry>
</feed>"""

BIG_LIMIT = 20_000


@dataclass(frozen=True)
class Hit:
    path: str
    user_agent: str | None
    at: float


class Server(ThreadingHTTPServer):
    pages: dict[str, tuple[int, str, bytes]]
    hits: list[Hit]
    release: threading.Event


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append(Hit(self.path, self.headers.get("User-Agent"), time.monotonic()))
        try:
            if self.path == "/slow":
                self.server.release.wait(5)  # the fixture releases it at teardown
                self._send(200, "text/html", BRIDGE_PAGE)
            elif self.path == "/big-chunked":
                self._send_chunked(b"<p>" + b"word " * 2_000 + b"</p>\n", 20)
            else:
                self._send(*self.server.pages.get(self.path, (404, "text/plain", b"not found")))
        except OSError:
            pass  # the client gave up (timeout, size limit): nothing to tell it

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _send_chunked(self, chunk: bytes, count: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for _ in range(count):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


@dataclass
class Site:
    server: Server

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def hits(self) -> list[Hit]:
        return list(self.server.hits)

    def paths(self) -> list[str]:
        return [h.path for h in self.server.hits]


@pytest.fixture
def site() -> Iterator[Site]:
    server = Server(("127.0.0.1", 0), Handler)
    server.hits = []
    server.release = threading.Event()
    s = Site(server)
    html = "text/html; charset=utf-8"
    server.pages = {
        "/robots.txt": (200, "text/plain", ROBOTS),
        "/news/swing-bridge": (200, html, BRIDGE_PAGE),
        "/news/library-reopens": (200, html, LIBRARY_PAGE),
        "/news/ferry-timetable": (200, html, FERRY_PAGE),
        "/private/memo": (200, html, MEMO_PAGE),
        "/empty": (200, html, EMPTY_PAGE),
        "/big": (200, html, b"<p>" + b"word " * (BIG_LIMIT // 2) + b"</p>"),
        "/rss.xml": (200, "application/rss+xml",
                     RSS.format(base=s.base, bridge=BRIDGE_TITLE, ferry=FERRY_TITLE).encode()),
        "/atom.xml": (200, "application/atom+xml",
                      ATOM.format(library=LIBRARY_TITLE, ferry=FERRY_TITLE).encode()),
    }
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    try:
        yield s
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()  # joins the handler threads
        thread.join(5)


def fast(**kw: Any) -> Settings:
    return Settings(host_delay=kw.pop("host_delay", 0), user_agent=UA, **kw)


def read(urls: list[str], settings: Settings | None = None, **kw: Any) -> list[Any]:
    return list(read_inputs(urls, settings=settings or fast(), **kw))


def texts(a: Article) -> list[str]:
    return [p.text for p in a.paragraphs]


def test_page_url_gives_one_article_with_metadata(site: Site) -> None:
    url = site.url("/news/swing-bridge")
    (a,) = read([url])
    assert isinstance(a, Article)
    assert a.source == url and a.url == url
    assert a.title == BRIDGE_TITLE
    assert a.outlet == SITE
    assert a.contributors == ("Mara Quinlan",)
    assert a.published == dt.date(2025, 3, 14)
    assert a.format == "html"
    got = texts(a)
    for p in BRIDGE:
        assert p in got
    assert not any("All rights reserved" in t for t in got)
    assert "/news/swing-bridge" in site.paths()


def test_rss_feed_gives_one_article_per_entry(site: Site) -> None:
    items = read([site.url("/rss.xml")])
    assert all(isinstance(i, Article) for i in items), items
    bridge, ferry = items
    assert bridge.source == site.url("/news/swing-bridge")
    assert ferry.source == site.url("/news/ferry-timetable")
    # The page's own date wins over the entry's; the dateless page takes the entry's.
    assert bridge.published == dt.date(2025, 3, 14)
    assert ferry.published == dt.date(2025, 3, 18)
    assert bridge.title == BRIDGE_TITLE and ferry.title == FERRY_TITLE
    assert ferry.contributors == ("Ines Carrow",)
    assert FERRY[1] in texts(ferry) and BRIDGE[2] in texts(bridge)
    paths = site.paths()
    assert paths.count("/rss.xml") == 1
    assert "/news/swing-bridge" in paths and "/news/ferry-timetable" in paths


def test_atom_feed_gives_one_article_per_entry(site: Site) -> None:
    items = read([site.url("/atom.xml")])
    assert all(isinstance(i, Article) for i in items), items
    library, ferry = items
    # Relative entry links resolve against the feed's URL.
    assert library.source == site.url("/news/library-reopens")
    assert ferry.source == site.url("/news/ferry-timetable")
    assert library.published == dt.date(2025, 3, 20)
    assert ferry.published == dt.date(2025, 3, 19)  # from <updated>, the page has no date
    assert library.outlet == SITE and library.contributors == ("Tomas Reyes",)
    assert LIBRARY[0] in texts(library) and FERRY[2] in texts(ferry)
    assert {"/news/library-reopens", "/news/ferry-timetable"} <= set(site.paths())


def test_page_without_text_and_404_are_errors_naming_the_url(site: Site) -> None:
    empty, missing, good = (site.url("/empty"), site.url("/news/gone"),
                            site.url("/news/library-reopens"))
    e1, e2, a = read([empty, missing, good])
    assert isinstance(e1, InputError) and e1.source == empty
    assert "no article text" in e1.problem and empty in str(e1)
    assert isinstance(e2, InputError) and e2.source == missing
    assert "404" in e2.problem and missing in str(e2)
    assert isinstance(a, Article) and a.source == good


def test_page_without_date_needs_default_date(site: Site) -> None:
    url = site.url("/news/ferry-timetable")
    (err,) = read([url])
    assert isinstance(err, InputError) and err.source == url
    assert "no publication date" in err.problem
    (a,) = read([url], default_date=dt.date(2025, 1, 2))
    assert isinstance(a, Article) and a.published == dt.date(2025, 1, 2)
    assert a.title == FERRY_TITLE and FERRY[0] in texts(a)


def test_every_request_carries_the_user_agent(site: Site) -> None:
    read([site.url("/rss.xml"), site.url("/news/library-reopens"), site.url("/news/gone")])
    hits = site.hits
    assert {"/robots.txt", "/rss.xml", "/news/swing-bridge", "/news/ferry-timetable",
            "/news/library-reopens", "/news/gone"} == {h.path for h in hits}
    assert all(h.user_agent == UA for h in hits), hits


def test_default_user_agent_is_sent(site: Site) -> None:
    (a,) = read([site.url("/news/swing-bridge")], Settings(host_delay=0))
    assert isinstance(a, Article)
    assert {h.user_agent for h in site.hits} == {Settings().user_agent}


def test_host_delay_is_respected(site: Site) -> None:
    urls = [site.url("/news/swing-bridge"), site.url("/news/library-reopens")]
    items = read(urls, fast(host_delay=0.3, respect_robots=False))
    assert all(isinstance(i, Article) for i in items), items
    first, second = site.hits
    assert (first.path, second.path) == ("/news/swing-bridge", "/news/library-reopens")
    # Measured where the requests arrive; a few ms of slack for the loopback itself.
    assert second.at - first.at >= 0.3 - 0.01


def test_no_delay_when_host_delay_is_zero(site: Site) -> None:
    start = time.monotonic()
    read([site.url("/news/swing-bridge"), site.url("/news/library-reopens")])
    assert time.monotonic() - start < 1.0


def test_robots_txt_disallow_is_honoured(site: Site) -> None:
    private, public = site.url("/private/memo"), site.url("/news/swing-bridge")
    err, a = read([private, public])
    assert isinstance(err, InputError) and err.source == private
    assert "robots.txt" in err.problem
    assert isinstance(a, Article)
    assert "/private/memo" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # read once per host


def test_robots_txt_ignored_when_asked(site: Site) -> None:
    url = site.url("/private/memo")
    (a,) = read([url], fast(respect_robots=False))
    assert isinstance(a, Article) and a.source == url and MEMO[0] in texts(a)
    assert site.paths() == ["/private/memo"]


def test_missing_robots_txt_allows_everything(site: Site) -> None:
    del site.server.pages["/robots.txt"]
    (a,) = read([site.url("/private/memo")])
    assert isinstance(a, Article)
    assert site.paths() == ["/robots.txt", "/private/memo"]


def test_timeout(site: Site) -> None:
    url = site.url("/slow")
    start = time.monotonic()
    err, a = read([url, site.url("/news/swing-bridge")], fast(timeout=0.5))
    elapsed = time.monotonic() - start
    assert isinstance(err, InputError) and err.source == url
    assert "timed out" in err.problem
    assert elapsed < 2.0
    assert isinstance(a, Article)


@pytest.mark.parametrize(("path", "message"), [
    ("/big", r"page of [\d.]+ (?:MB|KB) is over the limit"),   # refused from Content-Length
    ("/big-chunked", r"page over the [\d.]+ (?:MB|KB) limit"),  # refused while reading
])
def test_body_over_the_size_limit_is_refused(site: Site, path: str, message: str) -> None:
    url = site.url(path)
    err, a = read([url, site.url("/news/swing-bridge")], fast(max_article_bytes=BIG_LIMIT))
    assert isinstance(err, InputError) and err.source == url
    assert re.fullmatch(message, err.problem), err.problem
    assert isinstance(a, Article)  # a page under the limit still comes through


def test_body_under_the_size_limit_is_read(site: Site) -> None:
    # The same oversized pages pass with the default limit: the limit is what refused them.
    items = read([site.url("/big"), site.url("/big-chunked")])
    assert not any(isinstance(i, InputError) and "limit" in i.problem for i in items), items


def test_ingest_feed_end_to_end(site: Site, tmp_path: Path) -> None:
    feed = site.url("/rss.xml")
    with storytrace.open(tmp_path / "s.db", Settings(host_delay=0, user_agent=UA)) as st:
        first = st.ingest([feed], parse=False)
        assert first.errors == [] and first.unchanged == 0
        assert len(first.added) == 2
        stored = {a.source: a for a in st.articles()}
        assert set(stored) == {site.url("/news/swing-bridge"),
                               site.url("/news/ferry-timetable")}
        assert stored[site.url("/news/ferry-timetable")].published == dt.date(2025, 3, 18)
        second = st.ingest([feed], parse=False)
        assert second.added == [] and second.unchanged == 2 and second.errors == []
        assert st.stats()["articles"] == 2
