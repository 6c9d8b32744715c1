"""Time expressions of English news: found by rules, normalised to TimeML values and day ranges.

`tag(text, dct)` returns every time expression of a document in text order,
each with its TIMEX3 type and value, the precision the text gives, the first
and last day it can denote, and what it was resolved against:

>>> import datetime as dt
>>> [(t.text, t.value, t.anchor) for t in tag("The film opened June 6. Two weeks earlier, "
...                                          "the cast met.", dt.date(2025, 7, 1))]
[('June 6', '2025-06-06', 'dct'), ('Two weeks earlier', '2025-05-23', 'text')]

The rules are regular expressions over word lists in `storytrace/data/timex/`
(months, weekdays, holidays, numbers, units, fixed phrases, tense cues); no
parse is needed, so the stage runs on every article. Conventions follow
TempEval-3: "now" is PRESENT_REF, "years" PXY, "daily" a SET P1D, "the 1980s"
198, "last fall" 1997-FA. A date without a year takes the year nearest the
publication date: in the past when its sentence has a past cue, in the future
with a future cue (will, scheduled, upcoming, next ...). "Two weeks earlier",
"the next day", "that day" count from the last date the text gave (a day if
there is one, anchor "text"); "yesterday", "last week", "now" from the DCT.
Vague offsets ("weeks later") are DURATION PXW, as TimeML has them, but carry
the days they can denote (2 to 11 units from their anchor) in earliest/latest;
so do durations tied to the DCT ("the past two months").
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from storytrace.timex._dates import narrow, point_of
from storytrace.timex._lead import (
    LEAD_CHARS,
    consumed_class,
    first_class,
    lead,
    openings,
    word_start_only,
)
from storytrace.timex._lexicon import lexicon
from storytrace.timex._rules import CORES, RULES, Context, Found

__all__ = ["STAGE", "Timex", "tag"]

STAGE = "timex"


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: char offsets into the tagged text, TIMEX3 type/value, day range."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # TIMEX3 value: 2025-02-13, 2025-W07, 2025-SU, PRESENT_REF, P2W, PXY ...
    mod: str | None = None  # TIMEX3 mod: START, END, MID, APPROX, LESS_THAN ...
    precision: str | None = None  # day, week, month, quarter, half, season, year, decade, century
    earliest: dt.date | None = None
    latest: dt.date | None = None
    anchor: str = "dct"  # dct, text (an earlier date of the text) or none


_COMPILED: list[tuple[str, re.Pattern[str], Any]] = []
_SINCE = re.compile(r"\b(?:since|from)\s+$", re.I)
_UNTIL = re.compile(r"\b(?:until|till|before|by)\s+$", re.I)


@dataclass
class _Starts:
    """Where the rules that only start a word are tried: the places not after a word
    whose character can open one of them, and for the next characters there the rules
    that can open with them (remembered: a corpus repeats its openings)."""

    places: re.Pattern[str]
    leads: list[tuple[int, re.Pattern[str]]]  # rule index, the characters it can open with
    by_key: dict[str, list[int]]  # the next LEAD_CHARS characters -> the rules they open
    others: list[int]  # rules that may start inside a word: scanned as before
    cores: dict[int, tuple[tuple[str, ...], re.Pattern[str] | None]]  # rule -> core, stops

    def rules_at(self, text: str, p: int) -> list[int]:
        key = text[p:p + LEAD_CHARS]  # all of the text an opening reads
        out = self.by_key.get(key)
        if out is None:
            if len(self.by_key) > _KEYS_KEPT:
                self.by_key.clear()
            out = self.by_key[key] = [i for i, rx in self.leads if rx.match(key)]
        return out


_STOP_CHARS = ",;:.\"“”()[]{}!?&*@%$#/'’-"
_ANY_STOP = re.compile("[" + "".join(re.escape(c) for c in _STOP_CHARS) + "]")


@functools.cache
def _stop_chars(pattern: str) -> frozenset[str]:
    """The characters of a rule's stop class (`_starts` makes it of _STOP_CHARS)."""
    return frozenset(c for c in _STOP_CHARS if re.fullmatch(pattern, c))
