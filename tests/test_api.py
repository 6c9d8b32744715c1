"""The library API: what a notebook user types."""

import datetime as dt
import types
from pathlib import Path

import storytrace
from tests.conftest import SAMPLE


def test_public_names_are_curated() -> None:
    # dir(), not vars(): the corpus layer's names are imported on first use
    public = {n for n in dir(storytrace)
              if not n.startswith("_") and not isinstance(getattr(storytrace, n), types.ModuleType)}
    assert public == set(storytrace.__all__) - {"__version__"}
    assert all(hasattr(storytrace, n) for n in storytrace.__all__)


def test_three_lines_from_a_notebook(tmp_path: Path) -> None:
    st = storytrace.open(tmp_path / "story.db")
    report = st.ingest([SAMPLE], parse=False)
    assert len(report.added) == 10 and not report.errors
    arts = list(st.articles())
    assert [a.published for a in arts] == sorted(a.published for a in arts)
    body = list(st.paragraphs())
    assert body and all(p.kind == "body" for _, p in body)
    assert st.export()["articles"][0]["source"] == arts[0].source
    st.close()


def test_ingest_article_objects_and_since(tmp_path: Path) -> None:
    a = storytrace.Article.build(source="mine", published=dt.date(2025, 6, 1),
                                 paragraphs=[(1, "A new pier opens.")])
    with storytrace.open(tmp_path / "s.db") as st:
        assert st.ingest([a], parse=False).added == [a.id]
        assert st.ingest([a], parse=False).unchanged == 1
        assert [x.source for x in st.articles(since="2025-05-01")] == ["mine"]
        assert list(st.articles(since=dt.date(2025, 7, 1))) == []
        assert st.find(a.id[:6])[0].source == "mine"
