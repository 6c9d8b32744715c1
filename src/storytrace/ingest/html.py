"""HTML pages: main text and metadata through trafilatura (no home-made boilerplate removal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.dates import parse_published
from storytrace.ingest.text import split_paragraphs
from storytrace.models import Article, Paragraph

# Below this many words, what trafilatura recovers is navigation or a
# cookie notice, not an article.
MIN_ARTICLE_WORDS = 10
HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<div")


def is_html(head: str) -> bool:
    low = head[:2048].lower()
    return any(m in low for m in HTML_MARKERS)


def _paragraphs(doc: Any) -> list[Paragraph]:
    """Paragraphs from trafilatura's XML body, keeping its heading marks as hints."""
    paras: list[Paragraph] = []
    body = getattr(doc, "body", None)
    if body is not None:
        for el in body:
            text = " ".join("".join(el.itertext()).split())
            if not text:
                continue
            hint = {"html_tag": "head"} if el.tag == "head" else {}
            paras.append(Paragraph(index=len(paras), line=len(paras) + 1, text=text, meta=hint))
    if not paras and getattr(doc, "text", None):
        for _, text in split_paragraphs(str(doc.text).split("\n")):
            paras.append(Paragraph(index=len(paras), line=len(paras) + 1, text=text))
    return paras


def parse_html(
    html: str,
    source: str,
    *,
    url: str | None = None,
    default_date: dt.date | None = None,
    default_outlet: str | None = None,
    **fields: Any,
) -> Article:
    """One article from an HTML page; explicit `fields` win over the page's metadata."""
    where = str(fields.get("path") or source)  # errors name the file as the user gave it
    import trafilatura  # slow to import; only HTML inputs need it

    doc: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    paras = _paragraphs(doc) if doc is not None else []
    if sum(len(p.text.split()) for p in paras) < MIN_ARTICLE_WORDS:
        raise InputError(where, "HTML with no article text")
    published = fields.pop("published", None)
    if published is None and getattr(doc, "date", None):
        try:
            published = parse_published(doc.date)
        except ValueError:
            published = None
    published = published or default_date
    if published is None:
        raise InputError(where, "no publication date in the page and no --date given")
    authors = fields.pop("contributors", None) or tuple(
        a.strip() for a in (getattr(doc, "author", None) or "").split(";") if a.strip()
    )
    title = fields.pop("title", None) or getattr(doc, "title", None)
    outlet = fields.pop("outlet", None) or getattr(doc, "sitename", None) or default_outlet
    return Article.build(
        source=source,
        published=published,
        paragraphs=paras,
        title=title,
        outlet=outlet,
        url=url,
        contributors=tuple(authors),
        format="html",
        **fields,
    )
