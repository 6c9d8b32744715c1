"""The library API the CLI is a thin layer over.

    >>> import storytrace, tempfile, os                      # doctest: +SKIP
    >>> st = storytrace.open("story.db")                     # doctest: +SKIP
    >>> st.ingest(["../shared/seeds"]).added                 # doctest: +SKIP
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storytrace import events as _events
from storytrace import export as _export
from storytrace import pipeline
from storytrace.errors import InputError
from storytrace.ingest import Notice, read_inputs
from storytrace.models import Article, Entity, Paragraph
from storytrace.settings import Settings
from storytrace.store import SQLiteStore, Store

DEFAULT_DB = "storytrace.db"


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did: ids added, articles already stored, errors, notices."""

    added: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[InputError] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False when inputs failed and nothing at all could be read."""
        return not self.errors or bool(self.added) or self.unchanged > 0


class Corpus:
    """A store of articles and the stages' results, with the pipeline to fill it."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def ingest(
        self,
        inputs: Iterable[str | Path | Article],
        *,
        date: dt.date | None = None,
        outlet: str | None = None,
        parse: bool = True,
        progress: Callable[[Article | InputError | Notice], None] | None = None,
    ) -> IngestReport:
        """Read, clean, parse and store inputs in one transaction.

        Inputs are paths, globs, directories, URLs or `Article` objects. An
        article whose content id is stored already is skipped, so ingesting
        twice changes nothing. Bad inputs are reported, never fatal; an
        exception or Ctrl-C rolls the whole run back.
        """
        inputs = builtins.list(inputs)
        report = IngestReport()
        paths = [i for i in inputs if not isinstance(i, Article)]
        given = [i for i in inputs if isinstance(i, Article)]
        stream = read_inputs(paths, settings=self.settings, default_date=date,
                             default_outlet=outlet)

        def new_articles() -> Iterator[Article]:
            seen: set[str] = set()
            for batch in pipeline.batched(_articles(given, stream), self.settings.batch_size):
                known = self.store.has_articles([a.id for a in batch])
                for a in batch:
                    if a.id in known or a.id in seen:
                        report.unchanged += 1
                    else:
                        seen.add(a.id)
                        yield a

        def _articles(given: list[Article], stream: Iterable[Any]) -> Iterator[Article]:
            yield from given
            for item in stream:
                if progress:
                    progress(item)
                if isinstance(item, InputError):
                    report.errors.append(item)
                elif isinstance(item, Notice):
                    report.notices.append(item)
                else:
                    yield item

        with self.store.transaction():
            run_id = self.store.start_run([str(i) for i in paths])
            people = [e.name for e in self.store.entities(type="PERSON")]
            for done in pipeline.process(new_articles(), parse=parse,
                                         batch_size=self.settings.batch_size,
                                         known_people=people,
                                         known_outlets=self.store.outlets()):
                if self.store.add_article(done.article, done.sentences, run_id, done.results):
                    report.added.append(done.article.id)
                else:
                    report.unchanged += 1
            if report.added:
                pipeline.link(self.store)
            self.store.finish_run(run_id, added=len(report.added), unchanged=report.unchanged,
                                  errors=len(report.errors))
        return report

    def articles(self, *, since: dt.date | str | None = None) -> Iterator[Article]:
        """Stored articles in publication order."""
        yield from self.store.articles(since=str(since) if since else None)

    def paragraphs(self, *, kind: str | None = "body") -> Iterator[tuple[Article, Paragraph]]:
        """Every (article, paragraph), body only unless another `kind` (or None for all)."""
        for a in self.articles():
            for p in a.paragraphs:
                if kind is None or p.kind == kind:
                    yield a, p

    def find(self, ref: str) -> builtins.list[Article]:
        """Articles matching an id, id prefix, file name, path or URL."""
        return self.store.find(ref)

    def entities(self, *, type: str | None = None) -> builtins.list[Entity]:
        """Canonical entities, most mentioned first (`type`: PERSON, WORK, OUTLET, PLACE, ORG)."""
        return self.store.entities(type=type)

    def entity(self, ref: str) -> builtins.list[Entity]:
        """Entities named `ref` (name, alias or id), with their mentions and facts."""
        return self.store.entity(ref)

    def quotes(self, *, speaker: str | None = None, via: str | None = None,
               origin: str | None = None, limit: int | None = None, offset: int = 0
               ) -> builtins.list[dict[str, Any]]:
        """Quotes in publication order; `speaker` and `via` accept any alias of an entity."""
        return self.store.quotes(speaker=self._canonical(speaker), via=self._canonical(via),
                                 origin=origin, limit=limit, offset=offset)

    def count_quotes(self, *, speaker: str | None = None, via: str | None = None,
                     origin: str | None = None) -> int:
        return self.store.count_quotes(speaker=self._canonical(speaker),
                                       via=self._canonical(via), origin=origin)

    def _canonical(self, name: str | None) -> str | None:
        if not name:
            return None
        found = self.store.entity(name)
        return found[0].name if found else name

    def reuse(self, *, to_article: str | None = None) -> builtins.list[dict[str, Any]]:
        """Recycled paragraphs: each later paragraph with the earlier one it reprints
        (`to_article`: those of one article)."""
        return self.store.reuse(to_article=to_article)

    def novelty(self, *, article_id: str | None = None
                ) -> dict[tuple[str, int], tuple[str, float]]:
        """(article id, paragraph) -> ('new' | 'partly' | 'recycled', share printed before)."""
        return self.store.novelty(article_id=article_id)

    def stories(self) -> builtins.list[dict[str, Any]]:
        """Stories with their size, span and leading entities, largest first."""
        return self.store.stories()

    def in_story(self, story: str | None) -> set[str] | None:
        """Ids of the articles of a story (None: no restriction)."""
        if story is None:
            return None
        return {aid for aid, s in self.store.story_of().items() if s == story}

    def timeline(self, *, as_of: dt.date | str | None = None, entity: str | None = None,
                 story: str | None = None) -> builtins.list[dict[str, Any]]:
        """Events in date order, each with its sources, evidence and conflicts.

        `as_of` shows the timeline as it stood once that day's articles were out
        (merged again from those articles alone); `entity` keeps events with that
        person or place (any alias); `story` keeps one story's articles.
        """
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        if day is None and story is None and entity is None:
            return self.store.events()
        name = self._canonical(entity)
        return [e.to_dict() for e in _events.timeline(
            self.store, as_of=day, articles=self.in_story(story), entity=name)]

    def claims(self, *, as_of: dt.date | str | None = None, story: str | None = None
               ) -> builtins.list[dict[str, Any]]:
        """Claims with every report (stance, source, paragraph) and the status over time.

        `as_of` shows the claims as they stood once that day's articles were out
        (grouped and weighed again from those articles alone); `story` keeps one
        story's articles.
        """
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        if day is None and story is None:
            return self.store.claims()
        from storytrace.claims.link import claims as _claims

        return [c.to_dict() for c in _claims(self.store, as_of=day,
                                              articles=self.in_story(story))]

    def digest(self, *, top: int = 20, as_of: dt.date | str | None = None,
               story: str | None = None, per_date: int = 2) -> builtins.list[dict[str, Any]]:
        """The `top` dates that matter most, each with its best-supported sentences
        (extractive, sourced): the timeline of a story too big to read event by event."""
        from storytrace import digest

        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return digest.from_store(self.store, story=story, top=top, as_of=day, per_date=per_date)

    def search(self, query: str, *, limit: int = 20, offset: int = 0
               ) -> builtins.list[dict[str, Any]]:
        """Paragraphs matching the words (full text, best first), with source and line."""
        return self.store.search(query, limit=limit, offset=offset)

    def check(self) -> builtins.list[dict[str, Any]]:
        """What does not fit: ages across articles, misspelt places, contradictory facts."""
        return self.store.findings()

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def export(self) -> dict[str, Any]:
        """The JSON export (schema 1) as a dict."""
        return _export.export(self.store)


def open(path: str | Path = DEFAULT_DB, settings: Settings | None = None) -> Corpus:
    """Open (creating if needed) a store; the entry point of the library.

    >>> import tempfile, os
    >>> with open(os.path.join(tempfile.mkdtemp(), "s.db")) as st:
    ...     st.stats()["articles"]
    0
    """
    settings = settings or Settings()
    return Corpus(SQLiteStore(path, lock_timeout=settings.lock_timeout), settings)
