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
    # 2: per-article stage results, and the corpus's entities.
    """
    CREATE TABLE stage_results (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (article_id, stage)
    ) WITHOUT ROWID;
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        mentions INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX entities_name ON entities (name COLLATE NOCASE);
    CREATE TABLE entity_mentions (
        entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        para_idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id);
    CREATE INDEX entity_mentions_article ON entity_mentions (article_id, para_idx);
    CREATE TABLE entity_facts (
        entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        as_of TEXT,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        para_idx INTEGER NOT NULL,
        text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX entity_facts_entity ON entity_facts (entity_id);
    CREATE TABLE findings (
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        message TEXT NOT NULL,
        sources TEXT NOT NULL DEFAULT '[]',
        level TEXT NOT NULL DEFAULT 'warning'
    );
    """,
    # 3: which article-local entity is which corpus entity; entity gender; quotes.
    """
    CREATE TABLE entity_locals (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        local_key TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        PRIMARY KEY (article_id, local_key)
    ) WITHOUT ROWID;
    ALTER TABLE entities ADD COLUMN gender TEXT;
    CREATE TABLE quotes (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        para_idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        partial INTEGER NOT NULL,
        speaker TEXT,
        speaker_id TEXT,
        anonymous INTEGER NOT NULL,
        via TEXT,
        occasion TEXT,
        said TEXT,
        origin TEXT NOT NULL,
        cue TEXT
    );
    CREATE INDEX quotes_article ON quotes (article_id, para_idx, start);
    CREATE INDEX quotes_origin ON quotes (origin);
    CREATE INDEX quotes_speaker ON quotes (speaker);
    """,
    # 4: recycled paragraphs and the novelty of every body paragraph.
    """
    CREATE TABLE reuse (
        from_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        from_para INTEGER NOT NULL,
        to_article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        to_para INTEGER NOT NULL,
        similarity REAL NOT NULL
    );
    CREATE INDEX reuse_to ON reuse (to_article, to_para);
    CREATE TABLE novelty (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        para_idx INTEGER NOT NULL,
        novelty TEXT NOT NULL,
        share REAL NOT NULL,
        PRIMARY KEY (article_id, para_idx)
    ) WITHOUT ROWID;
    """,
    # 5: the story each article belongs to.
    """
    CREATE TABLE article_stories (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX article_stories_story ON article_stories (story);
    """,
    # 6: the merged timeline: one row per event, its reports as JSON.
    """
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        earliest TEXT NOT NULL,
        latest TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX events_order ON events (earliest, latest);
    """,
    # 7: full-text search over paragraphs, kept in step by triggers.
    """
    CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
        text, article_id UNINDEXED, idx UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO paragraphs_fts (text, article_id, idx) SELECT text, article_id, idx FROM paragraphs;
    CREATE TRIGGER paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
        INSERT INTO paragraphs_fts (text, article_id, idx)
        VALUES (new.text, new.article_id, new.idx);
    END;
    CREATE TRIGGER paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
        DELETE FROM paragraphs_fts WHERE article_id = old.article_id AND idx = old.idx;
    END;
    """,
    # 8: claims: one row per claim, its reports and status history as JSON.
    """
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        first TEXT,
        data TEXT NOT NULL
    );
    CREATE INDEX claims_first ON claims (first);
    """,
    # 9: each event's brief (its lists cut to their first items, with totals) for pages
    # of the timeline; NULL in stores linked before it, which fall back to `data`.
    """
    ALTER TABLE events ADD COLUMN brief TEXT;
    """,
    # 10: the people and places of each event, by lower-cased name, so that a timeline
    # filtered by entity is read from the stored events instead of merged again; the
    # briefs in a table of their own, in timeline order (read from `events`, a brief sat
    # behind its event's whole JSON, megabytes of overflow pages for a big event).
    """
    CREATE TABLE event_names (
        key TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (key, event_id)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO event_names (key, event_id)
        SELECT storytrace_lower(j.value), e.id FROM events e, json_each(e.data, '$.participants') j
        WHERE j.type = 'text';
    INSERT OR IGNORE INTO event_names (key, event_id)
        SELECT storytrace_lower(json_extract(e.data, '$.place')), e.id FROM events e
        WHERE json_extract(e.data, '$.place') IS NOT NULL;
    CREATE TABLE event_briefs (
        ord INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        brief TEXT NOT NULL
    );
    INSERT INTO event_briefs (ord, id, brief)
        SELECT rowid, id, coalesce(brief, data) FROM events ORDER BY rowid;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
