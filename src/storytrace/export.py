"""The JSON export, schema 1 of docs/EXPORT.md: a public interface, keys only ever added."""

from __future__ import annotations

from typing import Any

from storytrace.models import Article, Entity
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


def entity_record(e: Entity, where: dict[tuple[str, int], tuple[str, int]]) -> dict[str, Any]:
    """An entity with its facts grouped by key, each fact pointing to its source line."""
    attributes: dict[str, list[dict[str, Any]]] = {}
    for f in e.facts:
        source, line = where.get((f.article_id, f.para_index), (None, None))
        attributes.setdefault(f.key, []).append({
            "value": f.value, "as_of": f.as_of.isoformat() if f.as_of else None,
            "source": source, "line": line, "text": f.text})
    return {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
            "mentions": e.mention_count, "attributes": attributes}


def export(store: Store) -> dict[str, Any]:
    """Everything in the store as one JSON-ready object; every top-level key present."""
    articles = []
    where: dict[tuple[str, int], tuple[str, int]] = {}
    for a in store.articles():
        articles.append(article_record(a))
        for p in a.paragraphs:
            where[(a.id, p.index)] = (a.source, p.line)
    return {
        "schema": SCHEMA,
        "articles": articles,
        "entities": [entity_record(e, where) for e in store.entities()],
        "quotes": [],
        "events": [],
        "claims": [],
        "reuse": [],
    }
