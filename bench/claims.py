#!/usr/bin/env python3
"""Claim stance and grouping on Emergent: headline stance toward its claim, and
headlines of all claims mixed and grouped into claims.

    python bench/claims.py [--data PATH] [--json OUT] [--limit N]

Data: `../shared/benchdata/claims/emergent/derived/claims-shared.jsonl` (the
development side) or any file in its layout: one claim a line with
`claim_id`, `claim` and `articles` [{`headline`, `stance`: for|against|observing}].

Stance (product labels: for = support, against = deny, observing = speculate):
`storytrace.claims.stance.StanceModel`, a logistic regression over headline word
1-2-grams and character 2-5-grams, the 1-2-grams of the headline's words that the
claim lacks, the claim/headline word overlap, question and quotation marks, negations
and modals the claim lacks, the cue phrases of `data/claim_stance_cues.tsv` (debunk,
dismiss a rumour, withdraw, tentative, assert), the claims stage's cue lists
(`data/claim_hedges.txt`, `claim_speculation.txt`, `claim_denials.txt`,
`claim_confirmation.txt`), and from each headline's parse (the product's spaCy
pipeline) its root, the root's dependents and how near the root negations, modals
and hedges sit. A second model adds how the claim's other headlines lean: the first
model's probabilities on them (out-of-fold within the training claims; when scoring,
on the scored file's other headlines of the claim, never their labels). Trained
here, at bench time, on the shared development side. When `--data` is that side
(its claims are the training claims), the figure is a claim-grouped 5-fold
cross-validation, so no claim is scored by a model that saw it (also reported: the
folds' mean and standard deviation); on any other file (the withheld test side)
the model is trained on all of the shared side and scored on the file. Compared with
the claims stage's rules (the cue order of `storytrace.claims.find.stance_of` on the
headline's words, and `find.stance_of` itself on the headline's parse with its root
as the claim's phrase), the majority class, and the exported model the product runs
(`storytrace.claims.learned`: the first stage without a parse, pruned and refitted by
`stance.fit_export`, scored in plain Python), trained by the same protocol (per fold,
or on the shared side); `agreement_with_sklearn` is the share of its labels the
scikit-learn model it was exported from gives too. The shipped weights
(`data/claim_stance.tsv`, `bench/train_claim_stance.py`) are trained on all of the
shared side, so only this cross-validated figure is honest for them.
Published anchor: Ferreira & Vlachos 2016, 0.733 accuracy (official 240/60 split);
beside it, `official_split_accuracy`: the same model trained on the shared side's
official-train claims and scored on the file's official-test claims (40 of the 60
on the shared side).

Grouping: all headlines of the file in `logged_at` order, grouped by
`storytrace.claims.text.group_texts` with each headline's `logged_at` day (a
headline joins only a group with one logged within `text.WINDOW` days); B-cubed F1
against `claim_id`.
Metrics: `stance_accuracy`, `stance_macro_f1`, `grouping_b3_f1`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from _common import write_result
from storytrace.claims import cues, learned
from storytrace.claims.find import stance_of
from storytrace.claims.stance import StanceModel, fit_export_model
from storytrace.claims.text import group_texts

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchdata" / "claims" / "emergent" / "derived" / \
    "claims-shared.jsonl"
LABELS = ["for", "against", "observing"]
PUBLISHED = {"Ferreira & Vlachos 2016 (official split)": {"stance_accuracy": 0.733}}


def load(path: Path, limit: int | None = None) -> list[dict]:
    rows = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return rows[:limit] if limit else rows


def pairs(claims: list[dict]) -> list[tuple[str, str, str, str]]:
    return [(c["claim_id"], c["claim"], a["headline"], a["stance"])
            for c in claims for a in c["articles"] if a.get("stance") in LABELS]


def rules(head: str) -> str:
    """The stage's cue order on a headline's words (no parse): denial, speculation, support."""
    toks = re.findall(r"[a-z']+", head.lower())
    if any(t in ("hoax", "fake", "false", "debunked", "denies", "denied", "not", "no")
           for t in toks):
        return "against"
    if "?" in head or any(t in cues.speculation() or t in cues.hedges() for t in toks):
        return "observing"
    return "for"


def parse(heads: list[str]) -> dict[str, object]:
    """Each distinct headline's parse, by the product's pipeline (the model's syntax features)."""
    from storytrace import nlp

    uniq = sorted(set(heads))
    return dict(zip(uniq, nlp.load().pipe(uniq, batch_size=256), strict=True))


def fit_predict(train: list[tuple[str, str, str, str]], test: list[tuple[str, str, str, str]],
                docs: dict[str, object]) -> list[str]:
    """Train on `train`, predict `test`; BLAS on one thread (on few cores its threads
    only contend)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _fit_predict(train, test, docs)


def _fit_predict(train: list[tuple[str, str, str, str]], test: list[tuple[str, str, str, str]],
                 docs: dict[str, object]) -> list[str]:
    model = StanceModel().fit([c for _, c, _, _ in train], [h for _, _, h, _ in train],
                              [s for *_, s in train], [docs[h] for _, _, h, _ in train],
                              groups=[i for i, *_ in train])
    return model.predict([c for _, c, _, _ in test], [h for _, _, h, _ in test],
                         [docs[h] for _, _, h, _ in test], groups=[i for i, *_ in test])


def exported(train: list[tuple[str, str, str, str]], test: list[tuple[str, str, str, str]]
             ) -> tuple[list[str], float]:
    """The product's exported model (`stance.fit_export`, scored by `claims.learned` in
    plain Python) trained on `train`: its labels on `test`, and the share of them the
    scikit-learn model it was exported from gives too."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        rows, sk = fit_export_model([c for _, c, _, _ in train], [h for _, _, h, _ in train],
                                    [s for *_, s in train])
        w = learned.Weights(rows)
        ours = [w.predict(c, h) for _, c, h, _ in test]
        theirs = sk([c for _, c, _, _ in test], [h for _, _, h, _ in test])
    return ours, sum(a == b for a, b in zip(ours, theirs, strict=True)) / max(1, len(test))


