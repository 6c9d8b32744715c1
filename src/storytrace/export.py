"""The JSON export, schema 1 of docs/EXPORT.md: a public interface, keys only ever added."""

from __future__ import annotations

import datetime as dt
from typing import Any

from storytrace import digest
from storytrace.models import Article, Entity
from storytrace.store import Store

SCHEMA = 1


def article_record(a: Article, novelty: dict[tuple[str, int], tuple[str, float]] | None = None,
                   reused: dict[tuple[str, int], list[dict[str, Any]]] | None = None
                   ) -> dict[str, Any]:
    paragraphs = []
    novelty = novelty or {}
    new_words = all_words = 0
    for p in a.paragraphs:
        rec: dict[str, Any] = {"line": p.line, "kind": p.kind, "text": p.text}
        if p.is_body:
            kind, share = novelty.get((a.id, p.index), (None, 0.0))
            rec["novelty"] = kind
            rec["reused_from"] = (reused or {}).get((a.id, p.index), [])
            words = len(p.text.split())
            all_words += words
            new_words += round(words * (1 - share)) if kind else words
        if p.meta:
            rec["meta"] = dict(p.meta)
        paragraphs.append(rec)
    return {
        "id": a.id,
        "originality": round(new_words / all_words, 3) if all_words and novelty else None,
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


def date_range(value: str | None) -> dict[str, Any] | None:
    """'2025-05' -> {"date": "2025-05", "earliest": "2025-05-01", "latest": "2025-05-31"}."""
    if not value:
        return None
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 3:
        lo = hi = dt.date(*parts)
    elif len(parts) == 2:
        lo = dt.date(parts[0], parts[1], 1)
        hi = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1) - dt.timedelta(days=1)
    else:
        lo, hi = dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    return {"date": value, "earliest": lo.isoformat(), "latest": hi.isoformat()}


def quote_record(q: dict[str, Any]) -> dict[str, Any]:
    return {"id": q["id"], "source": q["source"], "line": q["line"], "text": q["text"],
            "speaker": q["speaker"], "anonymous": bool(q["anonymous"]),
            "partial": bool(q["partial"]), "via": q["via"], "occasion": q["occasion"],
            "said": date_range(q["said"]), "origin": q["origin"]}


def event_record(e: dict[str, Any]) -> dict[str, Any]:
    """An event as EXPORT.md shows it; `kind`, `precision` and `first_reported` added."""
    keys = ("id", "date", "earliest", "latest", "precision", "kind", "summary", "participants",
            "place", "sources", "evidence", "conflicts", "first_reported")
    return {k: e.get(k) for k in keys}


def claim_record(c: dict[str, Any]) -> dict[str, Any]:
    """A claim as EXPORT.md shows it; `frame`, `participants`, `supporters`, `deniers` and
    each report's `voice`, `evidence`, `text`, `copy_of` and `counted` added."""
    keys = ("id", "statement", "frame", "participants", "reports", "status", "supporters",
            "deniers", "first_reported")
    return {k: c.get(k) for k in keys}


def export(store: Store) -> dict[str, Any]:
    """Everything in the store as one JSON-ready object; every top-level key present.

    Each story gets `timeline`: its `digest.timeline_size(size)` most important dates
    (5 to 40, growing with the square root of the story's articles), in date order, each
    `{date, score, articles, outlets, sentences: [{text, source, line}]}` with up to two
    summary sentences: what `storytrace timeline --story ID --top N` prints for that N.
    """
    articles = []
    where: dict[tuple[str, int], tuple[str, int]] = {}
    pairs = store.reuse()
    reused: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in pairs:
        reused.setdefault((r["to_article"], r["to_para"]), []).append(
            {"source": r["from_source"], "line": r["from_line"], "similarity": r["similarity"]})
    novelty = store.novelty()
    story_of = store.story_of()
    timelines = digest.story_timelines(store)
    for a in store.articles():
        articles.append(article_record(a, novelty, reused) | {"story": story_of.get(a.id)})
        for p in a.paragraphs:
            where[(a.id, p.index)] = (a.source, p.line)
    return {
        "schema": SCHEMA,
        "articles": articles,
        "entities": [entity_record(e, where) for e in store.entities()],
        "quotes": [quote_record(q) for q in store.quotes()],
        "events": [event_record(e) for e in store.events()],
        "claims": [claim_record(c) for c in store.claims()],
        "stories": [s | {"timeline": timelines.get(s["id"], [])} for s in store.stories()],
        "reuse": [{"from": {"source": r["from_source"], "line": r["from_line"]},
                   "to": {"source": r["to_source"], "line": r["to_line"]},
                   "similarity": r["similarity"]} for r in pairs],
    }
