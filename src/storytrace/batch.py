"""Corpus-scale runs on Dask: every per-article stage on the workers, results as
Parquet tables shaped like the store's, corpus steps as engine operations.

    parts = plan(inputs)                      # slices of files, cheap, on the client
    report = run(parts, out)                  # one task per part, on any Dask cluster
    load(out, corpus)                         # the tables into a store, then the corpus stages

A part is a few hundred articles: a JSON Lines byte range, a run of WARC
records from an offset, or a group of small files. Each task writes its part's
tables to a temporary folder and renames it into place, so a part is either
complete or absent; a re-run skips the parts already written. Reuse
candidates come from a shuffle of MinHash band keys across all parts, the
reports of the same words (quote origins) from a shuffle of quote word keys,
entity type votes from a groupby on the name and story words in each part's task,
never from gathering the corpus on one process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import resource
import shutil
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from storytrace import nlp, pipeline, reuse
from storytrace._console import ONE_BLAS_THREAD
from storytrace.entities.link import type_votes, vote_rows
from storytrace.entities.recognize import ArticleEntities
from storytrace.errors import InputError, StorytraceError
from storytrace.ingest import _is_single_json, _read_file, expand
from storytrace.ingest.decode import read_head
from storytrace.ingest.jsonl import is_jsonl, line_spans, read_jsonl
from storytrace.ingest.warc import is_warc, read_warc, record_offsets
from storytrace.models import Article, ArticleRef, Paragraph
from storytrace.quotes.link import frequent_cutoff, key_rows, pairs_in_keys, text_class, word_counts
from storytrace.settings import Settings
from storytrace.stories import words_of

# Articles per part: enough to keep nlp.pipe's batches full and task overhead
# small, few enough that a retried part costs seconds and a worker's memory
# holds one part's parses.
PART_ARTICLES = 256
# Up to this many parts the reuse shuffle moves its rows as plain tasks, in
# memory: half the time of Dask's default peer-to-peer shuffle on 5 parts of 64
# articles (6.3 vs 13.0 s, same run, one worker). P2P's fixed set-up (disk
# buffers, a barrier) pays off once the rows could outgrow the workers' memory:
# 64 articles' rows take about 8 MB in pandas, so 16 parts of 256 about 0.5 GB.
TASK_SHUFFLE_PARTS = 16
# Bucket rows per partition of the reuse shuffles: a partition costs a fixed
# overhead (its pieces split, sent, joined, a file), so there are as many as the
# rows need, not one per part. 600 generated articles (10 parts of 64, 452k
# rows; one worker): 1.65 s with ten partitions, 1.0 with three, 0.77 with one.
# bucket_links holds about 3x its partition's frame at its peak (188 MB for
# those 452k rows), so 500k rows keep a task near 200 MB.
SHUFFLE_ROWS = 500_000
# The layout of a written part; a part written by another (the corpus steps'
# inputs came in with 2) is run again rather than skipped.
PART_FORMAT = 2
PARTS = "parts"
CORPUS = "corpus"
MANIFEST = "manifest.json"
TABLES = ("articles", "paragraphs", "sentences", "stage_results", "errors", "buckets")


class BatchError(StorytraceError):
    """A batch run or load that cannot go on (no inputs, not a batch folder)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One slice of the inputs, named by what it reads so a re-run finds it done."""

    id: str
    kind: str  # "jsonl" (byte span), "warc" (records from an offset) or "files"
    paths: tuple[str, ...]
    start: int = 0
    end: int | None = None
    first_line: int = 1
    count: int | None = None


def _part(kind: str, paths: tuple[str, ...], start: int = 0, end: int | None = None,
          first_line: int = 1, count: int | None = None) -> Part:
    """A part named by its files (path, size, mtime) and its slice of them: a
    changed input gets new parts, an unchanged one is found done."""
    h = hashlib.sha256()
    for p in paths:
        st = os.stat(p)
        h.update(f"{os.path.abspath(p)}\x1f{st.st_size}\x1f{st.st_mtime_ns}\x1e".encode())
    h.update(f"{kind}|{start}|{end}|{first_line}|{count}".encode())
    return Part(h.hexdigest()[:16], kind, paths, start, end, first_line, count)


@dataclass(slots=True)
class PartReport:
    """What one task did, and the memory of the worker that ran it."""

    part: str
    articles: int = 0
    words: int = 0
    errors: int = 0
    seconds: float = 0.0
    worker_pid: int = 0
    rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    skipped: bool = False
    parse_pid: int = 0  # the worker's parse process (`ParseProcess`), 0 if its own thread
    parse_threaded: bool | None = None  # whether that process ever had a second thread


@dataclass(slots=True)
class BatchReport:
    parts: int = 0
    done: list[PartReport] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (part, error)
    errors: list[InputError] = field(default_factory=list)  # planning errors
    candidates: int | None = None  # reuse candidate pairs, when every part is done
    quote_pairs: int | None = None  # reports of the same words, when every part is done
    entity_names: int | None = None  # distinct (name, type) rows, when every part is done
    story_words: int | None = None  # articles counted for story grouping, likewise

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.done)


def plan(inputs: Iterable[str | Path], *, every: int = PART_ARTICLES,
         settings: Settings | None = None) -> tuple[list[Part], list[InputError]]:
    """Cut inputs into parts of about `every` articles: big JSON Lines files at
    line starts, WARC files at record offsets, small files in groups."""
    settings = settings or Settings()
    parts: list[Part] = []
    errors: list[InputError] = []
    group: list[str] = []
    for item in expand(inputs):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        if isinstance(item, str):
            errors.append(InputError(item, "batch reads files; fetch URLs with `ingest`"))
            continue
        try:
            head = read_head(item)
        except InputError as e:
            errors.append(e)
            continue
        if is_warc(item, head):
            try:
                offsets = record_offsets(item, every)
            except Exception as e:  # warcio raises several kinds on a broken archive
                errors.append(InputError(str(item), f"unreadable WARC ({e})"))
                continue
            if not offsets:
                errors.append(InputError(str(item), "WARC archive with no HTML response records"))
            parts += [_part("warc", (str(item),), start=o, count=n) for o, n in offsets]
            continue
        text_head = head.decode("utf-8", "replace")
        if head.strip() and is_jsonl(text_head) and not _is_single_json(item, text_head, settings):
            parts += [_part("jsonl", (str(item),), start=s, end=e, first_line=n)
                      for s, e, n in line_spans(item, every)]
            continue
        group.append(str(item))
        if len(group) == every:
            parts.append(_part("files", tuple(group)))
            group = []
    if group:
        parts.append(_part("files", tuple(group)))
    return parts, errors


def read_part(part: Part, settings: Settings, date: dt.date | None = None,
              outlet: str | None = None) -> Iterator[Article | InputError]:
    """The articles of one part, in input order, with errors in between."""
    if part.kind == "jsonl":
        yield from read_jsonl(Path(part.paths[0]), default_date=date, default_outlet=outlet,
                              limit=settings.max_article_bytes,
                              span=(part.start, part.end, part.first_line))
    elif part.kind == "warc":
        yield from read_warc(Path(part.paths[0]), default_date=date, default_outlet=outlet,
                             limit=settings.max_article_bytes, offset=part.start,
                             count=part.count)
    else:
        for p in part.paths:
            try:
                for item in _read_file(Path(p), settings, date, outlet):
                    if isinstance(item, (Article, InputError)):
                        yield item
            except InputError as e:
                yield e


# Parquet schemas, column for column the store's tables (JSON columns as text).
def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    s, i = pa.string(), pa.int64()
    return {
        "articles": pa.schema([("id", s), ("source", s), ("path", s), ("url", s),
                               ("published", s), ("outlet", s), ("title", s),
                               ("contributors", s), ("format", s), ("encoding", s),
                               ("meta", s), ("seq", i)]),
        "paragraphs": pa.schema([("article_id", s), ("idx", i), ("line", i), ("kind", s),
                                 ("text", s), ("meta", s)]),
        "sentences": pa.schema([("article_id", s), ("para_idx", i), ("start", i), ("end", i)]),
        "stage_results": pa.schema([("article_id", s), ("stage", s), ("data", s)]),
        "errors": pa.schema([("source", s), ("problem", s)]),
        "buckets": pa.schema([("key", pa.uint64()), ("order", s), ("article_id", s),
                              ("para", pa.int32())]),
        "names": pa.schema([("name", s), ("type", s), ("votes", i), ("first", s)]),
        "quotes": pa.schema([("id", s), ("text", s), ("n", i)]),
        "words": pa.schema([("id", s), ("published", s), ("source", s), ("words", s)]),
    }


@dataclass(slots=True)
class PartRows:
    """One part's table rows, as the parse process hands them to the worker."""

    tables: dict[str, Any]  # table name -> rows (a list of dicts, or columns for buckets)
    articles: int
    words: int
    errors: int
    rss_mb: float  # of the process that computed them, after it did
    peak_rss_mb: float
    pid: int
    threaded: bool | None  # whether that process has ever had a second thread


