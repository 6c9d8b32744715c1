import datetime as dt
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.ingest import read_inputs
from storytrace.ingest.text import parse_text, split_paragraphs
from storytrace.models import Article


def test_seed_format_date_and_first_line() -> None:
    text = " date 2025-03-04 The ferry board met on Monday.\n\nIt voted to wait.\n"
    a = parse_text(text, "a.txt")
    assert a.published == dt.date(2025, 3, 4)
    assert a.format == "seed"
    assert [(p.line, p.text) for p in a.paragraphs] == [
        (1, "The ferry board met on Monday."), (3, "It voted to wait.")]


def test_physical_lines_count_blank_lines_and_crlf() -> None:
    text = " date 2025-03-04 One.\r\n\r\n\r\nTwo.\r\n\r\nThree\r\ncontinued.\r\n"
    a = parse_text(text, "a.txt")
    assert [(p.line, p.text) for p in a.paragraphs] == [
        (1, "One."), (4, "Two."), (6, "Three continued.")]


def test_plain_text_needs_a_date() -> None:
    with pytest.raises(InputError, match=r"a.txt: no date line .* no --date"):
        parse_text("Just a story.\n\nWith two paragraphs.", "a.txt")
    a = parse_text("Just a story.\n\nWith two paragraphs.", "a.txt",
                   default_date=dt.date(2025, 1, 9))
    assert a.published == dt.date(2025, 1, 9) and a.format == "text"


def test_bad_date_is_named() -> None:
    with pytest.raises(InputError, match=r"a.txt: date '2025-13-45' does not parse"):
        parse_text(" date 2025-13-45 Text.", "a.txt")


def test_one_paragraph_per_line_without_blank_lines() -> None:
    assert split_paragraphs(["First.", "Second.", "Third."]) == [
        (1, "First."), (2, "Second."), (3, "Third.")]


def test_content_id_ignores_whitespace_and_file_name() -> None:
    a = parse_text(" date 2025-03-04 One  two.\n\nThree.", "a.txt")
    b = parse_text(" date 2025-03-04 One two.\n\n\nThree.\n", "b.txt")
    c = parse_text(" date 2025-03-05 One two.\n\nThree.", "a.txt")
    assert a.id == b.id != c.id


def _all(paths: list[Path], **kw: object) -> list[object]:
    return list(read_inputs(paths, **kw))  # type: ignore[arg-type]


def test_directory_glob_and_missing(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.txt").write_text(" date 2025-01-01 A.")
    (tmp_path / "d" / "sub" / "b.txt").write_text(" date 2025-01-02 B.")
    (tmp_path / "d" / ".hidden.txt").write_text(" date 2025-01-03 C.")
    (tmp_path / "d" / "notes.md").write_text("not an article")
    got = _all([tmp_path / "d"])
    assert [a.source for a in got if isinstance(a, Article)] == ["a.txt", "b.txt"]
    got = _all([str(tmp_path / "d" / "**" / "*.txt")])
    assert sorted(a.source for a in got if isinstance(a, Article)) == ["a.txt", "b.txt"]
    (err,) = _all([tmp_path / "nope.txt"])
    assert str(err) == f"{tmp_path / 'nope.txt'}: no such file or directory"
    (err,) = _all([str(tmp_path / "*.none")])
    assert "no file matches" in str(err)


def test_directory_with_no_articles(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "image.png").write_bytes(b"\x89PNG\r\n")
    (err,) = _all([tmp_path / "empty"])
    assert isinstance(err, InputError) and "directory with no article files" in str(err)
