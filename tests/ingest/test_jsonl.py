import datetime as dt
import json
import tracemalloc
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest import read_inputs
from storytrace.models import Article
from storytrace.settings import Settings


def _line(**rec: object) -> str:
    return json.dumps(rec) + "\n"


def _read(path: Path, **kw: object) -> list[object]:
    return list(read_inputs([path], **kw))  # type: ignore[arg-type]


def test_records_with_text_and_html(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text(
        _line(id="n1", published="2025-04-01T08:00:00Z", outlet="Harbour Ledger",
              title="Ferry vote", text="The vote was delayed.\n\nThe mayor spoke.")
        + _line(url="https://example.org/b", published="2025-04-02", outlet="Bay Post",
                html="<html><body><article><p>" + "The council met again on the ferry. " * 8
                + "</p></article></body></html>")
    )
    a, b = _read(p)
    assert isinstance(a, Article) and isinstance(b, Article)
    assert (a.source, a.published, a.outlet, a.title) == (
        "n1", dt.date(2025, 4, 1), "Harbour Ledger", "Ferry vote")
    assert [(x.line, x.text) for x in a.paragraphs] == [
        (1, "The vote was delayed."), (3, "The mayor spoke.")]
    assert b.source == "https://example.org/b" and b.format == "html"
    assert "council met again" in b.paragraphs[0].text


def test_malformed_line_does_not_stop_the_others(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    p.write_text(
        _line(id="ok1", published="2025-04-01", text="First.")
        + '{"id": "broken", "published": \n'
        + "[1, 2]\n"
        + _line(id="nodate", text="No date here.")
        + _line(id="notext", published="2025-04-01")
        + _line(id="ok2", published="2025-04-03", text="Second.")
    )
    got = _read(p)
    assert [a.source for a in got if isinstance(a, Article)] == ["ok1", "ok2"]
    errors = [str(e) for e in got if isinstance(e, InputError)]
    assert errors == [
        f"{p}:2: malformed JSON (Expecting value)",
        f"{p}:3: expected a JSON object, found list",
        f"{p}:4: no 'published' date and no --date given",
        f"{p}:5: no 'text' or 'html' field with article text",
    ]


def test_default_date_and_outlet_fill_gaps(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text(_line(id="x", text="Body."))
    (a,) = _read(p, default_date=dt.date(2025, 5, 5), default_outlet="Bay Post")
    assert isinstance(a, Article) and a.published == dt.date(2025, 5, 5)
    assert a.outlet == "Bay Post"


def test_unparseable_published(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text(_line(id="x", published="sometime soon", text="Body."))
    (err,) = _read(p)
    assert str(err) == f"{p}:1: date 'sometime soon' does not parse (expected YYYY-MM-DD)"


def test_overlong_line_is_skipped_unread(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl"
    p.write_text(
        _line(id="small", published="2025-04-01", text="Short.")
        + _line(id="huge", published="2025-04-01", text="x" * 50_000)
        + _line(id="after", published="2025-04-02", text="After.")
    )
    got = _read(p, settings=Settings(max_article_bytes=1_000))
    assert [a.source for a in got if isinstance(a, Article)] == ["small", "after"]
    (err,) = [e for e in got if isinstance(e, InputError)]
    assert str(err).startswith(f"{p}:2: line over the")


def test_single_pretty_printed_object_and_array(tmp_path: Path) -> None:
    p = tmp_path / "one.json"
    p.write_text(json.dumps({"id": "p1", "published": "2025-04-01", "text": "Hi."}, indent=2))
    (a,) = _read(p)
    assert isinstance(a, Article) and a.source == "p1"
    q = tmp_path / "many.json"
    q.write_text(json.dumps([{"id": "q1", "published": "2025-04-01", "text": "A."}, 3]))
    a1, e2 = _read(q)
    assert isinstance(a1, Article) and str(e2) == f"{q}[2]: expected a JSON object"


def test_large_file_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    """Reading a 6 MB file lazily must not hold it: peak stays far below its size."""
    p = tmp_path / "stream.jsonl"
    body = "The harbour board met again to discuss the ferry timetable. " * 40
    with p.open("w") as f:
        for i in range(2500):
            f.write(_line(id=f"n{i}", published="2025-04-01", text=body))
    size = p.stat().st_size
    assert size > 5_000_000
    tracemalloc.start()
    try:
        n = sum(1 for x in read_inputs([p]) if isinstance(x, Article))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 2500
    assert peak < size / 10
