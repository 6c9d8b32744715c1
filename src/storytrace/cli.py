"""The `storytrace` command: thin commands over the library (storytrace.corpus)."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storytrace import corpus as _corpus
from storytrace.entities.names import ascii_punct
from storytrace.errors import InputError, StorytraceError
from storytrace.events import period
from storytrace.ingest import Notice
from storytrace.models import Article
from storytrace.settings import MAX_ARTICLE_BYTES, Settings

app = typer.Typer(
    help="Turn dated news articles into the story: timeline, quotes, reuse, claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="STORYTRACE_DB", help="Store file (SQLite).",
                 show_default=True),
]
DEFAULT_DB = Path(_corpus.DEFAULT_DB)


F = TypeVar("F", bound=Callable[..., Any])


def command(func: F) -> F:
    """Register a command whose library errors print one line and exit with status 2."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except StorytraceError as e:
            _fail(str(e))

    app.command()(run)
    return func


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD") from None


def _open(db: Path, **settings: Any) -> _corpus.Corpus:
    return _corpus.open(db, Settings(**settings))


@command
def ingest(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories, globs or URLs.", metavar="PATH")],
    db: DbOption = DEFAULT_DB,
    date: Annotated[str | None, typer.Option(
        help="Publication date (YYYY-MM-DD) for inputs that carry none.")] = None,
    outlet: Annotated[str | None, typer.Option(
        help="Outlet for inputs that name none.")] = None,
    max_bytes: Annotated[int, typer.Option(
        help="Refuse a single article larger than this many bytes.")] = MAX_ARTICLE_BYTES,
    parse: Annotated[bool, typer.Option(
        help="Parse with spaCy (--no-parse stores text only, faster).")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
) -> None:
    """Read articles into the store: seed text, plain text, JSON Lines, HTML, pages and feeds.

    Re-ingesting the same input changes nothing; each run is one transaction.

    Example:
        storytrace ingest ../shared/seeds/*.txt --db story.db
    """
    default_date = _date(date)
    counts = {"articles": 0, "errors": 0}
    # redrawn as articles are read, not by rich's refresh thread: the parse runs
    # about 11% slower in a process that has had a second thread (_console.py)
    with _open(db, max_article_bytes=max_bytes) as st, Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=err, transient=True, disable=quiet, auto_refresh=False,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def tick(item: Article | InputError | Notice) -> None:
            if isinstance(item, InputError):
                counts["errors"] += 1
                bar.console.print(f"[red]error:[/red] {item}", highlight=False, markup=True)
            elif isinstance(item, Notice):
                if not quiet:
                    bar.console.print(f"note: {item}", highlight=False, markup=False)
            else:
                counts["articles"] += 1
            bar.update(task, refresh=True, description=(
                f"{counts['articles']} articles read, {counts['errors']} errors"))

        report = st.ingest(paths, date=default_date, outlet=outlet, parse=parse, progress=tick)
    if not quiet:
        out.print(f"added {len(report.added)}, unchanged {report.unchanged}, "
                  f"errors {len(report.errors)} — store {db}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@command
def batch(
    paths: Annotated[list[str], typer.Argument(
        help="JSON Lines, WARC (.warc, .warc.gz), HTML or text files, directories or globs.",
        metavar="INPUT")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the Parquet tables.")],
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a running Dask scheduler (tcp://host:8786); "
             "default: a local cluster.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes of the local cluster (default: one per core).")] = None,
    part_size: Annotated[int, typer.Option(
        help="Articles per partition.")] = 256,
    date: Annotated[str | None, typer.Option(
        help="Publication date (YYYY-MM-DD) for inputs that carry none.")] = None,
    outlet: Annotated[str | None, typer.Option(
        help="Outlet for inputs that name none.")] = None,
    max_bytes: Annotated[int, typer.Option(
        help="Refuse a single article larger than this many bytes.")] = MAX_ARTICLE_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
) -> None:
    """Run every per-article stage over a large corpus on Dask; write Parquet tables.

    Partitions already written are skipped, so an interrupted run is resumed by
    running the same command again. Load the result with `storytrace load`.

    Example:
        storytrace batch crawl/*.warc.gz --out run1 --workers 2
        storytrace batch news.jsonl --out run1 --scheduler tcp://10.0.0.5:8786
    """
    from rich.progress import BarColumn, MofNCompleteColumn

    from storytrace import batch as _batch

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task("partitions", total=None)
        articles = {"n": 0}

        def tick(done: int, total: int, part: _batch.PartReport | None) -> None:
            if part is not None:
                articles["n"] += part.articles
            bar.update(task, completed=done, total=total,
                       description=f"{articles['n']} articles")

        report = _batch.run(paths, out_dir, scheduler=scheduler, workers=workers,
                            every=part_size, settings=Settings(max_article_bytes=max_bytes),
                            date=_date(date), outlet=outlet, progress=tick)
    for e in report.errors:
        err.print(f"[red]error:[/red] {e}", highlight=False)
    for part, problem in report.failed:
        err.print(f"[red]failed:[/red] partition {part}: {problem}", highlight=False)
    if not quiet:
        skipped = sum(1 for r in report.done if r.skipped)
        bad = sum(r.errors for r in report.done)
        out.print(f"{len(report.done)} of {report.parts} partitions done ({skipped} from an "
                  f"earlier run), {report.articles} articles, {bad} input errors, "
                  f"{report.candidates if report.candidates is not None else 'no'} reuse "
                  f"candidates — {out_dir}", highlight=False)
    if report.failed or report.errors or any(r.errors for r in report.done):
        raise typer.Exit(1)


@command
def load(
    batch_dir: Annotated[Path, typer.Argument(help="Folder written by `storytrace batch`.",
                                              metavar="DIR")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Load a batch run's Parquet tables into the store, then link the corpus.

    One transaction: an interrupted load leaves the store as it was.

    Example:
        storytrace load run1 --db crawl.db
    """
    from storytrace import batch as _batch

    with _open(db) as st:
        report = _batch.load(batch_dir, st)
    for e in report.errors:
        err.print(f"[red]error:[/red] {e}", highlight=False)
    if report.missing:
        err.print(f"[red]missing:[/red] {len(report.missing)} partitions were not written; "
                  "re-run `storytrace batch` to finish them", highlight=False)
    out.print(f"added {report.added}, unchanged {report.unchanged}, "
              f"input errors {len(report.errors)} — store {db}", highlight=False)
    if report.missing:
        raise typer.Exit(1)


@command
def export(
    db: DbOption = DEFAULT_DB,
    format: Annotated[str, typer.Option("--format", "-f", help="Only 'json' for now.")] = "json",
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """Write the whole store as JSON (schema 1 of docs/EXPORT.md).

    Example:
        storytrace export --db story.db --format json --out story.json
    """
    if format != "json":
        raise typer.BadParameter(f"unknown format {format!r}; expected 'json'",
                                 param_hint="--format")
    _require(db)
    with _open(db) as st:
        data = st.export()
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if out_path is None:
        sys.stdout.write(text + "\n")
    else:
        tmp = out_path.with_name(out_path.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, out_path)
        err.print(f"wrote {out_path} ({len(data['articles'])} articles)", highlight=False)


@command
def articles(
    db: DbOption = DEFAULT_DB,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after.")] = None,
    story: Annotated[str | None, typer.Option(help="Only this story (see 'storytrace stories').")
                     ] = None,
) -> None:
    """List stored articles in publication order, with their story.

    Example:
        storytrace articles --db story.db --since 2025-05-01
    """
    _date(since)
    _require(db)
    table = Table("published", "source", "outlet", "body", "other", "story", "id", box=None)
    with _open(db) as st:
        story_of = st.store.story_of()
        for a in st.articles(since=since):
            if story is not None and story_of.get(a.id) != story:
                continue
            body = len(a.body)
            table.add_row(str(a.published or "?"), a.source, a.outlet or "",
                          str(body), str(len(a.paragraphs) - body), story_of.get(a.id, ""),
                          a.id[:10])
    out.print(table)


@command
def show(
    source: Annotated[str, typer.Argument(help="File name, path, URL or id (prefix).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show one article paragraph by paragraph, with each paragraph's kind.

    Example:
        storytrace show 000_4c17318b5345151c.txt --db story.db
    """
    _require(db)
    with _open(db) as st:
        found = st.find(source)
    if not found:
        _fail(f"{source}: no stored article has this source, path, URL or id")
    if len(found) > 1:
        names = ", ".join(f"{a.source} ({a.id[:10]})" for a in found[:5])
        _fail(f"{source}: {len(found)} articles match ({names}); give an id")
    a = found[0]
    out.print(f"[bold]{a.title or a.source}[/bold]", highlight=False)
    meta = [str(a.published), a.outlet or "outlet unknown"]
    if a.contributors:
        meta.append("with " + ", ".join(a.contributors))
    out.print(" · ".join(meta), highlight=False)
    table = Table("line", "kind", "text", box=None, show_header=True)
    for p in a.paragraphs:
        style = None if p.is_body else "dim"
        table.add_row(str(p.line), p.kind, p.text, style=style)
    out.print(table)


@command
def stats(db: DbOption = DEFAULT_DB) -> None:
    """Counts of what the store holds.

    Example:
        storytrace stats --db story.db
    """
    _require(db)
    with _open(db) as st:
        s = st.stats()
    table = Table(box=None, show_header=False)
    for key in ("store", "schema", "articles", "outlets", "first", "last",
                "paragraphs", "sentences", "entities", "runs"):
        table.add_row(key, str(s[key]))
    for kind, n in sorted(s["paragraph_kinds"].items()):
        table.add_row(f"  {kind}", str(n))
    out.print(table)


@command
def entities(
    db: DbOption = DEFAULT_DB,
    type: Annotated[str | None, typer.Option(
        "--type", "-t", help="PERSON, WORK, OUTLET, PLACE, ORG or PLATFORM.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
) -> None:
    """List canonical entities with their aliases and mention counts.

    Example:
        storytrace entities --db story.db --type PERSON
    """
    _require(db)
    table = Table("name", "type", "mentions", "aliases", box=None)
    with _open(db) as st:
        for e in st.entities(type=type)[:limit]:
            table.add_row(e.name, e.type, str(e.mention_count), "; ".join(e.aliases[:8])
                          + (" …" if len(e.aliases) > 8 else ""))
    out.print(table)


@command
def entity(
    name: Annotated[str, typer.Argument(help="Canonical name, alias or id.", metavar="NAME")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show one entity: aliases, facts with dates and sources, and where it appears.

    Example:
        storytrace entity "Tom Cruise" --db story.db
    """
    _require(db)
    with _open(db) as st:
        found = st.entity(name)
        if not found:
            _fail(f"{name}: no entity has this name, alias or id (see 'storytrace entities')")
        e = found[0]
        sources = {a.id: a for a in st.articles()}
    out.print(f"[bold]{e.name}[/bold] ({e.type}, {e.mention_count} mentions)", highlight=False)
    if e.aliases:
        out.print("aliases: " + "; ".join(e.aliases), highlight=False)
    if e.facts:
        facts = Table("fact", "value", "as of", "source", "line", box=None)
        for f in e.facts:
            a = sources.get(f.article_id)
            line = next((str(p.line) for p in a.paragraphs if p.index == f.para_index), "?"
                        ) if a else "?"
            facts.add_row(f.key, str(f.value), str(f.as_of or ""), a.source if a else "", line)
        out.print(facts)
    counts: dict[str, int] = {}
    for m in e.mentions:
        counts[m.article_id] = counts.get(m.article_id, 0) + 1
    appear = Table("published", "source", "mentions", box=None)
    for aid, n in sorted(counts.items(), key=lambda kv: str(sources[kv[0]].published)):
        appear.add_row(str(sources[aid].published), sources[aid].source, str(n))
    out.print(appear)
    if len(found) > 1:
        out.print("also: " + ", ".join(f"{x.name} ({x.type})" for x in found[1:]),
                  highlight=False)


@command
def check(db: DbOption = DEFAULT_DB) -> None:
    """List what does not fit: ages across articles, likely misspellings, contradictions.

    Consistent age changes (a birthday between two dates) are listed as 'ok'.

    Example:
        storytrace check --db story.db
    """
    _require(db)
    with _open(db) as st:
        findings = st.check()
    if not findings:
        out.print("nothing to report")
        return
    for f in findings:
        mark = "ok" if f.get("level") == "info" else "!!"
        out.print(f"{mark} {f['kind']}: {f['entity']}: {f['message']} "
                  f"[{', '.join(f['sources'])}]", highlight=False, markup=False, soft_wrap=True)


@command
def quotes(
    db: DbOption = DEFAULT_DB,
    speaker: Annotated[str | None, typer.Option(help="Name or alias of the speaker.")] = None,
    via: Annotated[str | None, typer.Option(help="Outlet, show or platform.")] = None,
    origin: Annotated[str | None, typer.Option(help="Origin id (see 'storytrace quote').")
                      ] = None,
    story: Annotated[str | None, typer.Option(help="Only this story (see 'storytrace stories').")
                     ] = None,
) -> None:
    """List quotations with speaker, venue, date said and origin.

    Example:
        storytrace quotes --db story.db --speaker "de Armas" --via Variety
    """
    _require(db)
    with _open(db) as st:
        rows = st.quotes(speaker=speaker, via=via, origin=origin)
        members = st.in_story(story)
    for q in rows:
        if members is not None and q["article_id"] not in members:
            continue
        who = q["speaker"] or ("anonymous" if q["anonymous"] else "unattributed")
        to = f" to {q['via']}" if q["via"] else ""
        said = f" ({q['said']})" if q["said"] else ""
        text = ("… " if q["partial"] else "") + q["text"]
        out.print(f"{q['published']} {q['source']}:{q['line']} {q['origin']}  {who}{to}{said}: "
                  f"“{text}”", highlight=False, markup=False, soft_wrap=True)
    if not rows:
        out.print("no quotes match")


@command
def timeline(
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only what had been published by "
                                              "this day (YYYY-MM-DD).")] = None,
    entity: Annotated[str | None, typer.Option(help="Only events with this person or place "
                                               "(any alias).")] = None,
    story: Annotated[str | None, typer.Option(help="Only this story (see 'storytrace stories').")
                     ] = None,
    format: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
    top: Annotated[int | None, typer.Option(help="Only the N most important dates, each with "
                                            "its best-supported sentences (big stories).")
                   ] = None,
) -> None:
    """The story in date order: each event with its date, people, sources and conflicts.

    With --top N, the N dates that matter most (by how many articles and outlets
    report them, reprints counted once), each summed up in the articles' words.

    Example:
        storytrace timeline --db story.db --entity "de Armas" --format markdown
    """
    if format not in ("table", "markdown", "json"):
        raise typer.BadParameter(f"{format!r}: expected table, markdown or json")
    if top is not None and top < 1:
        raise typer.BadParameter(f"--top {top}: expected a positive number of dates")
    day = _date(as_of)
    _require(db)
    if top is not None:
        with _open(db) as st:
            dates = st.digest(top=top, as_of=day, story=story)
        _print_digest(dates, format)
        return
    with _open(db) as st:
        events = st.timeline(as_of=day, entity=entity, story=story)
    if format == "json":
        _print_json(events)
        return
    if format == "markdown":
        sys.stdout.write(timeline_markdown(events))
        return
    if not events:
        out.print("no events")
        return
    table = Table("date", "what", "sources", box=None, show_lines=True)
    table.columns[0].no_wrap = True
    table.columns[2].overflow = "fold"
    for e in events:
        srcs = "\n".join(dict.fromkeys(f"{v['source']}:{v['line']}" for v in e["evidence"]))
        who = ", ".join(e["participants"])
        what = e["summary"] + (f"\n— {who}" if who else "") + (
            f" in {e['place']}" if e.get("place") else "")
        what += "".join(f"\n[!] {c}" for c in e["conflicts"])
        table.add_row(_when(e), what, srcs)
    out.print(table, markup=False)


@command
def claims(
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only what had been published by "
                                              "this day (YYYY-MM-DD).")] = None,
    story: Annotated[str | None, typer.Option(help="Only this story (see 'storytrace stories').")
                     ] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The claims of the story: each with its status over time, who supports and who
    denies it, and every report in order with its stance, source and paragraph.

    Example:
        storytrace claims --db story.db --as-of 2025-04-01
    """
    if format not in ("table", "json"):
        raise typer.BadParameter(f"{format!r}: expected table or json")
    day = _date(as_of)
    _require(db)
    with _open(db) as st:
        rows = st.claims(as_of=day, story=story)
    if format == "json":
        _print_json(rows)
        return
    if not rows:
        out.print("no claims")
        return
    for c in rows:
        status = " -> ".join(f"{s['status']} ({s['from']})" for s in c["status"]) or "reported"
        out.print(f"{c['id']}  {c['statement']}\n    status: {status}", markup=False,
                  highlight=False)
        if c["supporters"]:
            out.print("    supported by: " + "; ".join(c["supporters"]), markup=False,
                      highlight=False)
        if c["deniers"]:
            out.print("    denied by: " + "; ".join(c["deniers"]), markup=False,
                      highlight=False)
        for r in c["reports"]:
            who = "anonymous" if r["anonymous"] else (r["attributed_to"] or "the article")
            via = f" to {r['via']}" if r.get("via") else ""
            copy = (f" [copy of {r['copy_of']['source']}:{r['copy_of']['line']}]"
                    if r.get("copy_of") else "")
            out.print(f"    {r['published']} {r['source']}:{r['line']} {r['stance']:<9} "
                      f"{who}{via} ({r['evidence']}){copy}", markup=False, highlight=False,
                      soft_wrap=True)


@command
def claim(
    claim_id: Annotated[str, typer.Argument(help="Claim id from 'storytrace claims', or a "
                                            "unique prefix of one.", metavar="ID")],
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The claim as it stood by this "
                                              "day (ids as 'claims --as-of' shows them).")
                     ] = None,
    story: Annotated[str | None, typer.Option(help="Only this story (see 'storytrace stories').")
                     ] = None,
    format: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
) -> None:
    """Show one claim: its statement, current status, who supports and who denies it, and
    every report in order with date, source, stance (and its headline's, when the
    headline model reads it otherwise), attribution, evidence and paragraph.

    A recycled or syndicated copy of an earlier report is marked and counted once.

    Example:
        storytrace claim c1 --db story.db --format markdown
    """
    from storytrace.claims import view

    if format not in ("table", "markdown", "json"):
        raise typer.BadParameter(f"{format!r}: expected table, markdown or json")
    day = _date(as_of)
    _require(db)
    with _open(db) as st:
        rows = st.claims(as_of=day, story=story)
        try:
            found = view.resolve(rows, claim_id)
        except LookupError as e:
            _fail(str(e.args[0]))
        paragraphs: dict[tuple[str, str | None, int], str] = {}
        for source in dict.fromkeys(r["source"] for r in found["reports"]):
            for a in st.find(source):
                for p in a.paragraphs:
                    paragraphs.setdefault((a.source, str(a.published), p.line), p.text)
    shown = view.detail(found, lambda r: paragraphs.get(
        (r["source"], str(r["published"]), r["line"])))
    if format == "json":
        _print_json(shown)
    elif format == "markdown":
        sys.stdout.write(view.markdown(shown))
    else:
        for line in view.lines(shown):
            out.print(line, markup=False, highlight=False, soft_wrap=True)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _print_digest(dates: list[dict[str, Any]], format: str) -> None:
    if format == "json":
        _print_json(dates)
        return
    if not dates:
        out.print("no dates")
        return
    for d in dates:
        head = f"{d['date']}  ({d['articles']} articles, {d['outlets']} outlets)"
        out.print(f"## {head}" if format == "markdown" else head, highlight=False, markup=False)
        for s in d["sentences"]:
            out.print(f"- {s['text']} [{s['source']}:{s['line']}]", highlight=False,
                      markup=False, soft_wrap=True)
        out.print("")


def _when(e: dict[str, Any]) -> str:
    value = str(e["date"])
    return value if e.get("precision") in ("day", None) else f"{value} ({e['precision']})"


def timeline_markdown(events: list[dict[str, Any]]) -> str:
    """The timeline as Markdown, a heading per month, each line sourced.

    >>> print(timeline_markdown([{"date": "2025-02-13", "earliest": "2025-02-13",
    ...     "precision": "day", "summary": "They met.", "participants": ["A B"],
    ...     "place": None, "evidence": [{"source": "a.txt", "line": 3}], "conflicts": []}]))
    ## 2025-02
    <BLANKLINE>
    - **2025-02-13** They met. (A B) [a.txt:3]
    <BLANKLINE>
    """
    lines: list[str] = []
    month = None
    for e in events:
        m = period(e)
        if m != month:
            if lines:
                lines.append("")
            lines += [f"## {m}", ""]
            month = m
        who = f" ({', '.join(e['participants'])})" if e["participants"] else ""
        where = f" in {e['place']}" if e.get("place") else ""
        srcs = ", ".join(f"{v['source']}:{v['line']}" for v in e["evidence"])
        lines.append(f"- **{_when(e)}** {e['summary']}{who}{where} [{srcs}]")
        lines += [f"  - conflict: {c}" for c in e["conflicts"]]
    return "\n".join(lines) + "\n" if lines else "no events\n"


@command
def search(
    query: Annotated[str, typer.Argument(help="Words to find; \"quoted words\" as a phrase.")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="At most this many paragraphs.")] = 20,
) -> None:
    """Find paragraphs by their words, best match first, each with its source line.

    Example:
        storytrace search '"Top Gun" helicopter' --db story.db
    """
    _require(db)
    with _open(db) as st:
        rows = st.search(query, limit=limit)
    for r in rows:
        out.print(f"{r['published']} {r['source']}:{r['line']} [{r['kind']}] {r['snippet']}",
                  highlight=False, markup=False, soft_wrap=True)
    if not rows:
        out.print("no paragraphs match")


@command
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web pages and the REST API (docs at /docs) over the store.

    Writes (POST /api/articles) need STORYTRACE_TOKEN set and sent as a bearer
    token; STORYTRACE_READ_TOKEN=1 makes reads need it too.

    Example:
        STORYTRACE_TOKEN=s3cret storytrace serve --db story.db --port 8000
    """
    import uvicorn

    from storytrace.web import create_app

    _require(db)
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


@command
def report(
    db: DbOption = DEFAULT_DB,
    format: Annotated[str, typer.Option("--format", help="html or markdown.")] = "html",
    out_file: Annotated[Path | None, typer.Option("--out", help="Write here (default: stdout).")
                        ] = None,
    story: Annotated[str | None, typer.Option(help="Only this story.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="As published by this day.")
                     ] = None,
) -> None:
    """The story as one self-contained file to send: its key dates (the digest, sized
    to the story), then the timeline with every source.

    Example:
        storytrace report --db story.db --format html --out story.html
    """
    if format not in ("html", "markdown"):
        raise typer.BadParameter(f"{format!r}: expected html or markdown")
    day = _date(as_of)
    _require(db)
    from storytrace import digest

    with _open(db) as st:
        events = st.timeline(as_of=day, story=story)
        size = len(st.in_story(story) or ()) if story else st.stats()["articles"]
        key_dates = st.digest(top=digest.timeline_size(size), story=story, as_of=day)
        if format == "html":
            from storytrace.web.report import timeline_html

            text = timeline_html(events, title=f"Timeline ({st.stats()['articles']} articles)",
                                 as_of=as_of, key_dates=key_dates)
        else:
            text = ("# Key dates\n\n" + digest.markdown(key_dates) + "\n# Timeline\n\n"
                    + timeline_markdown(events)) if key_dates else timeline_markdown(events)
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"wrote {out_file} ({len(events)} events)")
    else:
        sys.stdout.write(text)


@command
def quote(
    origin: Annotated[str, typer.Argument(help="Origin id from 'storytrace quotes'.",
                                          metavar="ORIGIN")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show one utterance: its first report and every later one, with what each changed.

    Example:
        storytrace quote o3b767e6d15 --db story.db
    """
    _require(db)
    with _open(db) as st:
        rows = st.quotes(origin=origin)
    if not rows:
        _fail(f"{origin}: no quote has this origin (see 'storytrace quotes')")
    first = rows[0]
    who = first["speaker"] or "anonymous"
    out.print(f"[bold]{who}[/bold]" + (f" to {first['via']}" if first["via"] else "")
              + (f", {first['said']}" if first["said"] else "")
              + (f", {first['occasion']}" if first["occasion"] else ""), highlight=False)
    out.print(f"first reported {first['published']} in {first['source']}:{first['line']}",
              highlight=False)
    for i, q in enumerate(rows):
        out.print(f"\n{q['published']} {q['source']}:{q['line']}", highlight=False)
        out.print(f"  “{q['text']}”", highlight=False, markup=False, soft_wrap=True)
        earlier = [r for r in rows[:i] if r["article_id"] != q["article_id"]]
        if not earlier:
            continue
        # compare with the earlier report of these words, not another part of the utterance
        best = max(earlier, key=lambda r: _similar(r["text"], q["text"]))
        if _similar(best["text"], q["text"]) < 0.5:
            out.print("  another part of the same utterance", highlight=False)
            continue
        diff = word_changes(best["text"], q["text"])
        out.print(f"  vs {best['source']}:{best['line']}: " + (diff or "same words"),
                  highlight=False, markup=False, soft_wrap=True)


def _similar(a: str, b: str) -> float:
    """Share of the shorter quote's words that the other has, in order."""
    wa, wb = ascii_punct(a).lower().split(), ascii_punct(b).lower().split()
    blocks = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_matching_blocks()
    return sum(m.size for m in blocks) / max(1, min(len(wa), len(wb)))


@command
def stories(db: DbOption = DEFAULT_DB) -> None:
    """List the stories of the store: size, span and leading entities.

    Example:
        storytrace stories --db story.db
    """
    _require(db)
    with _open(db) as st:
        rows = st.stories()
    table = Table("story", "articles", "first", "last", "leading entities", box=None)
    for s in rows:
        table.add_row(s["id"], str(s["size"]), s["first"] or "", s["last"] or "",
                      ", ".join(s["entities"]))
    out.print(table)


@command
def diff(
    source: Annotated[str, typer.Argument(help="File name, path, URL or id (prefix).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show an article with its recycled paragraphs marked and where they come from.

    Example:
        storytrace diff 001_5d4b11e6275e9b65.txt --db story.db
    """
    _require(db)
    with _open(db) as st:
        found = st.find(source)
        if len(found) != 1:
            _fail(f"{source}: {'no' if not found else len(found)} stored articles match")
        a = found[0]
        novelty = st.novelty()
        sources: dict[int, list[str]] = {}
        for r in st.reuse():
            if r["to_article"] == a.id:
                sources.setdefault(r["to_para"], []).append(
                    f"{r['from_source']}:{r['from_line']} ({r['similarity']:.0%})")
    marks = {"new": "+", "partly": "~", "recycled": "="}
    body = [p for p in a.body]
    new = sum(1 for p in body if novelty.get((a.id, p.index), ("new", 0))[0] == "new")
    out.print(f"[bold]{a.source}[/bold] {a.published} · {new} of {len(body)} paragraphs new "
              "(+ new, ~ partly recycled, = recycled)", highlight=False)
    for p in body:
        kind = novelty.get((a.id, p.index), ("new", 0.0))[0]
        src = "  ← " + ", ".join(sources[p.index]) if p.index in sources else ""
        out.print(f"{marks[kind]} {p.line:>3} {p.text}{src}", highlight=False, markup=False,
                  soft_wrap=True)


@command
def new(
    since: Annotated[str | None, typer.Option(help="Only articles published on or after.")
                     ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """List only what is new: the paragraphs no earlier article printed.

    Example:
        storytrace new --since 2025-05-01 --db story.db
    """
    _date(since)
    _require(db)
    with _open(db) as st:
        novelty = st.novelty()
        for a in st.articles(since=since):
            fresh = [p for p in a.body if novelty.get((a.id, p.index), ("new", 0))[0] == "new"]
            out.print(f"\n[bold]{a.published} {a.source}[/bold] ({a.outlet or 'outlet unknown'}"
                      f", {len(fresh)} of {len(a.body)} paragraphs new)", highlight=False)
            for p in fresh:
                out.print(f"  {p.line:>3} {p.text}", highlight=False, markup=False,
                          soft_wrap=True)


def word_changes(a: str, b: str) -> str:
    """What a later report changed in the words of the first: '- dropped + added'.

    >>> word_changes("it was very good", "it was [really] good")
    '- very + [really]'
    """
    sa, sb = ascii_punct(a).split(), ascii_punct(b).split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=sa, b=sb).get_opcodes():
        if op in ("delete", "replace"):
            parts.append("- " + " ".join(sa[i1:i2]))
        if op in ("insert", "replace"):
            parts.append("+ " + " ".join(sb[j1:j2]))
    return " ".join(parts)


def _require(db: Path) -> None:
    if not db.exists():
        _fail(f"{db}: no such store; create it with 'storytrace ingest PATH --db {db}'")


def _fail(message: str) -> NoReturn:
    err.print(f"error: {message}", highlight=False, markup=False)
    raise typer.Exit(2)


def main() -> None:
    """Console entry point: library errors become one line and exit status 2."""
    try:
        app()
    except StorytraceError as e:
        err.print(f"error: {e}", highlight=False, markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted: the store is as it was before this run", highlight=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
