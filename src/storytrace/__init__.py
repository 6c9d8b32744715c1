"""storytrace: turn dated news articles into the story they tell."""

import typing as _typing

from storytrace.errors import (
    InputError,
    ModelNotFoundError,
    NotAStoreError,
    StoreError,
    StoreLockedError,
    StorytraceError,
)
from storytrace.models import Article, Paragraph
from storytrace.settings import Settings

if _typing.TYPE_CHECKING:
    from storytrace.corpus import Corpus, IngestReport, open

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Corpus",
    "IngestReport",
    "InputError",
    "ModelNotFoundError",
    "NotAStoreError",
    "Paragraph",
    "Settings",
    "StoreError",
    "StoreLockedError",
    "StorytraceError",
    "__version__",
    "open",
]


def __getattr__(name: str) -> _typing.Any:
    # The corpus layer loads numpy and spaCy, so it is imported on first use:
    # `import storytrace` leaves a program (the console script) free to set up
    # its process first (storytrace._console).
    if name in ("Corpus", "IngestReport", "open"):
        from storytrace import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
