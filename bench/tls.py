"""Timeline summarisation on Timeline17: storytrace.digest against the gold timelines.

For each gold timeline (a task), the articles of its topic published between its
first and last gold date go in; the system returns as many dates as the gold has
(l) with k = round(mean gold sentences per date) sentences each. Scores follow
news-tls: Date-F1 (exact days) and the alignment-based ROUGE of Martschat &
Markert (2017), tilse's `align_date_content_costs_many_to_one`, ROUGE-1/2 with
stemming and stopword removal; precision and recall are averaged over the tasks
and F is computed from the averages.

The ROUGE counts are a Python re-implementation of ROUGE-1.5.5's (`-m -s`):
lower case, characters other than letters, digits and hyphens become spaces,
ROUGE's SMART stopword list (read from the pinned `tilse` package, which
vendors ROUGE-1.5.5's data) is removed, words longer than 3 letters are Porter
stemmed (NLTK, original algorithm). Not the Perl script, so figures may differ
slightly from published ones; the SDF reference outputs are scored by the same
code in the same run, so the comparison between rows is exact.

Rows: `storytrace` (digest.select as shipped: the hand-tuned rules),
`storytrace_ranker` (the supervised date ranker, leave-one-topic-out on the
topics its shipped weights were trained on, the shipped weights elsewhere: see
`ranked`), `baseline` (the most-mentioned days, then the first sentence
mentioning each), `sdf_bestds` and `sdf_bestsumm` (the published outputs
shipped in `reference_outputs/`, when present).

    python bench/tls.py [--data ../shared/benchdata/timeline17] [--json OUT] [--limit N]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gzip
import importlib.util
import json
import os
import pickle
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from _common import write_result
from storytrace import digest

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata" / "timeline17"

Timeline = dict[dt.date, list[str]]


# -- text ---------------------------------------------------------------------
_DETOK = [(re.compile(r"-LRB-"), "("), (re.compile(r"-RRB-"), ")"),
          (re.compile(r"-LSB-"), "["), (re.compile(r"-RSB-"), "]"),
          (re.compile(r"-LCB-"), "{"), (re.compile(r"-RCB-"), "}"),
          (re.compile(r"``\s*"), '"'), (re.compile(r"\s*''"), '"'),
          (re.compile(r"`\s*"), "'"),
          (re.compile(r"\(\s+"), "("), (re.compile(r"\s+\)"), ")"),
          (re.compile(r"\s+([.,;:!?%])"), r"\1"),
          (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.I), r"\1"),
          (re.compile(r"\$\s+(?=\d)"), "$")]


def detok(line: str) -> str:
    """PTB tokens back to plain text, lightly.

    >>> detok("Jackson 's doctor -LRB- Dr Murray -RRB- said `` no '' , he did n't .")
    'Jackson\\'s doctor (Dr Murray) said "no", he didn\\'t.'
    """
    s = " ".join(line.split())
    for rx, rep in _DETOK:
        s = rx.sub(rep, s)
    return s


# -- ROUGE (ROUGE-1.5.5 counting with -s and stemming) ------------------------
@cache
def _stopwords() -> frozenset[str]:
    # The pinned `tilse` wheel installs its `pyrouge` with ROUGE-1.5.5's data files.
    spec = importlib.util.find_spec("pyrouge")
    origin = spec.origin if spec is not None else None
    path = Path(origin or ".").parent / "tools" / "ROUGE-1.5.5" / "data" / "smart_common_words.txt"
    if not origin or not path.exists():
        raise SystemExit(f"expected ROUGE's stopword list at {path}; "
                         "install the bench extra: pip install -e .[bench]")
    return frozenset(w.strip() for w in path.read_text().split() if w.strip())


@cache
def _stemmer() -> Callable[[str], str]:
    from nltk.stem.porter import PorterStemmer

    st = PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)
    return st.stem  # type: ignore[no-any-return]


_NONWORD = re.compile(r"[^a-z0-9\-]")


@cache
def rouge_tokens(sentence: str) -> tuple[str, ...]:
    stop, stem = _stopwords(), _stemmer()
    out = []
    for w in _NONWORD.sub(" ", sentence.lower()).split():
        if w in stop:
            continue
        out.append(stem(w) if len(w) > 3 else w)
    return tuple(out)


def ngrams(sentences: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """ROUGE-n grams of a summary; n-grams do not cross sentence boundaries."""
    c: Counter[tuple[str, ...]] = Counter()
    for s in sentences:
        t = rouge_tokens(s)
        c.update(tuple(t[i:i + n]) for i in range(len(t) - n + 1))
    return c


def rouge_counts(pred: Sequence[str], ref: Sequence[str], n: int) -> tuple[float, int, int]:
    """(hits, predicted n-grams, reference n-grams)."""
    p, r = ngrams(pred, n), ngrams(ref, n)
    return sum(min(v, r[g]) for g, v in p.items()), sum(p.values()), sum(r.values())


def _approx_f1(pred: Sequence[str], ref: Sequence[str]) -> float:
    """tilse's content cost: unigram F1 over whitespace tokens, as written."""
    pc = Counter(w for s in pred for w in s.split())
    rc = Counter(w for s in ref for w in s.split())
    match = sum(min(v, rc[w]) for w, v in pc.items())
    if not match:
        return 0.0
    prec, rec = match / sum(pc.values()), match / sum(rc.values())
    return 2 * prec * rec / (prec + rec)


