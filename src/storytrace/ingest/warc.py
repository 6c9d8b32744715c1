"""WARC archives, as a news crawl writes them: each response record with an HTML
body is one page, read through the same HTML path as a saved page.

Records are streamed (warcio), so an archive of any size is read in constant
memory; a bad record is reported by its offset and never stops the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.decode import decode, human_size
from storytrace.ingest.html import parse_html
from storytrace.models import Article

GZIP_MAGIC = b"\x1f\x8b"


def is_warc(path: Path, head: bytes) -> bool:
    """A WARC file, plain or gzipped per record (`.warc.gz`, as crawls ship them)."""
    name = path.name.lower()
    if head.startswith(b"WARC/"):
        return True
    return head.startswith(GZIP_MAGIC) and (name.endswith(".warc.gz") or ".warc" in name)


def _html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2") and ("html" in ctype or not ctype)


def record_offsets(path: Path, every: int) -> list[tuple[int, int]]:
    """(byte offset, records) of parts of `every` HTML response records each, so
    a batch partition can seek straight to its first record."""
    from warcio.archiveiterator import ArchiveIterator

    parts: list[tuple[int, int]] = []
    count = 0
    with path.open("rb") as f:
        it = ArchiveIterator(f)
        for record in it:
            if not _html_response(record):
                continue
            if count % every == 0:
                parts.append((it.get_record_offset(), 0))
            count += 1
            parts[-1] = (parts[-1][0], parts[-1][1] + 1)
    return parts


def read_warc(
    path: Path,
    *,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
    limit: int,
    offset: int = 0,
    count: int | None = None,
) -> Iterator[Article | InputError]:
    """Each HTML response's article, from byte `offset`, at most `count` of them.

    A page without a date of its own takes `default_date`, else the crawl
    date (WARC-Date): a news crawl fetches pages within hours of publication,
    and an article with no date at all could not be placed in any timeline.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen = 0
    with path.open("rb") as f:
        f.seek(offset)
        it = ArchiveIterator(f)
        try:
            for record in it:
                if count is not None and seen >= count:
                    return
                if not _html_response(record):
                    continue
                seen += 1
                uri = record.rec_headers.get_header("WARC-Target-URI") or None
                length = int(record.rec_headers.get_header("Content-Length") or 0)
                # the offset is asked for after the body is read: asking first skips it
                raw = record.content_stream().read(limit + 1) if length <= limit else b""
                where = f"{path}@{it.get_record_offset()}"
                if length > limit or len(raw) > limit:
                    yield InputError(where, f"record over the {human_size(limit)} article limit")
                    continue
                charset = record.http_headers.get_header("Content-Type") or ""
                declared = charset.lower().split("charset=")[-1].strip() if "charset=" in \
                    charset.lower() else None
                try:
                    html, _ = decode(raw, where, declared)
                    crawled = _warc_date(record.rec_headers.get_header("WARC-Date"))
                    yield parse_html(html, uri or where, url=uri,
                                     default_date=default_date or crawled,
                                     default_outlet=default_outlet, path=str(path))
                except InputError as e:
                    yield InputError(where, e.problem)
        except ArchiveLoadFailed as e:
            yield InputError(f"{path}@{it.get_record_offset()}", f"broken WARC record ({e})")
    if seen == 0 and offset == 0:
        yield InputError(str(path), "WARC archive with no HTML response records")


def _warc_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
