"""Calendar arithmetic for the timex stage: points of a given precision, TimeML values, bounds."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# Finest to coarsest; a shifted date keeps the coarser of its own and the unit's.
PRECISIONS = ("day", "week", "month", "quarter", "half", "season", "year", "decade", "century")
# How much farther a date against the sentence's past cue counts. TimeBank: 5 and 6
# best (3 took "In January, the company brought in ..." told in October for the coming
# January, once "a still unspecified date" was no past cue); 8 too many.
TENSE_WEIGHT = 5.0
FUTURE_WEIGHT = 6.0  # the same for a past date against a future cue (TimeBank: 4 is too few)
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


@dataclass(frozen=True)
class Point:
    """A date known to `precision`: 1998-08-07 as a week is the ISO week holding that day.

    >>> Point(dt.date(1998, 8, 7), "week").value
    '1998-W32'
    """

    day: dt.date
    precision: str
    season: str = ""  # TimeML season code when precision is season

    @property
    def value(self) -> str:
        d, p = self.day, self.precision
        if p == "day":
            return d.isoformat()
        if p == "week":
            y, w, _ = d.isocalendar()
            return f"{y}-W{w:02d}"
        if p == "month":
            return f"{d.year}-{d.month:02d}"
        if p == "quarter":
            return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        if p == "half":
            return f"{d.year}-H{(d.month - 1) // 6 + 1}"
        if p == "season":
            return f"{d.year}-{self.season or season_of(d.month)}"
        if p == "year":
            return f"{d.year:04d}"
        if p == "decade":  # TimeBank, TIDES and HeidelTime: "the 1980s" is 198
            return f"{d.year // 10:03d}"
        return f"{d.year // 100:02d}"

    def bounds(self) -> tuple[dt.date, dt.date]:
        """First and last day the point can denote."""
        d, p = self.day, self.precision
        if p == "day":
            return d, d
        if p == "week":
            start = d - dt.timedelta(days=d.weekday())
            return start, start + dt.timedelta(days=6)
        if p == "month":
            return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])
        if p in ("quarter", "half"):
            n = 3 if p == "quarter" else 6
            first = (d.month - 1) // n * n + 1
            return dt.date(d.year, first, 1), month_end(d.year, first + n - 1)
        if p == "season":
            first = SEASON_START[self.season or season_of(d.month)]
            start = dt.date(d.year, first, 1)
            last = first + 2
            return start, month_end(d.year + (last - 1) // 12, (last - 1) % 12 + 1)
        if p == "year":
            return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
        if p == "decade":
            y = d.year // 10 * 10
            return dt.date(max(y, 1), 1, 1), dt.date(y + 9, 12, 31)
        y = d.year // 100 * 100
        return dt.date(max(y, 1), 1, 1), dt.date(y + 99, 12, 31)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def season_of(month: int) -> str:
    return {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU",
            8: "SU"}.get(month, "FA")


def coarser(a: str, b: str) -> str:
    return a if PRECISIONS.index(a) >= PRECISIONS.index(b) else b


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def shift(d: dt.date, n: int, unit: str) -> dt.date:
    """`d` moved by `n` units (day, week, month, quarter, season, year, decade, century)."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "half": 6, "season": 3, "year": 12, "decade": 120,
              "century": 1200}.get(unit)
    if months is None:
        raise ValueError(f"expected a calendar unit, found {unit!r}")
    try:
        return add_months(d, n * months)
    except ValueError:  # out of the calendar's range
        return d


