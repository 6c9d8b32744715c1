"""The batch pipeline on a local Dask cluster gives what a single-process ingest gives."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace import batch
from storytrace.cli import app
from storytrace.export import export
from storytrace.settings import Settings
from tests.conftest import SAMPLE, write

pytestmark = pytest.mark.nlp

@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    c = batch.client(workers=2)
    yield c
    cluster = c.cluster
    c.close()
    cluster.close()


def _single(paths: list[Path], db: Path, settings: Settings | None = None) -> dict[str, Any]:
    with storytrace.open(db, settings) as st:
        st.ingest(paths)
        return export(st.store)


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("load recounted what the batch run's engine operations give")


def _batched(paths: list[Path], tmp: Path, client: Any, every: int = 256,
             settings: Settings | None = None) -> dict[str, Any]:
    report = batch.run(paths, tmp / "out", every=every, dask_client=client, settings=settings)
    assert not report.failed and report.candidates is not None
    assert report.entity_names and report.story_words == report.articles
    with storytrace.open(tmp / "batch.db") as st, pytest.MonkeyPatch.context() as mp:
        # the corpus's entity type votes and the articles' story words come from the
        # engine's tables: load neither counts votes nor re-reads bodies for stories
        mp.setattr(sys.modules["storytrace.entities.link"], "vote_rows", _refuse)
        mp.setattr("storytrace.stories.words_of", _refuse)
        loaded = batch.load(tmp / "out", st)
        assert loaded.added == report.articles and not loaded.missing
        return export(st.store)


def test_batch_equals_single_process_on_the_sample(tmp_path: Path, dask_client: Any) -> None:
    expected = _single([SAMPLE], tmp_path / "single.db")
    got = _batched([SAMPLE], tmp_path, dask_client)
    assert len(got["articles"]) == len(expected["articles"]) == 10
    assert got == expected


def test_batch_over_several_parts_equals_single_process(tmp_path: Path,
                                                        dask_client: Any) -> None:
    """Three parts, so the corpus steps reduce several parts' tables. A batch of
    articles parsed together shares the names found in it (pipeline.process), so
    the parts are cut where ingest's batches are."""
    settings = Settings(batch_size=4)
    expected = _single([SAMPLE], tmp_path / "single.db", settings)
    got = _batched([SAMPLE], tmp_path, dask_client, every=4, settings=settings)
    assert len(list((tmp_path / "out" / batch.PARTS).iterdir())) == 3
    assert got["entities"] and got["quotes"] and got["reuse"] and got == expected


def test_batch_equals_single_process_on_the_seeds(tmp_path: Path, seeds_dir: Path,
                                                  dask_client: Any) -> None:
    expected = _single([seeds_dir], tmp_path / "single.db")
    got = _batched([seeds_dir], tmp_path, dask_client)
    assert got["reuse"] and got == expected


def test_local_workers_run_without_the_profiler_and_eager_malloc_trim(dask_client: Any) -> None:
    """Both cost the per-article stages CPU on the workers (see LOCAL_WORKER_CONFIG);
    the client's own Dask config is left as it was."""
    import os

    import dask

    got = dask_client.run(lambda: (dask.config.get("distributed.worker.profile.enabled"),
                                   os.environ.get("MALLOC_TRIM_THRESHOLD_")))
    assert set(got.values()) == {(False, None)}
    assert dask.config.get("distributed.worker.profile.enabled") is True


def test_local_workers_wake_their_event_loop_less_often(dask_client: Any) -> None:
    """Each timer's wake takes the GIL from the task (see LOCAL_WORKER_CONFIG)."""
    got = dask_client.run(lambda dask_worker: (
        dask_worker._tick_interval, dask_worker.memory_manager.memory_monitor_interval))
    assert set(got.values()) == {(1.0, 1.0)}