_KEYS_KEPT = 100_000  # distinct openings remembered (a few MB)


_STARTS: list[_Starts] = []


def _rules() -> list[tuple[str, re.Pattern[str], Any]]:
    if not _COMPILED:
        for name, pattern, handler in RULES:
            # the lookahead only lets the pattern fail sooner where it cannot match
            rx = re.compile(lead(pattern) + "(?:" + pattern + ")", re.IGNORECASE)
            _COMPILED.append((name, rx, handler))
    return _COMPILED


def _words(words: list[str]) -> tuple[str, ...]:
    """The words' longest pieces (between spaces and apostrophes, which the rules let vary),
    as they are in a casefolded text; a piece that holds another is left to that one."""
    pieces = {max(re.split(r"[\s'’]", w.casefold()), key=len) for w in words} - {""}
    return tuple(sorted(w for w in pieces if not any(v != w and v in w for v in pieces)))


def _starts() -> _Starts:
    if not _STARTS:
        firsts, leads, others = [], [], []
        for i, (_, pattern, _) in enumerate(RULES):
            cls = first_class(pattern) if word_start_only(pattern) else None
            opening = openings(pattern)
            if cls is None or not opening:
                others.append(i)
            else:
                firsts.append(cls)
                leads.append((i, re.compile(opening, re.IGNORECASE)))
        union = "|".join(firsts) or "(?!)"
        cores = {}
        for i, (name, pattern, _) in enumerate(RULES):
            if name in CORES and i not in others:
                took = consumed_class(pattern)
                took_rx = re.compile(took, re.IGNORECASE) if took else None
                stops = "".join(re.escape(c) for c in _STOP_CHARS
                                if took_rx is not None and not took_rx.match(c))
                cores[i] = (_words(CORES[name]),
                            re.compile(f"[{stops}]") if stops else None)
        _STARTS.append(_Starts(re.compile(rf"(?<!\w)(?:{union})", re.IGNORECASE), leads, {},
                               others, cores))
    return _STARTS[0]


Candidate = tuple[int, int, int, re.Match[str]]


def _allowed(core: tuple[str, ...], stops: list[int], folded: str,
             seen: dict[str, list[tuple[int, int]]] | None = None) -> list[tuple[int, int]]:
    """Where a rule can start, given its core words: [lo, hi) spans, in order.

    A match starting at p holds a core word starting at p or later, with no
    character the rule cannot take in between: p is possible when some core
    word (a, b) has b > p and no stop in [p, a]. `seen` keeps each word's places
    in this text for the next rule with that word (rules share month and day names).
    """
    found = []
    for w in core:
        places = seen.get(w) if seen is not None else None
        if places is None:
            places = []
            a = folded.find(w)
            while a >= 0:
                places.append((a, a + len(w)))
                a = folded.find(w, a + 1)
            if seen is not None:
                seen[w] = places
        found += places
    found.sort()
    out: list[tuple[int, int]] = []
    for a, b in found:
        k = bisect.bisect_right(stops, a)
        lo = stops[k - 1] + 1 if k else 0
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((lo, b))
    return out


