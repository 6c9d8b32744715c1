"""Data files shipped in `storytrace/data`: pattern lists and the outlets gazetteer."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    text = resources.files("storytrace.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def patterns(name: str, flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
    """Compiled regexes of a pattern file; a bad line fails loudly with its number."""
    out = []
    for i, line in enumerate(data_lines(name), 1):
        try:
            out.append(re.compile(line, flags))
        except re.error as e:
            raise ValueError(f"data/{name}: pattern {i} does not compile: {e}") from None
    return tuple(out)


@dataclass(frozen=True, slots=True)
class OutletEntry:
    name: str
    kind: str  # outlet, show or platform
    aliases: tuple[str, ...]
    country: str


def _key(s: str) -> str:
    s = s.replace("’", "'").casefold()
    s = re.sub(r"^the\s+", "", s)
    return " ".join(s.split())


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(data_lines("stopwords.txt"))


def tsv_rows(name: str, columns: int) -> list[list[str]]:
    """Rows of a tab-separated data file with a `name\t...` header, padded to `columns`."""
    try:
        lines = data_lines(name)
    except FileNotFoundError:
        return []
    if lines and lines[0].startswith("name\t"):
        lines = lines[1:]
    return [[*line.split("\t"), *[""] * columns][:columns] for line in lines]


def aliases_of(cell: str) -> tuple[str, ...]:
    return tuple(a for a in cell.split("|") if a)


@functools.cache
def outlets() -> dict[str, OutletEntry]:
    """Surface form (case-folded, leading 'the' dropped) -> entry, from data/outlets.tsv."""
    table: dict[str, OutletEntry] = {}
    for name, kind, aliases, country in tsv_rows("outlets.tsv", 4):
        entry = OutletEntry(name, kind, aliases_of(aliases), country)
        for form in (entry.name, *entry.aliases):
            table.setdefault(_key(form), entry)
    return table


def lookup_outlet(name: str) -> OutletEntry | None:
    """The gazetteer entry a surface form names, if any.

    >>> lookup_outlet("the Associated Press").name
    'Associated Press'
    """
    return outlets().get(_key(name))
