"""The JSON export, schema 1 of docs/EXPORT.md: a public interface, keys only ever added."""

from __future__ import annotations

from typing import Any

from storytrace.models import Article
from storytrace.store import Store

SCHEMA = 1


def article_record(a: Article) -> dict[str, Any]:
    paragraphs = []
    for p in a.paragraphs:
        rec: dict[str, Any] = {"line": p.line, "kind": p.kind, "text": p.text}
        if p.is_body:
            # Filled by the reuse stage; present so readers see a stable shape.
            rec["novelty"] = None
            rec["reused_from"] = []
        if p.meta:
            rec["meta"] = dict(p.meta)
        paragraphs.append(rec)
    return {
        "id": a.id,
        "source": a.source,
        "published": a.published.isoformat() if a.published else None,
        "outlet": a.outlet,
        "title": a.title,
        "url": a.url,
        "contributors": list(a.contributors),
        "format": a.format,
        "paragraphs": paragraphs,
    }


def export(store: Store) -> dict[str, Any]:
    """Everything in the store as one JSON-ready object; every top-level key present."""
    return {
        "schema": SCHEMA,
        "articles": [article_record(a) for a in store.articles()],
        "entities": [],
        "quotes": [],
        "events": [],
        "claims": [],
        "reuse": [],
    }
