"""Reported statements and the harder forms of direct quotes, on invented sentences."""

import datetime as dt
from typing import Any

import pytest

from storytrace import clean, entities
from storytrace import nlp as st_nlp
from storytrace.models import Article
from storytrace.quotes import ArticleQuotes, LocalQuote, find

PARAS = [
    "Harbour Council Votes On Ferry Plan.",
    "Mayor Tomas Brekke said that the ferry plan would cut fares by a third.",
    "The council will vote again in May, according to the harbour office.",
    "Brekke called the opposition's figures \u201cpure fantasy\u201d and urged residents "
    "to read the full report.",
    "\u201cThe crossing is the town's lifeline,\u201d Brekke said, \u201cand it has to run "
    "every hour.\u201d",
    "Lenox Shipping was losing money, Brekke said, until the council stepped in.",
    "Councillor Ada Voss, who chairs the finance committee, continued:",
    "\u201cWe cannot sign a contract we have not read.\u201d",
    "We asked riders what they want from the new service.",
    "\u201cFares must come down for families, or the island will empty out within a "
    "decade.\u201d \u2015 Ingrid Solberg\n"
    "\u201cThe timetable is a mess on weekends, and nobody answers the phone at the "
    "terminal.\u201d \u2015 Per Lunde",
    "The so-called \u201cferry tax\u201d appeared on bills in March.",
]


@pytest.fixture(scope="module")
def found(nlp: Any) -> tuple[ArticleQuotes, dict[int, str]]:
    art = Article.build(source="harbour.txt", published=dt.date(2025, 4, 2),
                        paragraphs=[(2 * i + 1, t) for i, t in enumerate(PARAS)])
    parsed = next(iter(st_nlp.parse([clean.clean(art)])))
    aq = find(parsed, entities.extract(parsed))
    return aq, {p.index: p.text for p in parsed.article.paragraphs}


def _one(items: list[LocalQuote], words: str) -> LocalQuote:
    hits = [q for q in items if words in q.text]
    assert len(hits) == 1, [q.text for q in items]
    return hits[0]


def _span(texts: dict[int, str], span: list[Any] | None) -> str:
    assert span is not None
    return texts[span[0]][span[1]:span[2]]


def test_said_that_is_a_report_with_speaker_and_cue(found: Any) -> None:
    aq, texts = found
    r = _one(aq.reports, "cut fares")
    assert r.text == "that the ferry plan would cut fares by a third"
    assert r.speaker is not None and "Brekke" in r.speaker[3]
    assert _span(texts, r.cue_span) == "said"
    assert not [q for q in aq.quotes if "cut fares" in q.text]  # not a direct quote


def test_according_to_is_a_two_word_cue(found: Any) -> None:
    aq, texts = found
    r = _one(aq.reports, "vote again")
    assert _span(texts, r.cue_span) == "according to"
    assert r.speaker is not None and "harbour office" in r.speaker[3]
    assert r.text.startswith("The council will vote again in May")


def test_quoted_words_inside_a_report_belong_to_it(found: Any) -> None:
    aq, _ = found
    q = _one(aq.quotes, "pure fantasy")
    assert q.partial and q.within >= 0
    assert "pure fantasy" in aq.reports[q.within].text
    assert "figures" in aq.reports[q.within].text


def test_split_quote_with_a_lower_case_second_part_is_one_quote(found: Any) -> None:
    aq, _ = found
    q = _one(aq.quotes, "lifeline")
    assert "every hour" in q.text and not q.partial
    assert q.speaker is not None and q.speaker[3] == "Brekke"


def test_cue_set_off_by_commas_reports_both_sides(found: Any) -> None:
    aq, texts = found
    r = _one(aq.reports, "losing money")
    assert r.parts is not None and len(r.parts) == 2
    para = texts[r.para]
    assert [para[s:e] for s, e in r.parts] == ["Lenox Shipping was losing money",
                                               "until the council stepped in"]


def test_colon_at_paragraph_end_introduces_the_next_quote(found: Any) -> None:
    aq, texts = found
    q = _one(aq.quotes, "cannot sign a contract")
    assert q.speaker is not None and "Ada Voss" in q.speaker[3]
    assert _span(texts, q.cue_span) == "continued:"


def test_dash_names_the_speaker_of_each_line(found: Any) -> None:
    aq, texts = found
    assert _one(aq.quotes, "Fares must come down").speaker[3] == "Ingrid Solberg"  # type: ignore[index]
    q = _one(aq.quotes, "timetable is a mess")
    assert q.speaker is not None and q.speaker[3] == "Per Lunde"
    assert _span(texts, q.cue_span) == "\u2015"


def test_scare_quotes_are_not_quotes(found: Any) -> None:
    aq, _ = found
    assert not [q for q in aq.quotes if "ferry tax" in q.text]


def test_reports_round_trip_through_the_stage_result(found: Any) -> None:
    aq, _ = found
    again = ArticleQuotes.from_dict(aq.to_dict())
    assert again.reports == aq.reports and again.quotes == aq.quotes
    assert ArticleQuotes.from_dict({"quotes": [], "venues": []}).reports == []


def test_a_headline_label_starting_with_an_article_names_no_speaker() -> None:
    from types import SimpleNamespace

    from storytrace.quotes.report import headline

    def para(text: str) -> SimpleNamespace:
        return SimpleNamespace(index=0, kind="headline", text=text)

    assert headline([para("The Latest: Ferry fares will rise in June")]) == []
    (q,) = headline([para("Brekke: Ferry fares will rise in June")])
    assert q.text == "Ferry fares will rise in June" and q.speaker is not None
