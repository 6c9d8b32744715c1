"""Who a quotation is by, and the cue and content spans of reported statements, on
invented sentences: the forms PolNeAR's error analysis turned up."""

import datetime as dt
from typing import Any

import pytest

from storytrace import clean, entities
from storytrace import nlp as st_nlp
from storytrace.models import Article
from storytrace.quotes import ArticleQuotes, LocalQuote, find

PARAS = [
    "Brekke: Ferry Fares Must Fall Before The Winter.",
    "\u201cWho pays for the empty boats?\u201d Voss asked. \u201cNot the council.\u201d",
    "According to Brekke, \u201cthe timetable will change in June.\u201d",
    "Said Solberg: \u201cThe island cannot wait another year.\u201d",
    "The union statement also named the fare it said riders would pay next year: "
    "\u201cNo family can afford twelve crowns a crossing,\u201d the union wrote.",
    "\u201cWe will not stop,\u201d Tomas Brekke said.",
    "The vote may wait until May, Ada Voss said. \u201cThe other question is who runs "
    "the terminal.\u201d",
    "Ingrid Solberg, who chairs the riders' group, took the stage on Monday. "
    "\u201cWe are tired of waiting.\u201d",
    "\u201cThis is a big year for the harbour!\u201d Per Lunde, the ferry's captain, "
    "shouted to the crowd. \u201cThe whole town is watching.\u201d",
    "Brekke argued that Voss \u201chad ignored the riders for a decade.\u201d",
    "Voss said Friday that the council would meet again.",
    "The riders' group continued to call for a public inquiry.",
    "The harbour office said the ferry lost money, and the council paid the bill.",
    "Voss went on to say that the ferry would run all winter.",
]


@pytest.fixture(scope="module")
def found(nlp: Any) -> tuple[ArticleQuotes, dict[int, str]]:
    art = Article.build(source="fares.txt", published=dt.date(2025, 9, 1),
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


def _speaker(q: LocalQuote) -> str:
    assert q.speaker is not None, q
    return str(q.speaker[3])


def test_question_with_its_cue_in_the_next_sentence(found: Any) -> None:
    aq, texts = found
    q = _one(aq.quotes, "empty boats")
    assert _speaker(q) == "Voss" and _span(texts, q.cue_span) == "asked"
    assert "Not the council" in q.text  # the part after the cue is the same quotation


def test_according_to_names_the_speaker(found: Any) -> None:
    aq, _ = found
    assert _speaker(_one(aq.quotes, "timetable will change")) == "Brekke"


def test_inverted_cue_without_a_parsed_subject(found: Any) -> None:
    aq, texts = found
    q = _one(aq.quotes, "cannot wait another year")
    assert _speaker(q) == "Solberg" and _span(texts, q.cue_span) == "Said"


def test_cue_right_after_the_quotation_beats_one_far_before_it(found: Any) -> None:
    aq, texts = found
    q = _one(aq.quotes, "twelve crowns")
    assert _speaker(q) == "the union" and _span(texts, q.cue_span) == "wrote"


def test_quote_after_a_sentence_that_says_who_spoke(found: Any) -> None:
    aq, _ = found
    assert _speaker(_one(aq.quotes, "who runs the terminal")) == "Ada Voss"


def test_new_named_subject_is_not_the_previous_speaker(found: Any) -> None:
    aq, _ = found
    assert "Ingrid Solberg" in _speaker(_one(aq.quotes, "tired of waiting"))


def test_exclamation_cue_between_two_parts(found: Any) -> None:
    aq, _ = found
    q = _one(aq.quotes, "big year for the harbour")
    assert "whole town is watching" in q.text and "Lunde" in _speaker(q)


def test_clause_with_words_before_its_quotation_is_a_report(found: Any) -> None:
    aq, _ = found
    r = _one(aq.reports, "ignored the riders")
    assert r.text.startswith("that Voss") and "Brekke" in _speaker(r)
    assert aq.reports[_one(aq.quotes, "ignored the riders").within] is r


def test_headline_speaker_before_a_colon(found: Any) -> None:
    aq, texts = found
    r = _one(aq.reports, "Ferry Fares Must Fall")
    assert _speaker(r) == "Brekke" and _span(texts, r.cue_span) == ":"
    assert r.text == "Ferry Fares Must Fall Before The Winter"


def test_cue_runs_on_to_its_content(found: Any) -> None:
    aq, texts = found
    r = _one(aq.reports, "meet again")
    assert _span(texts, r.cue_span) == "said Friday" and r.text.startswith("that the council")
    r = _one(aq.reports, "public inquiry")
    assert _span(texts, r.cue_span) == "continued to call for"
    assert r.text == "a public inquiry"
    r = _one(aq.reports, "run all winter")
    assert _span(texts, r.cue_span) == "went on to say" and r.text.startswith("that the ferry")


def test_leading_conjunction_is_not_content(found: Any) -> None:
    aq, _ = found
    assert all(not r.text.startswith(("and ", "but ")) for r in aq.reports)


def _found(paras: list[str]) -> tuple[ArticleQuotes, dict[int, str]]:
    art = Article.build(source="more.txt", published=dt.date(2025, 9, 1),
                        paragraphs=[(2 * i + 1, t) for i, t in enumerate(paras)])
    parsed = next(iter(st_nlp.parse([clean.clean(art)])))
    return find(parsed, entities.extract(parsed)), {p.index: p.text for p in
                                                    parsed.article.paragraphs}


def test_name_set_off_before_a_description_is_the_speaker(nlp: Any) -> None:
    aq, _ = _found(["In a 2021 interview with the Greyholm Island Courier, Marchetti, then a "
                    "candidate, said: \u201cThe ferry will never be for sale.\u201d"])
    assert _speaker(_one(aq.quotes, "never be for sale")) == "Marchetti"


def test_a_name_that_is_part_of_a_longer_one_is_no_venue(nlp: Any) -> None:
    aq, _ = _found(["Officials held talks about selling the Greyholm ferry line.",
                    "They discussed the landing at Lantern Cove on Greyholm Island.",
                    "\u201cWe brought lawyers,\u201d a source said.",
                    "In a 2021 interview with the Greyholm Island Courier, the mayor said "
                    "it was fine."])
    # "Greyholm" is read as the Courier's short name; "on Greyholm Island" names no venue
    assert [v[0] for v in aq.venues] == [3]