def test_reuse_candidates_do_not_depend_on_partitions(
        tmp_path: Path, dask_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of one article each, shuffled into many partitions: the shuffle still
    finds every recycled paragraph, and the groupby gives the entity type votes
    counting them over the corpus gives."""
    import pyarrow.parquet as pq

    from storytrace.entities import ArticleEntities
    from storytrace.entities.link import type_votes, vote_rows

    monkeypatch.setattr(batch, "SHUFFLE_ROWS", 500)
    expected = _single([SAMPLE], tmp_path / "single.db")
    got = _batched([SAMPLE], tmp_path, dask_client, every=1)
    assert got["reuse"] == expected["reuse"]
    assert len(list((tmp_path / "out" / batch.CORPUS / "reuse_candidates").glob("*.parquet"))) \
        == -(-sum(pq.ParquetFile(f).metadata.num_rows for f in
                  (tmp_path / "out" / batch.PARTS).glob("*/buckets.parquet")) // 500) > 3
    assert [a["paragraphs"] for a in got["articles"]] == [
        a["paragraphs"] for a in expected["articles"]]
    with storytrace.open(tmp_path / "batch.db") as st:
        arts = [(ref, ArticleEntities.from_dict(d))
                for ref, d in st.store.stage_results("entities")]
    votes = batch.read_votes(tmp_path / "out")
    assert votes == type_votes(vote_rows(arts)) and len(votes) > 20
    assert [list(v) for v in votes.values()] == [list(v) for v in
                                                 type_votes(vote_rows(arts)).values()]


def test_reuse_candidates_are_the_same_by_either_shuffle(tmp_path: Path, dask_client: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A few parts shuffle as plain tasks, many by Dask's peer-to-peer shuffle: one answer."""
    import pyarrow.parquet as pq

    report = batch.run([SAMPLE], tmp_path / "out", every=2, dask_client=dask_client)
    assert report.parts <= batch.TASK_SHUFFLE_PARTS and report.candidates

    def table() -> list[dict[str, Any]]:
        rows = pq.read_table(tmp_path / "out" / batch.CORPUS / "reuse_candidates").to_pylist()
        return sorted(rows, key=lambda r: (r["to_article"], r["to_para"], r["rank"]))

    by_tasks = table()
    monkeypatch.setattr(batch, "TASK_SHUFFLE_PARTS", 0)
    monkeypatch.setattr(batch, "SHUFFLE_ROWS", 1000)  # several output partitions
    ids = [r.part for r in report.done]
    assert batch.reuse_candidates(tmp_path / "out", ids) == report.candidates
    assert table() == by_tasks


def test_the_quote_shuffle_finds_the_pairs_the_block_loop_finds(
        tmp_path: Path, dask_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reprinted, trimmed and re-punctuated quotes spread over three parts: the
    engine's pairs are every pair same_words accepts (a tiny quote's aside)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.quotes.test_link_pairs import QUOTES, _accepted, expand

    ids = ["p0", "p1", "p2"]
    named = []
    results: dict[str, list[dict[str, Any]]] = {p: [] for p in ids}
    for i, (_, text) in enumerate(QUOTES):
        results[ids[i % 3]].append(
            {"quotes": {"quotes": [{"para": 1, "start": 5, "text": f" {text} "}]}})
        named.append((f"q{i}", text))
    for p in ids:
        folder = tmp_path / batch.PARTS / p
        folder.mkdir(parents=True)
        results[p].append({"entities": {}})
        pq.write_table(pa.Table.from_pylist(batch._part_quotes(results[p]),
                                            schema=batch._schemas()["quotes"]),
                       folder / "quotes.parquet")
    n = batch.quote_pairs(tmp_path, ids)
    table = pq.read_table(tmp_path / batch.CORPUS / "quote_pairs").to_pylist()
    assert n == len(table)
    found = [(r["a"], r["b"], r["forward"], r["backward"]) for r in table]
    expected = _accepted(named)
    assert len(expected) >= 5 and expand(found, named) >= expected
    assert len({(a, b) for a, b, _, _ in found}) == len(table)  # once each
    monkeypatch.setattr(batch, "TASK_SHUFFLE_PARTS", 0)  # Dask's peer-to-peer shuffle
    assert batch.quote_pairs(tmp_path, ids) == n
    again = pq.read_table(tmp_path / batch.CORPUS / "quote_pairs").to_pylist()
    assert sorted(found) == sorted((r["a"], r["b"], r["forward"], r["backward"]) for r in again)
    assert all(r["forward"] or r["backward"] for r in table)
    # keys that would meet too often: no pairs, load compares each speaker's quotes
    monkeypatch.setattr(batch, "MEETINGS_PER_QUOTE", 1)
    assert batch.quote_pairs(tmp_path, ids) is None
    assert not (tmp_path / batch.CORPUS / "quote_pairs").exists()


def test_a_part_leaves_no_new_words_in_a_full_string_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker meets new words in every part; without a memory zone spaCy would keep
    each of them for the life of the process. Past nlp.STRINGS_KEPT it forgets them."""
    from storytrace import nlp

    monkeypatch.setattr(nlp, "STRINGS_KEPT", 0)

    words = [f"Zq{uuid.uuid4().hex[:10]}" for _ in range(6)]
    write(tmp_path / "in.jsonl", "".join(json.dumps(
        {"id": f"w{i}", "published": "2025-02-03",
         "text": f"The {w} harbour board said on Monday that {words[-1 - i]} would sail."}) + "\n"
        for i, w in enumerate(words[:3])))
    strings = nlp.load().vocab.strings
    (part,), _ = batch.plan([tmp_path / "in.jsonl"])
    batch.run_part(part, str(tmp_path / "out"))  # words the model's first use adds stay
    before = len(strings)
    shutil.rmtree(tmp_path / "out")
    assert batch.run_part(part, str(tmp_path / "out")).articles == 3
    assert len(strings) == before and not any(w in strings for w in words)
    with nlp.load().memory_zone():  # the words did reach the store while parsing
        assert all(w in strings for w in (d.text for d in nlp.load().pipe(words)))


def test_rerun_skips_done_parts_and_failed_parts_are_reported(tmp_path: Path,
                                                             dask_client: Any) -> None:
    def line(i: int) -> str:
        return json.dumps({"id": f"m{i}", "published": f"2025-02-0{i + 1}", "text":
                           f"The ferry board met for meeting number {i} and agreed on the "
                           "summer timetable."}) + "\n"

    write(tmp_path / "in" / "a.jsonl", line(0) + line(1))
    write(tmp_path / "in" / "b.jsonl", line(2))
    parts, errors = batch.plan([tmp_path / "in"], every=1)
    assert [p.kind for p in parts] == ["jsonl"] * 3 and not errors
    out = tmp_path / "out"
    (tmp_path / "in" / "b.jsonl").unlink()  # vanishes between planning and running
    report = batch.run_parts(parts, out, dask_client=dask_client, retries=1)
    assert len(report.done) == 2 and [p for p, _ in report.failed] == [parts[2].id]
    assert "FileNotFoundError" in report.failed[0][1]
    assert report.candidates is None  # no corpus step over an incomplete corpus
    with storytrace.open(tmp_path / "s.db") as st:
        loaded = batch.load(out, st)
        assert loaded.added == 2 and loaded.missing == [parts[2].id]
    again = batch.run_parts(parts[:2], out, dask_client=dask_client)
    assert all(r.skipped for r in again.done) and again.candidates is not None
    # a part written by an earlier layout (no format mark, no corpus-step inputs) runs again
    old = out / batch.PARTS / parts[0].id
    (old / "_SUCCESS").write_text(json.dumps({"part": {}}))
    (old / "names.parquet").unlink()
    again = batch.run_parts(parts[:2], out, dask_client=dask_client)
    assert [r.part for r in again.done if not r.skipped] == [parts[0].id]
    assert batch.written(old) and (old / "names.parquet").exists()


def test_workers_parse_in_single_threaded_processes_of_their_own(tmp_path: Path,
                                                                  dask_client: Any) -> None:
    """spaCy's parser slows in any process that has ever had a second thread, which a
    Dask worker always has: the parse runs in a spawned process that has none."""
    write(tmp_path / "in.jsonl", "".join(json.dumps(
        {"id": f"p{i}", "published": "2025-02-03",
         "text": f"The harbour board met for the {i}th time and said the ferry would sail."})
        + "\n" for i in range(4)))
    parts, _ = batch.plan([tmp_path / "in.jsonl"], every=2)
    report = batch.run_parts(parts, tmp_path / "out", dask_client=dask_client)
    assert len(report.done) == 2 and report.articles == 4
    for r in report.done:
        assert r.parse_pid not in (0, r.worker_pid)
        assert r.parse_threaded is not True  # None only where glibc does not say
        assert r.rss_mb > 0
    # the same part run here, outside any worker, is parsed in this process
    shutil.rmtree(tmp_path / "out")
    here = batch.run_part(parts[0], str(tmp_path / "out"))
    assert here.parse_pid == 0 and here.articles == 2


def test_parse_processes_are_replaced_when_one_dies() -> None:
    import os
    from concurrent.futures.process import BrokenProcessPool

    pool = batch._OwnProcesses(1)
    try:
        first = pool.submit(os.getpid).result()
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 3).result()
        second = pool.submit(os.getpid).result()  # not refused: a new process
        assert second != first and os.getpid() not in (first, second)
    finally:
        pool.shutdown()


def test_a_restarted_local_worker_gets_its_parse_process_again(tmp_path: Path) -> None:
    """The nanny reads the daemon setting whenever it starts a worker."""
    write(tmp_path / "in.jsonl", json.dumps(
        {"id": "r0", "published": "2025-02-03",
         "text": "The harbour board said the ferry would sail on Monday."}) + "\n")
    (part,), _ = batch.plan([tmp_path / "in.jsonl"])
    c = batch.client(workers=1)
    try:
        c.restart()
        c.wait_for_workers(1)
        c.register_plugin(batch.ParseProcess())
        r = c.submit(batch.run_part, part, str(tmp_path / "out"), pure=False).result()
        assert r.parse_pid not in (0, r.worker_pid) and r.articles == 1
    finally:
        cluster = c.cluster
        c.close()
        cluster.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_parse_processes_end_with_their_worker(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import time

    import psutil

    code = ("import os, sys, time\n"
            "from storytrace import batch\n"
            "pool = batch._OwnProcesses(1)\n"
            "print(pool.submit(os.getpid).result(), flush=True)\n"
            "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    assert psutil.pid_exists(child)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if psutil.Process(child).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the parse process outlived its worker")


def test_a_daemonic_worker_gets_no_parse_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Daemonic processes may not start children: such a worker parses in its task thread."""
    import multiprocessing
    from types import SimpleNamespace

    worker = SimpleNamespace(executors={}, state=SimpleNamespace(nthreads=2), address="w")
    plugin = batch.ParseProcess()
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    plugin.setup(worker)
    assert worker.executors == {}
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=False))
    plugin.setup(worker)
    pool = worker.executors[batch.PARSE_EXECUTOR]
    assert isinstance(pool, batch._OwnProcesses) and pool._n == 2
    plugin.teardown(worker)
    assert worker.executors == {}


