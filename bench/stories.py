#!/usr/bin/env python3
"""Story grouping on ECB+: storytrace's one-pass grouping against the TF-IDF floor, per document.

    python bench/stories.py [--data PATH] [--json OUT] [--limit N]

Data: `../shared/benchdata/ecbplus_doc_clusters/documents.jsonl.gz` (topics 1-35,
772 documents) or any file (or folder of `*.jsonl[.gz]` files) in its layout:
one document a line with `doc_id`, `topic`, `event_cluster` and `text`.

The system is `storytrace.stories.group` with its module constants, run once
over the documents in file order. ECB+ has no publication dates, so every
document gets date None. A one-pass method depends on the order it reads, so
the same grouping is also run over 5 shuffles of the order (seeds 0-4), and
the mean, standard deviation and range of their event B3 F1 are reported
beside the file-order figure (ECB+ files list each topic's documents
together, which is the kindest order for a one-pass method).

What the grouping sees of a document (`StoryDoc`) is built here, not by the
product's ingest: the text is lightly detokenised (the data is PTB-tokenised),
its words are `storytrace.stories.words_of(text)`, and its entities are the
named entities spaCy's NER finds in it (types PERSON, ORG, GPE, LOC, FAC,
NORP, EVENT, WORK_OF_ART, PRODUCT), keyed by their lower-cased text
(`storytrace.entities.names.norm`, possessive 's dropped, a lone surname
mapped to the full name it shortens in the same document). This
approximates the canonical entity ids that the product's entity stage gives
`relink`; it does not resolve aliases across documents as that stage does.

Scores (the dataset README's protocol): B-cubed precision, recall and F1,
averaged per document, against `event_cluster` (66 gold clusters on the dev
part) and against `topic` (33); AMI, ARI and the number of predicted
clusters are reported beside them. Metrics: `b3_f1_event`, `b3_f1_topic`.
`details.storytrace_by_topic` has the event F1 within each topic and over the
odd- and even-numbered topics (tune on one half, check on the other).

Baseline (the README's floor, run in this process on the same documents):
TF-IDF (scikit-learn TfidfVectorizer, sublinear_tf, stop_words='english',
min_df=2, max_df=0.5, fitted on the documents scored), then cosine
average-linkage AgglomerativeClustering cut at the README's cosine-distance
thresholds, 0.76 for events and 0.92 for topics (picked by the README on
the dev part; applied unchanged to any other data). Needs the `bench`
extra (`pip install -e .[bench]`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from _common import write_result
from storytrace import stories
from storytrace.entities.names import norm
from storytrace.stories import StoryDoc

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "benchdata" / "ecbplus_doc_clusters" / "documents.jsonl.gz"

ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT",
                          "WORK_OF_ART", "PRODUCT"})
SHUFFLE_SEEDS = (0, 1, 2, 3, 4)
# The TF-IDF floor of the dataset README: vectoriser settings and cut-offs.
TFIDF = {"sublinear_tf": True, "stop_words": "english", "min_df": 2, "max_df": 0.5}
FLOOR_EVENT_THRESHOLD = 0.76
FLOOR_TOPIC_THRESHOLD = 0.92
# The figures the README quotes for that floor on the dev part (measured 2026-11-23).
README_FLOOR = {
    "event": {"threshold": 0.76, "clusters": 104, "b3_p": 0.903, "b3_r": 0.869, "b3_f1": 0.886,
              "ami": 0.918, "ari": 0.840},
    "topic": {"threshold": 0.92, "clusters": 36, "b3_p": 0.921, "b3_r": 0.896, "b3_f1": 0.908,
              "ami": 0.953, "ari": 0.883},
}


# --- scoring ---------------------------------------------------------------------------------

def b_cubed(pred: Mapping[Any, Hashable], gold: Mapping[Any, Hashable]
            ) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, averaged per item, of a clustering against gold.

    Both map each item to its cluster label and must cover the same items.
    An item's precision is the share of its predicted cluster that shares
    its gold cluster; its recall is the share of its gold cluster found in
    its predicted cluster.

    >>> [round(v, 4) for v in b_cubed({"a": 1, "b": 1, "c": 2}, {"a": "x", "b": "x", "c": "x"})]
    [1.0, 0.5556, 0.7143]
    """
    if set(pred) != set(gold):
        raise ValueError("prediction and gold cover different items")
    if not gold:
        return 0.0, 0.0, 0.0
    both = Counter((pred[i], gold[i]) for i in gold)
    size_p = Counter(pred[i] for i in gold)
    size_g = Counter(gold[i] for i in gold)
    p = sum(both[pred[i], gold[i]] / size_p[pred[i]] for i in gold) / len(gold)
    r = sum(both[pred[i], gold[i]] / size_g[gold[i]] for i in gold) / len(gold)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def scores(pred: Mapping[Any, Hashable], gold: Mapping[Any, Hashable]) -> dict[str, float]:
    """B3 P/R/F1, AMI, ARI and the number of predicted clusters."""
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

    p, r, f = b_cubed(pred, gold)
    ids = list(gold)
    gl = [str(gold[i]) for i in ids]
    pl = [str(pred[i]) for i in ids]
    return {"clusters": len(set(pl)), "b3_p": p, "b3_r": r, "b3_f1": f,
            "ami": float(adjusted_mutual_info_score(gl, pl)),
            "ari": float(adjusted_rand_score(gl, pl))}


def spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, sample standard deviation, minimum and maximum.

    >>> spread([0.5, 0.7])
    {'mean': 0.6, 'sd': 0.1414, 'min': 0.5, 'max': 0.7}
    """
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": round(statistics.fmean(values), 4), "sd": round(sd, 4),
            "min": min(values), "max": max(values)}


def by_topic(pred: Mapping[str, Hashable], gold_event: Mapping[str, str],
             gold_topic: Mapping[str, str]) -> dict[str, Any]:
    """Event B3 F1 within each topic and over the odd- and even-numbered topics.

    A constant tuned on one half of the topics can be checked on the other,
    and a topic whose two events were merged (F1 near 0.67) stands out.

    >>> r = by_topic({"a": 1, "b": 1, "c": 2, "d": 2}, {"a": "1e", "b": "1p", "c": "2e", "d": "2e"},
    ...              {"a": "1", "b": "1", "c": "2", "d": "2"})
    >>> r["odd_topics"], r["even_topics"], r["topics"]["1"]["clusters"]
    (0.6667, 1.0, 1)
    """
    members: dict[str, list[str]] = {}
    for i, t in gold_topic.items():
        members.setdefault(t, []).append(i)

    def f1(ids: list[str]) -> float:
        return round(b_cubed({i: pred[i] for i in ids}, {i: gold_event[i] for i in ids})[2], 4)

    def number(t: str) -> int | None:
        return int(t) if t.isdigit() else None

    odd = [i for t, ids in members.items() if (number(t) or 0) % 2 == 1 for i in ids]
    even = [i for t, ids in members.items() if number(t) is not None and number(t) % 2 == 0
            for i in ids]
    return {
        "odd_topics": f1(odd) if odd else None,
        "even_topics": f1(even) if even else None,
        "topics": {t: {"docs": len(ids), "clusters": len({pred[i] for i in ids}),
                       "b3_f1_event": f1(ids)}
                   for t, ids in sorted(members.items(),
                                        key=lambda kv: (number(kv[0]) or 0, kv[0]))},
    }


# --- building what the grouping sees ---------------------------------------------------------

_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
        "``": '"', "''": '"', "“": '"', "”": '"'}
_NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}]|'s\b|'S\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|’s\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


def detok(text: str) -> str:
    """PTB-tokenised text back to ordinary spacing, line by line (lightly: not reversible).

    >>> detok("Reid 's rep -LRB- Jack -RRB- said `` no '' .\\nWe do n't know , he said .")
    'Reid\\'s rep (Jack) said "no".\\nWe don\\'t know, he said.'
    """
    out = []
    for line in text.splitlines():
        line = " ".join(line.split())
        line = line.replace("` `", "``").replace("' '", "''").replace(" ’ s ", "’s ")
        toks = [_PTB.get(t, t) for t in line.split(" ")]
        # straight quotes alternate: an opening one sticks to the next word, a closing one
        # to the previous one
        parts: list[str] = []
        opening = True
        glue_next = False
        for t in toks:
            if t == '"':
                if opening:
                    parts.append(t)
                    glue_next = True
                else:
                    if parts:
                        parts[-1] += t
                    else:
                        parts.append(t)
                opening = not opening
                continue
            if glue_next and parts:
                parts[-1] += t
            else:
                parts.append(t)
            glue_next = False
        s = " ".join(parts)
        s = _NO_SPACE_BEFORE.sub(r"\1", s)
        s = _NO_SPACE_AFTER.sub(r"\1", s)
        out.append(s.strip())
    return "\n".join(out)


def entity_key(text: str) -> str:
    """The key of an entity mention: `norm` of its text, possessive dropped.

    >>> entity_key("the  United Nations's")
    'united nations'
    """
    key = norm(text)
    key = re.sub(r"['’]s$", "", key).strip()
    return key


def entity_counts(ents: Iterable[tuple[str, str]]) -> Counter[str]:
    """Entity keys of one document from its (text, label) mentions, kept types only.

    A one-word PERSON that is the last word of a longer PERSON of the same
    document counts as that longer name ("Reid" after "Tara Reid"), as the
    product's entity stage links a short mention to its full name.

    >>> sorted(entity_counts([("Tara Reid", "PERSON"), ("Reid", "PERSON"),
    ...                       ("Malibu", "GPE"), ("33", "CARDINAL")]).items())
    [('malibu', 1), ('tara reid', 2)]
    """
    kept = [(entity_key(t), label) for t, label in ents if label in ENTITY_TYPES]
    kept = [(k, label) for k, label in kept if k]
    full: dict[str, str] = {}
    for k, label in kept:
        words = k.split()
        if label == "PERSON" and len(words) > 1:
            full.setdefault(words[-1], k)
    return Counter(full.get(k, k) if label == "PERSON" and " " not in k else k
                   for k, label in kept)


def entities_of(texts: Sequence[str], *, batch_size: int = 32) -> Iterator[Counter[str]]:
    """Entity keys of each text, from spaCy's NER (storytrace's pipeline, `nlp.load()`).

    Only the components NER needs run; its entities are the same as with the
    whole pipeline (en_core_web_sm's NER has its own token-to-vector layer).
    """
    from storytrace import nlp

    model = nlp.load()
    needed = {"ner"}
    if "tok2vec" in model.pipe_names and "ner" in getattr(
            model.get_pipe("tok2vec"), "listening_components", ()):
        needed.add("tok2vec")
    off = [name for name in model.pipe_names if name not in needed]
    for doc in model.pipe(texts, batch_size=batch_size, disable=off):
        yield entity_counts((e.text, e.label_) for e in doc.ents)


def story_docs(records: Sequence[Mapping[str, Any]], *, id_key: str, date_key: str | None = None,
               progress: bool = True) -> list[StoryDoc]:
    """StoryDocs of the records, in their order: words and entities of the detokenised text."""
    import datetime as dt

    texts = [detok(r.get("text") or "") for r in records]
    out: list[StoryDoc] = []
    started = time.perf_counter()
    words_done = 0
    total = sum(len(t.split()) for t in texts)
    for k, (rec, text, ents) in enumerate(zip(records, texts, entities_of(texts), strict=True)):
        date = dt.date.fromisoformat(rec[date_key]) if date_key and rec.get(date_key) else None
        out.append(StoryDoc(str(rec[id_key]), date, stories.words_of(text), ents))
        words_done += len(text.split())
        if progress and (k + 1) % 200 == 0:
            rate = words_done / max(time.perf_counter() - started, 1e-9)
            print(f"  parsed {k + 1}/{len(texts)} documents, {words_done:,}/{total:,} words, "
                  f"{rate:,.0f} words/s", file=sys.stderr, flush=True)
    return out


# --- the TF-IDF floor ------------------------------------------------------------------------

def tfidf_matrix(texts: Sequence[str]) -> Any:
    """The README's TF-IDF vectors of the texts (rows L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(**TFIDF).fit_transform(texts)


def cosine_distances(x: Any) -> Any:
    """Dense cosine distance matrix of L2-normalised sparse rows."""
    import numpy as np

    d = 1.0 - (x @ x.T).toarray()
    np.fill_diagonal(d, 0.0)
    return np.clip(d, 0.0, 2.0)


def agglomerative(distances: Any, threshold: float) -> list[int]:
    """Average-linkage clusters of a precomputed distance matrix, cut at `threshold`."""
    from sklearn.cluster import AgglomerativeClustering

    if distances.shape[0] < 2:
        return [0] * distances.shape[0]
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=threshold)
    return [int(v) for v in model.fit_predict(distances)]


