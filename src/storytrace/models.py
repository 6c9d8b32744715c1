"""The plain, frozen records that flow between stages and into the store."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ParagraphKind = Literal[
    "body", "promo", "related-link", "subheading", "caption", "byline", "embed",
    "headline", "dateline",
]
PARAGRAPH_KINDS: tuple[str, ...] = (
    "body", "promo", "related-link", "subheading", "caption", "byline", "embed",
    "headline", "dateline",
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph, with where it came from.

    `line` is the 1-based physical line of the source file the paragraph
    starts on; for inputs without lines (JSON, HTML) it is the 1-based index.
    `meta` keeps what a non-body paragraph tells (an embedded post's author
    and date, a byline's names) so cleaning never throws information away.
    """

    index: int
    line: int
    text: str
    kind: str = "body"
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_body(self) -> bool:
        return self.kind == "body"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as ingested: identified by a hash of its content.

    >>> a = Article.build(source="a.txt", published=dt.date(2025, 1, 2),
    ...                   paragraphs=[(1, "Hello world.")])
    >>> a.id == Article.build(source="b.txt", published=dt.date(2025, 1, 2),
    ...                       paragraphs=[(1, "Hello world.")]).id
    True
    """

    id: str
    source: str
    published: dt.date | None
    paragraphs: tuple[Paragraph, ...]
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    path: str | None = None
    contributors: tuple[str, ...] = ()
    format: str = "text"
    encoding: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        source: str,
        published: dt.date | None,
        paragraphs: Sequence[tuple[int, str] | Paragraph],
        **fields: Any,
    ) -> Article:
        """Make an article, numbering paragraphs and computing its content id."""
        paras = tuple(
            p if isinstance(p, Paragraph) else Paragraph(index=i, line=p[0], text=p[1])
            for i, p in enumerate(paragraphs)
        )
        return cls(
            id=content_id(published, fields.get("title"), [p.text for p in paras]),
            source=source,
            published=published,
            paragraphs=paras,
            **fields,
        )

    @property
    def body(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.is_body]

    @property
    def body_text(self) -> str:
        return "\n\n".join(p.text for p in self.body)


def content_id(published: dt.date | None, title: str | None, texts: list[str]) -> str:
    """Identity of an article: the same date, title and words give the same id.

    White space is collapsed first, so re-wrapped or re-saved copies of one
    article are recognised as the same article and ingesting twice adds nothing.
    """
    h = hashlib.sha256()
    h.update((published.isoformat() if published else "").encode())
    h.update(b"\x1f" + " ".join((title or "").split()).encode())
    for t in texts:
        h.update(b"\x1e" + " ".join(t.split()).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What corpus-level stages need to know of an article besides its stage results."""

    id: str
    source: str
    published: dt.date | None
    outlet: str | None
    # Outlets the article's furniture names besides its own (a syndicated
    # copy's first publisher, a wire's dateline credit).
    other_outlets: tuple[str, ...] = ()


ENTITY_TYPES: tuple[str, ...] = ("PERSON", "WORK", "OUTLET", "PLACE", "ORG", "PLATFORM")


@dataclass(frozen=True, slots=True)
class Mention:
    """One place an entity is named or described: paragraph and character span."""

    article_id: str
    para_index: int
    start: int
    end: int
    text: str
    kind: str = "name"  # name, short (surname, first name, short form), descriptor


@dataclass(frozen=True, slots=True)
class Fact:
    """A dated statement about an entity ("Cruise, 62"), with its source paragraph.

    `value` is a number (age), a role ("actor") or another entity's name
    (a work's director); `as_of` is the article's publication date.
    """

    key: str
    value: Any
    as_of: dt.date | None
    article_id: str
    para_index: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, work, outlet, place or organisation across the corpus."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    facts: tuple[Fact, ...] = ()
    # Stores may leave `mentions` empty when listing entities; the count stays.
    mention_count: int = 0
    gender: str | None = None  # "m" or "f" as the text refers to a person, if it is clear
