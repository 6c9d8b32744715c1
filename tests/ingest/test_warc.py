"""WARC archives (as news crawls write them) and JSON Lines read in parts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.ingest import read_inputs
from storytrace.ingest.jsonl import line_spans, read_jsonl
from storytrace.ingest.warc import read_warc, record_offsets
from storytrace.models import Article
from tests.conftest import write

PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2025-04-0{day}"></head>
<body><article><h1>{title}</h1>
<p>The harbour board met on Tuesday to discuss the ferry timetable for the summer.</p>
<p>Councillor Ines Marlow said the board would publish its decision within a week.</p>
</article></body></html>"""


def _record(uri: str, body: bytes, ctype: str, status: str = "200 OK") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2025-04-20T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def _warc(path: Path, pages: list[tuple[str, str, str]], *, gz: bool) -> Path:
    """A small crawl: HTML responses, plus records a reader must pass over; gzipped
    one member per record, as crawlers write them."""
    records = []
    for i, (uri, title, ctype) in enumerate(pages):
        records.append(_record(uri, PAGE.format(title=title, day=i + 1).encode(), ctype))
        if i == 0:
            records.append(_record("https://example.org/logo.png", b"\x89PNG....", "image/png"))
            records.append(_record("https://example.org/gone", b"<html>gone</html>",
                                   "text/html", "404 Not Found"))
    path.write_bytes(b"".join(gzip.compress(r) if gz else r for r in records))
    return path


PAGES = [(f"https://example.org/news/{i}", f"Ferry timetable story number {i}",
          "text/html; charset=utf-8") for i in range(5)]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_pages_read_whole_or_from_offsets(tmp_path: Path, gz: bool) -> None:
    path = _warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), PAGES, gz=gz)
    whole = list(read_warc(path, limit=1_000_000))
    assert [a.url for a in whole if isinstance(a, Article)] == [u for u, _, _ in PAGES]
    assert all(isinstance(a, Article) and a.published is not None for a in whole)
    offsets = record_offsets(path, 2)
    assert [n for _, n in offsets] == [2, 2, 1]
    parts = [a for o, n in offsets for a in read_warc(path, limit=1_000_000, offset=o, count=n)]
    assert [a.id for a in parts if isinstance(a, Article)] == [
        a.id for a in whole if isinstance(a, Article)]
    # the normal ingest path reads the same archive
    assert [a.id for a in read_inputs([path]) if isinstance(a, Article)] == [
        a.id for a in whole if isinstance(a, Article)]


def test_broken_warc_is_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.warc", "WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n")
    (err,) = list(read_inputs([path]))
    assert isinstance(err, InputError) and str(path) in str(err) and "WARC" in str(err)
    cut = _warc(tmp_path / "cut.warc.gz", PAGES, gz=True)
    cut.write_bytes(cut.read_bytes()[:-200])
    items = list(read_inputs([cut]))
    assert sum(isinstance(i, Article) for i in items) == 4
    assert isinstance(items[-1], InputError) and str(cut) in str(items[-1])


def test_jsonl_parts_read_what_the_whole_file_reads(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"a{i}", "published": "2025-01-02", "text": f"Story {i} here."})
             for i in range(7)]
    lines.insert(3, "{broken")
    lines.insert(5, "")
    path = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    whole = [str(x) for x in read_jsonl(path, limit=10_000)]
    spans = line_spans(path, 3)
    assert len(spans) == 3 and spans[-1][1] is None
    parts = [str(x) for s in spans for x in read_jsonl(path, limit=10_000, span=s)]
    assert parts == whole
    assert any(f"{path}:4: malformed JSON" in p for p in parts)
