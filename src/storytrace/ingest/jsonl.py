"""JSON Lines: one article per line, read as a stream so memory stays bounded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.dates import parse_published
from storytrace.ingest.decode import FALLBACK_ENCODINGS, human_size
from storytrace.ingest.html import parse_html
from storytrace.ingest.text import split_paragraphs
from storytrace.models import Article

_CHUNK = 1 << 16


def is_jsonl(head: str) -> bool:
    return head.lstrip().startswith("{")


def _lines(path: Path, limit: int, span: tuple[int, int | None, int] = (0, None, 1)
           ) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; None for a line over `limit`, skipped unread.

    `span` is (first byte, end byte or None, number of the first line): a batch
    partition reads only its own lines.
    """
    start, end, first = span
    with path.open("rb") as f:
        f.seek(start)
        n = first - 1
        while end is None or f.tell() < end:
            line = f.readline(limit + 1)
            if not line:
                return
            n += 1
            if len(line) > limit and not line.endswith(b"\n"):
                # Skip the rest of the over-long line in chunks, never holding it.
                while True:
                    chunk = f.readline(_CHUNK)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield n, None
                continue
            yield n, line


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for enc in FALLBACK_ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", raw, 0, 1, "undecodable")  # pragma: no cover


def record_to_article(
    rec: dict[str, Any],
    source: str,
    *,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
    limit: int,
) -> Article:
    """An article from one JSON object with `text` or `html` and its metadata."""
    ident = rec.get("url") or rec.get("id")
    src = str(ident) if ident not in (None, "") else source
    published: dt.date | None = default_date
    if rec.get("published") not in (None, ""):
        try:
            published = parse_published(rec["published"])
        except ValueError as e:
            raise InputError(source, str(e)) from None
    contributors = rec.get("contributors") or rec.get("authors") or ()
    if isinstance(contributors, str):
        contributors = [contributors]
    fields: dict[str, Any] = {
        "title": rec.get("title") or None,
        "outlet": rec.get("outlet") or None,
        "url": rec.get("url") or None,
        "contributors": tuple(str(c) for c in contributors),
    }
    text, html = rec.get("text"), rec.get("html")
    is_html = not (isinstance(text, str) and text.strip())
    body = html if is_html else text
    if not isinstance(body, str) or not body.strip():
        raise InputError(source, "no 'text' or 'html' field with article text")
    if len(body.encode("utf-8")) > limit:
        raise InputError(source, f"article over the {human_size(limit)} limit")
    if is_html:
        return parse_html(body, src, default_date=published, default_outlet=default_outlet,
                          **fields)
    if published is None:
        raise InputError(source, "no 'published' date and no --date given")
    paras = split_paragraphs(body.replace("\r\n", "\n").split("\n"))
    fields["outlet"] = fields["outlet"] or default_outlet
    return Article.build(source=src, published=published, paragraphs=paras, format="jsonl",
                         **fields)


def read_jsonl(
    path: Path,
    *,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
    limit: int,
    span: tuple[int, int | None, int] = (0, None, 1),
) -> Iterator[Article | InputError]:
    """Each line's article, or an InputError naming the line; bad lines never stop the rest.

    `span` (first byte, end byte, first line number) reads one part of the file.
    """
    any_line = span[0] > 0 or span[1] is not None  # a part may hold only blank lines
    for n, raw in _lines(path, limit, span):
        where = f"{path}:{n}"
        if raw is None:
            any_line = True
            yield InputError(where, f"line over the {human_size(limit)} article limit, skipped")
            continue
        if not raw.strip():
            continue
        any_line = True
        try:
            rec = json.loads(_decode_line(raw))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            yield InputError(where, f"malformed JSON ({getattr(e, 'msg', e)})")
            continue
        if not isinstance(rec, dict):
            yield InputError(where, f"expected a JSON object, found {type(rec).__name__}")
            continue
        try:
            yield record_to_article(
                rec, where, default_date=default_date, default_outlet=default_outlet,
                limit=limit,
            )
        except InputError as e:
            yield e
    if not any_line:
        yield InputError(str(path), "empty file")


def line_spans(path: Path, every: int) -> list[tuple[int, int | None, int]]:
    """Cut a JSON Lines file into parts of `every` lines at line starts, reading
    it once in blocks (never a whole line into memory)."""
    spans: list[tuple[int, int | None, int]] = []
    start, line, pos, count = 0, 1, 0, 0
    with path.open("rb") as f:
        while block := f.read(_CHUNK * 16):
            at = 0
            while (nl := block.find(b"\n", at)) >= 0:
                count += 1
                at = nl + 1
                if count == every:
                    spans.append((start, pos + at, line))
                    start, line, count = pos + at, line + every, 0
            pos += len(block)
    if count or not spans:
        spans.append((start, None, line))
    else:
        spans[-1] = (spans[-1][0], None, spans[-1][2])
    return spans
