"""The timex stage's word lists (`storytrace/data/timex/*.tsv`), loaded once."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from storytrace.gazetteer import data_lines


def _rows(name: str, columns: int) -> list[list[str]]:
    rows = []
    for line in data_lines(f"timex/{name}"):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < columns:
            raise ValueError(f"data/timex/{name}: expected {columns} tab-separated fields, "
                             f"found {len(cells)} in {line!r}; fix the line")
        rows.append(cells[:columns])
    return rows


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first, with flexible spaces and quotes."""
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        pat = re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]?")
        out.append(pat)
    return "|".join(out)


@dataclass(frozen=True)
class Unit:
    code: str  # ISO designator: D, W, M, Y, DE, CE, H, ...
    precision: str  # granularity of a date shifted by it: day, week, ..., or time
    time: bool  # below a day: PT...


@dataclass(frozen=True)
class Phrase:
    pattern: str
    type: str
    value: str
    anchor: str


@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int | None]  # None: a vague amount
    units: dict[str, Unit]  # singular and plural forms
    seasons: dict[str, tuple[str, int]]
    holidays: dict[str, str]
    times_of_day: dict[str, str]
    phrases: tuple[Phrase, ...]
    ordinals: dict[str, int]
    approx: dict[str, str]  # phrase -> TimeML mod
    parts: dict[str, str]
    trims: dict[str, str]
    future: re.Pattern[str]
    past: re.Pattern[str]
    neutral: re.Pattern[str]
    lead_future: re.Pattern[str]  # right before an expression: "as soon as Tuesday"
    lead_past: re.Pattern[str]
    lead_soft_future: re.Pattern[str]  # "until Tuesday": ahead unless the clause is past
    delay: re.Pattern[str]  # "postponed ... until Tuesday": the deadline is the later date

    def key(self, word: str) -> str:
        return " ".join(word.lower().replace("’", "'").split())

    def month(self, word: str) -> int:
        return self.months[self.key(word)]

    def weekday(self, word: str) -> int:
        return self.weekdays[self.key(word)]

    def unit(self, word: str) -> Unit:
        return self.units[self.key(word).rstrip("-")]


@functools.cache
def lexicon() -> Lexicon:
    """Every timex word list, parsed and checked."""
    units: dict[str, Unit] = {}
    for sing, plur, code, prec in _rows("units.tsv", 4):
        u = Unit(code, prec, prec == "time")
        units[sing] = units[plur] = u
    cues: dict[str, list[str]] = {"future": [], "past": [], "neutral": [], "lead_future": [],
                                  "lead_past": [], "lead_soft_future": [], "delay": []}
    for kind, pat in _rows("cues.tsv", 2):
        cues[kind].append(pat)

    def words(kind: str) -> re.Pattern[str]:
        return re.compile(r"(?<![\w'])(?:" + "|".join(cues[kind]) + r")(?![\w])", re.I)

    def lead(kind: str) -> re.Pattern[str]:
        """Cue words that end right before the expression, "on" allowed in between."""
        return re.compile(r"(?<![\w'])(?:" + "|".join(cues[kind]) + r")\s+(?:on\s+)?$", re.I)

    mods = _rows("modifiers.tsv", 3)
    numbers: dict[str, int | None] = {}
    for w, v in _rows("numbers.tsv", 2):
        numbers[w] = None if v == "X" else int(v)
    return Lexicon(
        months={k.lower(): int(v) for k, v in _rows("months.tsv", 2)},
        weekdays={k.lower(): int(v) for k, v in _rows("weekdays.tsv", 2)},
        numbers=numbers,
        units=units,
        seasons={k: (c, int(m)) for k, c, m in _rows("seasons.tsv", 3)},
        holidays={k.lower().replace("’", "'"): v for k, v in _rows("holidays.tsv", 2)},
        times_of_day={k: v for k, v in _rows("times_of_day.tsv", 2)},
        phrases=tuple(Phrase(*r) for r in _rows("phrases.tsv", 4)),
        ordinals={k: int(v) for k, v in _rows("ordinals.tsv", 2)},
        approx={w: m for k, w, m in mods if k == "approx"},
        parts={w: m for k, w, m in mods if k == "part"},
        trims={w: m for k, w, m in mods if k == "trim"},
        future=words("future"), past=words("past"), neutral=words("neutral"),
        lead_future=lead("lead_future"), lead_past=lead("lead_past"),
        lead_soft_future=lead("lead_soft_future"),
        delay=words("delay"),
    )
