"""Places: the gazetteer in data/places.tsv, and likely misspellings of known places."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from storytrace.entities.names import norm
from storytrace.gazetteer import aliases_of, tsv_rows

# A misspelling is one edit away, in a name long enough that one edit is
# unlikely to turn one real place into another (Rome/Roma, Bern/Born are short).
MISSPELLING_MAX_EDITS = 1
MISSPELLING_MIN_LENGTH = 6


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    name: str
    type: str
    aliases: tuple[str, ...]
    part_of: str


@functools.cache
def places() -> dict[str, PlaceEntry]:
    """Surface form (normalised) -> entry."""
    table: dict[str, PlaceEntry] = {}
    for name, type_, aliases, part_of in tsv_rows("places.tsv", 4):
        entry = PlaceEntry(name, type_, aliases_of(aliases), part_of)
        for form in (entry.name, *entry.aliases):
            table.setdefault(norm(form), entry)
    return table


def lookup_place(name: str) -> PlaceEntry | None:
    """The gazetteer entry of a place name or alias.

    >>> lookup_place("Vermont").type
    'region'
    """
    return places().get(norm(name))


@functools.cache
def _place_names() -> frozenset[str]:
    """The gazetteer's names, made once: near_miss runs for every rare place of a corpus."""
    return frozenset(p.name for p in places().values())


def near_miss(name: str, corpus_places: Iterable[str]) -> str | None:
    """The known place `name` is most likely a misspelling of, if any.

    >>> near_miss("Vernont", [])
    'Vermont'
    """
    if len(name) < MISSPELLING_MIN_LENGTH or lookup_place(name) is not None:
        return None
    key = norm(name)
    candidates = _place_names() | set(corpus_places)
    best = [c for c in candidates
            if abs(len(c) - len(name)) <= MISSPELLING_MAX_EDITS and c[:1] == name[:1]
            and Levenshtein.distance(norm(c), key) <= MISSPELLING_MAX_EDITS]
    return min(best, key=lambda c: (Levenshtein.distance(norm(c), key), c)) if best else None
