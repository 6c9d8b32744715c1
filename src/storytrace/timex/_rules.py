"""Recognition patterns of the timex stage and the handler that normalises each one."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from storytrace.timex._dates import (
    FUTURE_WEIGHT,
    PRECISIONS,
    TENSE_WEIGHT,
    Point,
    coarser,
    holiday,
    nearest_year,
    shift,
)
from storytrace.timex._lead import first_letters
from storytrace.timex._lexicon import Lexicon, alternation, lexicon

_CLAUSE_MARKS = (",", ";", "\u2014", "\u2013", " - ", "(", ")")
QUARTER_REACH = 1000  # chars a named quarter frames "a year ago"
FUTURE_PULL = 0.5  # a future cue counts as this much nearer than a past one


@dataclass
class Found:
    """What a handler makes of a match; bounds are derived from `value` unless given."""

    type: str
    value: str
    mod: str | None = None
    anchor: str = "dct"
    lo: dt.date | None = None
    hi: dt.date | None = None
    start: int | None = None  # a narrower span than the match ("the" of "the 30-day plan")


class Context:
    """One document being tagged: its text, DCT, sentences and the last dates mentioned."""

    def __init__(self, text: str, dct: dt.date, lex: Lexicon) -> None:
        self.text, self.dct, self.lex = text, dct, lex
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)
                             if not _ABBREV_BEFORE.search(text, max(0, m.start() - 6),
                                                          m.start() + 1)]
        self.dates: list[Point] = []  # dates resolved so far, in text order
        self.ends: list[int] = []  # where each of them ends in the text
        self.blocked = False  # the last time expression was relative to an unknown event

    def _bounds(self, start: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, start) - 1
        e = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], e

    def sentence(self, start: int, end: int) -> str:
        s, e = self._bounds(start)
        return self.text[s:start] + " " + self.text[end:e]

    def mode(self, start: int, end: int) -> str:
        """future, past or nearest, from the lexical cues of the sentence around a span.

        The clause first ("Corvane, which agreed in April, said it would …": April
        is past), then the whole sentence; within either, the cue nearest the span
        ("the relatives who will care for him since he was rescued in November":
        rescued, not will), a future cue counting FUTURE_PULL times nearer.
        """
        lead = self.before(start, 16)
        if self.lex.lead_past.search(lead):
            return "past"
        if self.lex.lead_future.search(lead):
            return "future"
        s, e = self._bounds(start)
        left = max((self.text.rfind(c, s, start) for c in _CLAUSE_MARKS), default=-1)
        rights = [j for j in (self.text.find(c, end, e) for c in _CLAUSE_MARKS) if j >= 0]
        clause = (max(left + 1, s), min(rights, default=e))
        if self.lex.lead_soft_future.search(lead):
            # a deadline is ahead unless its clause is past; a fronted one ("Until
            # Thursday, they had not ...") takes the tense of the clause it leads;
            # one a delay sets ("postponed until Tuesday") is ahead whatever the tense
            if self.lex.delay.search(self.text[clause[0]:start]):
                return "future"
            hi = clause[1]
            if not self.text[end:hi].strip() and hi < e:
                nxt = [j for j in (self.text.find(c, hi + 1, e) for c in _CLAUSE_MARKS)
                       if j >= 0]
                hi = min(nxt, default=e)
            kind = self._nearest_cue(self.text[clause[0]:start], self.text[end:hi])
            return "past" if kind == "past" else "future"
        for lo, hi in (clause, (s, e)):
            kind = self._nearest_cue(self.text[lo:start], self.text[end:hi])
            if kind:
                return kind
        return "nearest"

    def _nearest_cue(self, left: str, right: str) -> str | None:
        words = self.lex.neutral.sub(lambda m: " " * len(m.group(0)), left + " " + right)
        pivot = len(left)
        best: tuple[float, str] | None = None
        for kind, rx, pull in (("future", self.lex.future, FUTURE_PULL),
                               ("past", self.lex.past, 1.0)):
            for m in rx.finditer(words):
                gap = pivot - m.end() if m.end() <= pivot else m.start() - pivot
                d = max(gap, 0) * pull
                if best is None or d < best[0]:
                    best = (d, kind)
        return best[1] if best else None

    def clause(self, start: int, end: int) -> str:
        """The words around a span up to the nearest comma, semicolon, dash or bracket."""
        s, e = self._bounds(start)
        left = max((self.text.rfind(c, s, start) for c in _CLAUSE_MARKS), default=-1)
        rights = [j for j in (self.text.find(c, end, e) for c in _CLAUSE_MARKS) if j >= 0]
        return self.text[max(left + 1, s):start] + " " + self.text[end:min(rights, default=e)]

    def before(self, start: int, n: int = 30) -> str:
        return self.text[max(0, start - n):start].lower()

    def after(self, end: int, n: int = 30) -> str:
        return self.text[end:end + n].lower()

    def note(self, p: Point, end: int = -1) -> None:
        self.dates.append(p)
        self.ends.append(end)
        self.blocked = False

    def quarter_before(self, start: int) -> Point | None:
        """The quarter an earnings report is about: the latest quarter named shortly before.

        The latest in time, not in the text, so that "a year ago" read as
        1988-Q3 does not make the next "a year ago" 1987-Q3.
        """
        best: Point | None = None
        for p, e in zip(reversed(self.dates), reversed(self.ends), strict=True):
            if start - e > QUARTER_REACH:
                break
            if p.precision == "quarter" and (best is None or p.day > best.day):
                best = p
        return best

    @property
    def last_day(self) -> Point | None:
        return next((p for p in reversed(self.dates) if p.precision == "day"), None)

    def anchor(self, fine: bool, start: int, end: int) -> tuple[Point | None, str]:
        """The reference for an expression relative to the text, or DCT when the text has none.

        The last date mentioned; for days and weeks a day rather than a year or
        coarser; in a past-tense sentence not a date after the DCT. None after
        an expression relative to an event ("the day before her birthday").
        """
        if self.blocked:
            return None, "none"
        # "until then", "by then": the deadline the text just named, ahead or not
        past = not _DEADLINE_BEFORE.search(self.before(start, 8)) and \
            self.mode(start, end) == "past"
        cands = [p for p in reversed(self.dates) if not (past and p.bounds()[0] > self.dct)]
        if not cands:
            return Point(self.dct, "day"), "dct"
        p = cands[0]
        if fine and PRECISIONS.index(p.precision) >= PRECISIONS.index("year"):
            p = next((q for q in cands if q.precision == "day"), p)
        return p, "text"


_DEADLINE_BEFORE = re.compile(r"\b(?:until|till|by)\s+$")
_REPORTED_BEFORE = re.compile(r"\b(?:said|told|announced|reported|added|confirmed)\s+(?:on\s+)?$")
_EVENT_AFTER = re.compile(r"\s+(?!(?:yesterday|today|tomorrow|that|then|last|this)\b)[\w'’]")
# A period after these ends no sentence: "Roe vs. Wade", "Gen. Ne Win", "Sept. 30".
_ABBREV_BEFORE = re.compile(
    r"(?<![\w.])(?:vs|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Cmdr|Adm|Maj|Rev|Prof|St|Ft|Mt|"
    r"No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘(]?[A-Z])|\n\s*\n")
Handler = Callable[[re.Match[str], Context], Found | None]

# --------------------------------------------------------------------------- pattern parts

L = lexicon()
MON = alternation(list(L.months))
WD = alternation(list(L.weekdays))
HOL = alternation(list(L.holidays))
SEASON = alternation(list(L.seasons))
TOD = alternation(list(L.times_of_day))
ORD = alternation(list(L.ordinals)) + r"|\d{1,2}(?:st|nd|rd|th)"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
NUM = (rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+1/2)?|(?:{_TENS})[\s-](?:{_ONES})|"
       rf"{alternation(list(L.numbers))})(?:\s+and\s+a\s+half)?")
UNIT = alternation(list(L.units))
APPROX = alternation(list(L.approx))
PART = alternation(list(L.parts))
YEAR = r"(?:1[0-9]|20)\d\d"
B = r"(?<![\w$£€#/.,-])"  # no match inside a word or a number
E = r"(?![\w/])"


def _num(text: str) -> float | None:
    """The amount a NUM match means, None if vague ("several")."""
    t = " ".join(text.lower().split())
    extra = 0.0
    if t.endswith(" and a half"):
        t, extra = t[: -len(" and a half")], 0.5
    if t.endswith(" 1/2"):
        t, extra = t[:-4], 0.5
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):  # "1,000 years"
        return float(t.replace(",", "")) + extra
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t) + extra
    if t in L.numbers:
        v = L.numbers[t]
        return None if v is None else v + extra
    parts = re.split(r"[\s-]", t)
    if len(parts) == 2 and parts[0] in L.numbers and parts[1] in L.numbers:
        a, b = L.numbers[parts[0]], L.numbers[parts[1]]
        return None if a is None or b is None else a + b + extra
    v = L.numbers.get(t)
    return None if v is None else v + extra


def _cap(m: re.Match[str], group: str) -> bool:
    s = m.group(group)
    return s is None or s[:1].isupper()


def _dur(n: float | None, unit_word: str) -> str:
    """An ISO duration: 2 years P2Y, 1.5 hours PT1H30M, several weeks PXW."""
    u = L.unit(unit_word)
    code, t = u.code, "T" if u.time else ""
    if n is None:
        return f"P{t}X{code}"
    if code == "DE":
        code, n = "Y", n * 10
    elif code == "CE":
        code, n = "Y", n * 100
    elif code == "2W":
        code, n = "W", n * 2
    elif code == "WE":
        code, n = "D", n * 2
    elif code == "Q" and n != int(n):
        code, n = "M", n * 3
    if n != int(n):
        half = ({"H": ("M", 30), "M": ("S", 30)} if u.time else
                {"Y": ("M", 6), "M": ("D", 15), "D": ("H", 12), "W": ("D", 3)}).get(code)
        if half:
            sub_t = "T" if code == "D" and not t else ""
            return f"P{t}{int(n)}{code}{sub_t}{half[1]}{half[0]}"
    return f"P{t}{int(n)}{code}"


def _approx(m: re.Match[str], group: str = "ap") -> str | None:
    s = m.group(group)
    return L.approx.get(" ".join(s.lower().split())) if s else None


def _part(s: str | None) -> str | None:
    if not s:
        return None
    return L.parts.get(" ".join(s.lower().replace("-", " ").split()))


def _found(point: Point, typ: str = "DATE", mod: str | None = None, anchor: str = "dct",
           suffix: str = "") -> Found:
    return Found(typ, point.value + suffix, mod, anchor)


# --------------------------------------------------------------------------- handlers

def h_month_day(m: re.Match[str], c: Context) -> Found | None:
    if not _cap(m, "mon") or not _cap(m, "wd"):
        return None
    month, day = L.month(m["mon"]), int(m["d"])
    if not 1 <= day <= 31:
        return None
    if m["y"]:
        year = int(m["y"])
        anchor = "none"
    else:
        year = nearest_year(month, day, c.dct, c.mode(m.start(), m.end()))
        anchor = "dct"
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    if m.groupdict().get("wk"):  # "the week of March 6": TimeML gives the week
        return _found(Point(d, "week"), anchor=anchor)
    return _found(Point(d, "day"), anchor=anchor)


def h_numeric(m: re.Match[str], c: Context) -> Found | None:
    y = int(m["y"])
    y = y + (1900 if y >= 30 else 2000) if y < 100 else y
    try:
        return _found(Point(dt.date(y, int(m["m"]), int(m["d"])), "day"), anchor="none")
    except ValueError:
        return None


_WEAK_MONTHS = {"may", "march"}  # also common words: need a cue
_MONTH_CUE = re.compile(r"(?:\b(?:in|into|since|until|till|by|from|through|of|during|before|after|"
                        r"between|and|to|or|early|late|mid|last|next|this|each|every|the)[\s-]+"
                        r"|,\s*)$")


def h_month(m: re.Match[str], c: Context) -> Found | None:
    if not _cap(m, "mon"):
        return None
    key = L.key(m["mon"])
    cue = bool(m["rel"] or m["part"] or m["y"] or m["ry"])
    if not m["y"] and len(key) <= 4 and key not in ("may", "june", "july"):
        return None  # "Jan", "Oct." alone: a name or a cut date
    if not cue and key in _WEAK_MONTHS and not _MONTH_CUE.search(c.before(m.start(), 12)):
        return None
    month = L.month(key)
    mod = _part(m["part"])
    rel = (m["rel"] or "").lower()
    if m["y"]:
        year, anchor = int(m["y"]), "none"
    elif m["ry"]:
        year = c.dct.year + {"this": 0, "last": -1, "next": 1}[m["ry"].lower()]
        anchor = "dct"
    else:
        mode = {"last": "strict_past", "past": "strict_past", "previous": "strict_past",
                "next": "future", "coming": "future"}.get(rel) or c.mode(m.start(), m.end())
        year, anchor = nearest_year(month, None, c.dct, mode), "dct"
        if rel == "this":
            year = c.dct.year
        if rel in ("last", "past", "previous") and month == c.dct.month:
            year -= 1
        if rel in ("next", "coming") and month == c.dct.month:
            year += 1
    return _found(Point(dt.date(year, month, 1), "month"), mod=mod, anchor=anchor)


_NOT_YEAR_AFTER = re.compile(r"^\s*(?:%|percent|[a-z]+s\b(?<!days)(?<!years))")
_YEAR_CUE = re.compile(r"(?:\b(?:in|since|of|by|from|until|till|during|before|after|for|to|"
                       r"through|early|late|mid|fiscal|year|the|a|an|and|or|between|around|"
                       r"circa|summer|spring|fall|autumn|winter)[\s-]+|[,(]\s*|'s\s+)$")


def h_year(m: re.Match[str], c: Context) -> Found | None:
    y = int(m["y"])
    if m["part"] and re.search(r"\bhalf\b", m["part"], re.I):
        return None  # "the first half of 1990" is 1990-H1: the quarter rule's
    cue = bool(m["part"] or m["fiscal"] or m["the"]) or bool(
        _YEAR_CUE.search(c.before(m.start(), 14)))
    if not cue and (y < 1900 or _NOT_YEAR_AFTER.match(c.after(m.end(), 20))):
        return None
    if not cue and y > c.dct.year + 30:
        return None
    return _found(Point(dt.date(y, 1, 1), "year"), mod=_part(m["part"]), anchor="none")


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}


def h_decade(m: re.Match[str], c: Context) -> Found | None:
    if m["c"]:
        cent, d = int(m["c"]), int(m["d"])
    else:
        d = int(m["d2"]) if m["d2"] else _DECADE_WORDS[m["w"].lower()]
        cent = 20 if 2000 + 10 * d <= c.dct.year else 19
    year = cent * 100 + d * 10
    if year > c.dct.year + 10:
        return None
    return _found(Point(dt.date(year, 1, 1), "decade"), mod=_part(m["part"] or m["part2"]),
                  anchor="none" if m["c"] else "dct")


def h_century(m: re.Match[str], c: Context) -> Found | None:
    o = m["n"].lower()
    n = L.ordinals.get(o) or int(re.sub(r"\D", "", o) or 0)
    if not 1 <= n <= 21:
        return None
    return _found(Point(dt.date((n - 1) * 100 or 1, 1, 1), "century"), mod=_part(m["part"]),
                  anchor="none")


_SEASON_CUE = re.compile(r"\b(?:in|into|throughout|during|this|last|next|over|since|until|by|"
                         r"through|early|late|mid|the)\s+$")


def _occurrence(rel: str, starts: list[tuple[dt.date, dt.date]], dct: dt.date,
                mode: str) -> int:
    """Index of the occurrence a relative word picks among (start, end) pairs in time order."""
    if rel in ("last", "past", "previous"):
        before = [i for i, (_, e) in enumerate(starts) if e < dct]
        return before[-1] if before else 0
    if rel in ("next", "coming"):
        after = [i for i, (s, _) in enumerate(starts) if s > dct]
        return after[0] if after else len(starts) - 1
    for i, (s, e) in enumerate(starts):
        if s <= dct <= e:
            return i
    # the nearest, a date against the tense cue counting as much farther as in nearest_year
    ahead = TENSE_WEIGHT if mode == "past" else 1.0
    behind = FUTURE_WEIGHT if mode == "future" else 1.0
    gaps = [(s - dct).days * ahead if s > dct else (dct - e).days * behind for s, e in starts]
    return gaps.index(min(gaps))


def h_season(m: re.Match[str], c: Context) -> Found | None:
    word = m["s"].lower()
    rel = _REL_ALIAS.get(" ".join((m["rel"] or "").lower().split()), (m["rel"] or "").lower())
    cue = bool(rel or m["part"] or m["y"] or m["ry"])
    if not cue and (word in ("fall", "spring") or not _SEASON_CUE.search(c.before(m.start(), 10))):
        return None
    if word in ("fall", "spring") and not cue and not m["the"]:
        return None
    code, first = L.seasons[word]
    mod = _part(m["part"])
    if m["y"]:
        return _found(Point(dt.date(int(m["y"]), first, 1), "season", code), mod=mod,
                      anchor="none")
    if m["ry"]:
        y = c.dct.year + {"this": 0, "last": -1, "next": 1}[m["ry"].lower()]
        return _found(Point(dt.date(y, first, 1), "season", code), mod=mod)
    occ = [Point(dt.date(y, first, 1), "season", code)
           for y in range(c.dct.year - 2, c.dct.year + 2)]
    if rel == "this":
        return _found(Point(dt.date(c.dct.year, first, 1), "season", code), mod=mod)
    i = _occurrence(rel, [p.bounds() for p in occ], c.dct, c.mode(m.start(), m.end()))
    return _found(occ[i], mod=mod)


def h_quarter(m: re.Match[str], c: Context) -> Found | None:
    unit = m["q"].lower()
    o = m["ord"].lower()
    if o in ("last", "latter"):  # "the last half of 1989": of a named year only
        if not (m["y"] or m["ry"]):
            return None
        o = "second" if unit == "half" else "fourth"
    n = L.ordinals.get(o) or int(re.sub(r"\D", "", o))
    if (unit == "half" and n > 2) or n > 4:
        return None
    if m["y"] or m["y0"]:
        year, anchor = int(m["y"] or m["y0"]), "none"
    elif m["ry"] or m["ry0"]:  # "the third quarter of next year", "next year's first quarter"
        rel = (m["ry"] or m["ry0"]).lower()
        year, anchor = c.dct.year + {"this": 0, "last": -1, "next": 1}[rel], "dct"
    else:
        year, anchor = c.dct.year - (1 if m["ago"] else 0), "dct"
    months = 3 if unit == "quarter" else 6
    if (anchor == "dct" and not (m["ago"] or m["ry"] or m["ry0"])
            and dt.date(year, (n - 1) * months + 1, 1) > c.dct
            and c.mode(m.start(), m.end()) == "past"):
        year -= 1  # "profits fell in the fourth quarter", told in January: the one just ended
    f = _found(Point(dt.date(year, (n - 1) * months + 1, 1), unit), anchor=anchor)
    if m["hq"] and m.group(0).lower().startswith("the"):  # "the third-quarter profit"
        f.start = m.start("ord")
    return f


def h_quarter_rel(m: re.Match[str], c: Context) -> Found | None:
    rel = " ".join((m["rel"] or "").lower().replace("-", " ").split())
    if not rel and not m["the"]:
        return None
    framed = c.quarter_before(m.start())
    if framed is not None and (rel in ("", "same", "this") or "year" in rel):
        d = framed.day  # "third-quarter profit rose ... in the year-ago quarter"
    else:
        cur = Point(c.dct, "quarter")
        step = {"current": 0, "this": 0, "next": 1, "coming": 1, "same": 0}.get(rel, -1)
        d = shift(cur.day, step, "quarter")
    if "year" in rel or rel == "comparable":
        d = shift(d, -1, "year")
    return _found(Point(d, "quarter"))


def h_year_ago(m: re.Match[str], c: Context) -> Found | None:
    """'year-earlier profit', 'the year-ago period': the reported quarter a year back."""
    framed = c.quarter_before(m.start())
    if framed is not None:
        return _found(Point(shift(framed.day, -1, "year"), "quarter"))
    if m["u"] and m["u"].lower() == "quarter":
        return _found(Point(shift(Point(c.dct, "quarter").day, -5, "quarter"), "quarter"))
    return _found(Point(shift(c.dct, -1, "year"), "year"))


def h_period(m: re.Match[str], c: Context) -> Found | None:
    """'the latest period', 'the 1988 period' of an earnings report: its quarter (of that
    year), a year when the sentence is about several months ('the first nine months')."""
    framed = c.quarter_before(m.start())
    year = int(m["y"]) if m["y"] else None
    if _MONTHS_FRAME.search(c.sentence(m.start(), m.end())):
        return _found(Point(dt.date(year, 1, 1), "year"), anchor="none") if year else None
    if framed is None:
        if year:
            return _found(Point(dt.date(year, 1, 1), "year"), anchor="none")
        return _found(Point(shift(Point(c.dct, "quarter").day, -1, "quarter"), "quarter"))
    d = framed.day if year is None else framed.day.replace(year=year)
    return _found(Point(d, "quarter"), anchor="text")


_REL_ALIAS = {"this past": "last", "this coming": "coming", "earlier": "", "later": "",
              "early": "", "late": ""}
_REL_STEP = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1,
             "coming": 1, "the": 0}


def h_rel_unit(m: re.Match[str], c: Context) -> Found | None:
    if m.group(0)[:1].isupper() and _title(m, c):
        return None
    rel = " ".join(m["rel"].lower().split())
    rel = _REL_ALIAS.get(rel, rel) if rel.startswith("this ") else rel  # "this past week"
    unit_w = " ".join(m["u"].lower().split())
    pre = " ".join((m["pre"] or "").lower().replace("-", " ").split())
    if rel == "the" and not pre:
        return None
    if m["the"] and rel in ("next", "coming") and not pre:
        unit = L.unit(unit_w.replace("fiscal ", ""))
        lo, hi = (shift(c.dct, -1, unit.precision), c.dct) if rel in ("past", "last") \
            else (c.dct, shift(c.dct, 1, unit.precision))
        return Found("DURATION", _dur(1, unit_w.replace("fiscal ", "")), lo=lo, hi=hi)
    step = _REL_STEP[rel]
    if unit_w == "weekend":
        wk = Point(shift(c.dct, step, "week"), "week")
        lo = wk.bounds()[0] + dt.timedelta(days=5)
        return Found("DATE", wk.value + "-WE", _part(pre), "dct", lo, lo + dt.timedelta(days=1))
    prec = L.unit(unit_w.replace("fiscal ", "")).precision
    if prec not in ("week", "month", "quarter", "year", "decade", "century"):
        return None
    p = Point(shift(c.dct, step, prec), prec)
    lo, hi = p.bounds()
    trim = L.trims.get(pre)
    mod = None if trim else _part(pre)
    if trim == "BEFORE_DCT":
        hi = min(hi, c.dct)
    elif trim == "AFTER_DCT":
        lo = max(lo, c.dct)
    f = _found(p, mod=mod)
    if trim:
        f.lo, f.hi = lo, hi
    return f


_CLAUSE_END = re.compile(r"\s*(?:[,.;:)!?\"”']|$)")


# a report's period of several months in the sentence: "a year earlier" is then a year
_MONTHS_FRAME = re.compile(r"\b(?:nine|six|\d+)[\s-]months?\b", re.I)


def h_offset(m: re.Match[str], c: Context) -> Found | None:
    """'two weeks ago' (DCT), 'Two weeks earlier', 'a couple of days later' (the text)."""
    direction = " ".join(m["dir"].lower().split())
    if direction in ("before", "after") and not _CLAUSE_END.match(c.after(m.end(), 3)):
        return None
    unit = L.unit(m["u"])
    if unit.time:
        return None
    n = _num(m["n"]) if m["n"] else None
    if m["n"] is None and not m["u"].lower().endswith("s"):
        return None
    sign = -1 if direction in ("ago", "earlier", "before", "back", "prior") else 1
    if direction in ("ago", "back", "from now", "hence"):
        base, anchor = Point(c.dct, "day"), "dct"
    else:
        found, anchor = c.anchor(unit.precision in ("day", "week"), m.start(), m.end())
        if found is None:  # counted from an undated event
            return Found("DATE", "XXXX-XX-XX", _approx(m), "none")
        base = found
    from_dct = direction in ("ago", "back", "from now", "hence")
    # "a year earlier" than a day or a month is a year (TimeBank); "two weeks earlier" a day
    coarse = from_dct or unit.precision in ("year", "decade")
    prec = unit.precision if coarse else base.precision
    if unit.precision == "decade" and from_dct:
        prec = "year"
    step_unit = unit.precision if unit.precision != "season" else "quarter"
    if n is None and from_dct:  # "years ago"
        return Found("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", _approx(m), anchor,
                     None if sign < 0 else base.day, base.day if sign < 0 else None)
    if n is None:  # "weeks later": some 2 to 11 units away
        near, far = shift(base.day, 2 * sign, step_unit), shift(base.day, 11 * sign, step_unit)
        lo, hi = min(near, far), max(near, far)
        return Found("DURATION", _dur(None, m["u"]), _approx(m), anchor, lo, hi)
    if unit.code == "WE":
        return None
    whole = int(n)
    framed = c.quarter_before(m.start())
    if (framed is not None and whole == 1 and sign < 0 and unit.precision == "year"
            and not m["ap"]):  # "profit rose to $5 million from $4 million a year ago"
        # "for the nine months, ... a year earlier": the year before, not a quarter
        prec = "year" if _MONTHS_FRAME.search(c.sentence(m.start(), m.end())) else "quarter"
        return _found(Point(shift(framed.day, -1, "year"), prec), anchor="text")
    p = Point(shift(base.day, sign * whole * (2 if unit.code == "2W" else 1), step_unit),
              coarser(prec, "day"))
    return _found(p, mod=_approx(m), anchor=anchor)


_MONEY_BEFORE = re.compile(r"(?:\d|million|billion|trillion|percent|%|dollars|cents|each|times)"
                           r"[\w\s$,.]{0,12}$")


_AGE_AFTER = re.compile(r"\s+old\b")
# after "a second": a noun it counts ("a second group"), not a preposition or adverb
_ORDINAL_AFTER = re.compile(r"\s+(?!(?:ago|later|earlier|before|after|or|and|of|to|in|for|at|on|"
                            r"when|while|longer|more|less|too|each|per|that|the|a)\b)[a-z]")


def h_duration(m: re.Match[str], c: Context) -> Found | None:
    n = _num(m["n"])
    if n is not None and m["half"]:
        n += 0.5
    unit_w = m["u"]
    word = m["n"].lower()
    # "$2 million a year" is a rate; "... Jan. 1. A week after the vote" is not
    if word in ("a", "an", "one") and not (m["the"] or m["ap"]) and _MONEY_BEFORE.search(
            _SENTENCE_END.split(c.text[max(0, m.start() - 20):m.start() + 1])[-1][:-1]):
        return Found("SET", _dur(1, unit_w))
    if re.fullmatch(YEAR, m["n"]) and L.unit(unit_w).code == "Q":  # "the 1988 quarter"
        framed = c.quarter_before(m.start())
        q = int(framed.value[-1]) if framed is not None else None
        if q is None:
            return _found(Point(dt.date(int(m["n"]), 1, 1), "year"), anchor="none")
        return _found(Point(dt.date(int(m["n"]), 3 * q - 2, 1), "quarter"), anchor="text")
    if m["old"] or _AGE_AFTER.match(c.after(m.end(), 6)):
        return None  # an age ("the 6-year-old") is not a time expression in TimeML news
    if unit_w[:1].isupper() and not m["n"][:1].isupper():
        return None  # a title: "CBS's 60 Minutes"
    if L.unit(unit_w).code == "S" and word in ("a", "one") and _ORDINAL_AFTER.match(
            c.after(m.end(), 16)):
        return None  # "a second betrayal": the ordinal
    if L.unit(unit_w).code == "Q" and (m["hy"] or word in ("a", "an", "one")):
        return None  # a fraction: "a quarter of", "three-quarters"
    rel = (m["rel"] or "").lower()
    if m["hy"] and m["the"] and not rel:  # "the 30-day plan": "the" goes with "plan"
        return Found("DURATION", _dur(n, unit_w), _approx(m), start=m.start("n"))
    lo = hi = None
    if rel in ("past", "last", "previous") and n is not None:
        lo, hi = shift(c.dct, -int(n), L.unit(unit_w).precision) if not L.unit(unit_w).time \
            else c.dct, c.dct
    elif rel in ("next", "coming") and n is not None and not L.unit(unit_w).time:
        lo, hi = c.dct, shift(c.dct, int(n), L.unit(unit_w).precision)
    return Found("DURATION", _dur(n, unit_w), _approx(m), "dct", lo, hi)


def h_vague_plural(m: re.Match[str], c: Context) -> Found | None:
    unit = m.group(0).split()[-1].lower()
    if m["u2"] and unit in ("years", "decades"):  # "recent years": TimeML PAST_REF
        past = m["u2"].lower() == "recent"
        return Found("DATE", "PAST_REF" if past else "FUTURE_REF", None, "dct",
                     None if past else c.dct, c.dct if past else None)
    return Found("DURATION", _dur(None, m["u"] or unit))


class _Unresolved(Exception):
    """The expression counts from an event whose date the text does not give."""


def weekday_date(wd: int, rel: str, c: Context, start: int, end: int) -> tuple[dt.date, str]:
    """The day a weekday names: past for past context, next for future cues, or by `rel`."""
    if rel in ("following", "that", "the following", "the next", "the previous"):
        base, anchor = c.anchor(True, start, end)
        if base is None:
            raise _Unresolved
        ref = base.day
        if rel == "the previous":
            return ref - dt.timedelta(days=(ref.isoweekday() - wd) % 7 or 7), anchor
        if rel == "that":
            return ref + dt.timedelta(days=(wd - ref.isoweekday()) % 7), anchor
        return ref + dt.timedelta(days=(wd - ref.isoweekday()) % 7 or 7), anchor
    ref = c.dct
    back = (ref.isoweekday() - wd) % 7
    fwd = (wd - ref.isoweekday()) % 7
    if rel in ("last", "previous"):
        return ref - dt.timedelta(days=back or 7), "dct"
    if rel in ("next", "coming"):
        return ref + dt.timedelta(days=fwd or 7), "dct"
    if rel == "this":
        return ref + dt.timedelta(days=wd - ref.isoweekday()), "dct"
    if c.after(end, 2) in ("'s", "’s"):  # "Wednesday's ruling": all 21 of TimeBank and
        return ref - dt.timedelta(days=back), "dct"  # AQUAINT are past, whatever the tense
    mode = c.mode(start, end)
    if not _REPORTED_BEFORE.search(c.before(start, 16)) and (
            mode == "future" or (mode == "nearest" and 0 < fwd < back)):
        return ref + dt.timedelta(days=fwd), "dct"
    return ref - dt.timedelta(days=back), "dct"


def h_weekday(m: re.Match[str], c: Context) -> Found | None:
    word = m["wd"] or m["wd0"]
    if not word[:1].isupper():
        return None
    rel = " ".join((m["rel"] or "").lower().split())
    rel = _REL_ALIAS.get(rel, rel)
    try:
        d, anchor = weekday_date(L.weekday(word), rel, c, m.start(), m.end())
    except _Unresolved:
        return Found("DATE", f"XXXX-WXX-{L.weekday(word)}", None, "none")
    p = Point(d, "day")
    tod = (m["tod"] or m["tod0"] or "").lower()
    if tod:
        code = L.times_of_day.get(" ".join(tod.replace("-", " ").split()), "")
        return _found(p, "TIME", anchor=anchor, suffix="T" + code) if code else _found(p)
    return _found(p, anchor=anchor)


def h_clock(m: re.Match[str], c: Context) -> Found | None:
    h = int(m["h"])
    mi = int(m["mi"] or 0)
    ampm = (m["ampm"] or "").lower()
    if not 1 <= h <= 12 or mi > 59:
        return None
    h = (h % 12) + (12 if ampm.startswith("p") or ampm.endswith(("afternoon", "evening")) else 0)
    day = c.dct
    anchor = "dct"
    if m["rel"]:
        day = c.dct + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(m["rel"].lower(), 0))
    elif m["wd"]:
        day, anchor = weekday_date(L.weekday(m["wd"]), "", c, m.start(), m.end())
    elif m["mon"]:
        month, dd = L.month(m["mon"]), int(m["d"])
        try:
            day = dt.date(nearest_year(month, dd, c.dct, c.mode(m.start(), m.end())), month, dd)
        except ValueError:
            return None
    elif c.last_day is not None:
        day, anchor = c.last_day.day, "text"
    return Found("TIME", f"{day.isoformat()}T{h:02d}:{mi:02d}", _approx(m), anchor, day, day)


def h_part_of_day(m: re.Match[str], c: Context) -> Found | None:
    """'at midday', 'by mid afternoon', 'in the morning' (the day the text is on, else the
    DCT, as TimeBank has them), 'mid-afternoon yesterday'."""
    tod = " ".join((m["tod"] or m["tod0"] or m["tod2"]).lower().replace("-", " ").split())
    code = L.times_of_day.get(tod)
    if not code:
        return None
    rel = (m["rel"] or m["rel2"] or "").lower()
    if rel:
        day = c.dct + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(rel, 0))
        anchor = "dct"
    elif c.last_day is not None:
        day, anchor = c.last_day.day, "text"
    else:
        day, anchor = c.dct, "dct"
    return Found("TIME", f"{day.isoformat()}T{code}", None, anchor, day, day)


def h_holiday(m: re.Match[str], c: Context) -> Found | None:
    if not _cap(m, "h") and not m["h"].lower().startswith("the "):
        return None
    rule = L.holidays[L.key(m["h"]).replace("’", "'")]
    rel = (m["rel"] or "").lower()
    if m["y"]:
        d, anchor = holiday(rule, int(m["y"])), "none"
    else:
        days = [holiday(rule, y) for y in range(c.dct.year - 1, c.dct.year + 2)]
        i = _occurrence(rel, [(x, x) for x in days], c.dct, c.mode(m.start(), m.end()))
        d, anchor = days[i], "dct"
    what, side = (m["pr"] or "").lower(), (m["dir"] or "").lower()
    if m["wk"] and not side:  # "Easter week": the week that holds it
        return _found(Point(d, "week"), anchor=anchor)
    if side:
        step = {"before": -1, "after": 1}.get(side, 0)
        if what == "weekend":
            wk = Point(d + dt.timedelta(weeks=step), "week")
            lo = wk.bounds()[0] + dt.timedelta(days=5)
            return Found("DATE", wk.value + "-WE", None, anchor, lo, lo + dt.timedelta(days=1))
        d = d + dt.timedelta(days=step)
        code = L.times_of_day.get(what, "")
        if what == "eve":
            code = "EV"
        if code:
            return _found(Point(d, "day"), "TIME", anchor=anchor, suffix="T" + code)
    return _found(Point(d, "day"), anchor=anchor)


def h_set_weekday(m: re.Match[str], c: Context) -> Found | None:
    word = m["wd"] or m["wd2"]
    if not word[:1].isupper():
        return None
    tod = L.times_of_day.get((m["tod"] or "").lower().rstrip("s"), "")
    return Found("SET", f"XXXX-WXX-{L.weekday(word)}" + (f"T{tod}" if tod else ""))


def h_set_every(m: re.Match[str], c: Context) -> Found | None:
    if m["mon"]:
        return Found("SET", f"XXXX-{L.month(m['mon']):02d}") if _cap(m, "mon") else None
    n = _num(m["n"]) if m["n"] else 1.0
    return Found("SET", _dur(n, m["u"] or m["u2"]))


def _weekend(c: Context, start: int, end: int) -> Found:
    """'over the weekend': the last weekend before the DCT, the coming one in a future sentence."""
    d = c.dct
    if d.isoweekday() < 6:
        if c.mode(start, end) == "future":
            d += dt.timedelta(days=6 - d.isoweekday())
        else:
            d -= dt.timedelta(days=d.isoweekday() + 1)
    wk = Point(d, "week")
    lo = wk.bounds()[0] + dt.timedelta(days=5)
    return Found("DATE", wk.value + "-WE", None, "dct", lo, lo + dt.timedelta(days=1))


_NAME_BEFORE = re.compile(r"(?:^|[^.!?:;\"“‘(\s])\s*\b[A-Z][\w.&']*\s+$")


def _title(m: re.Match[str], c: Context) -> bool:
    """Part of a name: every word capitalised ("ABC's This Week"), or a capitalised word
    after a capitalised word inside a sentence ("USA Today", "VOA Today")."""
    words = m.group(0).split()
    if not all(w[:1].isupper() for w in words):
        return False
    if len(words) > 1:
        return True
    s, _ = c._bounds(m.start())
    return m.start() > s and bool(_NAME_BEFORE.search(c.text, max(s, m.start() - 30), m.start()))


def _discourse_now(m: re.Match[str], c: Context) -> bool:
    """'Now, he says, ...' opening a sentence: a turn in the argument, not the present
    (none of the three in TimeBank and AQUAINT is tagged; "Now officials are ..." is)."""
    if m.group(0) != "Now" or c.after(m.end(), 1) != ",":
        return False
    before = c.text[max(0, m.start() - 12):m.start()].rstrip(" \t\"'`“‘(")
    return not before or before[-1] in ".!?:\n"


def h_phrase(m: re.Match[str], c: Context) -> Found | None:
    if m.group(0)[:1].isupper() and (_title(m, c) or _discourse_now(m, c)):
        return None
    ph = L.phrases[_PHRASE_OF_GROUP[m.lastindex or 0]]
    value = ph.value
    if "{" not in value:
        return Found(ph.type, value)
    if value == "{WE}":
        return _weekend(c, m.start(), m.end())
    if value == "{REL}":  # early/late + yesterday/today/tomorrow
        word = m.group(0).lower().split()[-1]
        d = c.dct + dt.timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
        return _found(Point(d, "day"))
    tm = re.fullmatch(r"\{(\w)([+-]\d+)?\}(.*)", value)
    if tm is None:
        return None
    kind, step_s, suffix = tm.groups()
    step = int(step_s or 0)
    if ph.anchor == "text":
        if _EVENT_AFTER.match(c.after(m.end(), 12)) and re.search(r"(?:before|after)$", ph.pattern):
            c.blocked = True  # "the day before her birthday": relative to an undated event
            return Found(ph.type, "XXXX-XX-XX", None, "none")
        found, anchor = c.anchor(kind in ("D", "W", "A"), m.start(), m.end())
        if found is None:
            return Found(ph.type, "XXXX-XX-XX", None, "none")
        base = found
    else:
        base, anchor = Point(c.dct, "day"), "dct"
    if kind == "A":
        return Found(ph.type, base.value, None, anchor)
    unit = {"D": "day", "W": "week", "M": "month", "Y": "year"}[kind]
    prec = coarser(base.precision, unit)
    p = Point(shift(base.day, step, unit), prec)
    if suffix and prec != "day":
        return _found(p, anchor=anchor)
    return _found(p, ph.type, anchor=anchor, suffix=suffix)


_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_ONE = {w: i + 1 for i, w in enumerate(_ONES.split("|"))}
_TEN = {w: 20 + 10 * i for i, w in enumerate(_TENS.split("|"))}


def _spelled_two(words: str) -> int | None:
    """'ninety-six' 96, 'seventy' 70, 'twelve' 12; None otherwise."""
    parts = re.split(r"[\s-]+", words.lower().strip())
    if len(parts) == 1:
        return _TEENS.get(parts[0], _TEN.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TEN and parts[1] in _ONE:
        return _TEN[parts[0]] + _ONE[parts[1]]
    return None


def h_spelled_year(m: re.Match[str], c: Context) -> Found | None:
    """Broadcast transcripts: 'nineteen ninety-six', 'the year two thousand'."""
    if m["hi"]:
        lo = _spelled_two(m["lo"])
        if lo is None or lo < 10:
            return None
        year = 100 * _TEENS[m["hi"].lower()] + lo
    else:
        year = 2000 + (_ONE.get((m["one"] or "").lower(), 0))
    if m["mon"]:
        if not _cap(m, "mon"):
            return None
        return _found(Point(dt.date(year, L.month(m["mon"]), 1), "month"), anchor="none")
    if m["s"]:
        code, first = L.seasons[m["s"].lower()]
        return _found(Point(dt.date(year, first, 1), "season", code), anchor="none")
    if not (m["the"] or m["hi"]):
        return None  # "two thousand" alone is an amount
    return _found(Point(dt.date(year, 1, 1), "year"), anchor="none")


# --------------------------------------------------------------------------- the rules

def _phrases_pattern() -> tuple[str, list[int]]:
    """The phrase rule, and the phrase each of its capturing groups stands for.

    The phrases are grouped by the letter they start with: phrases of two
    letters never match at one place, so only those of the letter at hand are
    tried, in their order in phrases.tsv. The first match is the one a flat
    alternation gives, found five times faster. A phrase that can start with
    two letters ("(?:earlier|later) today") is in both groups.
    """
    alts = [ph.pattern.replace(" ", r"\s+") for ph in L.phrases]
    firsts = [first_letters(a) for a in alts]
    if any(f is None for f in firsts):  # one that may start elsewhere: the flat alternation
        return (B + "(?:" + "|".join("(" + a + ")" for a in alts) + ")" + E,
                [0, *range(len(alts))])
    by_letter: dict[str, list[int]] = {}
    for i, f in enumerate(firsts):
        for c in sorted(f or ()):
            by_letter.setdefault(c, []).append(i)
    group_phrase = [0]  # group 0, the whole match, stands for none
    parts = []
    for c, idxs in by_letter.items():
        parts.append(f"(?={c})(?:" + "|".join("(" + alts[i] + ")" for i in idxs) + ")")
        group_phrase += idxs
    return B + "(?:" + "|".join(parts) + ")" + E, group_phrase


_PHRASE_RULE, _PHRASE_OF_GROUP = _phrases_pattern()


_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_ON_YEAR = rf"(?:(?:,\s*|\s+)(?P<y>{YEAR})(?!\d))?"
_REL_Y = r"(?:\s+(?:of\s+)?(?P<ry>this|last|next)\s+year)"

RULES: list[tuple[str, str, Handler]] = [
    ("phrase", _PHRASE_RULE, h_phrase),
    ("month_day", rf"{B}(?:(?P<wk>the\s+week\s+of)\s+|(?:around|approximately|circa)\s+)?"
                  rf"(?:(?P<wd>{WD}),?\s+)?"
                  rf"(?P<mon>{MON})\s+{_DAY}(?!\d|:\d|\.\d){_ON_YEAR}{E}",
     h_month_day),
    ("day_month",
     rf"{B}(?:(?P<wd>{WD}),?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<mon>{MON}){_ON_YEAR}{E}",
     h_month_day),
    ("iso", rf"{B}(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d){E}", h_numeric),
    ("slash", rf"{B}(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)?\d\d){E}", h_numeric),
    ("month", rf"{B}(?:(?P<part>{PART})[\s-]+(?:of\s+)?)?(?:(?P<rel>last|this|next|past|coming|"
              rf"previous)\s+)?(?P<mon>{MON})(?![\w])(?:,?\s+(?:of\s+)?(?P<y>{YEAR})(?!\d)|{_REL_Y})?",
     h_month),
    ("spelled_year", rf"{B}(?:(?P<mon>{MON})\s+|(?:the\s+)?(?P<s>{SEASON})\s+of\s+)?"
                     r"(?P<the>the\s+year\s+)?(?:(?P<hi>nineteen|eighteen)[\s-]+"
                     rf"(?P<lo>(?:{_TENS})(?:[\s-]+(?:{_ONES}))?|ten|eleven|twelve|thirteen|fourteen|"
                     r"fifteen|sixteen|seventeen|eighteen|nineteen)"
                     rf"|two\s+thousand(?:\s+(?:and\s+)?(?P<one>{_ONES}))?)(?![\w-])",
     h_spelled_year),
    ("year", rf"(?:(?P<part>{PART})(?:\s+(?:of\s+)?|-)|(?P<fiscal>fiscal(?:\s+year)?\s+)|"
             rf"(?P<the>the\s+year\s+)|(?<![\w-])(?:post|pre)-|{B})(?P<y>{YEAR})(?![\d%]|,\d|\.\d|-\d|s\b|['’]s\b)",
     h_year),
    ("decade", rf"{B}(?:the\s+)?(?:(?P<part>{PART})[\s-]+)?"
               rf"(?:(?P<c>1[0-9]|20)(?P<d>\d)0|['’](?P<d2>\d)0)['’]?s{E}"
               r"|(?<![\w])the\s+(?:(?P<part2>early|late|mid)[\s-]+)?(?P<w>twenties|thirties|forties|"
               r"fifties|sixties|seventies|eighties|nineties)(?![\w])",
     h_decade),
    ("century", rf"(?<![\w])(?:the\s+(?:(?P<part>{PART})[\s-]+)?)?(?P<n>{ORD})\s+century{E}",
     h_century),
    ("season", rf"{B}(?P<the>the\s+)?(?:(?P<part>{PART})[\s-]+)?"
               r"(?:(?P<rel>last|this|next|past|coming|"
               rf"previous|this\s+past|this\s+coming)\s+)?(?P<s>{SEASON})(?![\w])(?:,?\s+(?:of\s+)?(?P<y>{YEAR})(?!\d)|{_REL_Y})?",
     h_season),
    ("quarter", rf"{B}(?:the\s+)?(?:(?P<y0>{YEAR})\s+|fiscal\s+|(?P<ago>year-ago|year-earlier)\s+"
                r"|(?P<ry0>this|last|next)\s+year['’]s\s+)?"
                r"(?P<ord>first|second|third|fourth|last|latter|"
                r"1st|2nd|3rd|4th)(?:\s+|(?P<hq>-))(?:fiscal\s+)?(?P<q>quarter|half)(?![\w])"
                rf"(?:\s+of\s+(?:fiscal\s+)?(?:(?P<y>{YEAR})(?!\d)|(?P<ry>this|last|next)\s+year))?",
     h_quarter),
    ("quarter_rel", r"(?<![\w])(?P<the>the\s+)?(?:(?P<rel>latest|last|current|previous|past|"
                    r"year-earlier|year-ago|this|next|coming|same|comparable|comparable\s+year-ago|"
                    r"comparable\s+year-earlier)\s+)?quarter(?![\w-])", h_quarter_rel),
    ("period", rf"(?<![\w])the\s+(?:latest|most\s+recent|(?P<y>{YEAR}))\s+period(?![\w-])",
     h_period),
    ("year_ago", r"(?<![\w-])(?:the\s+(?:comparable\s+|corresponding\s+)?)?"
                 r"(?:year-ago|year-earlier)"
                 r"\s+(?:(?:first|second|third|fourth)\s+)?(?P<u>quarter|period)(?![\w-])"
                 r"|(?<![\w-])(?:year-ago|year-earlier)(?![\w-])",
     h_year_ago),
    ("rel_unit", rf"(?<![\w])(?:(?P<pre>{PART})[\s-]+)?(?P<the>the\s+)?"
                 r"(?P<rel>this\s+past|this\s+coming|last|this|next|past|"
                 r"coming|current|previous|the)\s+(?P<u>week|weekend|month|year|decade|century|"
                 r"fiscal\s+year)(?![\w-])", h_rel_unit),
    ("offset", rf"(?<![\w])(?:(?P<ap>{APPROX})\s+)?(?:(?P<n>{NUM})[\s-]+)?(?P<u>{UNIT})\s+"
               r"(?:or\s+so\s+)?(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back|prior)(?![\w])",
     h_offset),
    ("duration", rf"(?<![\w$])(?:(?P<the>the\s+)"
                 r"(?:(?P<rel>past|last|next|coming|first|final|previous|"
                 rf"following|latest|remaining|same|entire|whole)\s+)?|(?P<ap>{APPROX})\s+)?"
                 rf"(?P<n>{NUM})(?:(?P<hy>-)|\s+(?:more\s+|additional\s+|straight\s+|consecutive\s+|"
                 rf"full\s+)?)(?P<u>{UNIT})(?P<old>-old)?(?:-long)?(?![\w-])(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+so)?",
     h_duration),
    ("vague_plural", r"(?<=\bfor\s)(?P<u>years|decades|months|weeks|days|hours|centuries)(?![\w])"
                     r"|(?<![\w])(?P<u2>recent|coming)\s+(?:years|decades|months|weeks|days)(?![\w])",
     h_vague_plural),
    ("weekday", rf"{B}(?:(?P<rel>last|next|this|previous|coming|this\s+coming|this\s+past|"
                r"the\s+following|the\s+next|the\s+previous|following|that|early|late|earlier|"
                rf"later)\s+)?(?P<wd>{WD})(?![\w])"
                rf"(?:\s+(?P<tod>{TOD}))?|{B}(?P<tod0>{TOD})\s+(?:on\s+)?(?P<wd0>{WD})(?![\w])",
     h_weekday),
    ("clock", rf"(?<![\w:])(?:(?P<ap>about|around|approximately|roughly)\s+)?(?P<h>[012]?\d)"
              r"(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ampm>a\.m\.|p\.m\.|a\.m|p\.m|am|pm"
              r"|in\s+the\s+(?:morning|afternoon|evening))(?![\w])"
              r"(?:\s+(?:[A-Z]{2,4}T|GMT|UTC)(?![\w]))?(?:,?\s+(?:(?P<rel>today|yesterday|tomorrow)"
              rf"|(?:on\s+)?(?P<wd>{WD})|(?P<mon>{MON})\s+(?P<d>[0-3]?\d))(?![\w]))?",
     h_clock),
    ("part_of_day", r"(?:(?<=\bat\s)|(?<=\bby\s)|(?<=\bin\s)|(?<=\bduring\s))"
                    r"(?:the\s+(?P<tod>morning|afternoon|evening|mid[- ]?afternoon)"
                    r"|(?P<tod0>noon|midday|midnight|mid[- ]?afternoon|dawn|dusk|daybreak))"
                    r"(?![\w-])"
                    r"(?:\s+(?P<rel>yesterday|today|tomorrow)(?![\w]))?"
                    rf"|{B}(?P<tod2>{TOD})\s+(?P<rel2>yesterday|today|tomorrow)(?![\w])",
     h_part_of_day),
    ("holiday", rf"{B}(?:(?P<rel>last|this|next)\s+)?(?:the\s+(?P<pr>night|day|eve|morning|evening|"
                rf"weekend)\s+(?P<dir>before|after|of)\s+)?(?P<h>{HOL})(?![\w])(?:,?\s+(?P<y>{YEAR})(?!\d))?"
                r"(?P<wk>\s+week(?![\w-]))?",
     h_holiday),
    ("set_weekday", rf"{B}(?:every|each)\s+(?P<wd>{WD})(?![\w])(?:\s+(?P<tod>{TOD}))?|"
                    rf"{B}(?P<wd2>{WD})s(?![\w])", h_set_weekday),
    ("set_every", rf"{B}(?:every|each)\s+(?:(?P<n>{NUM})\s+)?(?P<u>{UNIT})(?![\w])|"
                  rf"{B}(?:every|each)\s+(?P<mon>{MON})(?![\w])|"
                  rf"{B}(?:once|twice|three\s+times|\d+\s+times)\s+(?:a|an|per|every)\s+(?P<u2>{UNIT})(?![\w])",
     h_set_every),
]

# Words one of which every match of a rule holds (its month, unit, direction ...),
# taken from what the rule itself is built of: where none of them comes before a
# character the rule cannot take (a comma, a quote, a bracket), it is not tried.
# The phrase rule has none.
CORES: dict[str, list[str]] = {
    "month_day": list(L.months), "day_month": list(L.months), "month": list(L.months),
    "weekday": list(L.weekdays), "holiday": list(L.holidays), "season": list(L.seasons),
    "century": ["century"], "quarter": ["quarter", "half"], "quarter_rel": ["quarter"],
    "spelled_year": ["nineteen", "eighteen", "thousand"],
    "rel_unit": ["week", "month", "year", "decade", "century"],
    "offset": ["ago", "earlier", "later", "before", "after", "now", "hence", "back", "prior"],
    "duration": list(L.units), "set_every": ["every", "each", "once", "twice", "times"],
    "year_ago": ["year-ago", "year-earlier"], "period": ["period"],
    "decade": ["0s", "0's", "0’s", "ties"],
    "set_weekday": ["every", "each"] + [w + "s" for w in L.weekdays],
    "clock": ["a.m", "p.m", "am", "pm", "morning", "afternoon", "evening"],
}
