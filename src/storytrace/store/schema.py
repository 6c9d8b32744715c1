"""The store's schema as numbered migrations; a store is upgraded in place, never rebuilt."""

from __future__ import annotations

# 'STRY': marks a SQLite file as a storytrace store (PRAGMA application_id).
APPLICATION_ID = 0x53545259

# Migration N brings a store from user_version N-1 to N. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        path TEXT,
        url TEXT,
        published TEXT,
        outlet TEXT,
        title TEXT,
        contributors TEXT NOT NULL DEFAULT '[]',
        format TEXT NOT NULL,
        encoding TEXT,
        meta TEXT NOT NULL DEFAULT '{}',
        run_id INTEGER REFERENCES runs(id),
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_order ON articles (published, source);
    CREATE INDEX articles_source ON articles (source);
    CREATE TABLE paragraphs (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        line INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (article_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE sentences (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        para_idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        PRIMARY KEY (article_id, para_idx, start)
    ) WITHOUT ROWID;
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        inputs TEXT NOT NULL DEFAULT '[]',
        added INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
