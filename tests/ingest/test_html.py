import datetime as dt
from pathlib import Path

from storytrace.errors import InputError
from storytrace.ingest import read_inputs
from storytrace.models import Article

PARA = ("The harbour board voted late on Tuesday to keep the island ferry running "
        "through the winter, after a long meeting in the old customs hall.")

PAGE = f"""<!DOCTYPE html><html><head><title>Ferry saved | Bay Post</title>
<meta property="og:site_name" content="Bay Post">
<meta name="author" content="Mara Quill">
<meta property="article:published_time" content="2025-03-04T10:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Ferry saved for the winter</h1><p>{PARA}</p>
<h2>What the board said</h2>
<p>&ldquo;We listened,&rdquo; said the chair, who spoke to reporters for twenty minutes.</p>
</article><footer>Copyright Bay Post. All rights reserved.</footer></body></html>"""


def _read(path: Path, **kw: object) -> list[object]:
    return list(read_inputs([path], **kw))  # type: ignore[arg-type]


def test_html_page_text_and_metadata(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text(PAGE)
    (a,) = _read(p)
    assert isinstance(a, Article)
    assert a.format == "html" and a.source == "page.html"
    assert a.published == dt.date(2025, 3, 4)
    assert a.outlet == "Bay Post" and a.contributors == ("Mara Quill",)
    texts = [p.text for p in a.paragraphs]
    assert PARA in texts and not any("All rights reserved" in t for t in texts)
    assert any(t.startswith("\u201cWe listened") for t in texts)


def test_html_detected_by_content_not_extension(tmp_path: Path) -> None:
    p = tmp_path / "download.bin"
    p.write_text(PAGE)
    (a,) = _read(p)
    assert isinstance(a, Article) and a.format == "html"


def test_html_without_text(tmp_path: Path) -> None:
    p = tmp_path / "blank.html"
    p.write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    (err,) = _read(p)
    assert isinstance(err, InputError) and str(err) == f"{p}: HTML with no article text"


def test_html_without_date_needs_default(tmp_path: Path) -> None:
    p = tmp_path / "nodate.html"
    p.write_text(f"<html><body><article><p>{PARA}</p><p>{PARA} Again.</p></article></body></html>")
    (err,) = _read(p)
    assert isinstance(err, InputError) and "no publication date" in str(err)
    (a,) = _read(p, default_date=dt.date(2025, 1, 2))
    assert isinstance(a, Article) and a.published == dt.date(2025, 1, 2)
