"""Where articles and every stage's results are kept: a protocol and its SQLite implementation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from storytrace.models import Article, ArticleRef, Entity
from storytrace.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store"]


class Store(Protocol):
    """What the pipeline and the views need of a store (SQLite by default)."""

    path: str

    def transaction(self) -> AbstractContextManager[None]: ...

    def has_articles(self, ids: list[str]) -> set[str]: ...

    def start_run(self, inputs: list[str]) -> int: ...

    def finish_run(self, run_id: int, *, added: int, unchanged: int, errors: int) -> None: ...

    def add_article(
        self,
        article: Article,
        sentences: list[tuple[int, int, int]],
        run_id: int | None = None,
        results: dict[str, Any] | None = None,
    ) -> bool: ...

    def stage_results(self, stage: str) -> Iterator[tuple[ArticleRef, Any]]: ...

    def replace_entities(self, entities: list[Entity], findings: list[dict[str, Any]]
                         ) -> None: ...

    def entities(self, *, type: str | None = None) -> list[Entity]: ...

    def entity(self, ref: str) -> list[Entity]: ...

    def findings(self) -> list[dict[str, Any]]: ...

    def outlets(self) -> list[str]: ...

    def find(self, ref: str) -> list[Article]: ...

    def articles(self, *, since: str | None = None) -> Iterator[Article]: ...

    def article(self, ref: str) -> Article | None: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
