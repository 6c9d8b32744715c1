"""See the story: a REST API and server-rendered pages over a store (FastAPI).

    from storytrace.web import create_app
    app = create_app("story.db", token="s3cret")     # uvicorn storytrace.web:app also works

Reads are open (on loopback) unless `read_token` is set; writes (`POST
/api/articles`) always need the bearer token, and are refused when no token
is configured. Every page works offline: templates and static files ship in
the package, no CDN.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

import storytrace
from storytrace import export as _export
from storytrace.errors import StorytraceError
from storytrace.events import period
from storytrace.ingest.jsonl import record_to_article
from storytrace.settings import MAX_ARTICLE_BYTES
from storytrace.store.sqlite import brief

HERE = Path(__file__).parent
PAGE_MAX = 500


class ApiError(Exception):
    """An error the API reports as JSON: {"error": message} with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": items[offset:offset + limit]}


def _day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def corpus(request: Request) -> Iterator[storytrace.Corpus]:
    """The store, opened for one request (SQLite connections stay in their thread)."""
    st = storytrace.open(request.app.state.db)
    try:
        yield st
    finally:
        st.close()


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def may_read(request: Request) -> None:
    secret = request.app.state.token
    if request.app.state.guard_reads and not (
            secret and hmac.compare_digest(_bearer(request) or "", secret)):
        raise ApiError(401, "reading needs the bearer token (STORYTRACE_READ_TOKEN is set)")