# --- data ------------------------------------------------------------------------------------

def jsonl_files(data: Path) -> list[Path]:
    """The JSON Lines files of a file or folder (plain or gzipped)."""
    if data.is_dir():
        files = sorted(p for p in data.iterdir()
                       if p.name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")))
        if not files:
            raise SystemExit(f"no .jsonl or .jsonl.gz files in {data}")
        return files
    if not data.is_file():
        raise SystemExit(f"no such file or folder: {data}")
    return [data]


def read_jsonl(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Records of JSON Lines files, in order; blank lines skipped."""
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def shown(path: Path) -> str:
    """A path as the README should show it: relative to the repository when it can be."""
    try:
        return os.path.relpath(path.resolve(), ROOT)
    except ValueError:
        return str(path)


# --- the benchmark ---------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    data = Path(args.data)
    records = list(read_jsonl(jsonl_files(data)))
    if args.limit is not None:
        records = records[: args.limit]
    if not records:
        raise SystemExit(f"no documents in {data}")
    ids = [str(r["doc_id"]) for r in records]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate doc_id in the data")
    gold_event = {i: str(r["event_cluster"]) for i, r in zip(ids, records, strict=True)}
    gold_topic = {i: str(r["topic"]) for i, r in zip(ids, records, strict=True)}

    t0 = time.perf_counter()
    docs = story_docs(records, id_key="doc_id")
    parse_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    pred = stories.group(docs)
    group_s = time.perf_counter() - t1
    ours = {"event": scores(pred, gold_event), "topic": scores(pred, gold_topic)}

    shuffled: dict[str, list[float]] = {"event": [], "topic": []}
    for seed in SHUFFLE_SEEDS:
        order = list(docs)
        random.Random(seed).shuffle(order)
        p = stories.group(order)
        shuffled["event"].append(round(b_cubed(p, gold_event)[2], 4))
        shuffled["topic"].append(round(b_cubed(p, gold_topic)[2], 4))

    t2 = time.perf_counter()
    dist = cosine_distances(tfidf_matrix([r.get("text") or "" for r in records]))
    floor = {}
    for level, gold, cut in (("event", gold_event, FLOOR_EVENT_THRESHOLD),
                             ("topic", gold_topic, FLOOR_TOPIC_THRESHOLD)):
        labels = agglomerative(dist, cut)
        floor[level] = {"threshold": cut, **scores(dict(zip(ids, labels, strict=True)), gold)}
    floor_s = time.perf_counter() - t2

    def r4(d: dict[str, Any]) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}

    return {
        "benchmark": "stories",
        "data": shown(data),
        "n_docs": len(docs),
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": {
            "b3_f1_event": round(ours["event"]["b3_f1"], 4),
            "b3_f1_topic": round(ours["topic"]["b3_f1"], 4),
        },
        "baselines": {
            "tfidf_agglomerative": {
                "b3_f1_event": round(floor["event"]["b3_f1"], 4),
                "b3_f1_topic": round(floor["topic"]["b3_f1"], 4),
            },
        },
        "details": {
            "order": "file order, date None",
            "storytrace": {k: r4(v) for k, v in ours.items()},
            "storytrace_by_topic": by_topic(pred, gold_event, gold_topic),
            "storytrace_shuffled": {
                "seeds": list(SHUFFLE_SEEDS),
                "b3_f1_event": spread(shuffled["event"]),
                "b3_f1_topic": spread(shuffled["topic"]),
                "b3_f1_event_runs": shuffled["event"],
                "b3_f1_topic_runs": shuffled["topic"],
            },
            "tfidf_agglomerative": {k: r4(v) for k, v in floor.items()},
            "readme_floor_dev": README_FLOOR,
            "constants": {"THRESHOLD": stories.THRESHOLD, "ENTITY_WEIGHT": stories.ENTITY_WEIGHT,
                          "GRACE_DAYS": stories.GRACE_DAYS, "FADE_DAYS": stories.FADE_DAYS,
                          "CENTROID_TERMS": stories.CENTROID_TERMS,
                          "SIZE_EXPONENT": stories.SIZE_EXPONENT,
                          **{name: getattr(stories, name) for name in dir(stories)
                             if name.startswith("SPLIT_")}},
            "gold_clusters": {"event": len(set(gold_event.values())),
                              "topic": len(set(gold_topic.values()))},
            "words": sum(sum(d.words.values()) for d in docs),
            "parse_seconds": round(parse_s, 3),
            "group_seconds": round(group_s, 3),
            "baseline_seconds": round(floor_s, 3),
        },
    }


def _row(name: str, s: Mapping[str, Any]) -> str:
    def f(key: str) -> str:
        v = s.get(key)
        return f"{v:>7.3f}" if isinstance(v, float) else f"{'-':>7}"
    clusters = s.get("clusters")
    return (f"  {name:<46}{clusters if clusters is not None else '-':>9}"
            f"{f('b3_p')}{f('b3_r')}{f('b3_f1')}{f('ami')}{f('ari')}")


def show(res: dict[str, Any]) -> None:
    d = res["details"]
    c = d["constants"]
    print(f"stories benchmark (ECB+ document clusters): {res['data']}: {res['n_docs']} documents, "
          f"{d['words']:,} content words; storytrace THRESHOLD {c['THRESHOLD']}, "
          f"ENTITY_WEIGHT {c['ENTITY_WEIGHT']}")
    print(f"  {'system':<46}{'clusters':>9}{'B3 P':>7}{'B3 R':>7}{'B3 F1':>7}{'AMI':>7}{'ARI':>7}")
    for level, n_gold in d["gold_clusters"].items():
        print(f"{level}s ({n_gold} gold clusters)")
        print(_row("storytrace group, file order", d["storytrace"][level]))
        if level == "event":
            bt = d["storytrace_by_topic"]
            merged = [t for t, v in bt["topics"].items() if v["clusters"] == 1]
            print(f"  {'  odd / even topics':<46}{'':>9}{'':>7}{'':>7}"
                  f"{bt['odd_topics'] or 0:>7.3f} / {bt['even_topics'] or 0:.3f}; "
                  f"topics in one story: {', '.join(merged) or 'none'}")
        sh = d["storytrace_shuffled"][f"b3_f1_{level}"]
        print(f"  {'storytrace group, 5 shuffled orders':<46}{'':>9}{'':>7}{'':>7}"
              f"{sh['mean']:>7.3f}  (sd {sh['sd']:.3f}, {sh['min']:.3f}-{sh['max']:.3f})")
        fl = d["tfidf_agglomerative"][level]
        print(_row(f"TF-IDF avg-link agglomerative @ {fl['threshold']:.2f}", fl))
        rf = d["readme_floor_dev"][level]
        print(_row(f"README's figure for it (dev, @ {rf['threshold']:.2f})", rf))
    print(f"parse {d['parse_seconds']:.1f} s, grouping {d['group_seconds']:.1f} s, "
          f"baseline {d['baseline_seconds']:.1f} s; total {res['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA),
                    help="documents.jsonl[.gz] of ECB+ doc clusters, or a folder of them")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="use at most the first N documents")
    args = ap.parse_args(argv)
    res = run(args)
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