def nearest_year(month: int, day: int | None, dct: dt.date, mode: str) -> int:
    """The year that puts month (and day) nearest `dct`, leaning to the past or the future.

    A future cue (will, scheduled) pushes past dates FUTURE_WEIGHT times as far,
    but not out: the cue may belong to another verb ("On April 8, investigators,
    wondering how he would be seen, searched ...", published in May). A past cue
    is weaker evidence ("declared a dividend payable Dec. 15"): a future date then
    counts TENSE_WEIGHT times as far.

    >>> nearest_year(12, 20, dt.date(2025, 2, 1), "past")
    2024
    >>> nearest_year(2, 14, dt.date(2025, 5, 1), "future")
    2026
    >>> nearest_year(4, 8, dt.date(2025, 5, 5), "future")  # 4 weeks back beats 11 months ahead
    2025
    >>> nearest_year(6, 15, dt.date(2025, 5, 1), "past")  # six weeks ahead beats 10 months back
    2025
    """
    cands = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            start = dt.date(y, month, day or 1)
            end = dt.date(y, month, day) if day else month_end(y, month)
        except ValueError:
            continue
        if start <= dct <= end:
            gap = 0.0
        elif end < dct:
            gap = float((dct - end).days)
            if mode == "future":  # "will", "scheduled": a past date only if far nearer
                gap *= FUTURE_WEIGHT
        else:
            if mode == "strict_past":  # "last May"
                continue
            gap = (start - dct).days * (TENSE_WEIGHT if mode == "past" else 1.0)
        cands.append((gap, y))
    return min(cands)[1] if cands else dct.year


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def holiday(rule: str, year: int) -> dt.date:
    """The day a holiday rule of `data/timex/holidays.tsv` gives in `year`."""
    if rule.startswith("easter:"):
        return easter(year) + dt.timedelta(days=int(rule.split(":")[1]))
    if rule.startswith("nth:"):
        _, month, n, rest = rule.split(":")
        wd, _, plus = rest.partition("+")
        m, nth, weekday = int(month), int(n), int(wd)
        if nth > 0:
            first = dt.date(year, m, 1)
            d = first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
        else:
            last = month_end(year, m)
            d = last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)
        return d + dt.timedelta(days=int(plus or 0))
    month_s, day_s = rule.split("-")
    return dt.date(year, int(month_s), int(day_s))


_VALUE = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d)(?:T.*)?)?|W(?P<w>\d\d)(?:-WE)?"
    r"|Q(?P<q>[1-4])|H(?P<h>[12])|(?P<s>SP|SU|FA|WI)))?$"
    r"|^(?P<dec>\d{3})X?$|^(?P<cen>\d{2})$")


def point_of(value: str) -> Point | None:
    """The point a TimeML DATE/TIME value denotes, None for X values and *_REF.

    >>> point_of("1998-W47").bounds()
    (datetime.date(1998, 11, 16), datetime.date(1998, 11, 22))
    """
    m = _VALUE.match(value)
    if m is None:
        return None
    try:
        if m["dec"]:
            return Point(dt.date(max(int(m["dec"]) * 10, 1), 1, 1), "decade")
        if m["cen"]:
            return Point(dt.date(max(int(m["cen"]) * 100, 1), 1, 1), "century")
        y = int(m["y"])
        if m["d"]:
            return Point(dt.date(y, int(m["m"]), int(m["d"])), "day")
        if m["m"]:
            return Point(dt.date(y, int(m["m"]), 1), "month")
        if m["w"]:
            return Point(dt.date.fromisocalendar(y, int(m["w"]), 1), "week")
        if m["q"]:
            return Point(dt.date(y, 3 * int(m["q"]) - 2, 1), "quarter")
        if m["h"]:
            return Point(dt.date(y, 6 * int(m["h"]) - 5, 1), "half")
        if m["s"]:
            return Point(dt.date(y, SEASON_START[m["s"]], 1), "season", m["s"])
        return Point(dt.date(y, 1, 1), "year")
    except ValueError:
        return None


def narrow(lo: dt.date, hi: dt.date, mod: str | None) -> tuple[dt.date, dt.date]:
    """Bounds cut to the part a mod names: START the first third, END the last, MID the middle."""
    span = (hi - lo).days + 1
    third = dt.timedelta(days=max(span // 3, 1) - 1)
    if mod == "START":
        return lo, min(lo + third, hi)
    if mod == "END":
        return max(hi - third, lo), hi
    if mod == "MID":
        start = lo + dt.timedelta(days=span // 3)
        return start, min(start + third, hi)
    return lo, hi
