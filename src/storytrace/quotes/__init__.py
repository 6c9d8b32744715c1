"""Who said what: quotations with speaker, venue, occasion and date, and the origin
shared by every report of the same words."""

from __future__ import annotations

from typing import Any

from storytrace.entities.recognize import ArticleEntities
from storytrace.nlp import ParsedArticle
from storytrace.quotes.find import ArticleQuotes, LocalQuote, find, quote_spans
from storytrace.quotes.link import link, same_words

__all__ = ["ArticleQuotes", "LocalQuote", "find", "find_dict", "link", "quote_spans", "relink",
           "same_words"]

STAGE = "quotes"


def find_dict(parsed: ParsedArticle, ctx: Any = None, results: dict[str, Any] | None = None
              ) -> dict[str, Any]:
    """The per-article step as the pipeline stores it; reads the entity stage's result."""
    ents = ArticleEntities.from_dict((results or {}).get("entities", {}))
    return find(parsed, ents).to_dict()


def relink(store: Any) -> list[dict[str, Any]]:
    """Attribute and link every article's quotes again (after the entities are linked)."""
    arts = [(ref, ArticleQuotes.from_dict(data)) for ref, data in store.stage_results(STAGE)]
    rows = link(arts, store)
    store.replace_quotes(rows)
    return rows