@cache
def _approx_f1_cached(pred: tuple[str, ...], ref: tuple[str, ...]) -> float:
    return _approx_f1(pred, ref)


def _cost(pd: dt.date, rd: dt.date, pred: Timeline, ref: Timeline) -> float:
    date_factor = 1 - 1 / (abs(pd.toordinal() - rd.toordinal()) + 1)
    if not date_factor:
        return 0.0
    return date_factor * (1 - _approx_f1_cached(tuple(pred[pd]), tuple(ref[rd])))


def align_rouge(pred: Timeline, ref: Timeline, n: int) -> tuple[float, float]:
    """(precision, recall) of ROUGE-n under the many-to-one date+content alignment:
    each predicted day is compared with its cheapest reference day (and each reference
    day with its cheapest predicted day, for recall), hits weighted by
    1 / (1 + days apart). Ties go to the earlier day."""
    pds, rds = sorted(pred), sorted(ref)
    pnum = pden = rnum = rden = 0.0
    for pd in pds:
        if rds:
            rd = min(rds, key=lambda r: _cost(pd, r, pred, ref))
            h, p, _ = rouge_counts(pred[pd], ref[rd], n)
            pnum += h / (abs(pd.toordinal() - rd.toordinal()) + 1)
            pden += p
        else:
            pden += rouge_counts(pred[pd], [], n)[1]
    for rd in rds:
        if pds:
            pd = min(pds, key=lambda d: _cost(d, rd, pred, ref))
            h, _, m = rouge_counts(pred[pd], ref[rd], n)
            rnum += h / (abs(pd.toordinal() - rd.toordinal()) + 1)
            rden += m
        else:
            rden += rouge_counts([], ref[rd], n)[2]
    return (pnum / pden if pden else 0.0), (rnum / rden if rden else 0.0)


def date_pr(pred: Timeline, ref: Timeline) -> tuple[float, float]:
    hit = len(set(pred) & set(ref))
    return (hit / len(pred) if pred else 0.0), (hit / len(ref) if ref else 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: Sequence[tuple[Timeline, Timeline]]) -> dict[str, float]:
    """news-tls averaging: P and R averaged over the tasks, F from the averages."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pred, ref in pairs:
        for name, (p, r) in (("date", date_pr(pred, ref)), ("ar1", align_rouge(pred, ref, 1)),
                             ("ar2", align_rouge(pred, ref, 2))):
            sums[name][0] += p
            sums[name][1] += r
    k = max(1, len(pairs))
    out = {}
    for name in ("ar1", "ar2", "date"):
        p, r = sums[name][0] / k, sums[name][1] / k
        out[f"{name}_f"] = f1(p, r)
        out[f"{name}_p"] = p
        out[f"{name}_r"] = r
    out["date_f1"] = out.pop("date_f")
    return out


# -- data ---------------------------------------------------------------------
def load_timeline_file(path: Path) -> Timeline:
    """The T17/tilse text format: a date line, sentence lines, a dashed separator."""
    tl: Timeline = defaultdict(list)
    day: dt.date | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line:
            continue
        if set(line) == {"-"}:
            day = None
            continue
        if day is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", line):
            day = dt.date.fromisoformat(line)
            continue
        if day is not None:
            tl[day].append(line)
    return dict(tl)


def load(data: Path) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    tasks = [json.loads(line) for line in (data / "timelines.jsonl").read_text().splitlines()
             if line.strip()]
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in sorted((data / "articles").glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    a = json.loads(line)
                    if a.get("text", "").strip():
                        by_topic[a["topic"]].append(a)
    return tasks, by_topic


def _doc(a: dict[str, Any], days: dict[str, list[tuple[int, dt.date, str]]]) -> digest.Doc:
    lines = [detok(s) for s in a["text"].split("\n") if s.strip()]
    d = digest.Doc(a["id"], a["id"], a["outlet"], dt.date.fromisoformat(a["date"]), lines)
    if a["id"] not in days:
        days[a["id"]] = digest.day_mentions(d)
    return digest.Doc(d.id, d.source, d.outlet, d.published, lines, days[a["id"]])


def _raw_lines(a: dict[str, Any]) -> list[str]:
    return [s.strip() for s in a["text"].split("\n") if s.strip()]


# -- systems ------------------------------------------------------------------
def task_span(task: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The days a task's timeline may take: its gold's first to last day, the span news-tls
    gives the system (`collection.start`/`end`; candidate dates outside are dropped). The
    input articles may start later: an event is often first reported the day after."""
    gold = [dt.date.fromisoformat(d) for d, _ in task["timeline"]]
    return min(gold), max(gold)


