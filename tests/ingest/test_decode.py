from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest import Notice, read_inputs
from storytrace.models import Article
from storytrace.settings import Settings


def _read(path: Path, **kw: object) -> list[object]:
    return list(read_inputs([path], **kw))  # type: ignore[arg-type]


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_text("  \n\n")
    (err,) = _read(p)
    assert isinstance(err, InputError) and str(err) == f"{p}: empty file"


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (err,) = _read(p)
    assert isinstance(err, InputError) and "binary file" in str(err)


def test_cp1252_file_is_read_and_noted(tmp_path: Path) -> None:
    p = tmp_path / "win.txt"
    text = " date 2025-02-01 The mayor said \u201cno\u201d to the caf\u00e9."
    p.write_bytes(text.encode("cp1252"))
    notice, article = _read(p)
    assert isinstance(notice, Notice) and "decoded as cp1252" in str(notice)
    assert isinstance(article, Article)
    assert article.paragraphs[0].text == "The mayor said \u201cno\u201d to the caf\u00e9."
    assert article.encoding == "cp1252"


def test_latin1_file_when_cp1252_fails(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252 but a (control) character in Latin-1.
    p = tmp_path / "latin.txt"
    p.write_bytes(" date 2025-02-01 Se\u00f1or ".encode("latin-1") + b"\x81 said yes.")
    notice, article = _read(p)
    assert "decoded as latin-1" in str(notice)
    assert isinstance(article, Article) and "Se\u00f1or" in article.paragraphs[0].text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf date 2025-02-01 Hello.")
    (article,) = _read(p)
    assert isinstance(article, Article) and article.paragraphs[0].text == "Hello."


def test_article_over_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_text(" date 2025-02-01 " + "word " * 400)
    (err,) = _read(p, settings=Settings(max_article_bytes=1000))
    assert isinstance(err, InputError) and "over the 1 KB limit" in str(err)
    (ok,) = _read(p, settings=Settings(max_article_bytes=10_000))
    assert isinstance(ok, Article)


def test_warc_without_pages_is_one_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "crawl.warc"
    p.write_text("WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n")
    (err,) = _read(p)
    assert "WARC archive" in str(err)