def stage_rules(doc: object) -> tuple[str, bool]:
    """`find.stance_of` (the claims stage's rules on a report's parse) on a headline,
    with its root as the phrase of the claim (a headline names no frame of its own);
    and whether a cue word decided it (else it is the rules' default, support)."""
    toks = list(doc)  # type: ignore[call-overload]
    root = next((t for t in toks if t.head.i == t.i), toks[0])
    st = stance_of(toks, root, "phrase")
    return {"support": "for", "deny": "against"}.get(st["stance"], "observing"), st["cued"]


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    f1s = []
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"stance_accuracy": acc, "stance_macro_f1": float(np.mean(f1s)),
            **{f"f1_{lab}": f for lab, f in zip(LABELS, f1s, strict=True)}}


def day(stamp: str) -> float:
    """Days since 1970 of an ISO time ("2014-09-04T00:39:09Z")."""
    t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.timestamp() / 86400


def b3(gold: list[str], pred: list[int]) -> float:
    by_g: dict[str, set[int]] = defaultdict(set)
    by_p: dict[int, set[int]] = defaultdict(set)
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        by_g[g].add(i)
        by_p[p].add(i)
    prec = rec = 0.0
    for g, p in zip(gold, pred, strict=True):
        inter = len(by_g[g] & by_p[p])
        prec += inter / len(by_p[p])
        rec += inter / len(by_g[g])
    n = len(gold) or 1
    prec, rec = prec / n, rec / n
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED)
    ap.add_argument("--json", type=Path, dest="json_out")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    t0 = time.time()
    claims = load(args.data, args.limit)
    test = pairs(claims)
    shared = load(SHARED) if SHARED.exists() else []
    shared_ids = {c["claim_id"] for c in shared}
    gold = [s for *_, s in test]
    docs = parse([h for _, _, h, _ in test] + [h for _, _, h, _ in pairs(shared)])
    if {c for c, *_ in test} <= shared_ids:
        # the development side: claim-grouped 5-fold cross-validation
        ids = sorted({c for c, *_ in test})
        fold = {cid: k % 5 for k, cid in enumerate(ids)}
        pred = [""] * len(test)
        exp = [""] * len(test)
        agree = 0.0
        per_fold = []
        for f in range(5):
            tr = [p for p in test if fold[p[0]] != f]
            idx = [i for i, p in enumerate(test) if fold[p[0]] == f]
            out = fit_predict(tr, [test[i] for i in idx], docs)
            per_fold.append(scores([gold[i] for i in idx], out))
            for i, lab in zip(idx, out, strict=True):
                pred[i] = lab
            out, same = exported(tr, [test[i] for i in idx])
            agree += same * len(idx)
            for i, lab in zip(idx, out, strict=True):
                exp[i] = lab
        agree /= len(test)
        protocol = "claim-grouped 5-fold CV"
    else:
        train = [p for p in pairs(shared) if p[0] not in {c for c, *_ in test}]
        pred = fit_predict(train, test, docs)
        exp, agree = exported(train, test)
        protocol = "trained on the shared side"
    ours = scores(gold, pred)
    if protocol.startswith("claim-grouped"):
        for k in ("stance_accuracy", "stance_macro_f1"):
            ours[f"{k}_fold_mean"] = float(np.mean([m[k] for m in per_fold]))
            ours[f"{k}_fold_std"] = float(np.std([m[k] for m in per_fold]))
    split = {c["claim_id"]: c.get("official_split") for c in [*shared, *claims]}
    scored = {c for c, *_ in test}
    off_tr = [p for p in pairs(shared) if split.get(p[0]) == "train" and p[0] not in scored] \
        if scored != {c for c, *_ in pairs(shared)} else \
        [p for p in test if split.get(p[0]) == "train"]
    off_te = [p for p in test if split.get(p[0]) == "test"]
    if off_tr and off_te:
        # Ferreira & Vlachos's split, as far as this file holds it (the published 0.733
        # is on all 60 official test claims; the shared side has 40 of them)
        off = scores([s for *_, s in off_te], fit_predict(off_tr, off_te, docs))
        ours["official_split_accuracy"] = off["stance_accuracy"]
        ours["official_split_macro_f1"] = off["stance_macro_f1"]
    heads = [(a.get("logged_at") or "", c["claim_id"], a["headline"])
             for c in claims for a in c["articles"]]
    heads.sort()
    stamped = all(t for t, _, _ in heads)  # without a day for every headline, no window
    groups = group_texts([h for *_, h in heads],
                         days=[day(t) for t, _, _ in heads] if stamped else None)
    ours["grouping_b3_f1"] = b3([c for _, c, _ in heads], groups)
    ours["n_groups"] = len(set(groups))
    major = Counter(gold).most_common(1)[0][0]
    staged = [stage_rules(docs[h]) for _, _, h, _ in test]
    baselines = {"majority class": scores(gold, [major] * len(gold)),
                 "claims-stage rules": scores(gold, [rules(h) for _, _, h, _ in test]),
                 "claims-stage rules on the parse (find.stance_of)": scores(
                     gold, [lab for lab, _ in staged]),
                 "find.stance_of, exported model where no cue decides": scores(
                     gold, [lab if cued else e for (lab, cued), e in zip(staged, exp,
                                                                        strict=True)]),
                 "exported model (claims.learned, product)": {
                     **scores(gold, exp), "agreement_with_sklearn": agree},
                 "one claim per headline": {"grouping_b3_f1": b3(
                     [c for _, c, _ in heads], list(range(len(heads))))}}
    secs = time.time() - t0
    print(f"Emergent {args.data} ({len(claims)} claims, {len(test)} headlines; {protocol})")
    print(f"{'system':<52} {'acc':>6} {'macroF1':>8} {'B3 F1':>6}")

    def row(name: str, m: dict[str, float]) -> None:
        cells = [f"{m[k]:.3f}" if k in m else "-" for k in
                 ("stance_accuracy", "stance_macro_f1", "grouping_b3_f1")]
        print(f"{name:<52} {cells[0]:>6} {cells[1]:>8} {cells[2]:>6}")

    row("storytrace (LR on cues + n-grams; grouping)", ours)
    for name, m in baselines.items():
        row(name, m)
    if "official_split_accuracy" in ours:
        row(f"storytrace, official split ({len(off_te)} headlines)",
            {"stance_accuracy": ours["official_split_accuracy"],
             "stance_macro_f1": ours["official_split_macro_f1"]})
    for name, m in PUBLISHED.items():
        row(name + " [published]", m)
    print(f"exported model's labels equal to its scikit-learn model's: {agree:.1%}")
    write_result({"benchmark": "claims", "data": _shown(args.data), "n_docs": len(test),
                  "seconds": round(secs, 1), "metrics": ours, "baselines": baselines,
                  "published": PUBLISHED, "protocol": protocol}, args.json_out, __file__, argv)
    return 0


def _shown(path: Path) -> str:
    """The data path as the results show it: relative to the repository when it can be."""
    try:
        return os.path.relpath(path.resolve(), ROOT)
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
