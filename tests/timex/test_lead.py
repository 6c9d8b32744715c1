"""The lookahead put before each timex rule never changes what the rule matches."""

from __future__ import annotations

import importlib
import re

import pytest

from storytrace.timex._lead import lead

_rules = importlib.import_module("storytrace.timex._rules")

TEXTS = [
    "On Monday, March 3, 2025, the council met; two weeks earlier it had voted. "
    "In the 1990s and the early twenties, every Friday night, 9:30 p.m. EST today. "
    "The third quarter of fiscal 2024, year-ago period, nineteen eighty-four, for years.",
    "RIGHT NOW and at   present, the NEXT day; 12/31/99 and 2024-02-29 at noon on Christmas Eve.",
]


@pytest.mark.parametrize(("name", "pattern"), [(n, p) for n, p, _ in _rules.RULES])
def test_lead_keeps_every_match(name: str, pattern: str) -> None:
    plain = re.compile(pattern, re.I)
    led = re.compile(lead(pattern) + "(?:" + pattern + ")", re.I)
    assert lead(pattern), f"rule {name} got no lookahead"
    for text in TEXTS:
        assert [(m.span(), m.groups(), m.lastindex) for m in plain.finditer(text)] == \
            [(m.span(), m.groups(), m.lastindex) for m in led.finditer(text)]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"ab?c", "(?=[a][bc])"),
    (r"x*y", "(?=[xy])"),
    (r"(?<!\w)\d+st", r"(?=[\d][\ds])"),
    (r"[^a]bc", ""),
    (r"(?:)*z", ""),  # a repeat of nothing: no prefix rather than an endless one
])
def test_lead_of_small_patterns(pattern: str, expected: str) -> None:
    assert lead(pattern, 2) == expected


def test_phrases_grouped_by_letter_match_as_one_alternation(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    grouped, group_phrase = _rules._phrases_pattern()
    monkeypatch.setattr(_rules, "first_letters", lambda pattern: None)
    flat, flat_phrase = _rules._phrases_pattern()
    assert grouped != flat
    text = " ".join(ph.pattern.replace("(?:", "").replace(")", "").split("|")[0]
                    for ph in _rules.L.phrases) + " " + " ".join(TEXTS)
    a, b = re.compile(grouped, re.I), re.compile(flat, re.I)
    got = [(m.span(), group_phrase[m.lastindex or 0]) for m in a.finditer(text)]
    assert got == [(m.span(), flat_phrase[m.lastindex or 0]) for m in b.finditer(text)]
    assert len(got) > len(_rules.L.phrases) // 2


_timex = importlib.import_module("storytrace.timex")

ODD = [
    "Straße, MONDAY 3 DAYS AGO; İstanbul ıs THURSDAY, the 1990’s and '80s, 5 P.M. Fridays, "
    "Christmas Eve 1999 (ſeptember 3), every Tuesday night, two thousand and one.",
    "chocolate 1990, late-1990s, for years and years, in the morning, at noon today, "
    "the year-ago quarter, the 20th century, 4 weeks later, \"three months\" from now",
]


@pytest.mark.parametrize("text", TEXTS + ODD)
def test_matches_are_each_rules_finditer(text: str) -> None:
    """The one pass over word starts finds what scanning each rule over the text finds."""
    rules = _timex._rules()
    plain = sorted((i, m.span(), m.groups()) for i, (_, rx, _) in enumerate(rules)
                   for m in rx.finditer(text))
    assert plain
    assert sorted((i, m.span(), m.groups()) for i, m in _timex._matches(text)) == plain


def test_rules_that_may_start_inside_a_word_are_scanned_whole() -> None:
    """The year rule's "late 1990" may start inside "chocolate": it is not skipped."""
    st = _timex._starts()
    names = [n for n, _, _ in _rules.RULES]
    assert names.index("year") in st.others
    assert names.index("offset") not in st.others and names.index("offset") in st.cores