def test_load_refuses_a_folder_that_is_not_a_batch(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st, pytest.raises(batch.BatchError,
                                                                 match="not a batch folder"):
        batch.load(tmp_path, st)


def test_cli_batch_and_load(tmp_path: Path) -> None:
    runner = CliRunner()
    src = tmp_path / "in"
    shutil.copytree(SAMPLE, src)
    jl = src / "more.jsonl"
    with gzip.open(tmp_path / "unused.gz", "wt") as f:  # not an article file: not picked up
        f.write("x")
    jl.write_text(json.dumps({"id": "x1", "published": "2025-06-01", "text":
                              "The island ferry resumed its evening sailings on Sunday."}) + "\n"
                  + "{not json\n")
    r = runner.invoke(app, ["batch", str(src), "--out", str(tmp_path / "out"),
                            "--workers", "1"])
    assert r.exit_code == 1, r.stderr  # one bad line: reported, the rest done
    assert "11 articles, 1 input errors" in r.stdout
    r = runner.invoke(app, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "s.db")])
    assert r.exit_code == 0, r.stderr
    assert "added 11" in r.stdout and "input errors 1" in r.stdout
    assert f"{jl}:2: malformed JSON" in r.stderr
    r = runner.invoke(app, ["batch", str(tmp_path / "nothing"), "--out", str(tmp_path / "o2")])
    assert r.exit_code == 2 and "no such file or directory" in r.stderr
