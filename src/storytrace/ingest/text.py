"""Plain-text articles: the seed format (` date YYYY-MM-DD text…`) and bare text."""

from __future__ import annotations

import datetime as dt
import re

from storytrace.errors import InputError
from storytrace.ingest.dates import parse_published
from storytrace.models import Article

# A leading space is optional, "date" may carry a colon; the date must be ISO.
SEED_PREFIX = re.compile(r"^[ \t]*date:?[ \t]+(\S+)[ \t]?", re.IGNORECASE)


def is_seed(text: str) -> bool:
    return bool(SEED_PREFIX.match(text))


def split_paragraphs(lines: list[str], first_line: int = 1) -> list[tuple[int, str]]:
    """Paragraphs as (start line, text): blocks separated by blank lines.

    A file with no blank line at all between its lines has one paragraph per
    line (a common export); otherwise hard-wrapped lines inside a block join.

    >>> split_paragraphs(["a", "", "b", "c"])
    [(1, 'a'), (3, 'b c')]
    >>> split_paragraphs(["a", "b"])
    [(1, 'a'), (2, 'b')]
    """
    one_per_line = all(line.strip() for line in lines) and len(lines) > 1
    paras: list[tuple[int, str]] = []
    block: list[str] = []
    start = first_line
    for i, line in enumerate(lines, first_line):
        if line.strip() and not one_per_line:
            if not block:
                start = i
            block.append(line.strip())
            continue
        if block:
            paras.append((start, " ".join(block)))
            block = []
        if one_per_line:
            paras.append((i, line.strip()))
    if block:
        paras.append((start, " ".join(block)))
    return paras


def parse_text(
    text: str, source: str, *, default_date: dt.date | None = None, **fields: object
) -> Article:
    """One article from the seed format, or from bare text with `default_date`."""
    where = str(fields.get("path") or source)  # errors name the file as the user gave it
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    m = SEED_PREFIX.match(lines[0])
    published: dt.date | None
    if m:
        try:
            published = parse_published(m[1])
        except ValueError as e:
            raise InputError(where, str(e)) from None
        lines[0] = lines[0][m.end():]
        fmt = "seed"
    else:
        published = default_date
        fmt = "text"
        if published is None:
            raise InputError(
                where, "no date line (' date YYYY-MM-DD …') and no --date given"
            )
    paras = split_paragraphs(lines)
    if not paras:
        raise InputError(where, "no article text after the date line")
    return Article.build(source=source, published=published, paragraphs=paras,
                         format=fmt, **fields)