def _matches(text: str) -> list[tuple[int, re.Match[str]]]:
    """Every rule's `finditer` matches, found in one pass over the starts of words.

    Trying a rule only where it can start (not after a word, on a character
    that opens it) instead of at each of the text's characters gives the same
    matches: where a match is found the next is looked for after it, as
    `finditer` does.
    """
    rules, st = _rules(), _starts()
    out = [(i, m) for i in st.others for m in rules[i][1].finditer(text)]
    resume = [0] * len(rules)
    empty = set()
    # the rules ignore case: their words are looked for in the casefolded text, where
    # they keep their places unless a character folds to several ("ß"); then no core
    # is looked for. "ı" is the one letter the rules take for an ASCII one ("i")
    # that casefolding keeps.
    folded = text.casefold().replace("ı", "i")
    cores = st.cores if len(folded) == len(text) else {}
    stops: dict[str, list[int]] = {"": []}
    marks: list[tuple[int, str]] | None = None  # every stop character of the text, in order
    for _, stop in cores.values():
        if stop is not None and stop.pattern not in stops:
            if marks is None:
                marks = [(m.start(), m[0]) for m in _ANY_STOP.finditer(text)]
            # a rule's stops are some of those characters: picked from them, not
            # looked for again over the whole text
            chars = _stop_chars(stop.pattern)
            stops[stop.pattern] = [p for p, ch in marks if ch in chars]
    seen: dict[str, list[tuple[int, int]]] = {}
    allowed = {i: _allowed(core, stops[stop.pattern if stop else ""], folded, seen)
               for i, (core, stop) in cores.items()}
    at = dict.fromkeys(allowed, 0)
    end = len(text) + 1
    for place in st.places.finditer(text):
        p = place.start()
        for i in st.rules_at(text, p):
            if p < resume[i] or i in empty:
                continue
            if i in allowed:
                spans, k = allowed[i], at[i]
                while k < len(spans) and spans[k][1] <= p:
                    k += 1
                at[i] = k
                if k == len(spans):
                    resume[i] = end
                    continue
                if p < spans[k][0]:
                    resume[i] = spans[k][0]
                    continue
            m = rules[i][1].match(text, p)
            if m is not None:
                if m.end() == p:  # an empty match: leave the rule to finditer's own rules
                    empty.add(i)
                    continue
                out.append((i, m))
                resume[i] = m.end()
    if empty:
        out = [(i, m) for i, m in out if i not in empty]
        out += [(i, m) for i in sorted(empty) for m in rules[i][1].finditer(text)]
    return out


def _candidates(text: str) -> tuple[list[Candidate], list[Candidate], bytearray]:
    """Non-overlapping matches (the longest first, the earlier rule on a tie), the
    matches they pushed out, and the characters taken."""
    found = []
    for order, m in _matches(text):
        s, e = m.span()
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            found.append((s, e, order, m))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[Candidate] = []
    dropped: list[Candidate] = []
    used = bytearray(len(text) + 1)
    for f in found:
        s, e = f[0], f[1]
        if not any(used[s:e]):
            taken.append(f)
            used[s:e] = b"\x01" * (e - s)
        else:
            dropped.append(f)
    taken.sort(key=lambda f: f[0])
    return taken, dropped, used


class _Pushed:
    """The matches the longer ones pushed out, by start, for the rejected ones to fall back on."""

    def __init__(self, dropped: list[Candidate]) -> None:
        self.items = sorted(dropped, key=lambda f: (f[0], -(f[1] - f[0]), f[2]))
        self.starts = [f[0] for f in self.items]
        self.longest = max((f[1] - f[0] for f in self.items), default=0)
        self.rejected: set[int] = set()

    def instead_of(self, s: int, e: int, used: bytearray) -> list[Candidate]:
        """Those that fit once [s, e) is free ("last Oct. 23": the month rule's "last Oct."
        is no month, so "Oct. 23" is tried; "twenty years after the launch": no offset, so
        the duration), the longest first."""
        used[s:e] = bytes(e - s)
        lo = bisect.bisect_left(self.starts, s - self.longest)
        hi = bisect.bisect_left(self.starts, e)
        near = [f for f in self.items[lo:hi] if f[1] > s and id(f[3]) not in self.rejected]
        near.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
        out = []
        for f in near:
            if not any(used[f[0]:f[1]]):
                out.append(f)
                used[f[0]:f[1]] = b"\x01" * (f[1] - f[0])
        return out


