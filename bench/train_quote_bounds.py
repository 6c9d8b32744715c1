#!/usr/bin/env python3
"""Train the reported-statement boundary model (storytrace.quotes.bounds) on PolNeAR train.

    python bench/train_quote_bounds.py [--data PATH] [--out PATH] [--cache PATH]

Reads PolNeAR's `derived/train.jsonl` (the train split only; dev and test are
never read), runs the parse and the entity stage over every article, and lets the
quotes stage find its reported statements. For each statement the rules' span and
its alternatives (`bounds.candidates`) are labelled by whether their characters
equal a part of a gold Content span; statements with no such candidate are left
out. A logistic regression over the candidates' features is fitted, and its
weights are written to `src/storytrace/data/quote_bounds.tsv` (the quotes stage
then picks the best-scoring candidate). `--cache` keeps the parses between runs
(a pickle holding benchmark text: keep it out of the repository).
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from storytrace import entities, nlp, pipeline
from storytrace.entities.recognize import ArticleEntities
from storytrace.nlp import ParsedArticle
from storytrace.quotes import bounds, find

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "benchdata" / "quotes" / "polnear"
DEFAULT_DATA = POLNEAR / "derived" / "train.jsonl"
DEFAULT_OUT = ROOT / "src" / "storytrace" / "data" / bounds.MODEL_FILE
C = 10  # inverse L2 strength; weights stay small and the file short
MIN_COUNT = 3  # features seen fewer times are dropped


def parsed_articles(data: Path, cache: Path | None) -> list[tuple[Any, ...]]:
    """(article, para_index, starts, DocBin bytes, entities, paragraph offsets, gold parts)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            return list(pickle.load(f))
    from spacy.tokens import DocBin

    bq = importlib.import_module("quotes")  # bench/quotes.py: articles as that benchmark reads them
    recs = [json.loads(line) for line in data.open(encoding="utf-8") if line.strip()]
    arts = {}
    for r in recs:
        art, offs = bq.build(r, r["id"])
        parts = [s for a in r["attributions"] for s in a.get("content") or []]
        arts[art.source] = (art, offs, parts)
    out: list[tuple[Any, ...]] = []

    def record(parsed: ParsedArticle, ctx: Any = None,
               results: dict[str, Any] | None = None) -> None:
        db = DocBin(store_user_data=True)
        db.add(parsed.doc)
        _, offs, gold = arts[parsed.article.source]
        out.append((parsed.article, parsed.para_index, parsed.starts, db.to_bytes(),
                    (results or {}).get("entities", {}), offs, gold))

    pipeline.PARSED_STAGES[:] = [(entities.STAGE, entities.extract_dict), ("record", record)]
    started = time.perf_counter()
    for i, _ in enumerate(pipeline.process([a for a, _, _ in arts.values()], batch_size=16)):
        if i % 100 == 0:
            print(f"parsed {i} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(out, f)
    return out


def groups(items: list[tuple[Any, ...]]) -> list[list[tuple[list[str], bool]]]:
    """Each statement's candidates as (features, equals a gold content part)."""
    from spacy.tokens import DocBin

    vocab = nlp.load().vocab
    out: list[list[tuple[list[str], bool]]] = []
    calls: list[list[tuple[int, int, list[str]]]] = []

    def spy(doc: Any, cue: Any, lo: int, hi: int, sent: tuple[int, int]) -> tuple[int, int]:
        calls.append(bounds.candidates(doc, cue, lo, hi, sent))
        return lo, hi

    original = bounds.choose
    bounds.choose = spy  # type: ignore[assignment]
    try:
        for art, para_index, starts, blob, ents, offs, gold in items:
            doc = next(iter(DocBin().from_bytes(blob).get_docs(vocab)))
            parsed = ParsedArticle(art, doc, para_index, starts)
            calls.clear()
            find(parsed, ArticleEntities.from_dict(ents))
            text_of = _text_offsets(art, para_index, starts, offs)
            gold_set = {(int(s), int(e)) for s, e in gold}
            for cands in calls:
                group = []
                for s, e, feats in cands:
                    a = text_of(doc[s].idx)
                    b = text_of(doc[e - 1].idx + len(doc[e - 1].text))
                    group.append((feats, (a, b) in gold_set))
                if any(ok for _, ok in group):
                    out.append(group)
    finally:
        bounds.choose = original  # type: ignore[assignment]
    return out


def _text_offsets(art: Any, para_index: tuple[int, ...], starts: tuple[int, ...],
                  offs: list[int]) -> Any:
    """Doc char -> char of the original text (paragraph offset plus the offset in it)."""
    pos = {p.index: i for i, p in enumerate(art.paragraphs)}

    def conv(off: int) -> int:
        k = max(0, bisect.bisect_right(starts, off) - 1)
        return offs[pos[para_index[k]]] + off - starts[k]
    return conv


def train(gs: list[list[tuple[list[str], bool]]]) -> tuple[dict[str, float], dict[str, Any]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for g in gs:
        for feats, _ in g:
            for x in feats:
                counts[x] = counts.get(x, 0) + 1
    keep = {x for x, n in counts.items() if n >= MIN_COUNT}
    rows = [{x: 1.0 for x in feats if x in keep} for g in gs for feats, _ in g]
    ys = [ok for g in gs for _, ok in g]
    vec = DictVectorizer()
    X = vec.fit_transform(rows)
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit(X, ys)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(),
                                                           clf.coef_[0], strict=True)
               if abs(w) >= 1e-4}
    weights["bias"] = round(float(clf.intercept_[0]), 4)
    picked = rule = 0
    for g in gs:
        best = max(g, key=lambda c: bounds.score(c[0], weights))
        picked += best[1]
        rule += g[0][1]
    info = {"statements": len(gs), "candidates": len(ys), "features": len(weights),
            "train_rule_exact": round(rule / len(gs), 4),
            "train_model_exact": round(picked / len(gs), 4)}
    return weights, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="PolNeAR derived/train.jsonl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the weights go")
    ap.add_argument("--cache", type=Path, help="keep the parses here between runs")
    args = ap.parse_args(argv)
    if "dev" in args.data.name or "test" in args.data.name:
        raise SystemExit(f"{args.data}: train on the train split only")
    items = parsed_articles(args.data, args.cache)
    weights, info = train(groups(items))
    head = [
        "# Weights of storytrace.quotes.bounds: a logistic regression over the boundary",
        "# candidates of reported statements (feature<TAB>weight; bias = intercept).",
        "# Trained on PolNeAR's train split only; rebuild with",
        "#   python bench/train_quote_bounds.py",
        f"# articles {len(items)}, " + ", ".join(f"{k} {v}" for k, v in info.items()),
    ]
    args.out.write_text("\n".join(head + [f"{k}\t{v}" for k, v in sorted(weights.items())])
                        + "\n", encoding="utf-8")
    print(json.dumps({"articles": len(items), **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
