"""Exceptions, one tree so callers can catch as broadly or narrowly as they need.

    StorytraceError
    ├── InputError            one input (file, line, URL) could not be read as an article
    ├── StoreError            the store could not be used
    │   ├── NotAStoreError    the file exists but is not a storytrace database
    │   ├── StoreLockedError  another process holds the write lock
    │   └── SchemaTooNewError written by a newer storytrace
    └── ModelNotFoundError    no English spaCy pipeline is installed
"""

from __future__ import annotations


class StorytraceError(Exception):
    """Base of every error storytrace raises on purpose."""


class InputError(StorytraceError):
    """An input that could not be ingested; the message is one line naming it.

    >>> str(InputError("a.txt", "empty file"))
    'a.txt: empty file'
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class StoreError(StorytraceError):
    """The store could not be opened, read or written."""


class NotAStoreError(StoreError):
    """The path holds something other than a storytrace database."""


class StoreLockedError(StoreError):
    """Another process is writing to the store."""


class SchemaTooNewError(StoreError):
    """The store was written by a newer storytrace than this one."""


class ModelNotFoundError(StorytraceError):
    """No English spaCy pipeline could be loaded offline."""