def part_rows(part: Part, settings: Settings, date: dt.date | None = None,
              outlet: str | None = None) -> PartRows:
    """Read, clean, parse and run every per-article stage over one part: its rows,
    not yet written. Runs in the worker's parse process when it has one (`ParseProcess`)."""
    rows: dict[str, Any] = {t: [] for t in TABLES if t != "buckets"}
    articles: list[Article] = []
    seen: set[str] = set()
    for item in read_part(part, settings, date, outlet):
        if isinstance(item, InputError):
            rows["errors"].append({"source": item.source, "problem": item.problem})
        elif item.id not in seen:
            seen.add(item.id)
            articles.append(item)
    done: list[tuple[Article, list[tuple[int, int, int]]]] = []
    results: list[dict[str, Any]] = []
    words = 0
    # a worker's model learns a crawl's words only up to a bound (nlp.STRINGS_KEPT);
    # the stages' results are plain data by the block's end
    with nlp.transient_words():
        for seq, p in enumerate(pipeline.process(articles, batch_size=settings.batch_size)):
            a = p.article
            done.append((a, p.sentences))
            results.append(p.results)
            words += sum(len(x.text.split()) for x in a.body)
            rows["articles"].append({
                "id": a.id, "source": a.source, "path": a.path, "url": a.url,
                "published": a.published.isoformat() if a.published else None,
                "outlet": a.outlet, "title": a.title,
                "contributors": json.dumps(list(a.contributors)), "format": a.format,
                "encoding": a.encoding, "meta": json.dumps(dict(a.meta)), "seq": seq})
            rows["paragraphs"] += [{"article_id": a.id, "idx": x.index, "line": x.line,
                                    "kind": x.kind, "text": x.text,
                                    "meta": json.dumps(dict(x.meta))} for x in a.paragraphs]
            rows["sentences"] += [{"article_id": a.id, "para_idx": q, "start": s, "end": e}
                                  for q, s, e in p.sentences]
            rows["stage_results"] += [{"article_id": a.id, "stage": k, "data": json.dumps(v)}
                                      for k, v in p.results.items()]
    # the corpus steps' inputs, from what the process holds (reading the part's
    # JSON stage results back for them cost more than counting them here)
    arts = [a for a, _ in done]
    rows["names"] = _part_names(arts, results)
    rows["quotes"] = _part_quotes(results)
    rows["words"] = _part_words(arts)
    rows["buckets"] = reuse.bucket_rows(done)
    return PartRows(rows, len(done), words, len(rows["errors"]), _rss_mb(), _peak_rss_mb(),
                    os.getpid(), nlp.threaded())


