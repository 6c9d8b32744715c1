"""Tunable limits, in one frozen object passed down instead of globals."""

from __future__ import annotations

from dataclasses import dataclass

# Real articles are 5-100 KB of text and HTML pages rarely exceed 2 MB;
# anything larger is almost always a dump or a binary mistaken for text.
MAX_ARTICLE_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and politeness settings; every field can be set from the CLI or API.

    >>> Settings(max_article_bytes=1_000).max_article_bytes
    1000
    """

    max_article_bytes: int = MAX_ARTICLE_BYTES
    # Articles handed to spaCy and written to the store per batch: bounds
    # memory on streams of any length while keeping nlp.pipe batches efficient.
    batch_size: int = 64
    # Seconds a writer waits for another process's write lock before giving up.
    lock_timeout: float = 10.0
    # Web fetching: a clear user agent, a timeout, and a delay per host.
    user_agent: str = "storytrace/0.1 (news research; +https://pypi.org/project/storytrace/)"
    timeout: float = 20.0
    host_delay: float = 1.0
    respect_robots: bool = True
