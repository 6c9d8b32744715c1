#!/usr/bin/env python3
"""Quotes on PolNeAR: the storytrace protocol (quote-centred, article level, char offsets).

    python bench/quotes.py [--data PATH] [--json OUT] [--limit N] [--errors OUT]

`--data` is a PolNeAR `derived/*.jsonl` file (one article a line: `text` and
`attributions` with character spans), or a folder of them; the default is the
dev split under ../shared/benchdata/quotes/polnear/. Nothing is assumed about
which articles a file holds.

Each article goes through the library as a user would: `Article.build` with the
`\\n\\n`-separated paragraphs of `text` (the first is the headline), then
`storytrace.open(db).ingest(batch)`. Our quotations are the rows of
`st.quotes()`; the speaker's phrase and the cue come from the same quote in
`st.store.stage_results("quotes")`. Reported statements ("X said that …",
"according to X, …", the stage result's `reports`) are attributions too: a
quotation set inside one (`within`, 'she said the plan was "reckless"') is
scored as that statement, whose content is the clause, as PolNeAR's is.

Scoring (../shared/benchdata/quotes/polnear/README.md, "storytrace protocol"):
- Gold and predicted attributions are paired one to one, greedily by content
  overlap |gold ∩ pred| / |gold| over characters of the article text. A pair
  counts when the overlap is > 0.3 (lenient) or >= 0.8 (strict).
- Gold content includes its quotation marks, so a predicted quote's characters
  are the quoted text with its marks. A merged split quote ('"…," she said.
  "…"') is one row whose start..end spans both parts; its characters are the
  quoted parts only (the paragraph's quotation spans, `storytrace.quotes.
  quote_spans`, inside start..end), so the words between them count as neither.
- Quote subset (`quote_*`, `speaker_accuracy`, `cue_accuracy`): gold
  attributions with `content_has_quote_mark`. A prediction paired with a gold
  attribution outside the subset is neither a hit nor a false alarm there; an
  unpaired prediction with a quotation mark in its content (every quotation, and
  reported statements that hold quoted words) is a false alarm. `all_f1_lenient`
  uses every attribution.
  Gold attributions without a Content role cannot be paired and are left out.
- On lenient pairs of the quote subset: `speaker_accuracy` is any character
  overlap between our speaker phrase and the gold Source, or both empty;
  `cue_accuracy` is the cue's text (the words of the article, not the lemma)
  equal to the gold Cue's after lower-casing.

Baseline: textacy's `direct_quotations(doc)` on the same parsed docs (the same
spaCy pipeline object); content, speaker and cue are its token spans. It gives
up on a document whose quotation marks do not pair up; it is then run on each
paragraph of that document (`span.as_doc()`, no second parse).

`time_fraction_of_parse`: the per-article quote stage (`entities.extract`, which
it needs, plus `quotes.find`) on docs from `nlp.parse`, over the time of that
parse, on the same articles with a warm model.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import storytrace
from _common import write_result
from storytrace import clean, entities, nlp
from storytrace import quotes as st_quotes
from storytrace.models import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "benchdata" / "quotes" / "polnear" / "derived" / "dev.jsonl"
LENIENT = 0.3  # a pair counts when overlap > LENIENT
STRICT = 0.8  # ... or overlap >= STRICT
BATCH = 16  # articles per ingest call (one transaction each) and per parse batch
FALLBACK_DATE = dt.date(2016, 10, 1)  # for a record without a usable publication_date
MARKS = "\"“”"  # the quotation marks storytrace reads (quote_spans)

# Published figures the data README gives. None is on this protocol; they are
# anchors only, printed beside ours, never compared as equals.
PUBLISHED: dict[str, dict[str, Any]] = {
    "citron_parc3_all_quote_spans_overlap": {
        "precision": 0.938, "recall": 0.747,
        "note": "bbc/citron on PARC 3.0 test (WSJ), citron protocol, token overlap; "
                "P/R as corrected in the data README (citron swaps them)",
    },
    "polnear_human_agreement": {
        "attribution_agreement": 0.923, "token_krippendorff_alpha": 0.754,
        "note": "PolNeAR paper: inter-annotator agreement, a human ceiling",
    },
}


# --------------------------------------------------------------------------- scoring

@dataclass(frozen=True)
class Attribution:
    """One attribution in article character offsets: gold (PolNeAR) or predicted."""

    content: frozenset[int]
    source: frozenset[int] = frozenset()
    cue: str = ""  # normalised text: lower case, single spaces
    quote: bool = True  # gold: content_has_quote_mark; predictions: a quotation mark in it
    info: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def chars(spans: Iterable[Iterable[int]]) -> frozenset[int]:
    """The character offsets covered by [start, end) spans."""
    out: set[int] = set()
    for s, e in spans:
        out.update(range(s, e))
    return frozenset(out)


def norm_cue(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def overlap(gold: frozenset[int], pred: frozenset[int]) -> float:
    """|gold ∩ pred| / |gold| (0 for an empty gold content)."""
    return len(gold & pred) / len(gold) if gold else 0.0


def passes(ov: float, level: str) -> bool:
    return ov > LENIENT if level == "lenient" else ov >= STRICT


def match(gold: list[Attribution], pred: list[Attribution]) -> list[tuple[int, int, float]]:
    """One-to-one (gold index, pred index, overlap) pairs, greedily by overlap, best first.

    Pairs at any threshold are the prefix of this list above it: filtering the
    greedy pairing equals greedy pairing of the pairs above the threshold.
    """
    cands = sorted(((overlap(g.content, p.content), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                    if g.content & p.content), key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for ov, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi, ov))
    return out


def speaker_ok(g: Attribution, p: Attribution) -> bool:
    return bool(g.source & p.source) if (g.source or p.source) else True


def cue_ok(g: Attribution, p: Attribution) -> bool:
    return g.cue == p.cue


def score_article(gold: list[Attribution], pred: list[Attribution]) -> Counter[str]:
    """Counts `{subset}.{level}.{tp,fp,fn,speaker,cue}` for one article.

    subset: `quote` (gold with a quotation mark) or `all`; level: lenient or strict.
    """
    gold = [g for g in gold if g.content]
    pairs = match(gold, pred)
    c: Counter[str] = Counter()
    for level in ("lenient", "strict"):
        kept = [(gi, pi) for gi, pi, ov in pairs if passes(ov, level)]
        paired_p = {pi for _, pi in kept}
        for subset in ("quote", "all"):
            key = f"{subset}.{level}"
            hits = [(gi, pi) for gi, pi in kept if subset == "all" or gold[gi].quote]
            n_gold = sum(1 for g in gold if subset == "all" or g.quote)
            c[f"{key}.tp"] += len(hits)
            c[f"{key}.fn"] += n_gold - len(hits)
            c[f"{key}.fp"] += sum(1 for pi, p in enumerate(pred)
                                  if pi not in paired_p and (subset == "all" or p.quote))
            c[f"{key}.speaker"] += sum(speaker_ok(gold[gi], pred[pi]) for gi, pi in hits)
            c[f"{key}.cue"] += sum(cue_ok(gold[gi], pred[pi]) for gi, pi in hits)
    return c


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def metrics(c: Counter[str]) -> tuple[dict[str, float], dict[str, float]]:
    """The benchmark's metrics, and every figure behind them (P, R, both subsets/levels)."""
    figs: dict[str, float] = {}
    for subset in ("quote", "all"):
        for level in ("lenient", "strict"):
            k = f"{subset}.{level}"
            p, r, f = prf(c[f"{k}.tp"], c[f"{k}.fp"], c[f"{k}.fn"])
            tp = c[f"{k}.tp"]
            figs |= {f"{subset}_precision_{level}": p, f"{subset}_recall_{level}": r,
                     f"{subset}_f1_{level}": f,
                     f"{subset}_speaker_accuracy_{level}": c[f"{k}.speaker"] / tp if tp else 0.0,
                     f"{subset}_cue_accuracy_{level}": c[f"{k}.cue"] / tp if tp else 0.0}
    main = {
        "quote_f1_lenient": figs["quote_f1_lenient"],
        "quote_f1_strict": figs["quote_f1_strict"],
        "speaker_accuracy": figs["quote_speaker_accuracy_lenient"],
        "cue_accuracy": figs["quote_cue_accuracy_lenient"],
        "all_f1_lenient": figs["all_f1_lenient"],
    }
    return main, figs


