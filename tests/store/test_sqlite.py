import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.errors import NotAStoreError, SchemaTooNewError, StoreLockedError
from storytrace.models import Article, Paragraph
from storytrace.store import SQLiteStore
from storytrace.store.schema import APPLICATION_ID, SCHEMA_VERSION


def _article(i: int = 0) -> Article:
    return Article.build(source=f"a{i}.txt", published=dt.date(2025, 1, 1 + i),
                         paragraphs=[(1, f"Story {i} begins."), (3, "It goes on.")])


def test_new_store_is_versioned(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "s.db")
    assert s.schema_version == SCHEMA_VERSION
    assert s.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    s.close()


def test_text_file_is_not_a_store(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_text("these are my notes, not a database")
    with pytest.raises(NotAStoreError, match=r"notes\.db: not a storytrace store"):
        SQLiteStore(p)
    assert p.read_text() == "these are my notes, not a database"


def test_other_sqlite_database_is_not_a_store(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAStoreError, match="another application"):
        SQLiteStore(p)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "s.db"
    SQLiteStore(p).close()
    con = sqlite3.connect(p)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(SchemaTooNewError, match="upgrade storytrace"):
        SQLiteStore(p)


def test_interrupted_run_leaves_store_as_it_was(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st_:
        st_.ingest([_article(0)], parse=False)
        before = st_.stats()

        def boom(item: object) -> None:
            raise KeyboardInterrupt

        p = tmp_path / "more.txt"
        p.write_text(" date 2025-02-02 More news.")
        with pytest.raises(KeyboardInterrupt):
            st_.ingest([_article(1), _article(2), p], parse=False, progress=boom)
        after = st_.stats()
    assert after["articles"] == before["articles"] == 1
    assert after["paragraphs"] == before["paragraphs"]
    assert after["runs"] == before["runs"]


LOCKER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("ROLLBACK")
"""


def test_store_written_by_another_process(tmp_path: Path) -> None:
    p = tmp_path / "s.db"
    SQLiteStore(p).close()
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(p), "3"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with storytrace.open(p, storytrace.Settings(lock_timeout=0.2)) as st_:
            with pytest.raises(StoreLockedError, match="written by another process"):
                st_.ingest([_article(0)], parse=False)
            # reads still work while the other process writes
            assert st_.stats()["articles"] == 0
    finally:
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    with storytrace.open(p) as st_:
        assert len(st_.ingest([_article(0)], parse=False).added) == 1


def test_two_open_stores_see_each_others_commits(tmp_path: Path) -> None:
    p = tmp_path / "s.db"
    with storytrace.open(p) as a, storytrace.open(p) as b:
        a.ingest([_article(0)], parse=False)
        b.ingest([_article(1)], parse=False)
        assert a.stats()["articles"] == b.stats()["articles"] == 2


texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=80).filter(lambda t: t.strip() != "")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paras=st.lists(st.tuples(texts, st.sampled_from(["body", "promo", "caption"])),
                   min_size=1, max_size=6),
    outlet=st.none() | texts,
    contributors=st.lists(texts, max_size=3),
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, paras: list[tuple[str, str]],
                    outlet: str | None, contributors: list[str], day: dt.date) -> None:
    """Write an article, read it back: equal in every field."""
    a = Article.build(
        source="x.txt", published=day,
        paragraphs=[Paragraph(i, 2 * i + 1, t, k, {"n": i}) for i, (t, k) in enumerate(paras)],
        outlet=outlet, contributors=tuple(contributors), meta={"k": [1, "two"]},
    )
    s = SQLiteStore(tmp_path_factory.mktemp("rt") / "s.db")
    with s.transaction():
        assert s.add_article(a, [])
        assert not s.add_article(a, [])
    (back,) = s.find(a.id)
    s.close()
    assert back == a


def test_full_text_search_follows_the_paragraphs(tmp_path: Path) -> None:
    from storytrace.errors import InputError
    from storytrace.models import Article

    a = Article.build(source="a.txt", published=dt.date(2025, 1, 2),
                      paragraphs=[(1, "The ferry sailed at dawn."), (3, "Nobody came (again).")])
    with storytrace.open(tmp_path / "s.db") as corpus:
        corpus.ingest([a], parse=False)
        hits = corpus.search("ferry dawn")
        assert [(h["source"], h["line"]) for h in hits] == [("a.txt", 1)]
        assert "[ferry]" in hits[0]["snippet"]
        assert corpus.search("(again)")[0]["line"] == 3  # punctuation is not query syntax
        assert corpus.search("trolley") == []
        with pytest.raises(InputError):
            corpus.search('"')


def test_search_past_a_block_pages_every_match_once_newest_block_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storytrace.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "SEARCH_BLOCK", 4)
    arts = [Article.build(source=f"f{i}.txt", published=dt.date(2025, 1, 1 + i),
                          paragraphs=[(1, "ferry " * (1 + i % 3) + f"number {i}")])
            for i in range(10)]
    with storytrace.open(tmp_path / "s.db") as corpus:
        corpus.ingest(arts, parse=False)
        store = corpus.store
        assert store.search_count("ferry") == 10  # type: ignore[attr-defined]
        pages = [corpus.search("ferry", limit=3, offset=k) for k in range(0, 12, 3)]
        got = [h["source"] for page in pages for h in page]
        assert sorted(got) == sorted(a.source for a in arts)  # each once, across blocks
        # the first block holds the four added last, ranked among themselves
        assert set(got[:4]) == {"f6.txt", "f7.txt", "f8.txt", "f9.txt"}
        assert got[0] == "f8.txt"  # "ferry" thrice: best of its block


def test_events_by_entity_read_from_the_stored_names_and_migration_10(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    ev = [{"id": "v1", "earliest": "2025-01-01", "latest": "2025-01-01",
           "participants": ["Émile Zola", "Ann Lee"], "place": None},
          {"id": "v2", "earliest": "2025-01-02", "latest": "2025-01-02",
           "participants": [], "place": "Lisbon"}]
    s = SQLiteStore(path)
    with s.transaction():
        s.replace_events(ev)
    assert s.event_page(10, 0, entity="ÉMILE ZOLA") == (1, [ev[0]])  # Python's lower case
    assert s.event_page(10, 0, entity="lisbon")[1] == [ev[1]]
    assert s.events_of("Nobody") == [] and s.event_page(1, 1)[0] == 2
    # a store of schema 9 gets the names and briefs of its stored events when it is opened
    s.conn.execute("UPDATE events SET brief = data")
    s.conn.execute("DROP TABLE event_names")
    s.conn.execute("DROP TABLE event_briefs")
    s.conn.execute("PRAGMA user_version = 9")
    s.close()
    s = SQLiteStore(path)
    assert s.schema_version == SCHEMA_VERSION
    assert s.event_page(10, 0) == (2, ev)
    assert [e["id"] for e in s.events_of("émile zola")] == ["v1"]
    assert [e["id"] for e in s.events_of("Lisbon")] == ["v2"]
    s.close()