def task_docs(task: dict[str, Any], by_topic: dict[str, list[dict[str, Any]]],
              days: dict[str, list[tuple[int, dt.date, str]]]) -> list[digest.Doc]:
    """A task's input: the articles of its topic published within its gold span, in order."""
    first, last = task_span(task)
    arts = [a for a in by_topic.get(task["topic"], [])
            if first <= dt.date.fromisoformat(a["date"]) <= last]
    return sorted((_doc(a, days) for a in arts), key=lambda d: (d.published, d.id))


def ours(docs: list[digest.Doc], raw: dict[str, list[str]], n_dates: int, k: int,
         params: digest.Params, span: tuple[dt.date, dt.date],
         weights: dict[str, float] | None = None) -> Timeline:
    # The candidate days: the task's span (`task_span`), as news-tls clips them.
    out = digest.select(docs, n_dates, per_date=k, params=params, span=span, weights=weights)
    # Scored on the articles' own tokenised lines, as the gold is tokenised.
    return {dt.date.fromisoformat(s.date): [raw[x.source][x.line - 1] for x in s.sentences]
            for s in out if s.sentences}


def baseline(docs: list[digest.Doc], raw: dict[str, list[str]], n_dates: int, k: int,
             span: tuple[dt.date, dt.date]) -> Timeline:
    """The days of the span most mentioned (by sentences, reprints and all), each with the
    first sentences (by publication order) that mention it."""
    lo, hi = span
    count: Counter[dt.date] = Counter()
    first: dict[dt.date, list[str]] = defaultdict(list)
    for d in docs:
        for i, day, *_ in d.days or ():
            if lo <= day <= hi:
                count[day] += 1
                if len(first[day]) < k and raw[d.id][i] not in first[day]:
                    first[day].append(raw[d.id][i])
    ranked = sorted(count.items(), key=lambda t: (-t[1], t[0]))[:n_dates]
    return {day: first[day] for day, _ in ranked}


def references(data: Path, name: str) -> dict[str, Timeline]:
    folder = data / "reference_outputs" / "sdf_tls_sigir2021"
    mapping = folder / f"{name}_file_to_task.json"
    if not mapping.exists():
        return {}
    m = json.loads(mapping.read_text())
    return {task: load_timeline_file(folder / name / f) for f, task in m.items()
            if (folder / name / f).exists()}


# -- run ----------------------------------------------------------------------
def ranked(inputs: list[tuple[Any, ...]], params: digest.Params
           ) -> list[tuple[Timeline, Timeline]]:
    """The supervised date ranker's timelines (`digest.Params.ranker` = "model"): a task
    whose topic the shipped weights were trained on is scored with weights refitted
    on the other such topics' timelines of this data (leave one topic out); any other
    task, such as the withheld topics', with the shipped weights."""
    import train_date_ranker as tdr

    shipped = digest.ranker()
    if shipped is None:
        return []
    seen = tdr.trained_topics(Path(str(resources.files("storytrace.data")
                                       .joinpath(digest.RANKER_FILE))))
    feats = [(t["topic"], t["task_id"],
              digest.day_features(docs, span=task_span(t), params=params), set(gold))
             for t, docs, _raw, _n, _k, gold in inputs]
    refit: dict[str, dict[str, float]] = {}
    out = []
    for task, docs, raw, n_dates, k, gold in inputs:
        topic = task["topic"]
        weights = shipped
        if topic in seen:
            if topic not in refit:
                refit[topic] = tdr.fit([r for r in feats if r[0] in seen and r[0] != topic])
            weights = refit[topic]
        out.append((ours(docs, raw, n_dates, k, params, task_span(task), weights), gold))
    return out