def run_part(part: Part, out: str, settings: Settings | None = None,
             date: dt.date | None = None, outlet: str | None = None) -> PartReport:
    """Compute one part's rows (`part_rows`, in the worker's parse process when it
    has one, else here) and write its tables, all or none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    settings = settings or Settings()
    started = time.perf_counter()
    report = PartReport(part.id, worker_pid=os.getpid())
    final = Path(out) / PARTS / part.id
    if written(final):
        report.skipped = True
        return report
    pool = _parse_process()
    rows = (pool.submit(part_rows, part, settings, date, outlet).result() if pool
            else part_rows(part, settings, date, outlet))
    schemas = _schemas()
    tmp = Path(out) / PARTS / f".tmp-{part.id}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        for name, table_rows in rows.tables.items():
            table = (pa.table(table_rows, schema=schemas[name]) if name == "buckets"
                     else pa.Table.from_pylist(table_rows, schema=schemas[name]))
            pq.write_table(table, tmp / f"{name}.parquet")
        (tmp / "_SUCCESS").write_text(json.dumps({"part": asdict(part),
                                                  "format": PART_FORMAT}))
        if final.exists():  # an earlier attempt died after its rename began
            shutil.rmtree(final)
        tmp.rename(final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    report.articles, report.words, report.errors = rows.articles, rows.words, rows.errors
    report.seconds = time.perf_counter() - started
    # the worker's memory: its own process and, when it has one, its parse process
    report.rss_mb = _rss_mb() + (rows.rss_mb if pool else 0.0)
    report.peak_rss_mb = _peak_rss_mb() + (rows.peak_rss_mb if pool else 0.0)
    report.parse_pid = rows.pid if pool else 0
    report.parse_threaded = rows.threaded
    if pool and rows.threaded:
        # e.g. a driver script whose imports (pyarrow) every spawned process re-runs
        logger.warning("storytrace: parse process %d has had a second thread; its parse "
                       "runs about 12%% slower", rows.pid)
    return report


def written(folder: Path) -> bool:
    """Whether a part's folder is complete and in this version's layout."""
    try:
        done = json.loads((folder / "_SUCCESS").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(done, dict) and done.get("format") == PART_FORMAT


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Local workers without two Dask defaults that slowed the per-article pipeline
# by 8-20% of its CPU against the same code in a plain process (bench/batch.py's
# sample, same-run A/B): the statistical profiler, which takes the GIL every
# 10 ms to sample the running task's stack for a dashboard we do not serve, and
# MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand memory back to the system
# so eagerly that spaCy's many small allocations pay for it (glibc's own
# dynamic threshold then applies; None unsets). The BLAS threads stay at 1.
# The event loop's own timers wake it too, each time taking the GIL from the
# task: its 20 ms tick (which only measures how late it runs), the 100 ms memory
# monitor and the 500 ms system monitor (dashboard figures). At 1 s, 1 s and 2 s
# a worker spent 3% less CPU in the task thread and 7% less in all (same parts,
# two one-worker clusters side by side, alternated 4 times); memory limits still apply
# within a second.
LOCAL_WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}


# Why the parse runs in a process of its own. spaCy's compiled parser takes the
# GIL back millions of times a second inside its nogil loops, and once a process
# has ever had a second thread glibc makes every such take dearer (locked
# instructions): here any second thread, even one that had already exited, cost
# a parse of the same 300 articles 12% (17.3 -> 19.6-19.9 s, perf: the GIL's
# mutex lock and unlock went from 4% of the samples to 25%). A Dask worker is
# always threaded (its event loop, its task threads), and so is any process that
# has imported pyarrow (its allocator's thread). So each worker keeps its parse
# in processes of its own, spawned (never forked from a threaded process) and
# never given pyarrow: they compute a part's rows (`part_rows`), the worker's
# task thread writes them. Their allocator is set for parsing (nlp.tune_malloc).
# A process that dies is replaced at the next part, and the part it was on fails
# into Dask's retries. Dask's memory limits watch the worker process only; the
# part reports count both. Workers must not be daemonic to start processes
# (distributed.worker.daemon: False); on a cluster whose workers are, each
# task parses in its own thread as before, slower but the same.
PARSE_EXECUTOR = "storytrace-parse"
logger = logging.getLogger(__name__)


class _OwnProcesses(Executor):
    """Spawned processes, respawned when one of them has died (a broken pool
    refuses every later task)."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _submit(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> Future[Any]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self._n, mp_context=multiprocessing.get_context("spawn"),
                initializer=_parse_process_started, initargs=(os.getpid(),))
        # processes start inside submit: they inherit one BLAS thread (a BLAS
        # library's threads, started at import, would make them threaded) unless
        # the worker has its own setting; the worker's environment is restored
        saved = {k: os.environ.get(k) for k in ONE_BLAS_THREAD}
        os.environ.update({k: v for k, v in ONE_BLAS_THREAD.items() if saved[k] is None})
        try:
            return self._pool.submit(fn, *args, **kwargs)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the parse processes are shut down")
            try:
                return self._submit(fn, args, kwargs)
            except BrokenProcessPool:
                assert self._pool is not None
                self._pool.shutdown(wait=False)
                self._pool = None
                return self._submit(fn, args, kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if self._pool is not None:
                self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
                self._pool = None


def _parse_process_started(parent: int) -> None:
    """A parse process's set-up: its allocator, and its end when its worker ends
    (Linux: else a killed worker would leave it waiting, model loaded, for good)."""
    import ctypes
    import signal

    nlp.tune_malloc()
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except Exception:  # not Linux: no such call
        return
    if os.getppid() != parent:  # the worker died before the call above
        os._exit(1)


class ParseProcess(WorkerPlugin):
    """Gives each Dask worker its parse processes, one per task thread;
    `client` and `run_parts` register it on the clusters they use."""

    idempotent = True
    name = PARSE_EXECUTOR

    def setup(self, worker: Any) -> None:
        if PARSE_EXECUTOR in worker.executors:
            return
        if multiprocessing.current_process().daemon:
            # a daemonic worker (Dask's default, distributed.worker.daemon) may not
            # start processes: its tasks parse in their own thread
            logger.warning("storytrace: worker %s is daemonic, so it parses in its task "
                           "thread (about 12%% slower); start workers with "
                           "DASK_DISTRIBUTED__WORKER__DAEMON=False", worker.address)
            return
        worker.executors[PARSE_EXECUTOR] = _OwnProcesses(worker.state.nthreads)

    def teardown(self, worker: Any) -> None:
        pool = worker.executors.pop(PARSE_EXECUTOR, None)
        if pool is not None:
            pool.shutdown(wait=False)


def _parse_process() -> Executor | None:
    """The parse processes of the worker running this task, if it has them."""
    try:
        pool = get_worker().executors.get(PARSE_EXECUTOR)
    except ValueError:  # not in a Dask worker
        return None
    return pool if isinstance(pool, Executor) else None


def client(scheduler: str | None = None, workers: int | None = None) -> Any:
    """A Dask client: the cluster at `scheduler`, else a local one of `workers`
    single-threaded processes (spaCy holds the GIL; processes, not threads)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        c = Client(scheduler)  # type: ignore[no-untyped-call]
    else:
        # the nannies read this one whenever they (re)start a worker, so it stays
        # set in this process, not only while the cluster starts
        dask.config.set({"distributed.worker.daemon": False})
        with dask.config.set(LOCAL_WORKER_CONFIG):
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                processes=True, dashboard_address=":0",
                scheduler_kwargs={"dashboard": False}, silence_logs=40)
        c = Client(cluster)  # type: ignore[no-untyped-call]
    c.register_plugin(ParseProcess())
    return c


def run(inputs: Sequence[str | Path], out: str | Path, *, every: int = PART_ARTICLES,
        settings: Settings | None = None, **options: Any) -> BatchReport:
    """Plan the inputs into parts and run them (see `run_parts` for the options)."""
    settings = settings or Settings()
    parts, errors = plan(inputs, every=every, settings=settings)
    if not parts:
        raise BatchError(f"{', '.join(map(str, inputs))}: no articles to read"
                         + (f" ({errors[0]})" if errors else ""))
    return run_parts(parts, out, settings=settings, inputs=inputs, errors=errors, **options)


def run_parts(parts: list[Part], out: str | Path, *, scheduler: str | None = None,
              workers: int | None = None, settings: Settings | None = None,
              date: dt.date | None = None, outlet: str | None = None, retries: int = 2,
              progress: Callable[[int, int, PartReport | None], None] | None = None,
              dask_client: Any = None, inputs: Sequence[str | Path] = (),
              errors: Sequence[InputError] = ()) -> BatchReport:
    """Run the per-article stages over every part not yet written, then the
    corpus steps; a part that still fails after `retries` is reported, never dropped.
    `inputs` and their planning `errors` are recorded in the manifest."""
    from distributed import as_completed

    settings = settings or Settings()
    out = Path(out)
    report = BatchReport(parts=len(parts), errors=list(errors))
    (out / PARTS).mkdir(parents=True, exist_ok=True)
    todo = []
    for p in parts:
        if written(out / PARTS / p.id):
            report.done.append(PartReport(p.id, skipped=True))
        else:
            todo.append(p)
    if progress:
        progress(len(report.done), len(parts), None)
    own = dask_client is None
    if own:
        c = client(scheduler, workers)  # registers ParseProcess itself
    else:
        c = dask_client
        c.register_plugin(ParseProcess())  # a no-op where it is registered already
    try:
        futures = {c.submit(run_part, p, str(out), settings, date, outlet, retries=retries,
                            pure=False, key=f"part-{p.id}-{uuid.uuid4().hex[:6]}"): p
                   for p in todo}
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            try:
                r = fut.result()
            except Exception as e:
                report.failed.append((futures[fut].id, f"{type(e).__name__}: {e}"))
                continue
            report.done.append(r)
            if progress:
                progress(len(report.done), len(parts), r)
        if not report.failed:
            report.candidates = reuse_candidates(out, [p.id for p in parts])
            report.quote_pairs = quote_pairs(out, [p.id for p in parts])
            report.entity_names = entity_names(out, [p.id for p in parts])
            report.story_words = story_words(out, [p.id for p in parts])
    finally:
        if own:
            cluster = c.cluster
            c.close()
            if cluster is not None:
                cluster.close()
    _write_manifest(out, inputs, parts, report)
    return report


def _read_parts(files: list[str], rows: int) -> tuple[Any, int]:
    """The parts' tables as one Dask frame whose partitions hold about `rows` rows
    (parts grouped in order by their footers' counts), and the rows in all: a
    partition per part costs a task per step each, most of a small table's time."""
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    groups: list[list[str]] = []
    n = total = 0
    for f in files:
        k = _rows(f)
        if not groups or n + k > rows:
            groups.append([])
            n = 0
        groups[-1].append(f)
        n += k
        total += k
    meta = pq.read_schema(files[0]).empty_table().to_pandas()
    return dd.from_map(_read_group, groups, meta=meta), total  # type: ignore[no-untyped-call]


def _read_group(files: list[str]) -> Any:
    return _concat(files).to_pandas()


def _concat(files: Iterable[str | Path]) -> Any:
    """Parquet files read as one Arrow table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa.concat_tables([pq.read_table(f) for f in files])


def _links(rows: Any) -> Any:
    import pandas as pd

    return pd.DataFrame(reuse.bucket_links(rows)) if len(rows) else _links_meta()


def _best(links: Any) -> Any:
    import pandas as pd

    return pd.DataFrame(reuse.top_candidates(links)) if len(links) else _best_meta()


def _links_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({"to_article": pd.Series(dtype=object),
                         "to_para": pd.Series(dtype="int32"),
                         "from_order": pd.Series(dtype=object),
                         "from_article": pd.Series(dtype=object),
                         "from_para": pd.Series(dtype="int32"),
                         "count": pd.Series(dtype="int64")})


def _best_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({"to_article": pd.Series(dtype=object),
                         "to_para": pd.Series(dtype="int32"),
                         "from_article": pd.Series(dtype=object),
                         "from_para": pd.Series(dtype="int32"),
                         "hits": pd.Series(dtype="int64"),
                         "rank": pd.Series(dtype="int32")})


def reuse_candidates(out: Path, part_ids: list[str]) -> int:
    """Reuse candidate pairs as engine operations: shuffle the parts' bucket rows
    on the band key, link within buckets (counted per pair in each partition),
    shuffle the links on the later paragraph's article and keep each paragraph's
    best. top_candidates sums a pair's counts from every partition itself, so no
    groupby (a third shuffle) runs between: it cost a third of this step."""
    import pyarrow as pa

    files = [str(out / PARTS / p / "buckets.parquet") for p in part_ids]
    how = "tasks" if len(files) <= TASK_SHUFFLE_PARTS else None  # None: Dask's default
    rows, total = _read_parts(files, SHUFFLE_ROWS)
    n = -(-total // SHUFFLE_ROWS) or 1
    links = rows.shuffle("key", npartitions=n, shuffle_method=how).map_partitions(
        _links, meta=_links_meta())
    best = links.shuffle("to_article", npartitions=n, shuffle_method=how).map_partitions(
        _best, meta=_best_meta())
    target = out / CORPUS / "reuse_candidates"
    if target.exists():
        shutil.rmtree(target)
    best.to_parquet(str(target), write_index=False, schema=pa.schema([
        ("to_article", pa.string()), ("to_para", pa.int32()), ("from_article", pa.string()),
        ("from_para", pa.int32()), ("hits", pa.int64()), ("rank", pa.int32())]))
    return _rows_in(target)


def _part_quotes(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A part's quotes as (text class, text, copies), once per class: reprints of the
    same words are compared once."""
    classes: dict[str, tuple[str, int]] = {}
    for r in results:
        for q in r.get("quotes", {}).get("quotes", []):
            c = text_class(q["text"])
            classes[c] = (q["text"].strip(), classes[c][1] + 1 if c in classes else 1)
    return [{"id": c, "text": t, "n": n} for c, (t, n) in classes.items()]


def _quote_counts(quotes: Any) -> Any:
    import pandas as pd

    counts = word_counts(quotes["text"])
    return pd.DataFrame({"word": pd.Series(list(counts), dtype=object),
                         "quotes": pd.Series(list(counts.values()), dtype="int64")})


def _quote_key_rows(quotes: Any, counts: dict[str, int], frequent: int) -> Any:
    import pandas as pd

    rows = list(key_rows(zip(quotes["id"], quotes["text"], strict=True),
                                    counts, frequent))
    return pd.DataFrame(rows, columns=["key", "asks", "id", "text"]).astype(
        {"asks": bool}) if rows else _key_meta()


def _key_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({"key": pd.Series(dtype=object), "asks": pd.Series(dtype=bool),
                         "id": pd.Series(dtype=object), "text": pd.Series(dtype=object)})


def _quote_pairs(rows: Any, counts: dict[str, int], frequent: int) -> Any:
    import pandas as pd

    pairs = pairs_in_keys(zip(rows["key"], rows["asks"], rows["id"], rows["text"], strict=True),
                          counts, frequent)
    return pd.DataFrame(pairs, columns=["a", "b", "forward", "backward"]).astype(
        {"forward": bool, "backward": bool}) if pairs else _pairs_meta()


def _pairs_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object),
                         "forward": pd.Series(dtype=bool), "backward": pd.Series(dtype=bool)})


