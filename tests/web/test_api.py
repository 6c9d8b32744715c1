"""The REST API and pages, through FastAPI's test client, over a store of invented articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import storytrace
from storytrace.models import Article
from storytrace.web import create_app

A = Article.build(
    source="a.txt", published=dt.date(2024, 9, 20), outlet="The Test Gazette",
    paragraphs=[
        (1, "Harriet Vossberg and Milan Okafor were spotted having dinner at the Copper Kettle "
            "restaurant in Lisbon on Sept. 14, diners said."),
        (3, "\u201cWe are friends who share a love of old harbour restaurants and long "
            "walks, nothing more,\u201d Vossberg told the Gazette on Thursday."),
    ])
B = Article.build(
    source="b.txt", published=dt.date(2024, 9, 25), outlet="Daily Courier of Tests",
    paragraphs=[
        (1, "Harriet Vossberg and Milan Okafor had dinner at the Copper Kettle restaurant in "
            "Lisbon on Sept. 15, according to a waiter who served them."),
        (3, "\u201cWe are friends who share a love of old harbour restaurants and long "
            "walks, nothing more,\u201d Vossberg told the Gazette."),
    ])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "s.db"
    with storytrace.open(path) as st:
        st.ingest([A, B])
    return path


@pytest.fixture()
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, token="s3cret", read_token=False, max_upload=20_000))


def items(r: Any) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_articles_list_page_and_one(client: TestClient) -> None:
    arts = items(client.get("/api/articles"))
    assert [a["source"] for a in arts] == ["a.txt", "b.txt"]
    assert len(items(client.get("/api/articles", params={"limit": 1, "offset": 1}))) == 1
    one = client.get("/api/articles/b.txt").json()
    assert one["paragraphs"][0]["kind"] == "body" and one["paragraphs"][0]["novelty"]
    assert client.get("/api/articles/none.txt").status_code == 404


def test_entities_quotes_events_stories_claims_search(client: TestClient) -> None:
    names = [e["name"] for e in items(client.get("/api/entities", params={"type": "PERSON"}))]
    assert "Harriet Vossberg" in names
    ent = client.get("/api/entities/Vossberg").json()
    assert ent["name"] == "Harriet Vossberg" and ent["appearances"]
    assert client.get("/api/entities/Nobody Here").status_code == 404
    quotes = items(client.get("/api/quotes", params={"speaker": "Vossberg"}))
    assert len(quotes) == 2 and quotes[0]["origin"] == quotes[1]["origin"]
    events = items(client.get("/api/events"))
    dinner = [e for e in events if e["earliest"] == "2024-09-14"]
    assert dinner and dinner[0]["sources"] == ["a.txt", "b.txt"] and dinner[0]["conflicts"]
    early = items(client.get("/api/events", params={"as_of": "2024-09-21"}))
    assert all(e["sources"] == ["a.txt"] for e in early)
    assert items(client.get("/api/stories"))[0]["size"] == 2
    assert isinstance(items(client.get("/api/claims")), list)
    r = client.get("/api/search", params={"q": "Copper Kettle"})
    hits = items(r)
    assert r.json()["total"] == 2
    assert {h["source"] for h in hits} == {"a.txt", "b.txt"} and "[Copper]" in hits[0]["snippet"]


def test_filtered_timelines_match_the_merge_and_come_as_briefs(client: TestClient,
                                                              db: Path) -> None:
    by_entity = client.get("/api/events", params={"entity": "okafor"}).json()
    with storytrace.open(db) as st:
        merged = st.timeline(entity="Milan Okafor")  # merged again, then filtered
    assert by_entity["total"] == len(merged) > 0
    assert [e["id"] for e in by_entity["items"]] == [e["id"] for e in merged]
    early = items(client.get("/api/events", params={"as_of": "2024-09-21", "limit": 1}))
    assert len(early) == 1 and all(isinstance(e["sources"], list) for e in early)
    page = client.get("/", params={"entity": "okafor"})
    assert page.status_code == 200 and "Copper Kettle" in page.text
    assert "Copper Kettle" not in client.get("/", params={"entity": "Nobody Here"}).text


def test_bad_requests_are_json_with_the_right_status(client: TestClient) -> None:
    r = client.get("/api/events", params={"as_of": "last tuesday"})
    assert r.status_code == 400 and "as_of" in r.json()["error"]
    r = client.get("/api/articles", params={"limit": 0})
    assert r.status_code == 422 and "limit" in r.json()["error"]
    r = client.get("/api/search")
    assert r.status_code == 422 and "q" in r.json()["error"]
    assert client.get("/api/nothing").status_code == 404


def test_writing_needs_the_token(client: TestClient, db: Path) -> None:
    rec = {"id": "c1", "published": "2024-09-30", "outlet": "Test Wire",
           "text": "Milan Okafor flew to Porto on Sept. 28, his office said."}
    assert client.post("/api/articles", json=rec).status_code == 401
    r = client.post("/api/articles", json=rec, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403
    open_app = TestClient(create_app(db, token=None))
    r = open_app.post("/api/articles", json=rec, headers={"Authorization": "Bearer x"})
    assert r.status_code == 403 and "STORYTRACE_TOKEN" in r.json()["error"]
    r = client.post("/api/articles", json=[rec], headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201 and len(r.json()["added"]) == 1
    again = client.post("/api/articles", json=rec, headers={"Authorization": "Bearer s3cret"})
    assert again.json()["unchanged"] == 1


def test_reads_can_need_the_token(db: Path) -> None:
    guarded = TestClient(create_app(db, token="s3cret", read_token=True))
    assert guarded.get("/api/articles").status_code == 401
    ok = guarded.get("/api/articles", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_uploads_and_bad_bodies(client: TestClient) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    page = ("<html><head><title>Okafor in Porto</title></head><body><article>"
            "<p>Milan Okafor was seen in Porto on Sept. 29, residents said, as the filming "
            "of his new series moved north along the coast for two weeks.</p></article>"
            "</body></html>")
    r = client.post("/api/articles", headers=auth, data={"date": "2024-10-01"},
                    files={"file": ("porto.html", page.encode(), "text/html")})
    assert r.status_code == 201, r.text
    r = client.post("/api/articles", headers=auth, files={"file": ("empty.txt", b"", "text/plain")})
    assert r.status_code == 400 and "empty.txt" in r.json()["error"]
    r = client.post("/api/articles", headers=auth | {"content-type": "application/json"},
                    content=b"{not json")
    assert r.status_code == 400 and "malformed JSON" in r.json()["error"]
    r = client.post("/api/articles", headers=auth, json={"published": "2024-10-02"})
    assert r.status_code == 400 and "text" in r.json()["error"]
    big = b"x" * 30_000
    r = client.post("/api/articles", headers=auth, files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 413 and "limit" in r.json()["error"]


def test_pages_render_the_story(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "Copper Kettle" in page.text and "conflict" in page.text
    assert "2024-09-14" in client.get("/", params={"as_of": "2024-09-21"}).text
    art = client.get("/articles/b.txt").text
    assert "novelty-" in art and "a.txt" in art
    assert "old harbour restaurants" in client.get("/quotes").text
    assert "Harriet Vossberg" in client.get("/entities/Vossberg").text
    assert "Copper" in client.get("/search", params={"q": "kettle"}).text
    assert client.get("/claims").status_code == 200
    assert "/static/style.css" in page.text and client.get("/static/style.css").status_code == 200


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/api/articles", "/api/articles/{ref}", "/api/entities", "/api/entities/{ref}",
            "/api/quotes", "/api/events", "/api/events/{event_id}", "/api/claims",
            "/api/stories", "/api/search"} <= paths


def test_report_is_one_self_contained_file(db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storytrace.cli import app

    out = tmp_path / "story.html"
    r = CliRunner().invoke(app, ["report", "--db", str(db), "--format", "html", "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "<style>" in html and "/static/" not in html and "Copper Kettle" in html
    assert "Key dates" in html and html.index("Key dates") < html.index("Copper Kettle")
    r = CliRunner().invoke(app, ["report", "--db", str(db), "--format", "markdown"])
    assert r.exit_code == 0 and r.stdout.startswith("# Key dates")
    assert "[a.txt:" in r.stdout.split("# Timeline")[0]  # each key sentence sourced


def test_filtered_timeline_is_cached_until_the_store_changes(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with storytrace.open(path) as st:
        st.ingest([A])
    client = TestClient(create_app(path, token="s3cret", read_token=False))
    first = items(client.get("/api/events?as_of=2024-12-31"))
    assert items(client.get("/api/events?as_of=2024-12-31")) == first
    assert len(client.app.state.timelines) == 1  # type: ignore[attr-defined]
    later = {"published": "2024-10-03", "outlet": "Harbour Wire", "id": "c1",
             "text": "Milan Okafor opened a bakery in Porto on Oct. 1, neighbours said, "
                     "and sold out of bread by noon."}
    r = client.post("/api/articles", headers={"Authorization": "Bearer s3cret"}, json=later)
    assert r.status_code == 201, r.text
    again = items(client.get("/api/events?as_of=2024-12-31"))
    assert len(again) > len(first)
    assert any(e["earliest"] == "2024-10-01" for e in again)


def test_quote_pages_are_read_from_the_store(client: TestClient) -> None:
    whole = client.get("/api/quotes?limit=500").json()
    assert whole["total"] == len(whole["items"]) >= 2
    pages = [client.get(f"/api/quotes?limit=1&offset={k}").json() for k in range(whole["total"])]
    assert all(p["total"] == whole["total"] for p in pages)
    assert [p["items"][0] for p in pages] == whole["items"]
    assert client.get("/api/quotes?limit=5&speaker=nobody").json() == {
        "total": 0, "limit": 5, "offset": 0, "items": []}


def test_one_event_whole_and_pages_of_briefs(tmp_path: Path) -> None:
    from storytrace.store.sqlite import BRIEF_ITEMS

    path = tmp_path / "s.db"
    with storytrace.open(path) as st:
        st.ingest([A, B])
        big = dict(st.timeline()[0], id="v99", sources=[{"source": f"{k}.txt", "line": k}
                                                        for k in range(BRIEF_ITEMS + 5)])
        st.store.replace_events([*st.timeline(), big])
    client = TestClient(create_app(path))
    page = items(client.get("/api/events?limit=500"))
    cut = next(e for e in page if e["id"] == "v99")
    assert len(cut["sources"]) == BRIEF_ITEMS and cut["sources_total"] == BRIEF_ITEMS + 5
    whole = client.get("/api/events/v99").json()
    assert len(whole["sources"]) == BRIEF_ITEMS + 5 and "sources_total" not in whole
    r = client.get("/api/events/v404")
    assert r.status_code == 404 and "v404" in r.json()["error"]
