#!/usr/bin/env python3
"""Train the unquoted-attribution model (storytrace.quotes.attrib) on PolNeAR train.

    python bench/train_quote_attrib.py [--data PATH] [--out PATH] [--cache PATH]

Reads PolNeAR's `derived/train.jsonl` (the train split only; dev and test are
never read) and parses it as `bench/train_quote_bounds.py` does (same `--cache`
format, so one cache serves both). The quotes stage runs with every candidate
of `attrib.candidates` taken; each candidate's statement, as the stage would
report it (boundary model included), is labelled by whether its characters
equal a part of a gold Content span, since only an exact span counts in the
CofeNet protocol. A logistic regression over the candidates' features is
fitted and its weights written to `src/storytrace/data/quote_attrib.tsv`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import train_quote_bounds as tqb
from storytrace import nlp
from storytrace.entities.recognize import ArticleEntities
from storytrace.nlp import ParsedArticle
from storytrace.quotes import attrib, find

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "storytrace" / "data" / attrib.MODEL_FILE
# Inverse L2 strength: most lemmas are rare, keep their weights modest (0.1 and 2
# did worse on dev).
C = 0.5
MIN_COUNT = 5  # features seen fewer times are dropped
MIN_WEIGHT = 0.02  # smaller weights are left out of the file (it stays small)


def examples(items: list[tuple[Any, ...]]) -> list[tuple[list[str], bool]]:
    """(features, the statement equals a gold content part) of every candidate."""
    from spacy.tokens import DocBin

    vocab = nlp.load().vocab
    out: list[tuple[list[str], bool]] = []
    attrib.SPY = []
    try:
        for art, para_index, starts, blob, ents, offs, gold in items:
            doc = next(iter(DocBin().from_bytes(blob).get_docs(vocab)))
            attrib.SPY.clear()
            find(ParsedArticle(art, doc, para_index, starts), ArticleEntities.from_dict(ents))
            text_of = tqb._text_offsets(art, para_index, starts, offs)
            gold_set = {(int(s), int(e)) for s, e in gold}
            for feats, cs, ce in attrib.SPY:  # doc chars
                out.append((feats, (text_of(cs), text_of(ce)) in gold_set))
    finally:
        attrib.SPY = None
    return out


def train(ex: list[tuple[list[str], bool]], c: float = C
          ) -> tuple[dict[str, float], dict[str, Any]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats, _ in ex:
        for x in feats:
            counts[x] = counts.get(x, 0) + 1
    keep = {x for x, n in counts.items() if n >= MIN_COUNT}
    vec = DictVectorizer()
    X = vec.fit_transform([{x: 1.0 for x in feats if x in keep} for feats, _ in ex])
    ys = [ok for _, ok in ex]
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(X, ys)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(),
                                                           clf.coef_[0], strict=True)
               if abs(w) >= MIN_WEIGHT}
    weights["bias"] = round(float(clf.intercept_[0]), 4)
    taken = [ok for feats, ok in ex if attrib.score(feats, weights) >= attrib.THRESHOLD]
    info = {"candidates": len(ex), "positives": sum(ys), "features": len(weights),
            "train_taken": len(taken), "train_taken_exact": sum(taken)}
    return weights, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=tqb.DEFAULT_DATA,
                    help="PolNeAR derived/train.jsonl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the weights go")
    ap.add_argument("--cache", type=Path, help="keep the parses here between runs")
    ap.add_argument("--c", type=float, default=C, help="inverse L2 strength")
    args = ap.parse_args(argv)
    if "dev" in args.data.name or "test" in args.data.name:
        raise SystemExit(f"{args.data}: train on the train split only")
    items = tqb.parsed_articles(args.data, args.cache)
    weights, info = train(examples(items), args.c)
    head = [
        "# Weights of storytrace.quotes.attrib: a logistic regression over verbs outside",
        "# the cue lexicons that have a complement (feature<TAB>weight; bias = intercept).",
        "# Trained on PolNeAR's train split only; rebuild with",
        "#   python bench/train_quote_attrib.py",
        f"# articles {len(items)}, " + ", ".join(f"{k} {v}" for k, v in info.items()),
    ]
    args.out.write_text("\n".join(head + [f"{k}\t{v}" for k, v in sorted(weights.items())])
                        + "\n", encoding="utf-8")
    print(json.dumps({"articles": len(items), **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