# Quote keys meet (one asks, one holds) at most this many times per quote, or the
# engine leaves origins to load's speaker blocks (see quote_pairs). A meeting
# costs about 10 us of a worker's CPU, so 1 ms per quote, a few per cent of the
# per-article stages (about 9 quotes an article). Measured: 17 per quote on the
# seeds, 12 on the sample, 119 on 264 BBC articles of two Timeline17 dev topics
# (MJ, H1N1: 1,850 quotes; there the keys' same_words calls were half the block
# loop's), 174 to 280 on 300 to 2,000 generated articles (17,237 quotes, 4,087
# texts on 2,000: they come from a few templates, 385 word stems in all).
MEETINGS_PER_QUOTE = 100


def quote_pairs(out: Path, part_ids: list[str]) -> int | None:
    """Reports of the same words as engine operations (see quotes.link.quote_keys):
    quotes per word stem summed across parts (a groupby, a small table: it
    orders each quote's stems rarest first), each text class's stem keys
    shuffled on the key, same_words run on the pairs of classes that meet at a
    key. `load` joins the pairs whose quotes fall in one speaker block, which
    only the store knows. Each pair is checked and written once, at the first
    key it meets at.

    The engine cannot see speakers, so the same words said by many people all
    meet: when the keys would meet more than MEETINGS_PER_QUOTE times per quote
    (counted per key by a groupby before any shuffle), no pairs are written
    (None) and `load` compares each speaker's quotes as `ingest` does."""
    import pyarrow as pa
    from dask.base import compute
    from dask.delayed import delayed

    how = "tasks" if len(part_ids) <= TASK_SHUFFLE_PARTS else None
    quotes, _ = _read_parts([str(out / PARTS / p / "quotes.parquet") for p in part_ids],
                            SHUFFLE_ROWS)
    per_word = quotes.map_partitions(_quote_counts, meta=_counts_meta())
    totals, texts, n = compute(  # type: ignore[no-untyped-call]
        per_word.groupby("word")["quotes"].sum(), quotes["id"].count(), quotes["n"].sum())
    counts = delayed(dict(zip(totals.index, totals.to_numpy().tolist(), strict=True)))
    frequent = frequent_cutoff(int(texts))
    keys = quotes.map_partitions(_quote_key_rows, counts, frequent, meta=_key_meta())
    target = out / CORPUS / "quote_pairs"
    if target.exists():
        shutil.rmtree(target)
    per_key = keys.groupby("key")["asks"].agg(["sum", "count"]).compute()
    if int((per_key["sum"] * per_key["count"]).sum()) > MEETINGS_PER_QUOTE * int(n):
        return None
    pairs = keys.shuffle("key", shuffle_method=how).map_partitions(
        _quote_pairs, counts, frequent, meta=_pairs_meta())
    pairs.to_parquet(str(target), write_index=False, schema=pa.schema([
        ("a", pa.string()), ("b", pa.string()), ("forward", pa.bool_()),
        ("backward", pa.bool_())]))
    return _rows_in(target)