def may_write(request: Request) -> None:
    secret = request.app.state.token
    if not secret:
        raise ApiError(403, "writing is disabled: the operator has not set STORYTRACE_TOKEN")
    given = _bearer(request)
    if given is None:
        raise ApiError(401, "writing needs 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(given, secret):
        raise ApiError(403, "wrong token")


# Timelines re-merged for a filter (as_of, entity, story), and the stories with their
# leading entities, kept per store version: the same view is asked for again and
# again, and changes only when articles arrive.
TIMELINE_CACHE = 32


def _version(st: storytrace.Corpus) -> tuple[Any, ...]:
    """What changes whenever anything is written to the store: the last run and when
    it finished (another process's `ingest` included)."""
    conn = st.store.conn  # type: ignore[attr-defined]
    return tuple(conn.execute("SELECT max(id), max(finished_at), count(*) FROM runs").fetchone())


def _cached(request: Request, st: storytrace.Corpus, key: tuple[Any, ...],
            compute: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = request.app.state.timelines
    key = (_version(st), *key)
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = compute()
    while len(cache) > TIMELINE_CACHE:
        cache.popitem(last=False)
    return value


def _timeline(request: Request, st: storytrace.Corpus, day: dt.date | None,
              entity: str | None, story: str | None) -> list[dict[str, Any]]:
    if day is None and story is None:  # the stored timeline, all of it or an entity's
        if entity is None:
            return st.timeline()
        return st.store.events_of(entity)  # type: ignore[attr-defined,no-any-return]
    return _cached(request, st, ("timeline", day, entity, story),
                   lambda: st.timeline(as_of=day, entity=entity, story=story))


Corpus = Annotated[storytrace.Corpus, Depends(corpus)]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]


def create_app(db: str | Path | None = None, *, token: str | None = None,
               read_token: bool | None = None, max_upload: int = MAX_ARTICLE_BYTES) -> FastAPI:
    """The application over one store. Defaults come from the environment:
    STORYTRACE_DB, STORYTRACE_TOKEN, STORYTRACE_READ_TOKEN=1."""
    db_path = str(db or os.environ.get("STORYTRACE_DB", "storytrace.db"))
    secret = token if token is not None else os.environ.get("STORYTRACE_TOKEN") or None
    guard_reads = read_token if read_token is not None else \
        os.environ.get("STORYTRACE_READ_TOKEN", "") not in ("", "0")
    app = FastAPI(title="storytrace", version=storytrace.__version__,
                  description="A sourced timeline, quotes, entities, reuse and stories "
                              "of a news corpus.")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.state.db = db_path
    app.state.token = secret
    app.state.guard_reads = guard_reads
    app.state.timelines = OrderedDict()
    read = [Depends(may_read)]

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(StorytraceError)
    async def _library_error(request: Request, exc: StorytraceError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid request')}"},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    # --- the API ---------------------------------------------------------------------------

    @app.get("/api/articles", dependencies=read, tags=["articles"])
    def list_articles(st: Corpus, limit: Limit = 50, offset: Offset = 0,
                      story: str | None = None, since: str | None = None) -> dict[str, Any]:
        """Articles in publication order, with their story."""
        _day(since, "since")
        where, args = [], []
        if since:
            where.append("a.published >= ?")
            args.append(since)
        if story:
            where.append("s.story = ?")
            args.append(story)
        sql = (" FROM articles a LEFT JOIN article_stories s ON s.article_id = a.id"
               + (" WHERE " + " AND ".join(where) if where else ""))
        conn = st.store.conn  # type: ignore[attr-defined]
        total = conn.execute("SELECT count(*)" + sql, args).fetchone()[0]
        rows = conn.execute(
            "SELECT a.id, a.source, a.published, a.outlet, a.title, s.story" + sql
            + " ORDER BY a.published, a.source, a.id LIMIT ? OFFSET ?",
            [*args, limit, offset]).fetchall()
        return {"total": total, "limit": limit, "offset": offset, "items": [dict(r) for r in rows]}

    @app.get("/api/articles/{ref:path}", dependencies=read, tags=["articles"])
    def get_article(ref: str, st: Corpus) -> dict[str, Any]:
        """One article: paragraphs with their kind, novelty and the paragraphs they reprint."""
        return _article(st, ref)

    @app.post("/api/articles", dependencies=[Depends(may_write)], tags=["articles"],
              status_code=201)
    async def post_articles(request: Request, st: Corpus) -> dict[str, Any]:
        """Ingest articles: a JSON object or array (as a JSON Lines record: `id` or `url`,
        `published`, `outlet`, `title`, `text` or `html`), or an uploaded HTML or text
        file (multipart field `file`, optional `date` and `outlet`)."""
        size = request.headers.get("content-length")
        if size is not None and size.isdigit() and int(size) > max_upload:
            raise ApiError(413, f"request of {int(size):,} bytes is over the "
                                f"{max_upload:,}-byte limit")
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=4) as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise ApiError(400, "multipart upload needs a 'file' field")
                date = _day(str(form.get("date") or "") or None, "date")
                outlet = str(form.get("outlet") or "") or None
                return await _ingest_upload(st, upload, date, outlet)
        body = await _read_capped(request)
        try:
            data = json.loads(body)
        except ValueError as e:
            raise ApiError(400, f"body: malformed JSON ({e.args[0]})") from None
        records = data if isinstance(data, list) else [data]
        if not records or not all(isinstance(r, dict) for r in records):
            raise ApiError(400, "body: expected an article object or a list of them")
        articles = []
        for n, rec in enumerate(records):
            where = f"body[{n}]" if isinstance(data, list) else "body"
            articles.append(record_to_article(rec, where, limit=max_upload))
        return _report(st.ingest(articles))

    async def _read_capped(request: Request) -> bytes:
        chunks, total = [], 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_upload:
                raise ApiError(413, f"request over the {max_upload:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _ingest_upload(st: storytrace.Corpus, upload: UploadFile, date: dt.date | None,
                             outlet: str | None) -> dict[str, Any]:
        name = PurePath(upload.filename or "upload.txt").name or "upload.txt"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            total = 0
            with path.open("wb") as f:
                while chunk := await upload.read(1 << 16):
                    total += len(chunk)
                    if total > max_upload:
                        raise ApiError(413, f"{name}: upload over the {max_upload:,}-byte limit")
                    f.write(chunk)
            report = st.ingest([path], date=date, outlet=outlet)
        return _report(report)

    def _report(report: Any) -> dict[str, Any]:
        if report.errors and not report.added and not report.unchanged:
            raise ApiError(400, "; ".join(str(e) for e in report.errors))
        return {"added": report.added, "unchanged": report.unchanged,
                "errors": [str(e) for e in report.errors]}

    @app.get("/api/entities", dependencies=read, tags=["entities"])
    def list_entities(st: Corpus, limit: Limit = 50, offset: Offset = 0,
                      type: str | None = None) -> dict[str, Any]:
        """Canonical entities, most mentioned first, with their aliases."""
        total, rows = st.store.entity_page(limit, offset, type=type)  # type: ignore[attr-defined]
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    @app.get("/api/entities/{ref:path}", dependencies=read, tags=["entities"])
    def get_entity(ref: str, st: Corpus) -> dict[str, Any]:
        """One entity (by id, name or alias): aliases, facts over time and appearances."""
        return _entity(st, ref)

    @app.get("/api/quotes", dependencies=read, tags=["quotes"])
    def list_quotes(st: Corpus, limit: Limit = 50, offset: Offset = 0,
                    speaker: str | None = None, via: str | None = None,
                    origin: str | None = None, story: str | None = None) -> dict[str, Any]:
        """Quotations in publication order; every report of one utterance shares `origin`."""
        if story is None:  # a page read from the store, not every quote
            rows = st.quotes(speaker=speaker, via=via, origin=origin, limit=limit, offset=offset)
            return {"total": st.count_quotes(speaker=speaker, via=via, origin=origin),
                    "limit": limit, "offset": offset,
                    "items": [_export.quote_record(q) | {"published": q["published"]}
                              for q in rows]}
        return _page(_quotes(st, speaker, via, origin, story), limit, offset)

    @app.get("/api/events", dependencies=read, tags=["events"],
             response_model=dict[str, Any])
    def list_events(request: Request, st: Corpus, limit: Limit = 50, offset: Offset = 0,
                    as_of: str | None = None, entity: str | None = None,
                    story: str | None = None) -> Response:
        """The timeline: events in date order with sources, evidence and conflicts, each
        list cut to its first 20 items with `<list>_total` beside it; `/api/events/{id}`
        gives the whole event. `entity` alone filters the stored timeline; `as_of` and
        `story` merge the events of those articles again (seconds the first time)."""
        day = _day(as_of, "as_of")
        if day is None and story is None:  # the stored timeline: its briefs sent as stored
            total, rows = st.store.event_page_json(  # type: ignore[attr-defined]
                limit, offset, entity=entity)
            items = "[" + ",".join(rows) + "]"
        else:
            page = _page(_timeline(request, st, day, entity, story), limit, offset)
            total, items = page["total"], json.dumps([brief(e) for e in page["items"]])
        # written here, not by FastAPI's encoder: a page of briefs is hundreds of kilobytes
        return Response(f'{{"total": {total}, "limit": {limit}, "offset": {offset}, '
                        f'"items": {items}}}', media_type="application/json")

    @app.get("/api/events/{event_id}", dependencies=read, tags=["events"])
    def get_event(event_id: str, st: Corpus) -> dict[str, Any]:
        """One event of the stored timeline, with every source, evidence and conflict."""
        event = st.store.event(event_id)  # type: ignore[attr-defined]
        if event is None:
            raise ApiError(404, f"{event_id}: no event with that id")
        return dict(event)

    @app.get("/api/claims", dependencies=read, tags=["claims"])
    def list_claims(st: Corpus, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Claims with their reports, stance and status over time."""
        claims = getattr(st.store, "claims", None)
        return _page(list(claims()) if callable(claims) else [], limit, offset)

    @app.get("/api/stories", dependencies=read, tags=["stories"])
    def list_stories(request: Request, st: Corpus, limit: Limit = 50,
                     offset: Offset = 0) -> dict[str, Any]:
        """Stories of the stream: size, span and leading entities."""
        return _page(_cached(request, st, ("stories",), st.stories), limit, offset)

    @app.get("/api/search", dependencies=read, tags=["search"])
    def search(st: Corpus, q: Annotated[str, Query(min_length=1, max_length=500)],
               limit: Limit = 20, offset: Offset = 0) -> dict[str, Any]:
        """Paragraphs matching the words (full text), best first; a query matching more
        than 5,000 paragraphs is ranked in blocks of 5,000, the most recently added first."""
        rows = st.search(q, limit=limit, offset=offset)
        total = st.store.search_count(q)  # type: ignore[attr-defined]
        return {"total": total, "limit": limit, "offset": offset, "items": rows}

    # --- the pages -------------------------------------------------------------------------

    def render(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    @app.get("/", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def timeline_page(request: Request, st: Corpus, as_of: str | None = None,
                      entity: str | None = None, story: str | None = None) -> HTMLResponse:
        day = _day(as_of, "as_of")
        events = _timeline(request, st, day, entity, story)
        months: dict[str, list[dict[str, Any]]] = {}
        for e in events:
            key = period(e)
            months.setdefault(key, []).append(e)
        ids = _source_ids(st)
        return render(request, "timeline.html", months=months, as_of=as_of or "",
                      entity=entity or "", story=story or "", stories=st.stories(), ids=ids,
                      count=len(events))

    @app.get("/articles/{ref:path}", response_class=HTMLResponse, dependencies=read,
             include_in_schema=False)
    def article_page(request: Request, ref: str, st: Corpus) -> HTMLResponse:
        rec = _article(st, ref)
        ids = _source_ids(st)
        return render(request, "article.html", a=rec, ids=ids)

    @app.get("/quotes", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def quotes_page(request: Request, st: Corpus, speaker: str | None = None,
                    story: str | None = None) -> HTMLResponse:
        rows = _quotes(st, speaker, None, None, story)
        by_origin: dict[str, list[dict[str, Any]]] = {}
        for q in rows:
            by_origin.setdefault(q["origin"], []).append(q)
        by_speaker: dict[str, list[list[dict[str, Any]]]] = {}
        for reports in by_origin.values():
            first = reports[0]
            who = first["speaker"] or ("anonymous" if first["anonymous"] else "unattributed")
            by_speaker.setdefault(who, []).append(reports)
        ids = _source_ids(st)
        return render(request, "quotes.html", by_speaker=by_speaker, speaker=speaker or "",
                      ids=ids)

    @app.get("/entities/{ref:path}", response_class=HTMLResponse, dependencies=read,
             include_in_schema=False)
    def entity_page(request: Request, ref: str, st: Corpus) -> HTMLResponse:
        ids = _source_ids(st)
        return render(request, "entity.html", e=_entity(st, ref), ids=ids)

    @app.get("/claims", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def claims_page(request: Request, st: Corpus) -> HTMLResponse:
        claims = getattr(st.store, "claims", None)
        return render(request, "claims.html", claims=list(claims()) if callable(claims) else [])

    @app.get("/search", response_class=HTMLResponse, dependencies=read, include_in_schema=False)
    def search_page(request: Request, st: Corpus, q: str = "") -> HTMLResponse:
        rows = st.search(q, limit=50) if q.strip() else []
        return render(request, "search.html", q=q, rows=rows)

    return app


def _source_ids(st: storytrace.Corpus) -> dict[str, str]:
    """Article id by source, for links (the last in publication order when two share one),
    read without the articles' paragraphs."""
    conn = st.store.conn  # type: ignore[attr-defined]
    return {r[0]: r[1] for r in conn.execute(
        "SELECT source, id FROM articles ORDER BY published, source, id")}


def _article(st: storytrace.Corpus, ref: str) -> dict[str, Any]:
    found = st.find(ref)
    if len(found) != 1:
        raise ApiError(404 if not found else 400,
                       f"{ref}: {'no' if not found else len(found)} stored articles match")
    a = found[0]
    reused: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in st.reuse(to_article=a.id):
        reused.setdefault((a.id, r["to_para"]), []).append(
            {"source": r["from_source"], "line": r["from_line"], "similarity": r["similarity"]})
    rec = _export.article_record(a, st.novelty(article_id=a.id), reused)
    rec["story"] = st.store.story_of(a.id).get(a.id)
    return rec


def _entity(st: storytrace.Corpus, ref: str) -> dict[str, Any]:
    found = st.entity(ref)
    if not found:
        raise ApiError(404, f"{ref}: no entity of that name, alias or id")
    e = found[0]
    located = st.store.locations({m.article_id for m in e.mentions}
                                 | {f.article_id for f in e.facts})
    where = {k: (source, line) for k, (source, line, _) in located.items()}
    published = {source: day for source, _, day in located.values()}
    rec = _export.entity_record(e, where)
    seen: dict[str, dict[str, Any]] = {}
    for m in e.mentions:
        source, line = where.get((m.article_id, m.para_index), ("", 0))
        row = seen.setdefault(source, {"source": source, "published": published.get(source),
                                       "lines": [], "forms": []})
        if line not in row["lines"]:
            row["lines"].append(line)
        if m.text not in row["forms"]:
            row["forms"].append(m.text)
    rec["appearances"] = sorted(seen.values(), key=lambda r: (r["published"] or "", r["source"]))
    return rec


def _quotes(st: storytrace.Corpus, speaker: str | None, via: str | None, origin: str | None,
            story: str | None) -> list[dict[str, Any]]:
    members = st.in_story(story)
    return [_export.quote_record(q) | {"published": q["published"]}
            for q in st.quotes(speaker=speaker, via=via, origin=origin)
            if members is None or q["article_id"] in members]


def __getattr__(name: str) -> Any:
    """`uvicorn storytrace.web:app` builds the app from the environment on first use."""
    if name == "app":
        return create_app()
    raise AttributeError(name)
