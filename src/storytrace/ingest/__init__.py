"""Inputs to articles: files, directories, globs and URLs, formats detected from content.

`read_inputs` yields each article or an `InputError` naming the input and the
problem, so one bad file never stops a run.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest.decode import looks_binary, read_head, read_text
from storytrace.ingest.html import is_html, parse_html
from storytrace.ingest.jsonl import is_jsonl, read_jsonl, record_to_article
from storytrace.ingest.text import is_seed, parse_text
from storytrace.ingest.warc import is_warc, read_warc
from storytrace.ingest.web import Fetcher, is_feed, is_url, read_url
from storytrace.models import Article
from storytrace.settings import Settings

__all__ = ["Notice", "expand", "read_inputs"]

# Extensions picked up when walking a directory; files named explicitly are
# read whatever their extension, the format detected from their content.
ARTICLE_EXTENSIONS = {"", ".txt", ".text", ".jsonl", ".ndjson", ".json", ".html", ".htm",
                      ".xhtml", ".xml", ".rss", ".atom", ".warc"}


def _article_file(f: Path) -> bool:
    name = f.name.lower()
    return f.suffix.lower() in ARTICLE_EXTENSIONS or name.endswith(".warc.gz")


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not an error (e.g. a fallback encoding)."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def expand(paths: Iterable[str | Path]) -> Iterator[Path | str | InputError]:
    """Files, URLs and errors from the command line's paths, globs and directories."""
    for raw in paths:
        s = str(raw)
        if is_url(s):
            yield s
            continue
        p = Path(s)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and _article_file(f)
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                yield InputError(s, "directory with no article files (.txt, .jsonl, .html …)")
            yield from found
        elif p.exists():
            yield p
        elif glob.has_magic(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                yield InputError(s, "no file matches this pattern")
            yield from expand(matches)
        else:
            yield InputError(s, "no such file or directory")


def _read_file(
    path: Path, settings: Settings, default_date: dt.date | None, default_outlet: str | None
) -> Iterator[Article | InputError | Notice]:
    source = str(path)
    head_bytes = read_head(path)
    if not head_bytes.strip():
        raise InputError(source, "empty file")
    if is_warc(path, head_bytes):
        yield from read_warc(path, default_date=default_date, default_outlet=default_outlet,
                             limit=settings.max_article_bytes)
        return
    if looks_binary(head_bytes):
        raise InputError(source, "binary file, not text")
    head = head_bytes.decode("utf-8", "replace")
    if is_jsonl(head) and not _is_single_json(path, head, settings):
        yield from read_jsonl(path, default_date=default_date, default_outlet=default_outlet,
                              limit=settings.max_article_bytes)
        return
    text, encoding = read_text(path, settings.max_article_bytes)
    if encoding != "utf-8":
        yield Notice(source, f"not UTF-8; decoded as {encoding}")
    name = path.name
    if is_jsonl(text):
        yield _json_document(text, path, settings, default_date, default_outlet)
    elif text.lstrip().startswith("["):
        yield from _json_array(text, path, settings, default_date, default_outlet)
    elif is_feed(text):
        raise InputError(source, "a feed file: give the feed's URL so its pages can be fetched")
    elif is_html(text) and not is_seed(text):
        yield parse_html(text, name, default_date=default_date, default_outlet=default_outlet,
                         path=source, encoding=encoding)
    else:
        yield parse_text(text, name, default_date=default_date, outlet=default_outlet,
                         path=source, encoding=encoding)


def _is_single_json(path: Path, head: str, settings: Settings) -> bool:
    """A pretty-printed JSON object spread over lines, rather than JSON Lines."""
    first = head.lstrip().split("\n", 1)[0]
    try:
        json.loads(first)
        return False
    except json.JSONDecodeError:
        return path.stat().st_size <= settings.max_article_bytes


def _json_document(
    text: str, path: Path, settings: Settings,
    default_date: dt.date | None, default_outlet: str | None,
) -> Article | InputError:
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as e:
        return InputError(str(path), f"malformed JSON ({e.msg} at line {e.lineno})")
    if not isinstance(rec, dict):
        return InputError(str(path), "expected a JSON object")
    try:
        return record_to_article(rec, str(path), default_date=default_date,
                                 default_outlet=default_outlet, limit=settings.max_article_bytes)
    except InputError as e:
        return e


def _json_array(
    text: str, path: Path, settings: Settings,
    default_date: dt.date | None, default_outlet: str | None,
) -> Iterator[Article | InputError]:
    try:
        recs = json.loads(text)
    except json.JSONDecodeError as e:
        yield InputError(str(path), f"malformed JSON ({e.msg} at line {e.lineno})")
        return
    for i, rec in enumerate(recs if isinstance(recs, list) else [recs], 1):
        where = f"{path}[{i}]"
        if not isinstance(rec, dict):
            yield InputError(where, "expected a JSON object")
            continue
        try:
            yield record_to_article(rec, where, default_date=default_date,
                                    default_outlet=default_outlet,
                                    limit=settings.max_article_bytes)
        except InputError as e:
            yield e


def read_inputs(
    paths: Iterable[str | Path],
    *,
    settings: Settings | None = None,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[Article | InputError | Notice]:
    """Every article of the inputs, in order, with errors and notices in between.

    >>> next(read_inputs(["no/such/file.txt"]))
    InputError('no/such/file.txt: no such file or directory')
    """
    settings = settings or Settings()
    own_fetcher = None
    try:
        for item in expand(paths):
            if isinstance(item, InputError):
                yield item
            elif isinstance(item, str):
                if fetcher is None:
                    fetcher = own_fetcher = Fetcher(settings)
                yield from read_url(item, fetcher, default_date=default_date,
                                    default_outlet=default_outlet)
            else:
                try:
                    yield from _read_file(item, settings, default_date, default_outlet)
                except InputError as e:
                    yield e
    finally:
        if own_fetcher is not None:
            own_fetcher.close()

