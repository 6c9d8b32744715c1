"""The stages, in order, as plain lists; `process` runs them over a stream of articles.

Adding a stage is one module and one line here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from storytrace import clean, nlp
from storytrace.models import Article

# Per-article stages before the parse: pure functions Article -> Article.
TEXT_STAGES: list[Callable[[Article], Article]] = [
    clean.clean,
]


@dataclass(frozen=True, slots=True)
class Processed:
    """An article after every per-article stage, ready for the store."""

    article: Article
    sentences: list[tuple[int, int, int]]


def batched(items: Iterable[Article], n: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(itertools.islice(it, n)):
        yield batch


def process(
    articles: Iterable[Article], *, parse: bool = True, batch_size: int = 64
) -> Iterator[Processed]:
    """Run every stage over a stream, a batch at a time, so memory stays bounded."""
    for batch in batched(articles, batch_size):
        for stage in TEXT_STAGES:
            batch = [stage(a) for a in batch]
        if not parse:
            yield from (Processed(a, []) for a in batch)
            continue
        for parsed in nlp.parse(batch, batch_size=batch_size):
            yield Processed(parsed.article, parsed.sentences())
