"""The export's per-story `timeline` (issue 11) on the sample corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace import digest
from tests.conftest import SAMPLE

STORY_KEYS = {"id", "size", "first", "last", "entities"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    db = tmp_path_factory.mktemp("export") / "sample.db"
    with storytrace.open(db) as st:
        st.ingest([SAMPLE])
        return st.export(), db


def _paragraphs(doc: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {(a["source"], p["line"]): " ".join(p["text"].split())
            for a in doc["articles"] for p in a["paragraphs"]}


def test_every_story_has_a_timeline_sorted_by_date(
        exported: tuple[dict[str, Any], Path]) -> None:
    doc, _db = exported
    assert doc["stories"], "the sample corpus should make at least one story"
    for s in doc["stories"]:
        assert set(s) >= STORY_KEYS, "the existing story keys stay"
        tl = s["timeline"]
        assert tl, f"story {s['id']} of {s['size']} articles has no timeline"
        assert len(tl) <= digest.timeline_size(s["size"])
        dates = [d["date"] for d in tl]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        for d in tl:
            assert {"date", "score", "articles", "outlets", "sentences"} <= set(d)


def test_every_sentence_is_in_its_source_paragraph(
        exported: tuple[dict[str, Any], Path]) -> None:
    doc, _db = exported
    paras = _paragraphs(doc)
    n = 0
    for s in doc["stories"]:
        for d in s["timeline"]:
            for sent in d["sentences"]:
                text = paras.get((sent["source"], sent["line"]))
                assert text is not None, f"{sent['source']}:{sent['line']} is no paragraph"
                assert " ".join(sent["text"].split()) in text
                n += 1
    assert n > 0


def test_timeline_is_the_cli_selection(exported: tuple[dict[str, Any], Path]) -> None:
    # `storytrace timeline --story ID --top N` calls Corpus.digest with that N.
    doc, db = exported
    with storytrace.open(db) as st:
        for s in doc["stories"]:
            top = digest.timeline_size(s["size"])
            assert st.digest(top=top, story=s["id"]) == s["timeline"]


def test_timeline_size_grows_with_the_story_within_bounds() -> None:
    sizes = [digest.timeline_size(n) for n in (0, 1, 5, 20, 100, 400, 10_000)]
    assert sizes == sorted(sizes)
    assert sizes[0] == digest.TIMELINE_MIN and sizes[-1] == digest.TIMELINE_MAX


def test_report_shows_the_same_selection(exported: tuple[dict[str, Any], Path]) -> None:
    from storytrace.web.report import timeline_html

    doc, _db = exported
    story = doc["stories"][0]
    html = timeline_html(doc["events"], key_dates=story["timeline"])
    md = digest.markdown(story["timeline"])
    assert "Key dates" in html
    for d in story["timeline"]:
        assert d["date"] in html and f"## {d['date']}" in md
        for s in d["sentences"]:
            assert f"[{s['source']}:{s['line']}]" in html
            assert f"- {s['text']} [{s['source']}:{s['line']}]" in md
    # Without key dates the page is the plain timeline.
    assert "Key dates" not in timeline_html(doc["events"])