# --------------------------------------------------------------------------- data

def data_files(data: Path) -> list[Path]:
    files = sorted(p for p in data.iterdir() if p.suffix == ".jsonl") if data.is_dir() else [data]
    if not files:
        raise SystemExit(f"no .jsonl files in {data}")
    return files


def records(files: list[Path], limit: int | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if limit is not None and len(out) >= limit:
                    return out
                if line.strip():
                    out.append(json.loads(line))
    return out


def gold_of(rec: dict[str, Any]) -> list[Attribution]:
    text = rec["text"]
    out = []
    for a in rec.get("attributions", []):
        cue = " ".join(text[s:e] for s, e in a.get("cue") or [])
        out.append(Attribution(
            content=chars(a.get("content") or []), source=chars(a.get("source") or []),
            cue=norm_cue(cue), quote=bool(a.get("content_has_quote_mark")),
            info={"content": a.get("content_text", ""), "source": a.get("source_text", ""),
                  "cue": cue, "type": a.get("type", "")}))
    return out


def paragraphs_of(text: str) -> list[tuple[int, int, str]]:
    """(line, offset, text) of each non-empty `\\n\\n`-separated paragraph."""
    out, pos = [], 0
    for chunk in text.split("\n\n"):
        stripped = chunk.strip()
        if stripped:
            off = pos + len(chunk) - len(chunk.lstrip())
            out.append((text.count("\n", 0, off) + 1, off, stripped))
        pos += len(chunk) + 2
    return out


def published_of(rec: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(rec.get("publication_date"))[:10])
    except ValueError:
        return FALLBACK_DATE


def build(rec: dict[str, Any], key: str) -> tuple[Article, list[int]]:
    """The article as storytrace reads it, and each paragraph's offset in `text`."""
    paras = paragraphs_of(rec["text"])
    art = Article.build(source=key, published=published_of(rec),
                        paragraphs=[(line, t) for line, _, t in paras])
    return art, [off for _, off, _ in paras]


def batched(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


# --------------------------------------------------------------------------- storytrace

def quoted_chars(para_text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The quoted parts of a quote row, with their marks, as paragraph [start, end) spans.

    >>> quoted_chars('"A b," she said. "C d."', 1, 22)
    [(0, 6), (17, 23)]
    """
    parts = [(s, e) for s, e, _, _ in st_quotes.quote_spans(para_text)
             if start <= s and e <= end]
    parts = parts or [(start, end)]
    out = []
    for s, e in parts:
        s = s - 1 if s > 0 and para_text[s - 1] in MARKS else s
        e = e + 1 if e < len(para_text) and para_text[e] in MARKS else e
        out.append((s, e))
    return out


def run_storytrace(arts: list[tuple[Article, list[int]]], tmp: Path
                   ) -> tuple[dict[str, list[Attribution]], dict[str, Any]]:
    """Ingest the articles and read back our quotes, keyed by article source."""
    started = time.perf_counter()
    with storytrace.open(tmp / "b.db") as st:
        for batch in batched([a for a, _ in arts], BATCH):
            st.ingest(batch)
        offsets = {a.id: offs for a, offs in arts}
        stored = {a.id: a for a in st.articles()}
        results = list(st.store.stage_results("quotes"))
        local = {(ref.id, q["para"], q["start"]): q
                 for ref, data in results for q in data["quotes"]}
        reported = {ref.id: data.get("reports", []) for ref, data in results}
        rows = st.quotes()
    out: dict[str, list[Attribution]] = {a.source: [] for a, _ in arts}
    unmatched = within = 0
    given = {a.id: a for a, _ in arts}
    changed = sum(1 for aid, a in stored.items() if aid in given and
                  [p.text for p in a.paragraphs] != [p.text for p in given[aid].paragraphs])
    if changed:  # offsets would be wrong: say so rather than score nonsense
        raise SystemExit(f"{changed} stored articles' paragraph texts differ from the input")

    def speaker_and_cue(q: dict[str, Any], offs: list[int], texts: dict[int, str]
                        ) -> tuple[frozenset[int], str]:
        source: frozenset[int] = frozenset()
        if q.get("speaker"):
            sp, ss, se, _ = q["speaker"]
            source = chars([(offs[sp] + ss, offs[sp] + se)])
        cue = ""
        if q.get("cue_span"):
            cp, cs, ce = q["cue_span"]
            cue = texts[cp][cs:ce]
        return source, cue

    for row in rows:
        art = stored[row["article_id"]]
        texts = {p.index: p.text for p in art.paragraphs}
        offs = offsets[art.id]
        para = row["para_idx"]
        base = offs[para]
        content = chars((base + s, base + e)
                        for s, e in quoted_chars(texts[para], row["start"], row["end"]))
        q = local.get((art.id, para, row["start"]))
        if q is None:
            unmatched += 1
            q = {}
        if q.get("within", -1) >= 0:
            within += 1  # scored as the reported statement that holds it, below
            continue
        source, cue = speaker_and_cue(q, offs, texts)
        out[art.source].append(Attribution(
            content=content, source=source, cue=norm_cue(cue),
            info={"content": row["text"], "source": (q.get("speaker") or [None] * 4)[3],
                  "cue": cue, "kind": q.get("speaker_kind"), "speaker": row["speaker"],
                  "partial": bool(row["partial"])}))
    n_reports = 0
    for aid, reps in reported.items():
        art = stored[aid]
        texts = {p.index: p.text for p in art.paragraphs}
        offs = offsets[art.id]
        for r in reps:
            n_reports += 1
            source, cue = speaker_and_cue(r, offs, texts)
            base = offs[r["para"]]
            out[art.source].append(Attribution(
                content=chars((base + a, base + b)
                              for a, b in r.get("parts") or [(r["start"], r["end"])]),
                source=source,
                cue=norm_cue(cue), quote=any(m in r["text"] for m in MARKS),
                info={"content": r["text"], "source": (r.get("speaker") or [None] * 4)[3],
                      "cue": cue, "kind": "reported:" + r.get("speaker_kind", "")}))
    info = {"quotes": len(rows), "rows_without_stage_result": unmatched,
            "reported_statements": n_reports, "quotes_within_reported": within,
            "ingest_seconds": round(time.perf_counter() - started, 3)}
    return out, info


# --------------------------------------------------------------------------- parse pass

def _doc_to_article(parsed: nlp.ParsedArticle, offs: list[int]) -> list[tuple[int, int, int]]:
    """(doc start, doc end, article offset) of each body paragraph of a parsed article."""
    by_index = {p.index: p for p in parsed.article.paragraphs}
    return [(s, s + len(by_index[i].text), offs[i])
            for i, s in zip(parsed.para_index, parsed.starts, strict=True)]


def _to_article(layout: list[tuple[int, int, int]], s: int, e: int) -> set[int]:
    out: set[int] = set()
    for ds, de, base in layout:
        lo, hi = max(s, ds), min(e, de)
        if lo < hi:
            out.update(range(base + lo - ds, base + hi - ds))
    return out


def _textacy() -> Any:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    return direct_quotations


def textacy_triples(direct_quotations: Any, doc: Any) -> tuple[list[tuple[Any, Any, Any]], bool]:
    """(speaker tokens, cue tokens, content span) with doc char offsets; True if it fell back."""
    def run(d: Any, shift: int) -> list[tuple[Any, Any, Any]]:
        return [([(t.idx + shift, t.idx + shift + len(t)) for t in tr.speaker],
                 [(t.idx + shift, t.idx + shift + len(t), t.text) for t in tr.cue],
                 (tr.content.start_char + shift, tr.content.end_char + shift))
                for tr in direct_quotations(d)]
    try:
        return run(doc, 0), False
    except ValueError:  # unpaired quotation marks in the document
        pass
    out = []
    text = doc.text
    pos = 0
    for chunk in text.split(nlp.PARAGRAPH_JOINER):
        span = doc.char_span(pos, pos + len(chunk), alignment_mode="expand")
        if span is not None and len(span):
            with contextlib.suppress(ValueError):  # this paragraph's marks do not pair
                out += run(span.as_doc(), span.start_char)
        pos += len(chunk) + len(nlp.PARAGRAPH_JOINER)
    return out, True


def parse_pass(arts: list[tuple[Article, list[int]]]) -> tuple[dict[str, list[Attribution]],
                                                               dict[str, Any]]:
    """Time parse vs quote stage on the same docs, and run the textacy baseline on them."""
    model = nlp.load()
    for _ in model.pipe([p.text for p in arts[0][0].paragraphs][:8] or ["Warm up."]):
        pass
    direct_quotations = _textacy()
    parse_s = ents_s = find_s = textacy_s = 0.0
    fallback = 0
    base: dict[str, list[Attribution]] = {}
    for batch in batched(arts, BATCH):
        cleaned = [(clean.clean(a), offs) for a, offs in batch]
        t0 = time.perf_counter()
        parsed = list(nlp.parse([a for a, _ in cleaned], batch_size=BATCH))
        t1 = time.perf_counter()
        found = [entities.extract(p) for p in parsed]
        t2 = time.perf_counter()
        for p, ents in zip(parsed, found, strict=True):
            st_quotes.find(p, ents)
        t3 = time.perf_counter()
        parse_s, ents_s, find_s = parse_s + t1 - t0, ents_s + t2 - t1, find_s + t3 - t2
        if direct_quotations is None:
            continue
        for p, (_, offs) in zip(parsed, cleaned, strict=True):
            t4 = time.perf_counter()
            triples, fell_back = textacy_triples(direct_quotations, p.doc) \
                if p.doc is not None else ([], False)
            textacy_s += time.perf_counter() - t4
            fallback += fell_back
            layout = _doc_to_article(p, offs)
            base[p.article.source] = [Attribution(
                content=frozenset(_to_article(layout, *content)),
                source=frozenset(c for s, e in speaker for c in _to_article(layout, s, e)),
                cue=norm_cue(" ".join(t for _, _, t in cue)),
                info={"content": p.doc.text[content[0]:content[1]],
                      "source": " ".join(p.doc.text[s:e] for s, e in speaker),
                      "cue": " ".join(t for _, _, t in cue)})
                for speaker, cue, content in triples]
    timing = {"parse_seconds": round(parse_s, 3), "entities_seconds": round(ents_s, 3),
              "quotes_find_seconds": round(find_s, 3),
              "textacy_seconds": round(textacy_s, 3) if direct_quotations else None,
              "textacy_docs_per_paragraph": fallback if direct_quotations else None,
              "textacy_installed": direct_quotations is not None}
    return base, timing


# --------------------------------------------------------------------------- errors

def error_rows(doc_id: str, gold: list[Attribution], pred: list[Attribution]
               ) -> list[dict[str, Any]]:
    """Misses, false alarms and wrong speakers/cues of one article (quote subset, lenient)."""
    gold = [g for g in gold if g.content]
    pairs = [(gi, pi, ov) for gi, pi, ov in match(gold, pred) if passes(ov, "lenient")]
    paired_g = {gi for gi, _, _ in pairs}
    paired_p = {pi for _, pi, _ in pairs}
    out = []
    for gi, g in enumerate(gold):
        if g.quote and gi not in paired_g:
            near = max((overlap(g.content, p.content) for p in pred), default=0.0)
            out.append({"doc": doc_id, "kind": "miss", "gold": g.info, "best_overlap": near})
    for pi, p in enumerate(pred):
        if pi not in paired_p and p.quote:
            out.append({"doc": doc_id, "kind": "false_alarm", "pred": p.info})
    for gi, pi, ov in pairs:
        g, p = gold[gi], pred[pi]
        if not g.quote:
            continue
        if not speaker_ok(g, p):
            out.append({"doc": doc_id, "kind": "speaker", "gold": g.info, "pred": p.info,
                        "overlap": round(ov, 3)})
        if not cue_ok(g, p):
            out.append({"doc": doc_id, "kind": "cue", "gold": g.info, "pred": p.info,
                        "overlap": round(ov, 3)})
        if not passes(ov, "strict"):
            out.append({"doc": doc_id, "kind": "not_strict", "gold": g.info, "pred": p.info,
                        "overlap": round(ov, 3)})
    return out


# --------------------------------------------------------------------------- run

def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), ROOT)
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    data = Path(args.data)
    recs = records(data_files(data), args.limit)
    if not recs:
        raise SystemExit(f"no articles in {data}")
    keys = [str(r.get("id") or f"doc{i}") for i, r in enumerate(recs)]
    if len(set(keys)) != len(keys):  # ids are the join key: make them unique
        keys = [f"{k}#{i}" for i, k in enumerate(keys)]
    golds = {k: gold_of(r) for k, r in zip(keys, recs, strict=True)}
    built = [build(r, k) for k, r in zip(keys, recs, strict=True)]
    # Articles with the same words share one content id, so one is stored: run
    # each distinct article once and score every record against its result.
    first: dict[str, str] = {}
    unique = []
    for (art, offs), k in zip(built, keys, strict=True):
        if art.id not in first:
            first[art.id] = k
            unique.append((art, offs))
    with tempfile.TemporaryDirectory(prefix="storytrace-quotes-") as tmpdir:
        ours, ingest_info = run_storytrace(unique, Path(tmpdir))
    theirs, timing = parse_pass(unique)

    systems = {"storytrace": ours}
    if timing["textacy_installed"]:
        systems["textacy_direct_quotations"] = theirs
    results: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    errors: list[dict[str, Any]] = []
    for name, preds in systems.items():
        c: Counter[str] = Counter()
        for (art, _), k in zip(built, keys, strict=True):
            pred = preds.get(first[art.id], [])
            c += score_article(golds[k], pred)
            if name == "storytrace" and args.errors:
                errors += error_rows(k, golds[k], pred)
        results[name] = metrics(c)
        results[name][1].update({f"count.{k}": v for k, v in sorted(c.items())})
    if args.errors:
        args.errors.parent.mkdir(parents=True, exist_ok=True)
        with args.errors.open("w", encoding="utf-8") as f:
            for e in errors:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")

    stage_s = timing["entities_seconds"] + timing["quotes_find_seconds"]
    main, figs = results["storytrace"]
    n_gold = sum(1 for g in golds.values() for a in g if a.content)
    return {
        "benchmark": "quotes",
        "data": _shown(data),
        "n_docs": len(recs),
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": {k: round(v, 4) for k, v in main.items()}
        | {"time_fraction_of_parse": round(stage_s / timing["parse_seconds"], 4)
           if timing["parse_seconds"] else 0.0},
        "baselines": {name: {k: round(v, 4) for k, v in res[0].items()}
                      for name, res in results.items() if name != "storytrace"},
        "published": PUBLISHED,
        "details": {
            "storytrace": {k: round(v, 4) if isinstance(v, float) else v
                           for k, v in figs.items()},
            **{f"baseline.{n}": {k: round(v, 4) if isinstance(v, float) else v
                                 for k, v in r[1].items()}
               for n, r in results.items() if n != "storytrace"},
            "gold_attributions": n_gold,
            "gold_quote_subset": sum(1 for g in golds.values() for a in g
                                     if a.content and a.quote),
            "distinct_articles": len(unique),
            "words": sum(len(r["text"].split()) for r in recs),
            **ingest_info,
            **timing,
            "model": f"{nlp.load().meta.get('name')} {nlp.load().meta.get('version')}",
        },
    }


def show(res: dict[str, Any]) -> None:
    d = res["details"]
    print(f"quotes benchmark (storytrace protocol): {res['data']}: {res['n_docs']} articles, "
          f"{d['words']:,} words, {d['gold_quote_subset']} gold quotes of "
          f"{d['gold_attributions']} attributions")
    head = (f"{'system':<28}{'quote F1 len':>13}{'(P / R)':>14}{'strict F1':>11}"
            f"{'speaker':>9}{'cue':>7}{'all F1 len':>12}")
    print(head)
    rows = [("storytrace", d["storytrace"])]
    rows += [(k.split(".", 1)[1], v) for k, v in d.items() if k.startswith("baseline.")]
    for name, f in rows:
        pr = f"{f['quote_precision_lenient']:.3f}/{f['quote_recall_lenient']:.3f}"
        print(f"{name:<28}{f['quote_f1_lenient']:>13.3f}{pr:>14}{f['quote_f1_strict']:>11.3f}"
              f"{f['quote_speaker_accuracy_lenient']:>9.3f}{f['quote_cue_accuracy_lenient']:>7.3f}"
              f"{f['all_f1_lenient']:>12.3f}")
    if not d["textacy_installed"]:
        print("(textacy not installed: pip install -e '.[bench]')")
    print("published anchors (other data or protocol, not comparable as equals):")
    for name, figs in res["published"].items():
        vals = ", ".join(f"{k} {v:.3f}" for k, v in figs.items() if k != "note")
        print(f"  {name}: {vals}  [{figs['note']}]")
    print(f"quote stage time / parse time: {res['metrics']['time_fraction_of_parse']:.3f} "
          f"(parse {d['parse_seconds']:.1f} s, entities {d['entities_seconds']:.1f} s, "
          f"quotes.find {d['quotes_find_seconds']:.1f} s"
          + (f", textacy {d['textacy_seconds']:.1f} s" if d["textacy_installed"] else "") + ")")
    print(f"total {res['seconds']:.1f} s (ingest {d['ingest_seconds']:.1f} s, model load "
          "included)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA),
                    help="a PolNeAR derived .jsonl file, or a folder of them")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="use at most N articles")
    ap.add_argument("--errors", type=Path,
                    help="write our misses, false alarms and wrong speakers/cues here (JSONL); "
                         "it holds benchmark text, so keep it out of the repository")
    args = ap.parse_args(argv)
    res = run(args)
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