def _part_names(arts: Sequence[Article], results: Sequence[dict[str, Any]]
                ) -> list[dict[str, Any]]:
    """A part's type votes per entity name (entities.link.vote_rows)."""
    rows = vote_rows(
        (ArticleRef(a.id, a.source, a.published, a.outlet,
                    tuple(a.meta.get("outlets_named", []))),
         ArticleEntities.from_dict(r["entities"]))
        for a, r in zip(arts, results, strict=True) if "entities" in r)
    return [{"name": name, "type": type_, "votes": n, "first": first}
            for (name, type_), (n, first) in rows.items()]


def entity_names(out: Path, part_ids: list[str]) -> int:
    """Entity type votes as an engine operation: each part's votes per (name, type)
    with where the pair was first seen, reduced by a groupby on the name into one
    small table (a row per distinct name and type, `DIR/corpus/entity_names/`), the
    same votes `entities.link` counts over the whole corpus (merge_vote_rows: sums
    and minima, whatever the split). `load` links with them."""
    import pyarrow as pa

    rows, _ = _read_parts([str(out / PARTS / p / "names.parquet") for p in part_ids],
                          SHUFFLE_ROWS)
    table = rows.groupby(["name", "type"]).agg({"votes": "sum", "first": "min"}).reset_index()
    target = out / CORPUS / "entity_names"
    if target.exists():
        shutil.rmtree(target)
    table.to_parquet(str(target), write_index=False, schema=pa.schema([
        ("name", pa.string()), ("type", pa.string()), ("votes", pa.int64()),
        ("first", pa.string())]))
    return _rows_in(target)