def run(data: Path, limit: int | None = None, params: digest.Params = digest.PARAMS,
        cache_file: Path | None = None, quiet: bool = False,
        ranker: bool = True) -> dict[str, Any]:
    t0 = time.time()
    tasks, by_topic = load(data)
    if limit:
        tasks = tasks[:limit]
    days: dict[str, list[tuple[int, dt.date, str]]] = {}
    if cache_file and cache_file.exists():
        days = pickle.loads(cache_file.read_bytes())
    refs = {n: references(data, n) for n in ("bestds", "bestsumm")}
    rows: dict[str, list[tuple[Timeline, Timeline]]] = defaultdict(list)
    n_docs: set[str] = set()
    per_task = []
    inputs = []
    for task in tasks:
        gold = {dt.date.fromisoformat(d): s for d, s in task["timeline"]}
        docs = task_docs(task, by_topic, days)
        ids = {d.id for d in docs}
        raw = {a["id"]: _raw_lines(a) for a in by_topic.get(task["topic"], []) if a["id"] in ids}
        n_docs.update(raw)
        n_dates = len(gold)
        k = round(sum(len(s) for s in gold.values()) / n_dates)
        if not docs:
            continue
        span = task_span(task)
        mine = ours(docs, raw, n_dates, k, params, span)
        rows["storytrace"].append((mine, gold))
        inputs.append((task, docs, raw, n_dates, k, gold))
        rows["baseline"].append((baseline(docs, raw, n_dates, k, span), gold))
        for name, outs in refs.items():
            if task["task_id"] in outs:
                rows[f"sdf_{name}"].append((outs[task["task_id"]], gold))
        dp, dr = date_pr(mine, gold)
        per_task.append({"task": task["task_id"], "docs": len(docs), "l": n_dates, "k": k,
                         "date_f1": f1(dp, dr)})
        if not quiet:
            print(f"  {task['task_id']:<62} docs {len(docs):>5}  l {n_dates:>3}  k {k}  "
                  f"date_f1 {f1(dp, dr):.3f}", file=sys.stderr)
    if cache_file:
        cache_file.write_bytes(pickle.dumps(days))
    if ranker and (got := ranked(inputs, params)):
        rows["storytrace_ranker"] = got
    scores = {name: score(pairs) for name, pairs in rows.items()}
    main = scores.get("storytrace", {})
    return {
        "benchmark": "tls", "data": _shown(data), "n_docs": len(n_docs),
        "seconds": round(time.time() - t0, 1),
        "metrics": {"date_f1": main.get("date_f1", 0.0), "ar1_f": main.get("ar1_f", 0.0),
                    "ar2_f": main.get("ar2_f", 0.0), "n_tasks": len(rows["storytrace"])},
        "baselines": {name: {m: s[m] for m in ("date_f1", "ar1_f", "ar2_f")} | {
            "n_tasks": len(rows[name])} for name, s in scores.items() if name != "storytrace"},
        "params": dataclasses.asdict(params),
        "rouge": "python re-implementation of ROUGE-1.5.5 counts (stemmed, SMART stopwords)",
        "tasks": per_task,
    }


def _shown(path: Path) -> str:
    """The data path as the results show it: relative to the repository when it can be."""
    try:
        return os.path.relpath(path.resolve(), HERE.parent)
    except ValueError:
        return str(path)


def table(result: dict[str, Any]) -> str:
    lines = [f"Timeline17 TLS — {result['metrics']['n_tasks']} tasks, {result['n_docs']} "
             f"articles, {result['seconds']} s",
             f"{'system':<18}{'tasks':>6}{'date_f1':>9}{'ar1_f':>8}{'ar2_f':>8}"]
    rows = [("storytrace", result["metrics"]), *result["baselines"].items()]
    for name, m in rows:
        lines.append(f"{name:<18}{m['n_tasks']:>6}{m['date_f1']:>9.3f}{m['ar1_f']:>8.3f}"
                     f"{m['ar2_f']:>8.3f}")
    lines.append("published, full T17 with the withheld topics (news-tls Table 4): "
                 "DATEWISE 0.544 / 0.120 / 0.035 (date_f1 / ar1_f / ar2_f)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None, help="only the first N timelines")
    ap.add_argument("--cache", type=Path, default=None,
                    help="pickle of the time stage's day mentions per article, reused across runs")
    args = ap.parse_args(argv)
    result = run(args.data, args.limit, cache_file=args.cache)
    print(table(result))
    write_result(result, args.json, __file__, argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
