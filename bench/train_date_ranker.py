#!/usr/bin/env python3
"""Train the supervised date ranker of storytrace.digest on Timeline17's development topics.

    python bench/train_date_ranker.py [--data PATH] [--out PATH] [--cache PATH]

For each gold timeline, the articles of its topic within its span go in as
bench/tls.py gives them; every candidate day gets the features
`digest.day_features` computes (the evidence the rules weigh), labelled by
whether the day is in that gold timeline. A logistic regression is fitted on the
standardised features and its weights, folded back onto the raw features, are
written to `src/storytrace/data/date_ranker.tsv` with the topics it saw (bench/tls.py
scores those topics leave-one-topic-out, refitting with `fit` without the topic,
and any other topic with the shipped weights). `--cache` keeps the time stage's
day mentions between runs (a pickle of benchmark data: keep it out of the repository).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tls
from storytrace import digest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "storytrace" / "data" / digest.RANKER_FILE
# Inverse L2 strength: leave-one-topic-out Date-F1 on Timeline17 dev was best at 0.01
# of those tried (0.01, 0.1, 1, 10); strong shrinkage for 7 topics.
C = 0.01

# (topic, task id, day -> features, gold days)
Task = tuple[str, str, dict[dt.date, dict[str, float]], set[dt.date]]


def tasks(data: Path, cache: Path | None = None) -> list[Task]:
    """Every gold timeline's candidate days with their features, as bench/tls.py selects."""
    got, by_topic = tls.load(data)
    days: dict[str, list[tuple[int, dt.date]]] = {}
    if cache is not None and cache.exists():
        days = pickle.loads(cache.read_bytes())
    out = []
    for task in got:
        gold = {dt.date.fromisoformat(d) for d, _ in task["timeline"]}
        docs = tls.task_docs(task, by_topic, days)
        if docs:
            out.append((task["topic"], task["task_id"],
                        digest.day_features(docs, span=tls.task_span(task)),
                        gold))
    if cache is not None:
        cache.write_bytes(pickle.dumps(days))
    return out


def fit(rows: Sequence[Task]) -> dict[str, float]:
    """Weights (feature -> weight, `bias`) of a logistic regression over the rows' days,
    on the raw features (the standardisation folded in), so that ranking is one dot
    product (`digest.ranker_score`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = sorted({k for _, _, f, _ in rows for v in f.values() for k in v})
    X = np.array([[v.get(k, 0.0) for k in names] for _, _, f, _ in rows for v in f.values()])
    y = np.array([d in g for _, _, f, g in rows for d in f])
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=5000).fit((X - mu) / sd, y)
    w = clf.coef_[0] / sd
    weights = {k: round(float(x), 6) for k, x in zip(names, w, strict=True) if abs(x) >= 1e-6}
    weights["bias"] = round(float(clf.intercept_[0] - (w * mu).sum()), 6)
    return weights


def write(weights: dict[str, float], rows: Sequence[Task], out: Path) -> None:
    topics = sorted({t for t, _, _, _ in rows})
    days = sum(len(f) for _, _, f, _ in rows)
    head = [
        "# Weights of storytrace.digest's date ranker (Params.ranker = \"model\"): a logistic",
        "# regression over each candidate day's features (digest.day_features), label = the",
        "# day is in the gold timeline (feature<TAB>weight; bias = intercept).",
        "# Trained on Timeline17's development topics only; rebuild with",
        "#   python bench/train_date_ranker.py",
        f"# timelines {len(rows)}, candidate days {days}, C {C}",
        f"# topics: {' '.join(topics)}",
    ]
    out.write_text("\n".join(head + [f"{k}\t{v}" for k, v in sorted(weights.items())]) + "\n",
                   encoding="utf-8")


def trained_topics(path: Path) -> set[str]:
    """The topics the weights file says it was trained on."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# topics:"):
            return set(line.split(":", 1)[1].split())
    return set()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=tls.DEFAULT_DATA, help="Timeline17 dev folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the weights go")
    ap.add_argument("--cache", type=Path, help="keep the day mentions here between runs")
    args = ap.parse_args(argv)
    rows = tasks(args.data, args.cache)
    weights = fit(rows)
    write(weights, rows, args.out)
    info: dict[str, Any] = {"timelines": len(rows), "features": len(weights) - 1,
                            "topics": sorted({t for t, _, _, _ in rows})}
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