def _rows_in(target: Path) -> int:
    """Rows of a written table, from the files' footers, not by reading it back."""
    return sum(_rows(f) for f in target.glob("*.parquet"))


def _rows(file: str | Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(file).metadata.num_rows)


def read_votes(out: Path) -> dict[str, Counter[str]] | None:
    """The entity_names table as entities.link's votes (None when it was not written)."""
    import pyarrow.parquet as pq

    target = out / CORPUS / "entity_names"
    if not target.exists():
        return None
    t = pq.read_table(target)
    rows = {(name, type_): (n, first) for name, type_, n, first in zip(
        *(t[c].to_pylist() for c in ("name", "type", "votes", "first")), strict=True)}
    return type_votes(rows)


def _part_words(arts: Sequence[Article]) -> list[dict[str, Any]]:
    """Each article's story words (stories.words_of its body text, in the order the
    words first occur) with what orders it in the store."""
    return [{"id": a.id, "published": a.published.isoformat() if a.published else None,
             "source": a.source, "words": json.dumps(list(words_of(a.body_text).items()))}
            for a in arts]


def story_words(out: Path, part_ids: list[str]) -> int:
    """Articles whose story words the workers counted (each part's `words` table,
    made beside its other tables), so `load` does not re-read every body for them.
    The grouping itself stays at `load`: it is one pass in publication order whose
    document frequencies grow with the stream, so no split of the corpus gives its
    answer."""
    return sum(_rows(out / PARTS / p / "words.parquet") for p in part_ids)


