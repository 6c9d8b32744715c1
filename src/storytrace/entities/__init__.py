"""Who: people, works, outlets, places and organisations, each with one canonical name,
every alias the articles use, and dated facts.

Two steps, as every stage: `extract` runs per article (in the pipeline, on the
parsed text); `link` runs over the whole corpus and is re-run after each ingest.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from storytrace.entities.link import Finding, LinkResult, link
from storytrace.entities.recognize import ArticleEntities, extract, known_names, people_in
from storytrace.nlp import ParsedArticle

__all__ = ["ArticleEntities", "Finding", "LinkResult", "extract", "extract_dict", "known_names",
           "link", "people_in", "relink"]

STAGE = "entities"


def extract_dict(parsed: ParsedArticle, ctx: Any = None, results: Any = None) -> dict[str, Any]:
    """The per-article step as the pipeline stores it."""
    return extract(parsed, getattr(ctx, "people", None), getattr(ctx, "outlets", None)).to_dict()


def relink(store: Any, votes: Any = None) -> LinkResult:
    """Link every article's entities again and store the result (in the caller's
    transaction); `votes`: the corpus's type votes as a batch run summed them."""
    from storytrace.entities.check import check

    arts = [(ref, ArticleEntities.from_dict(data)) for ref, data in store.stage_results(STAGE)]
    result = link(arts, votes=votes)
    findings = result.findings + check(result.entities, {ref.id: ref for ref, _ in arts})
    store.replace_entities(result.entities, [dataclasses.asdict(f) for f in findings],
                           result.local_map)
    return result
