import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace.models import Article
from storytrace.quotes import quote_spans, same_words
from tests.conftest import SAMPLE

ONE = [
    "Mara Quill, the editor of the Bay Post, spoke to Harbour Radio on Monday.",
    "\u201cWe will not stop asking questions,\u201d Quill said. \u201cThe harbour belongs to "
    "everyone.\u201d",
    "\u201cIt is a matter of trust.\u201d",
    "Mayor Tomas Brekke replied: \u201cThe plan is sound and the [harbour] board agrees.\u201d",
    "Brekke called the criticism \u201cunfair\u201d and \u201cbadly timed\u201d.",
    "The film \u201cSalt Harbour\u201d opens next month.",
    "A source told the Bay Post that the vote would be delayed.",
    "We are not ready,\u201d the source said.",
    "During a 2021 interview, she said: \u201cI have always loved this town.\u201d",
]
TWO = [
    "Quill went on the radio again this week.",
    "\u201cWe will not stop asking questions,\u201d she told Harbour Radio, adding that the "
    "harbour \u201cbelongs to everyone\u201d.",
]


@pytest.fixture(scope="module")
def quotes(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> list[dict[str, Any]]:
    arts = [Article.build(source=name, published=day,
                          paragraphs=[(2 * i + 1, t) for i, t in enumerate(texts)])
            for name, day, texts in (("one.txt", dt.date(2025, 3, 3), ONE),
                                     ("two.txt", dt.date(2025, 3, 9), TWO))]
    st = storytrace.open(tmp_path_factory.mktemp("q") / "s.db")
    st.ingest(arts)
    rows = st.quotes()
    st.close()
    return rows


def _find(rows: list[dict[str, Any]], words: str, source: str = "one.txt") -> dict[str, Any]:
    (q,) = [r for r in rows if words in r["text"] and r["source"] == source]
    return q


def test_split_quote_is_one_report_with_its_speaker(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "stop asking questions")
    assert "belongs to everyone" in q["text"]
    assert q["speaker"] == "Mara Quill" and not q["partial"]
    assert q["via"] == "Harbour Radio"  # named in the paragraph before, not in the quote's


def test_continuation_paragraph_keeps_the_speaker(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "a matter of trust")
    assert q["speaker"] == "Mara Quill"
    assert q["origin"] == _find(quotes, "stop asking questions")["origin"]


def test_colon_cue_brackets_and_titles(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "plan is sound")
    assert q["speaker"] == "Tomas Brekke" and "[harbour]" in q["text"]
    assert not [r for r in quotes if r["text"].startswith("Salt Harbour")]


def test_partial_quotes(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "unfair")
    assert q["partial"] and q["speaker"] == "Tomas Brekke" and "badly timed" in q["text"]


def test_anonymous_source_with_a_missing_opening_mark(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "We are not ready")
    assert q["anonymous"] and q["speaker"] is None and q["via"] == "Bay Post"


def test_pronoun_speaker_and_year_said(quotes: list[dict[str, Any]]) -> None:
    q = _find(quotes, "always loved this town")
    assert q["speaker"] == "Mara Quill" and q["said"] == "2021"


def test_reports_of_the_same_words_share_an_origin(quotes: list[dict[str, Any]]) -> None:
    later = _find(quotes, "stop asking questions", "two.txt")
    first = _find(quotes, "stop asking questions")
    assert later["origin"] == first["origin"] and later["speaker"] == "Mara Quill"
    assert _find(quotes, "belongs to everyone", "two.txt")["partial"]


def test_quote_spans() -> None:
    assert quote_spans('He said, "Yes." Then: "No') == [(10, 14, True, True),
                                                         (23, 25, True, False)]
    text = 'on " Good Morning America ," she said'
    assert [text[s:e] for s, e, _, _ in quote_spans(text)] == [" Good Morning America ,"]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("I love that franchise and what those guys do.", "I love that franchise", True),
    ("unbelievable", "has been unbelievable for me", True),
    ("We will fight the sale in court.", "The ferry is a lifeline for islanders.", False),
])
def test_same_words(a: str, b: str, same: bool) -> None:
    assert same_words(a, b) is same


def test_sample_corpus_quotes(tmp_path: Path, nlp: Any) -> None:
    """Our own corpus: quotes in every form, checked against its gold annotations."""
    yaml = pytest.importorskip("yaml")
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text(encoding="utf-8"))
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([SAMPLE])
        rows = st.quotes()
    found = total = right_speaker = 0
    for source, gqs in gold["quotes"].items():
        mine = [r for r in rows if r["source"] == source]
        for g in gqs:
            total += 1
            hits = [r for r in mine if g["key"] in r["text"].lower().replace("\u2019", "'")]
            found += bool(hits)
            want = None if g.get("anonymous") else g["speaker"]
            right_speaker += any(r["speaker"] == want for r in hits)
    assert found / total >= 0.95
    assert right_speaker / total >= 0.85
