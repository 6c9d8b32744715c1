#!/usr/bin/env python3
"""API latency: requests on loopback to `storytrace serve` over a store of generated articles.

    python bench/api.py [--n 10000] [--data STORE.db] [--json OUT] [--limit REQUESTS]

Without `--data` a store of `--n` generated articles (storytrace.synth, our own
text) is built once through the normal ingest path and kept in
~/.cache/storytrace-bench/ (delete it to rebuild). The server is the real one
(uvicorn, one worker, in this process's thread); a client sends `--limit`
requests per endpoint one after another on loopback (a bounded, closed-loop
load: latency, not saturation) and reports, per endpoint, `rps`, `p50_ms` and
`p95_ms`. Query parameters rotate through a fixed list so that the same
answer is not asked for each time; search words are drawn from the store's own
vocabulary at every frequency (see `search_queries`). Target: p95 under 50 ms
for the timeline (`events`) and `search`.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

import storytrace
from _common import write_result
from storytrace import synth
from storytrace.gazetteer import stopwords

CACHE = Path.home() / ".cache" / "storytrace-bench"
SEARCHES = 40  # distinct queries: each is asked about five times in 200 requests


def build_store(n: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"api-{n}.db"
    if db.exists():
        return db
    tmp = CACHE / f"api-{n}.jsonl"
    synth.write_jsonl(tmp, n, seed=0)
    partial = db.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    with storytrace.open(partial) as st:
        report = st.ingest([tmp])
    print(f"built {db} from {len(report.added)} articles in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    partial.rename(db)
    tmp.unlink()
    return db


def search_queries(db: Path | str, n: int = SEARCHES) -> list[str]:
    """Words of the store's paragraphs from the most common content word down to words of
    a handful of paragraphs (evenly spaced in rank), alone and in pairs: a fixed list of
    made-up words would miss the corpus, and common words are where ranking costs."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, paragraphs_fts, row)")
        stop = stopwords()
        words = [t for t, in conn.execute(
            "SELECT term FROM temp.vocab WHERE doc >= 5 ORDER BY doc DESC, term")
            if t.isalpha() and len(t) > 3 and t not in stop]
    finally:
        conn.close()
    if not words:
        return ["nothing"]
    singles = [words[len(words) * k // (n // 2)] for k in range(n // 2)]
    # each word with its neighbour in rank and with one half the list away
    half = len(singles)
    pairs = [f"{singles[k // 2]} {singles[(k // 2 + 1 + (k % 2) * (half // 2)) % half]}"
             for k in range(n - half)]
    return list(dict.fromkeys(singles + pairs))


def endpoints(st: storytrace.Corpus, filters: int = 5) -> dict[str, list[str]]:
    """Per endpoint, the URLs the client cycles through."""
    arts = [a.id for a in st.articles()][:: max(1, st.stats()["articles"] // 50)][:50]
    ents = [e.name for e in st.entities(type="PERSON")][:50] or ["nobody"]
    days = sorted({a.published.isoformat() for a in st.articles() if a.published}) or [
        "2025-01-01"]
    as_of = [days[len(days) * k // (filters + 1)] for k in range(1, filters + 1)]
    return {
        "articles": [f"/api/articles?limit=50&offset={k * 50}" for k in range(20)],
        "article": [f"/api/articles/{s}" for s in arts],
        "entities": [f"/api/entities?limit=50&offset={k * 50}" for k in range(10)],
        "entity": [f"/api/entities/{e}" for e in ents],
        "quotes": [f"/api/quotes?limit=50&offset={k * 50}" for k in range(10)],
        "events": [f"/api/events?limit=50&offset={k * 50}" for k in range(20)],
        "events_as_of": [f"/api/events?as_of={d}&limit=50" for d in as_of],
        "events_entity": [f"/api/events?entity={e}&limit=50" for e in ents[:filters]],
        "stories": ["/api/stories?limit=50"],
        "search": [f"/api/search?q={q}&limit=20" for q in search_queries(st.store.path)],
    }


def measure(base: str, urls: list[str], n: int) -> dict[str, float]:
    """Each URL asked once first (`cold_ms`: the slowest first answer; the server
    keeps filtered timelines per store version), then `n` requests in turn."""
    times = []
    cold = []
    with httpx.Client(base_url=base, timeout=600) as client:
        for url in urls:
            t = time.perf_counter()
            client.get(url)
            cold.append((time.perf_counter() - t) * 1000)
        started = time.perf_counter()
        for k in range(n):
            t = time.perf_counter()
            r = client.get(urls[k % len(urls)])
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{urls[k % len(urls)]}: HTTP {r.status_code} {r.text[:200]}")
        total = time.perf_counter() - started
    times.sort()
    return {"rps": round(n / total, 1), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
            "cold_ms": round(max(cold), 1)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    import uvicorn

    from storytrace.web import create_app

    started = time.perf_counter()
    db = Path(args.data) if args.data else build_store(args.n)
    with storytrace.open(db) as st:
        urls = endpoints(st, args.filters)
        n_docs = st.stats()["articles"]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=args.port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{args.port}"
    metrics = {}
    for name, todo in urls.items():
        if not todo:  # --filters 0: the filtered timelines left out
            continue
        count = args.limit
        metrics[name] = measure(base, todo, count)
        print(f"{name:14} {metrics[name]}", file=sys.stderr)
    server.should_exit = True
    thread.join(timeout=10)
    return {"benchmark": "api", "data": str(args.data or f"generated:{args.n}"),
            "n_docs": n_docs, "seconds": round(time.perf_counter() - started, 1),
            "metrics": metrics, "baselines": {}}


def show(res: dict[str, Any]) -> None:
    print(f"API on {res['data']} ({res['n_docs']:,} articles), closed-loop requests on loopback")
    print(f"{'endpoint':16}{'rps':>10}{'p50 ms':>10}{'p95 ms':>10}{'first ms':>10}")
    for name, m in res["metrics"].items():
        print(f"{name:16}{m['rps']:>10}{m['p50_ms']:>10}{m['p95_ms']:>10}"
              f"{m.get('cold_ms', 0):>10}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", help="an existing store to serve (default: generated)")
    ap.add_argument("--n", type=int, default=10_000, help="generated articles")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, default=200, help="requests per endpoint")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--filters", type=int, default=5,
                    help="distinct as_of days and entities asked for (each as_of day merges "
                         "once; 0 leaves the filtered timeline out)")
    args = ap.parse_args(argv)
    res = run(args)
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
