"""The stages, in order, as plain lists; `process` runs them over a stream of articles.

Adding a stage is one module and one line here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from storytrace import claims, clean, entities, events, nlp, quotes, reuse, stories
from storytrace.entities.names import norm
from storytrace.models import Article
from storytrace.nlp import ParsedArticle
from storytrace.quotes.link import relink_pairs

# Per-article stages before the parse: pure functions Article -> Article.
TEXT_STAGES: list[Callable[[Article], Article]] = [
    clean.clean,
]
@dataclass(frozen=True, slots=True)
class BatchContext:
    """What the articles of one batch share: names the corpus or the batch knows."""

    people: dict[str, list[str]]
    outlets: dict[str, str]


# Per-article stages on the parsed text: (name, function -> JSON-ready result).
# Each sees the results of the stages before it.
PARSED_STAGES: list[tuple[str, Callable[[ParsedArticle, BatchContext, dict[str, Any]], Any]]] = [
    (entities.STAGE, entities.extract_dict),
    (quotes.STAGE, quotes.find_dict),
    (events.STAGE, events.find_dict),
    (claims.STAGE, claims.find_dict),
]
# Corpus stages, re-run in order over the store after articles are added.
CORPUS_STAGES: list[Callable[[Any], Any]] = [
    entities.relink,
    quotes.relink,
    reuse.relink,
    stories.relink,
    events.relink,
    claims.relink,
]


@dataclass(frozen=True, slots=True)
class Processed:
    """An article after every per-article stage, ready for the store."""

    article: Article
    sentences: list[tuple[int, int, int]]
    results: dict[str, Any] = field(default_factory=dict)


def batched(items: Iterable[Article], n: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(itertools.islice(it, n)):
        yield batch


def process(
    articles: Iterable[Article],
    *,
    parse: bool = True,
    batch_size: int = 64,
    known_people: Iterable[str] = (),
    known_outlets: Iterable[str] = (),
) -> Iterator[Processed]:
    """Run every stage over a stream, a batch at a time, so memory stays bounded.

    `known_people` (full names already in the store) and the names spaCy finds
    anywhere in a batch are looked for in every article of the batch.
    """
    known = set(known_people)
    outlets = {norm(o): o for o in known_outlets}
    for batch in batched(articles, batch_size):
        for stage in TEXT_STAGES:
            batch = [stage(a) for a in batch]
        if not parse:
            yield from (Processed(a, []) for a in batch)
            continue
        parsed_batch = list(nlp.parse(batch, batch_size=batch_size))
        names = set(known)
        for parsed in parsed_batch:
            names |= entities.people_in(parsed)
        batch_outlets = dict(outlets)
        batch_outlets.update({norm(a.outlet): a.outlet for a in batch if a.outlet})
        ctx = BatchContext(entities.known_names(names), batch_outlets)
        for parsed in parsed_batch:
            results: dict[str, Any] = {}
            for name, parsed_stage in PARSED_STAGES:
                results[name] = parsed_stage(parsed, ctx, results)
            yield Processed(parsed.article, parsed.sentences(), results)


def link(store: Any, *, reuse_candidates: Any = None,
         quote_pairs: Iterable[tuple[str, str, bool, bool]] | None = None,
         entity_votes: Any = None, story_words: Any = None) -> None:
    """Run the corpus stages over everything the store holds.

    `reuse_candidates`, `quote_pairs`, `entity_votes` and `story_words` are
    what a batch run found by its own shuffles, groupbys and maps (see
    storytrace.batch): the reuse stage then verifies those candidates instead
    of banding again, quote origins join those reports of the same words
    instead of comparing every pair of a speaker's quotes, entity linking types
    names by those votes instead of counting them over every article, and
    story grouping takes each article's word counts instead of re-reading its body.
    """
    for stage in CORPUS_STAGES:
        if stage is entities.relink and entity_votes is not None:
            entities.relink(store, votes=entity_votes)
        elif stage is stories.relink and story_words is not None:
            stories.relink(store, words=story_words)
        elif stage is reuse.relink and reuse_candidates is not None:
            reuse.relink(store, candidates=reuse_candidates)
        elif stage is quotes.relink and quote_pairs is not None:
            relink_pairs(store, quote_pairs)
        else:
            stage(store)
