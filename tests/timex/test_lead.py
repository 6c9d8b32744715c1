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
