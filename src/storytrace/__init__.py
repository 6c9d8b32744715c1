"""storytrace: turn dated news articles into the story they tell."""

from storytrace.corpus import Corpus, IngestReport, open
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