def _timex(s: int, e: int, text: str, f: Found, ctx: Context) -> Timex:
    precision = earliest = latest = None
    if f.type in ("DATE", "TIME"):
        p = point_of(f.value)
        if p is not None:
            precision = p.precision
            earliest, latest = narrow(*p.bounds(), f.mod)
    if f.lo is not None and f.hi is not None:
        earliest, latest = f.lo, f.hi
    mod = f.mod
    if mod is None and f.type == "DATE" and f.anchor == "none":
        before = text[max(0, s - 8):s]
        mod = "AFTER" if _SINCE.search(before) else "BEFORE" if _UNTIL.search(before) else None
    return Timex(s, e, text[s:e], f.type, f.value, mod, precision, earliest, latest, f.anchor)


_DAY_BESIDE = re.compile(r"(?:the\s+)?day\s+(before|after)\s*$", re.I)


def _day_beside(out: list[Timex], t: Timex, text: str) -> Timex:
    """'the day before' + 'last Tuesday' is one expression, the day next to that date."""
    prev = out[-1]
    side = _DAY_BESIDE.match(prev.text)
    if side is None or text[prev.end:t.start].strip() or t.earliest is None:
        return t
    day = t.earliest + dt.timedelta(days=-1 if side.group(1).lower() == "before" else 1)
    out.pop()
    return Timex(prev.start, t.end, text[prev.start:t.end], "DATE", day.isoformat(), None,
                 "day", day, day, t.anchor)


_NEXT_DAY = re.compile(r"\s+(?:and|or|to|through)\s+([0-3]?\d)(?!\d)(?:st|nd|rd|th)?"
                       r"(?=\s*(?:[.;:)!?]|,(?!\s*\d)|$)|\s+(?:in|at|on|when)\b)")


def _next_day(t: Timex, text: str) -> Timex | None:
    """'April 24 and 25': the bare number after a month's day is another day of that month."""
    if t.precision != "day" or t.earliest is None or not t.text[-1:].isdigit():
        return None
    m = _NEXT_DAY.match(text, t.end)
    if m is None:
        return None
    try:
        day = t.earliest.replace(day=int(m.group(1)))
    except ValueError:
        return None
    if day <= t.earliest:
        return None
    s, e = m.start(1), m.end()
    return Timex(s, e, text[s:e], "DATE", day.isoformat(), None, "day", day, day, t.anchor)


def tag(text: str, dct: dt.date, doc: Any = None) -> list[Timex]:
    """Every time expression of `text` (a whole document), in text order.

    `dct` is the publication date. `doc` (a spaCy Doc of the same text) is
    accepted for a later use and not needed.

    >>> [(t.text, t.type, t.value) for t in tag("He left on Friday for 30 years.",
    ...                                        dt.date(2025, 2, 13))]
    [('Friday', 'DATE', '2025-02-07'), ('30 years', 'DURATION', 'P30Y')]
    """
    ctx = Context(text, dct, lexicon())
    out: list[Timex] = []
    rules = _rules()
    taken, dropped, used = _candidates(text)
    pushed = _Pushed(dropped)
    queue = list(reversed(taken))  # a stack: the next candidate in text order is last
    while queue:
        s, e, order, m = queue.pop()
        found = rules[order][2](m, ctx)
        if found is None:
            pushed.rejected.add(id(m))
            more = pushed.instead_of(s, e, used) if pushed.items else []
            if more:
                queue.extend(more)
                queue.sort(key=lambda f: -f[0])
            continue
        t = _timex(found.start if found.start is not None else s, e, text, found, ctx)
        named = t  # the date the text names is the next reference, not the day beside it
        if out and t.precision == "day" and t.type == "DATE":
            t = _day_beside(out, t, text)
        out.append(t)
        nxt = _next_day(t, text) if t.type == "DATE" else None
        if nxt is not None and not any(used[nxt.start:nxt.end]):
            out.append(nxt)
            used[nxt.start:nxt.end] = b"\x01" * (nxt.end - nxt.start)
        if t.type in ("DATE", "TIME") and t.precision is not None and t.mod not in ("AFTER",):
            p = point_of(named.value)
            if p is not None:
                ctx.note(p, t.end)
    return out