def read_words(out: Path, part_ids: Iterable[str]
               ) -> Iterator[tuple[str, dt.date | None, Counter[str]]]:
    """The parts' story words in the store's order of articles (published, source,
    id; undated first), as stories.relink takes them, each article's counts parsed
    as it is reached."""
    import pyarrow.compute as pc

    t = _concat(out / PARTS / p / "words.parquet" for p in part_ids)
    order = pc.sort_indices(t, sort_keys=[(c, "ascending", "at_start")
                                          for c in ("published", "source", "id")])

    def rows() -> Iterator[tuple[str, dt.date | None, Counter[str]]]:
        for i in range(0, len(order), 4096):
            chunk = t.take(order[i:i + 4096])
            for aid, day, w in zip(*(chunk[c].to_pylist() for c in ("id", "published", "words")),
                                   strict=True):
                yield (aid, dt.date.fromisoformat(day) if day else None,
                       Counter(dict(json.loads(w))))

    return rows()


def _counts_meta() -> Any:
    import pandas as pd

    return pd.DataFrame({"word": pd.Series(dtype=object), "quotes": pd.Series(dtype="int64")})


def _write_manifest(out: Path, inputs: Sequence[str | Path], parts: list[Part],
                    report: BatchReport) -> None:
    done = {r.part for r in report.done}
    manifest = {
        "inputs": [str(i) for i in inputs],
        "parts": [{**asdict(p), "done": p.id in done} for p in parts],
        "failed": [{"part": p, "error": e} for p, e in report.failed],
        "errors": [{"source": e.source, "problem": e.problem} for e in report.errors],
        "reuse_candidates": report.candidates,
        "quote_pairs": report.quote_pairs,
        "entity_names": report.entity_names,
        "story_words": report.story_words,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    tmp = out / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    tmp.replace(out / MANIFEST)


@dataclass(slots=True)
class LoadReport:
    added: int = 0
    unchanged: int = 0
    errors: list[InputError] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # parts planned but not written


def part_articles(folder: Path) -> Iterator[tuple[Article, list[tuple[int, int, int]],
                                                  dict[str, Any]]]:
    """Each article of a written part with its sentences and stage results."""
    import pyarrow.parquet as pq

    def grouped(name: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for r in pq.read_table(folder / f"{name}.parquet").to_pylist():
            out.setdefault(r["article_id"], []).append(r)
        return out

    paras, sents, results = grouped("paragraphs"), grouped("sentences"), grouped("stage_results")
    for r in sorted(pq.read_table(folder / "articles.parquet").to_pylist(),
                    key=lambda r: r["seq"]):
        a = Article(
            id=r["id"], source=r["source"],
            published=dt.date.fromisoformat(r["published"]) if r["published"] else None,
            paragraphs=tuple(Paragraph(index=p["idx"], line=p["line"], text=p["text"],
                                       kind=p["kind"], meta=json.loads(p["meta"]))
                             for p in sorted(paras.get(r["id"], []), key=lambda p: p["idx"])),
            outlet=r["outlet"], title=r["title"], url=r["url"], path=r["path"],
            contributors=tuple(json.loads(r["contributors"])), format=r["format"],
            encoding=r["encoding"], meta=json.loads(r["meta"]))
        yield (a, [(s["para_idx"], s["start"], s["end"]) for s in sents.get(r["id"], [])],
               {s["stage"]: json.loads(s["data"]) for s in results.get(r["id"], [])})


def load(out: str | Path, corpus: Any) -> LoadReport:
    """A batch folder's tables into the store, then the corpus stages, in one
    transaction: an interrupted load leaves the store as it was."""
    import pyarrow.parquet as pq

    out = Path(out)
    manifest_path = out / MANIFEST
    if not manifest_path.is_file():
        raise BatchError(f"{out}: not a batch folder (no {MANIFEST}; run `storytrace batch`)")
    manifest = json.loads(manifest_path.read_text())
    report = LoadReport()
    store = corpus.store
    cands = None
    target = out / CORPUS / "reuse_candidates"
    if target.exists() and manifest.get("reuse_candidates") is not None:
        table = pq.read_table(target)
        cands = {c: table[c].to_numpy(zero_copy_only=False) for c in table.column_names}
    pairs = None
    target = out / CORPUS / "quote_pairs"
    if target.exists() and manifest.get("quote_pairs") is not None:
        table = pq.read_table(target)
        pairs = list(zip(*(table[c].to_pylist() for c in ("a", "b", "forward", "backward")),
                         strict=True))
    votes = read_votes(out) if manifest.get("entity_names") is not None else None
    words = None
    with store.transaction():
        fresh = next(iter(store.articles()), None) is None
        run_id = store.start_run([str(out)])
        for p in manifest["parts"]:
            folder = out / PARTS / p["id"]
            if not (folder / "_SUCCESS").exists():
                report.missing.append(p["id"])
                continue
            for e in pq.read_table(folder / "errors.parquet").to_pylist():
                report.errors.append(InputError(e["source"], e["problem"]))
            for a, sentences, results in part_articles(folder):
                if store.add_article(a, sentences, run_id, results):
                    report.added += 1
                else:
                    report.unchanged += 1
        if report.added:
            # the batch's candidates cover exactly its own articles: into a store that held
            # others, or with parts missing or repeated, reuse bands the store itself
            whole = fresh and not report.missing and not report.unchanged
            ids = [p["id"] for p in manifest["parts"]]
            if whole and manifest.get("story_words") is not None and all(
                    (out / PARTS / i / "words.parquet").exists() for i in ids):
                words = read_words(out, ids)
            pipeline.link(store, reuse_candidates=cands if whole else None,
                          quote_pairs=pairs if whole else None,
                          entity_votes=votes if whole else None,
                          story_words=words if whole else None)
        store.finish_run(run_id, added=report.added, unchanged=report.unchanged,
                         errors=len(report.errors))
    return report


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
