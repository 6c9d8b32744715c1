"""Consistency of what the corpus says about its entities: ages across dates,
contradictory facts. Misspelt places are found while linking."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from storytrace.entities.link import Finding
from storytrace.models import ArticleRef, Entity, Fact


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_window(ages: list[tuple[dt.date, int]]) -> tuple[dt.date, dt.date] | None:
    """The birth dates that fit every (date, age) statement, or None if none does.

    >>> birth_window([(dt.date(2025, 5, 17), 62), (dt.date(2025, 7, 30), 63)])
    (datetime.date(1962, 5, 18), datetime.date(1962, 7, 30))
    """
    lo, hi = dt.date.min, dt.date.max
    for day, age in ages:
        # Aged `age` on `day`: born after day - (age+1) years, on or before day - age years.
        lo = max(lo, _years_before(day, age + 1) + dt.timedelta(days=1))
        hi = min(hi, _years_before(day, age))
    return (lo, hi) if lo <= hi else None


def _sources(facts: list[Fact], refs: dict[str, ArticleRef]) -> list[str]:
    return sorted({refs[f.article_id].source for f in facts if f.article_id in refs})


def check(entities: list[Entity], refs: dict[str, ArticleRef]) -> list[Finding]:
    """Ages that change across articles (consistent or not) and contradictory relations."""
    out = []
    for e in entities:
        ages = [f for f in e.facts if f.key == "age" and f.as_of is not None]
        values = {int(f.value) for f in ages}
        if len(values) > 1:
            pairs = sorted((f.as_of, int(f.value)) for f in ages if f.as_of)
            said = ", ".join(f"{a} on {d}" for d, a in sorted(set(pairs)))
            window = birth_window(pairs)
            if window is None:
                out.append(Finding("age", e.name, f"ages do not fit one birth date: {said}",
                                   _sources(ages, refs)))
            else:
                lo, hi = window
                span = (f"{lo:%B %-d}" if lo == hi else f"between {lo:%B %-d} and {hi:%B %-d}")
                out.append(Finding("age", e.name, f"ages {said} are consistent: "
                                   f"a birthday {span}", _sources(ages, refs), "info"))
        by_key: dict[str, list[Fact]] = defaultdict(list)
        for f in e.facts:
            if f.key == "director":
                by_key[f.key].append(f)
        for key, facts in by_key.items():
            values_s = sorted({str(f.value) for f in facts})
            if len(values_s) > 1:
                out.append(Finding(key, e.name, f"{key} given as " + " and ".join(values_s),
                                   _sources(facts, refs)))
    return out
