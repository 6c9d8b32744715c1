"""The default store: one SQLite file, versioned by migrations, one transaction per run."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from storytrace.errors import (
    InputError,
    NotAStoreError,
    SchemaTooNewError,
    StoreError,
    StoreLockedError,
)
from storytrace.models import Article, ArticleRef, Entity, Fact, Mention, Paragraph
from storytrace.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _locked(e: sqlite3.OperationalError) -> bool:
    return "locked" in str(e) or "busy" in str(e)


class SQLiteStore:
    """A storytrace store in one SQLite file (WAL mode: readers never block the writer).

    >>> import tempfile, os
    >>> s = SQLiteStore(os.path.join(tempfile.mkdtemp(), "t.db"))
    >>> s.stats()["articles"]
    0
    """

    def __init__(self, path: str | Path, *, lock_timeout: float = 10.0) -> None:
        self.path = str(path)
        self._check_file(Path(path))
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=lock_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise StoreError(f"{self.path}: cannot open the store ({e})") from None
        self.conn.row_factory = sqlite3.Row
        # Python's lower case (SQLite's lower() folds ASCII only), for entity-name keys
        self.conn.create_function("storytrace_lower", 1, _lower, deterministic=True)
        self._in_tx = False
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            self.conn.close()
            if isinstance(e, sqlite3.OperationalError) and _locked(e):
                raise self._lock_error() from None
            raise NotAStoreError(f"{self.path}: not a storytrace store ({e})") from None

    # -- opening ------------------------------------------------------------
    def _check_file(self, path: Path) -> None:
        if path.is_dir():
            raise NotAStoreError(f"{path}: is a directory, not a storytrace store")
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as f:
                if f.read(16) != _SQLITE_MAGIC:
                    raise NotAStoreError(
                        f"{path}: not a storytrace store (not an SQLite database); "
                        "give another --db path"
                    )

    def _lock_error(self) -> StoreLockedError:
        return StoreLockedError(
            f"{self.path}: the store is being written by another process; "
            "try again when it finishes"
        )

    def _migrate(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise NotAStoreError(
                    f"{self.path}: an SQLite database of another application, "
                    "not a storytrace store; give another --db path"
                )
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"{self.path}: store schema {version} is newer than this storytrace "
                f"understands ({SCHEMA_VERSION}); upgrade storytrace"
            )
        if version == SCHEMA_VERSION and app_id == APPLICATION_ID:
            return
        with self.transaction():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for n in range(version, SCHEMA_VERSION):
                for stmt in _statements(MIGRATIONS[n]):
                    self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # If another process holds the file, WAL is set on a later open.
        with contextlib.suppress(sqlite3.OperationalError):
            self.conn.execute("PRAGMA journal_mode = WAL")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    # -- writing ------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: an exception or Ctrl-C inside leaves the store as it was."""
        if self._in_tx:
            yield
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if _locked(e):
                raise self._lock_error() from None
            raise
        self._in_tx = True
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_tx = False

    def has_articles(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", ids)
        return {r[0] for r in rows}

    def start_run(self, inputs: list[str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started_at, inputs) VALUES (?, ?)",
            (_now(), json.dumps(inputs[:1000])),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, added: int, unchanged: int, errors: int) -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, added = ?, unchanged = ?, errors = ? WHERE id = ?",
            (_now(), added, unchanged, errors, run_id),
        )

    def add_article(
        self,
        article: Article,
        sentences: list[tuple[int, int, int]],
        run_id: int | None = None,
        results: dict[str, Any] | None = None,
    ) -> bool:
        """Insert an article unless its content id is stored already; True if added."""
        a = article
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO articles (id, source, path, url, published, outlet, title, "
            "contributors, format, encoding, meta, run_id, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.source, a.path, a.url, a.published.isoformat() if a.published else None,
             a.outlet, a.title, json.dumps(list(a.contributors)), a.format, a.encoding,
             json.dumps(dict(a.meta)), run_id, _now()),
        )
        if cur.rowcount == 0:
            return False
        self.conn.executemany(
            "INSERT INTO paragraphs (article_id, idx, line, kind, text, meta) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(a.id, p.index, p.line, p.kind, p.text, json.dumps(dict(p.meta)))
             for p in a.paragraphs],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO sentences (article_id, para_idx, start, end) "
            "VALUES (?, ?, ?, ?)",
            [(a.id, *s) for s in sentences],
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO stage_results (article_id, stage, data) VALUES (?, ?, ?)",
            [(a.id, stage, json.dumps(data)) for stage, data in (results or {}).items()],
        )
        return True

    def stage_results(self, stage: str, *, until: str | None = None
                      ) -> Iterator[tuple[ArticleRef, Any]]:
        """Each article's stored result of a per-article stage, in publication order;
        `until` (an ISO day): only the articles published by then."""
        cond, args = ("AND a.published <= ? ", (stage, until)) if until else ("", (stage,))
        rows = self.conn.execute(
            "SELECT a.id, a.source, a.published, a.outlet, a.meta, r.data FROM stage_results r "
            "JOIN articles a ON a.id = r.article_id WHERE r.stage = ? " + cond +
            "ORDER BY a.published, a.source", args)
        for aid, source, published, outlet, meta, data in rows:
            others = tuple(json.loads(meta).get("outlets_named", []))
            ref = ArticleRef(aid, source,
                             dt.date.fromisoformat(published) if published else None, outlet,
                             others)
            yield ref, json.loads(data)

    def replace_entities(self, entities: list[Entity], findings: list[dict[str, Any]],
                         local_map: dict[tuple[str, str], str] | None = None) -> None:
        """Swap in a new linking of the corpus (inside the caller's transaction)."""
        q = self.conn.execute
        for table in ("entity_mentions", "entity_facts", "entities", "findings", "entity_locals"):
            q(f"DELETE FROM {table}")
        self.conn.executemany(
            "INSERT INTO entities (id, name, type, aliases, mentions, gender) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(e.id, e.name, e.type, json.dumps(list(e.aliases)), len(e.mentions), e.gender)
             for e in entities])
        self.conn.executemany(
            "INSERT INTO entity_locals (article_id, local_key, entity_id) VALUES (?, ?, ?)",
            [(aid, key, eid) for (aid, key), eid in (local_map or {}).items()])
        self.conn.executemany(
            "INSERT INTO entity_mentions (entity_id, article_id, para_idx, start, end, text, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e.id, m.article_id, m.para_index, m.start, m.end, m.text, m.kind)
             for e in entities for m in e.mentions])
        self.conn.executemany(
            "INSERT INTO entity_facts (entity_id, key, value, as_of, article_id, para_idx, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e.id, f.key, json.dumps(f.value), f.as_of.isoformat() if f.as_of else None,
              f.article_id, f.para_index, f.text) for e in entities for f in e.facts])
        self.conn.executemany(
            "INSERT INTO findings (kind, entity, message, sources, level) VALUES (?, ?, ?, ?, ?)",
            [(f["kind"], f["entity"], f["message"], json.dumps(f["sources"]),
              f.get("level", "warning")) for f in findings])

    def _facts(self, entity_id: str) -> tuple[Fact, ...]:
        return tuple(
            Fact(r["key"], json.loads(r["value"]),
                 dt.date.fromisoformat(r["as_of"]) if r["as_of"] else None,
                 r["article_id"], r["para_idx"], r["text"])
            for r in self.conn.execute(
                "SELECT * FROM entity_facts WHERE entity_id = ? ORDER BY as_of, rowid",
                (entity_id,)))

    def entities(self, *, type: str | None = None) -> list[Entity]:
        """Entities by mention count, with facts; mentions are loaded by `entity()`."""
        sql, args = "SELECT * FROM entities", cast(tuple[str, ...], ())
        if type:
            sql, args = sql + " WHERE type = ?", (type.upper(),)
        rows = self.conn.execute(sql + " ORDER BY mentions DESC, name", args).fetchall()
        return [Entity(r["id"], r["name"], r["type"], tuple(json.loads(r["aliases"])),
                       facts=self._facts(r["id"]), mention_count=r["mentions"],
                       gender=r["gender"]) for r in rows]

    def entity_page(self, limit: int, offset: int, *, type: str | None = None
                    ) -> tuple[int, list[dict[str, Any]]]:
        """A page of `entities()` without their facts (read one entity at a time, they made
        a list of 543 entities cost 200 ms), and how many there are."""
        where, args = (" WHERE type = ?", [type.upper()]) if type else ("", [])
        total = self.conn.execute("SELECT count(*) FROM entities" + where, args).fetchone()[0]
        rows = self.conn.execute(
            "SELECT id, name, type, aliases, mentions FROM entities" + where
            + " ORDER BY mentions DESC, name LIMIT ? OFFSET ?", [*args, limit, offset])
        return int(total), [{"id": r[0], "name": r[1], "type": r[2],
                             "aliases": json.loads(r[3]), "mentions": r[4]} for r in rows]

    def entity(self, ref: str) -> list[Entity]:
        """Entities whose id, name or alias is `ref` (case-insensitive), with mentions."""
        rows = self.conn.execute(
            "SELECT * FROM entities WHERE id = ? OR name = ? COLLATE NOCASE "
            "OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE value = ? COLLATE NOCASE) "
            "ORDER BY name = ? COLLATE NOCASE DESC, mentions DESC", (ref, ref, ref, ref)).fetchall()
        out = []
        for r in rows:
            mentions = tuple(
                Mention(m["article_id"], m["para_idx"], m["start"], m["end"], m["text"],
                        m["kind"])
                for m in self.conn.execute(
                    "SELECT * FROM entity_mentions WHERE entity_id = ? "
                    "ORDER BY article_id, para_idx, start", (r["id"],)))
            out.append(Entity(r["id"], r["name"], r["type"], tuple(json.loads(r["aliases"])),
                              mentions, self._facts(r["id"]), r["mentions"], r["gender"]))
        return out

    def entity_locals(self) -> dict[tuple[str, str], str]:
        """(article id, local key) -> entity id, as the last linking left it."""
        return {(r[0], r[1]): r[2] for r in self.conn.execute(
            "SELECT article_id, local_key, entity_id FROM entity_locals")}

    def mentions_of_article(self, article_id: str) -> list[tuple[int, int, int, str, str]]:
        """(paragraph, start, end, entity id, kind) of every entity mention in an article."""
        return [(r[0], r[1], r[2], r[3], r[4]) for r in self.conn.execute(
            "SELECT para_idx, start, end, entity_id, kind FROM entity_mentions "
            "WHERE article_id = ? ORDER BY para_idx, start", (article_id,))]

    def mentions_of_articles(self, article_ids: Iterable[str]
                             ) -> dict[str, list[tuple[int, int, int, str, str]]]:
        """`mentions_of_article` for many articles, read in chunks rather than one by one."""
        out: dict[str, list[tuple[int, int, int, str, str]]] = {}
        for marks, chunk in _id_chunks(article_ids):
            for aid, *rest in self.conn.execute(
                    "SELECT article_id, para_idx, start, end, entity_id, kind "
                    f"FROM entity_mentions WHERE article_id IN ({marks}) "
                    "ORDER BY article_id, para_idx, start", chunk):
                out.setdefault(aid, []).append((rest[0], rest[1], rest[2], rest[3], rest[4]))
        return out

    def replace_quotes(self, rows: list[dict[str, Any]]) -> None:
        self.conn.execute("DELETE FROM quotes")
        self.conn.executemany(
            "INSERT INTO quotes (id, article_id, para_idx, start, end, text, partial, speaker, "
            "speaker_id, anonymous, via, occasion, said, origin, cue) VALUES (:id, :article_id, "
            ":para_idx, :start, :end, :text, :partial, :speaker, :speaker_id, :anonymous, :via, "
            ":occasion, :said, :origin, :cue)", rows)

    def _quote_filter(self, speaker: str | None, via: str | None, origin: str | None
                      ) -> tuple[str, list[Any]]:
        where, args = [], []
        for col, val in (("q.speaker", speaker), ("q.via", via), ("q.origin", origin)):
            if val:
                where.append(f"{col} = ? COLLATE NOCASE")
                args.append(val)
        return (" WHERE " + " AND ".join(where) if where else ""), args

    def quotes(self, *, speaker: str | None = None, via: str | None = None,
               origin: str | None = None, limit: int | None = None, offset: int = 0
               ) -> list[dict[str, Any]]:
        """Quotes in publication order, each with its article's source and the paragraph
        line; `limit` and `offset` page through them without reading the rest."""
        where, args = self._quote_filter(speaker, via, origin)
        # articles first (CROSS JOIN keeps that order): their index gives publication
        # order, so a page is read without sorting every quote
        sql = ("SELECT q.*, a.source, a.published, p.line FROM articles a "
               "CROSS JOIN quotes q ON q.article_id = a.id "
               "CROSS JOIN paragraphs p ON p.article_id = q.article_id AND p.idx = q.para_idx"
               + where + " ORDER BY a.published, a.source, q.para_idx, q.start")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [dict(r) for r in self.conn.execute(sql, args)]

    def count_quotes(self, *, speaker: str | None = None, via: str | None = None,
                     origin: str | None = None) -> int:
        where, args = self._quote_filter(speaker, via, origin)
        return int(self.conn.execute(f"SELECT count(*) FROM quotes q{where}", args).fetchone()[0])

    def replace_reuse(self, pairs: list[Any],
                      novelty: dict[tuple[str, int], tuple[str, float]]) -> None:
        self.conn.execute("DELETE FROM reuse")
        self.conn.execute("DELETE FROM novelty")
        self.conn.executemany(
            "INSERT INTO reuse (from_article, from_para, to_article, to_para, similarity) "
            "VALUES (?, ?, ?, ?, ?)",
            [(p.frm[0], p.frm[1], p.to[0], p.to[1], p.similarity) for p in pairs])
        self.conn.executemany(
            "INSERT INTO novelty (article_id, para_idx, novelty, share) VALUES (?, ?, ?, ?)",
            [(aid, para, kind, share) for (aid, para), (kind, share) in novelty.items()])

    def reuse(self, *, to_article: str | None = None) -> list[dict[str, Any]]:
        """Reuse pairs with both ends' source and line, in publication order of the later;
        `to_article`: only the paragraphs of that article."""
        where, args = ("WHERE r.to_article = ? ", [to_article]) if to_article else ("", [])
        return [dict(r) for r in self.conn.execute(
            "SELECT fa.source AS from_source, fp.line AS from_line, r.from_article, "
            "r.from_para, ta.source AS to_source, tp.line AS to_line, r.to_article, r.to_para, "
            "r.similarity FROM reuse r "
            "JOIN articles fa ON fa.id = r.from_article "
            "JOIN paragraphs fp ON fp.article_id = r.from_article AND fp.idx = r.from_para "
            "JOIN articles ta ON ta.id = r.to_article "
            "JOIN paragraphs tp ON tp.article_id = r.to_article AND tp.idx = r.to_para "
            + where + "ORDER BY ta.published, ta.source, tp.line, r.similarity DESC", args)]

    def novelty(self, *, article_id: str | None = None
                ) -> dict[tuple[str, int], tuple[str, float]]:
        where, args = ("WHERE article_id = ?", [article_id]) if article_id else ("", [])
        return {(r[0], r[1]): (r[2], r[3]) for r in self.conn.execute(
            f"SELECT article_id, para_idx, novelty, share FROM novelty {where}", args)}

    def locations(self, article_ids: Iterable[str]
                  ) -> dict[tuple[str, int], tuple[str, int, str | None]]:
        """(article, paragraph) -> (source, line, published) for these articles only."""
        out: dict[tuple[str, int], tuple[str, int, str | None]] = {}
        for marks, chunk in _id_chunks(article_ids):
            for aid, idx, line, source, published in self.conn.execute(
                    "SELECT p.article_id, p.idx, p.line, a.source, a.published FROM paragraphs p "
                    f"JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({marks})",
                    chunk):
                out[(aid, idx)] = (source, line, published)
        return out

    def replace_stories(self, stories: dict[str, int]) -> None:
        """Story of each article; stories are numbered s1, s2 … in order of their first article."""
        self.conn.execute("DELETE FROM article_stories")
        self.conn.executemany(
            "INSERT INTO article_stories (article_id, story) VALUES (?, ?)",
            [(aid, f"s{n + 1}") for aid, n in stories.items()])

    def stories(self) -> list[dict[str, Any]]:
        """Each story with its size, span and most mentioned entities."""
        rows = self.conn.execute(
            "SELECT s.story, count(*) AS size, min(a.published) AS first, "
            "max(a.published) AS last FROM article_stories s "
            "JOIN articles a ON a.id = s.article_id GROUP BY s.story "
            "ORDER BY size DESC, first").fetchall()
        out = []
        for r in rows:
            top = self.conn.execute(
                "SELECT e.name FROM entity_mentions m JOIN entities e ON e.id = m.entity_id "
                "JOIN article_stories s ON s.article_id = m.article_id "
                "WHERE s.story = ? AND e.type IN ('PERSON', 'ORG', 'PLACE', 'WORK') "
                "GROUP BY e.id ORDER BY count(*) DESC LIMIT 5", (r["story"],)).fetchall()
            out.append({"id": r["story"], "size": r["size"], "first": r["first"],
                        "last": r["last"], "entities": [t[0] for t in top]})
        return out

    def replace_events(self, events: list[dict[str, Any]]) -> None:
        for table in ("events", "event_names", "event_briefs"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.executemany(
            "INSERT INTO events (id, earliest, latest, data) VALUES (?, ?, ?, ?)",
            [(e["id"], e["earliest"], e["latest"], json.dumps(e)) for e in events])
        self.conn.executemany(
            "INSERT INTO event_briefs (ord, id, brief) VALUES (?, ?, ?)",
            [(n, e["id"], json.dumps(brief(e))) for n, e in enumerate(events)])
        self.conn.executemany(
            "INSERT OR IGNORE INTO event_names (key, event_id) VALUES (?, ?)",
            [(name.lower(), e["id"]) for e in events
             for name in [*e.get("participants", []), e.get("place")]
             if isinstance(name, str)])

    def _named(self, entity: str | None) -> tuple[str, list[Any]]:
        """WHERE clause of the events with an entity among their people or place (by id,
        name or alias: the name it resolves to, as `Corpus.timeline(entity=)` does)."""
        if entity is None:
            return "", []
        row = self.conn.execute(
            "SELECT name FROM entities WHERE id = ? OR name = ? COLLATE NOCASE "
            "OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE value = ? COLLATE NOCASE) "
            "ORDER BY name = ? COLLATE NOCASE DESC, mentions DESC LIMIT 1",
            (entity, entity, entity, entity)).fetchone()
        want = (row[0] if row else entity).lower()
        return (" WHERE id IN (SELECT event_id FROM event_names WHERE key = ?1 OR key IN "
                "(SELECT storytrace_lower(name) FROM entities WHERE storytrace_lower(id) = ?1))",
                [want])

    def event_page(self, limit: int, offset: int, *, entity: str | None = None
                   ) -> tuple[int, list[dict[str, Any]]]:
        """A page of the timeline as briefs (see `brief`), and how many events there are;
        `entity`: only the events with that entity among their people or place."""
        total, rows = self.event_page_json(limit, offset, entity=entity)
        return total, [json.loads(r) for r in rows]

    def event_page_json(self, limit: int, offset: int, *, entity: str | None = None
                        ) -> tuple[int, list[str]]:
        """`event_page` with each brief as the stored JSON text, for a server to send as is."""
        where, args = self._named(entity)
        total = self.conn.execute("SELECT count(*) FROM event_briefs" + where,
                                  args).fetchone()[0]
        n = len(args)
        rows = self.conn.execute(f"SELECT brief FROM event_briefs{where} "
                                 f"ORDER BY ord LIMIT ?{n + 1} OFFSET ?{n + 2}",
                                 [*args, limit, offset]).fetchall()
        return int(total), [r[0] for r in rows]

    def events_of(self, entity: str) -> list[dict[str, Any]]:
        """The stored timeline's events with that entity among their people or place."""
        where, args = self._named(entity)
        return [json.loads(r[0]) for r in self.conn.execute(
            f"SELECT data FROM events{where} ORDER BY rowid", args)]

    def event(self, event_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM events WHERE id = ?", (event_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def events(self) -> list[dict[str, Any]]:
        """The timeline as the last linking left it, in date order."""
        return [json.loads(r[0]) for r in self.conn.execute(
            "SELECT data FROM events ORDER BY rowid")]

    def search(self, query: str, *, limit: int = 20, offset: int = 0
               ) -> list[dict[str, Any]]:
        """Paragraphs matching a full-text query (FTS5 syntax; plain words are ANDed), each
        with its article's source, date and the paragraph's line.

        Best first (BM25) when the query matches up to SEARCH_BLOCK paragraphs. Past that,
        the matches are taken in blocks of SEARCH_BLOCK, the most recently added block
        first, best first within a block: ranking every match of a common word costs
        about 2 µs a paragraph (45 ms for one in nine of 198,000), a block a bounded
        few milliseconds, and every match is still reached by paging, in a fixed order.
        """
        q = _fts_query(query)
        out: list[dict[str, Any]] = []
        block, skip = divmod(offset, SEARCH_BLOCK)
        try:
            while len(out) < limit:
                top = self._nth_match(q, block * SEARCH_BLOCK)
                if top is None:
                    break
                below = self._nth_match(q, (block + 1) * SEARCH_BLOCK)
                rows = self.conn.execute(
                    "SELECT f.article_id, f.idx, a.source, a.published, a.outlet, p.line, "
                    "p.kind, snippet(paragraphs_fts, 0, '[', ']', ' … ', 16) AS snippet, p.text "
                    "FROM paragraphs_fts f JOIN articles a ON a.id = f.article_id "
                    "JOIN paragraphs p ON p.article_id = f.article_id AND p.idx = f.idx "
                    "WHERE paragraphs_fts MATCH ? AND f.rowid <= ? AND f.rowid > ? "
                    "ORDER BY rank LIMIT ? OFFSET ?",
                    (q, top, -1 if below is None else below, limit - len(out), skip)).fetchall()
                out += [dict(r) for r in rows]
                if below is None:
                    break
                block, skip = block + 1, 0
        except sqlite3.OperationalError as e:
            raise InputError(f"search {query!r}", str(e)) from None
        return out

    def _nth_match(self, q: str, n: int) -> int | None:
        """Rowid of the n-th match counting from the most recently added (0: the newest)."""
        row = self.conn.execute(
            "SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 1 OFFSET ?", (q, n)).fetchone()
        return None if row is None else int(row[0])

    def search_count(self, query: str) -> int:
        """How many paragraphs match (cheap: no ranking)."""
        try:
            return int(self.conn.execute(
                "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?",
                (_fts_query(query),)).fetchone()[0])
        except sqlite3.OperationalError as e:
            raise InputError(f"search {query!r}", str(e)) from None

    def replace_claims(self, claims: list[dict[str, Any]]) -> None:
        self.conn.execute("DELETE FROM claims")
        self.conn.executemany(
            "INSERT INTO claims (id, first, data) VALUES (?, ?, ?)",
            [(c["id"], c.get("first_reported"), json.dumps(c)) for c in claims])

    def claims(self) -> list[dict[str, Any]]:
        """The claims as the last linking left them, in order of their first report."""
        return [json.loads(r[0]) for r in self.conn.execute(
            "SELECT data FROM claims ORDER BY first, id")]

    def story_of(self, article_id: str | None = None) -> dict[str, str]:
        if article_id:
            return dict(self.conn.execute(
                "SELECT article_id, story FROM article_stories WHERE article_id = ?",
                (article_id,)))
        return dict(self.conn.execute("SELECT article_id, story FROM article_stories"))

    def outlets(self) -> list[str]:
        """Outlet names of stored articles, as their pages name themselves."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL")]

    def findings(self) -> list[dict[str, Any]]:
        return [{"kind": r[0], "entity": r[1], "message": r[2], "sources": json.loads(r[3]),
                 "level": r[4]}
                for r in self.conn.execute(
                    "SELECT kind, entity, message, sources, level FROM findings "
                    "ORDER BY level = 'info', kind, entity")]

    # -- reading ------------------------------------------------------------
    def _article(self, row: sqlite3.Row) -> Article:
        paras = tuple(
            Paragraph(index=r["idx"], line=r["line"], text=r["text"], kind=r["kind"],
                      meta=json.loads(r["meta"]))
            for r in self.conn.execute(
                "SELECT idx, line, kind, text, meta FROM paragraphs "
                "WHERE article_id = ? ORDER BY idx", (row["id"],))
        )
        return Article(
            id=row["id"], source=row["source"], path=row["path"], url=row["url"],
            published=dt.date.fromisoformat(row["published"]) if row["published"] else None,
            paragraphs=paras, outlet=row["outlet"], title=row["title"],
            contributors=tuple(json.loads(row["contributors"])), format=row["format"],
            encoding=row["encoding"], meta=json.loads(row["meta"]),
        )

    def articles(self, *, since: str | None = None) -> Iterator[Article]:
        """Articles in publication order (ties by source), as the novelty rule orders them."""
        sql = "SELECT * FROM articles"
        args: tuple[Any, ...] = ()
        if since:
            sql += " WHERE published >= ?"
            args = (since,)
        rows = self.conn.execute(sql + " ORDER BY published, source, id", args).fetchall()
        for row in rows:
            yield self._article(row)

    def find(self, ref: str) -> list[Article]:
        """Articles whose id (or id prefix), source, path or URL is `ref`."""
        rows = self.conn.execute(
            "SELECT * FROM articles WHERE id = ? OR source = ? OR path = ? OR url = ? "
            "ORDER BY published, source",
            (ref, ref, ref, ref),
        ).fetchall()
        if not rows and len(ref) >= 4:
            rows = self.conn.execute(
                "SELECT * FROM articles WHERE id LIKE ? OR source LIKE ? ORDER BY published",
                (ref.replace("%", "") + "%", "%" + ref.replace("%", "") + "%"),
            ).fetchall()
        return [self._article(r) for r in rows]

    def article(self, ref: str) -> Article | None:
        found = self.find(ref)
        return found[0] if len(found) == 1 else None

    def sentences(self, article_id: str) -> list[tuple[int, int, int]]:
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT para_idx, start, end FROM sentences WHERE article_id = ? "
            "ORDER BY para_idx, start", (article_id,))]

    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        kinds = dict(q("SELECT kind, count(*) FROM paragraphs GROUP BY kind").fetchall())
        first, last = q("SELECT min(published), max(published) FROM articles").fetchone()
        return {
            "store": self.path,
            "schema": self.schema_version,
            "articles": q("SELECT count(*) FROM articles").fetchone()[0],
            "outlets": q("SELECT count(DISTINCT outlet) FROM articles").fetchone()[0],
            "first": first,
            "last": last,
            "paragraphs": sum(kinds.values()),
            "paragraph_kinds": kinds,
            "sentences": q("SELECT count(*) FROM sentences").fetchone()[0],
            "entities": q("SELECT count(*) FROM entities").fetchone()[0],
            "runs": q("SELECT count(*) FROM runs").fetchone()[0],
        }


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one at a time (executescript would commit midway).

    A trigger's body holds semicolons of its own: a piece ends only where SQLite
    says the statement is complete.
    """
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                yield buf
            buf = ""


def _fts_query(query: str) -> str:
    """A user's words as an FTS5 query: each word quoted, so punctuation is not syntax.

    >>> _fts_query('de Armas "Top Gun"')
    '"de" "Armas" "Top Gun"'
    """
    parts = re.findall(r'"[^"]+"|\S+', query)
    return " ".join('"' + p.strip('"').replace('"', "") + '"' for p in parts if p.strip('"'))


def _id_chunks(ids: Iterable[str], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """("?,?,…", ids) in chunks: SQLite caps the parameters of one statement."""
    ids = sorted(set(ids))
    for k in range(0, len(ids), size):
        chunk = ids[k:k + size]
        yield ",".join("?" * len(chunk)), chunk


# Matches ranked together by BM25 (see `search`): a block costs about 10 ms to rank on a
# loaded laptop core; a query with fewer matches is ranked whole.
SEARCH_BLOCK = 5000

# Items of each list an event's brief keeps: an event merged from thousands of
# reports would otherwise make one page of the timeline megabytes long.
BRIEF_ITEMS = 20


def brief(event: dict[str, Any]) -> dict[str, Any]:
    """The event with each list cut to its first BRIEF_ITEMS and `<name>_total` beside it.

    >>> brief({"id": "v1", "sources": list(range(25))})["sources_total"]
    25
    """
    out = dict(event)
    for k, v in event.items():
        if isinstance(v, list) and len(v) > BRIEF_ITEMS:
            out[k] = v[:BRIEF_ITEMS]
            out[f"{k}_total"] = len(v)
    return out


def _lower(text: Any) -> Any:
    return text.lower() if isinstance(text, str) else text


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
