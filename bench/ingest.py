#!/usr/bin/env python3
"""Ingest throughput: storytrace's whole ingest path against a bare spaCy parse of the same text.

    python bench/ingest.py [--n 2000] [--data PATH] [--json OUT] [--limit N] [--seed S]

The library figure times `storytrace.open(db).ingest([jsonl])` with parsing on:
reading, cleaning, the spaCy parse and the store writes, in one transaction.
The baseline times `nlp.pipe` alone over exactly the body texts the library
parsed (rebuilt from the store with `nlp.body_layout`), with the same loaded
pipeline and batch size, in the same process. Both run on a warm model, so
neither includes load time; `ratio` is how much of spaCy's own speed the
library keeps (1.0 = no overhead).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import storytrace
from _common import write_result
from storytrace import nlp, synth
from storytrace.settings import Settings

WARMUP_TEXTS = 8


def _records(paths: list[Path]) -> Iterator[str]:
    """Non-empty lines of JSON Lines files, in order."""
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield line


def _inputs(args: argparse.Namespace, tmp: Path) -> tuple[list[Path], str]:
    """The JSONL files to ingest, and how the data is named in the report."""
    if args.data is None:
        n = args.n if args.limit is None else min(args.n, args.limit)
        return [synth.write_jsonl(tmp / "generated.jsonl", n, seed=args.seed)], f"generated:{n}"
    data = Path(args.data)
    files = (sorted(p for p in data.iterdir() if p.suffix in (".jsonl", ".ndjson"))
             if data.is_dir() else [data])
    if not files:
        raise SystemExit(f"no .jsonl files in {data}")
    if args.limit is None:
        return files, str(data)
    cut = tmp / "limited.jsonl"
    with cut.open("w", encoding="utf-8") as out:
        for k, line in enumerate(_records(files)):
            if k >= args.limit:
                break
            out.write(line if line.endswith("\n") else line + "\n")
    return [cut], str(data)


def _warmup_texts(paths: list[Path]) -> list[str]:
    texts = []
    for line in _records(paths):
        rec = json.loads(line)
        if isinstance(rec, dict) and isinstance(rec.get("text"), str):
            texts.append(rec["text"])
        if len(texts) >= WARMUP_TEXTS:
            break
    return texts or ["The council met on Tuesday and voted on the budget."] * WARMUP_TEXTS


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB else


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    if args.stages == "foundation":
        # The issue-3 path alone: read, clean, parse, store; no extraction stage.
        from storytrace import pipeline

        pipeline.PARSED_STAGES.clear()
        pipeline.CORPUS_STAGES.clear()
    settings = Settings()
    batch = settings.batch_size
    with tempfile.TemporaryDirectory(prefix="storytrace-bench-") as tmpdir:
        tmp = Path(tmpdir)
        paths, label = _inputs(args, tmp)

        # Load and warm the model first, so neither figure pays for it.
        model = nlp.load()
        for _ in model.pipe(_warmup_texts(paths), batch_size=batch):
            pass

        t0 = time.perf_counter()
        with storytrace.open(tmp / "bench.db", settings) as corpus:
            report = corpus.ingest(paths)
            library_s = time.perf_counter() - t0
            library_rss = _peak_rss_mb()
            texts = [nlp.body_layout(a)[0] for a in corpus.articles()]

        t1 = time.perf_counter()
        for _ in model.pipe(texts, batch_size=batch):
            pass
        bare_s = time.perf_counter() - t1

    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    lib_aps = n / library_s if library_s else 0.0
    bare_aps = n / bare_s if bare_s else 0.0
    return {
        "benchmark": "ingest",
        "data": label,
        "stages": args.stages,
        "n_docs": n,
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": {
            "articles_per_s": round(lib_aps, 3),
            "bare_parse_articles_per_s": round(bare_aps, 3),
            "ratio": round(lib_aps / bare_aps, 4) if bare_aps else 0.0,
        },
        "baselines": {"bare_nlp_pipe": {"articles_per_s": round(bare_aps, 3)}},
        "details": {
            "words": words,
            "words_per_s": round(words / library_s, 1) if library_s else 0.0,
            "bare_parse_words_per_s": round(words / bare_s, 1) if bare_s else 0.0,
            "library_seconds": round(library_s, 3),
            "bare_parse_seconds": round(bare_s, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "peak_rss_mb_after_library": round(library_rss, 1),
            "batch_size": batch,
            "added": len(report.added),
            "unchanged": report.unchanged,
            "input_errors": len(report.errors),
            "model": f"{model.meta.get('name')} {model.meta.get('version')}",
            "pipes": list(model.pipe_names),
        },
    }


def show(res: dict[str, Any]) -> None:
    m, d = res["metrics"], res["details"]
    print(f"ingest benchmark: {res['data']}: {res['n_docs']} articles, {d['words']:,} words, "
          f"batch {d['batch_size']}, model {d['model']}")
    rows = [(f"storytrace ingest ({res.get('stages', 'all')} stages)", m["articles_per_s"],
             d["words_per_s"],
             d["library_seconds"]),
            ("baseline: bare nlp.pipe, same texts", m["bare_parse_articles_per_s"],
             d["bare_parse_words_per_s"], d["bare_parse_seconds"])]
    print(f"{'system':<38}{'articles/s':>12}{'words/s':>12}{'seconds':>10}")
    for name, aps, wps, secs in rows:
        print(f"{name:<38}{aps:>12.2f}{wps:>12,.0f}{secs:>10.1f}")
    print(f"{'ratio (storytrace / bare parse)':<38}{m['ratio']:>12.3f}")
    print(f"{'peak RSS (MB), after library run':<38}{d['peak_rss_mb_after_library']:>12,.0f}")
    print(f"{'peak RSS (MB), whole run':<38}{d['peak_rss_mb']:>12,.0f}")
    if d["input_errors"]:
        print(f"note: {d['input_errors']} input errors; {d['unchanged']} articles unchanged")
    print(f"total {res['seconds']:.1f} s (including data generation and model load)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to generate (no --data)")
    ap.add_argument("--data", help="a JSONL file of articles, or a folder of them")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="use at most N articles")
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated corpus")
    ap.add_argument("--stages", choices=["all", "foundation"], default="all",
                    help="all stages, or only read, clean, parse and store (issue 3's path)")
    args = ap.parse_args(argv)
    res = run(args)
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
