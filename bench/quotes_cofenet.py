#!/usr/bin/env python3
"""Quotes on PolNeAR, CofeNet protocol: source, cue and content spans, exact token match.

    python bench/quotes_cofenet.py [--data PATH] [--json OUT] [--limit N] [--errors OUT]

`--data` is a CofeNet JSON-lines file (`tokens`, `labels` in BIO over
source/cue/content, `id` = `<file>_<annotator>`), or a folder of them (every
`.txt` but `tag.txt`); the default is PolNeAR's `cofenet/valid.txt` (the dev
split) under ../shared/benchdata/quotes/polnear/. Nothing is assumed about
which documents a file holds.

Documents: the sequences of one `id`, in file order. In CofeNet's PolNeAR files
each sequence is a paragraph or a sentence of the article (the first is the
headline; line breaks inside a paragraph are lost, and an attribution line
such as "— Jane Doe" may open the next sequence), and each becomes one
paragraph of an `Article`, its text rebuilt from the Penn
Treebank tokens (`` and '' become “ and ”, ` and ' become ‘ and ’, ''' becomes
’”, -- becomes —, no space before closing punctuation and clitics; a '' that opens a quotation,
where the tokenizer misread a straight quote, becomes “, and so does a '' ending a
sequence with no quotation open: the quotation goes on in the next sequence, whose
first '' closes it). An article annotated by
several people appears once per annotator: it is run once and scored against
each annotator's labels, as CofeNet scores every sequence of the file.

Our output as BIO tags, per quote of `st.store.stage_results("quotes")`:
content = each quoted part with its marks (a merged split quote gives one
content span per part, as PolNeAR's discontinuous Content becomes one BIO span
per part; a quotation whose opening mark ends the sequence before, where the data
lost the line break, has that mark as a content span of its own there, as
PolNeAR's content starts at the mark), cue = `cue_span`, source = the speaker
phrase (`speaker`); a token
takes the first role that claims it, in the order content, cue, source. A
partial quote (quoted words inside the writer's sentence, 'said it was "a
farce"') is content from its cue on, since PolNeAR's content is the attributed
clause and not the quoted words; with no cue before it, it claims no content
(on dev, 14 of 81 such quotes were exact content spans as quoted words alone).
Reported statements (the stage result's `reports`: "X said that …",
"according to X, …") are tagged the same way, their content being the whole
clause (or its `parts` around the cue); a quotation set inside one (`within`) is
tagged as that statement. The
spans are the tokens that overlap those characters. textacy's
`direct_quotations(doc)` (on our parse of the same articles) is tagged the same
way from its content span, cue tokens and speaker tokens; where it gives up on
a document (unpaired quotation marks), it is run on each paragraph instead.
`storytrace_rules_bounds` is storytrace run again with its reported statements'
boundaries as the rules give them, the trained boundary model
(`storytrace.quotes.bounds`) off: what the model adds;
`storytrace_rules_attribution` is storytrace with the trained finder of unquoted
attributions (`storytrace.quotes.attrib`) off, the cue lexicons alone.

Scoring is CofeNet's `exe/eval/evaluation.py`: spans read from the BIO tags as
its `get_element` reads them; per role, a gold span is a hit when a predicted
span of that role in the same sequence has the same [start, end) tokens, a
predicted span not among the gold ones is a false alarm; micro P/R/F1 over the
file. "Begin" match (start token only) is reported in the details.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import storytrace
from _common import write_result
from storytrace import clean, nlp
from storytrace import quotes as st_quotes
from storytrace.models import Article
from storytrace.quotes import attrib as st_attrib
from storytrace.quotes import bounds as st_bounds

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "benchdata" / "quotes" / "polnear" / "cofenet" / "valid.txt"
ROLES = ("source", "cue", "content")
BATCH = 16  # articles per ingest call (one transaction each) and per parse batch
FALLBACK_DATE = dt.date(2016, 10, 1)  # the data has no dates; ids often start with one
MARKS = "\"“”"

# Exact-match P/R/F1 on the *withheld PolNeAR test split* (Table 6 of CofeNet's
# detailed experiments), as the data README gives them; anchors, not baselines.
PUBLISHED: dict[str, dict[str, Any]] = {
    name: {f"{role}_{m}": v for role, prf in zip(ROLES, figs, strict=True)
           for m, v in zip(("precision", "recall", "f1"), prf, strict=True)}
    for name, figs in {
        "rule_based": ((0.278, 0.067, 0.107), (0.676, 0.137, 0.228), (0.260, 0.032, 0.056)),
        "bilstm_crf": ((0.731, 0.664, 0.696), (0.722, 0.620, 0.667), (0.660, 0.534, 0.590)),
        "bert_crf": ((0.815, 0.829, 0.822), (0.750, 0.747, 0.749), (0.724, 0.697, 0.710)),
        "bert_cofenet": ((0.829, 0.836, 0.832), (0.759, 0.747, 0.753), (0.749, 0.711, 0.729)),
    }.items()
}
PUBLISHED["corenlp"] = {"source_precision": 0.321, "source_recall": 0.089, "source_f1": 0.139,
                        "content_precision": 0.592, "content_recall": 0.103,
                        "content_f1": 0.175}
PUBLISHED["bert_cofenet"] |= {"source_f1_begin": 0.871, "cue_f1_begin": 0.823,
                              "content_f1_begin": 0.796}
PUBLISHED_NOTE = "PolNeAR test split (withheld here), CofeNet paper; dev is a preview only"


# --------------------------------------------------------------------------- scoring

def spans(labels: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Role -> [start, end) token spans, read as CofeNet's `get_element` reads BIO tags.

    An I- tag of another role than the open span's (or after O) closes the open
    span and opens none.

    >>> spans(["B-source", "I-source", "B-cue", "O", "I-content", "B-content"])
    {'source': [(0, 2)], 'cue': [(2, 3)], 'content': [(5, 6)]}
    """
    out: dict[str, list[tuple[int, int]]] = {}
    role, start = None, -1
    for i, label in enumerate(labels):
        if label == "<IGN>":
            break
        if label.startswith("B-"):
            if role is not None:
                out[role].append((start, i))
            role, start = label[2:], i
            out.setdefault(role, [])
        elif label.startswith("I-") and role is not None and label[2:] == role:
            continue
        else:
            if role is not None:
                out[role].append((start, i))
            role, start = None, -1
    else:
        if role is not None:
            out[role].append((start, len(labels)))
    return out


def score_sequence(gold: Sequence[str], pred: Sequence[str]) -> Counter[str]:
    """Counts `{role}.{exact,begin}.{tp,fp,fn}` for one sequence (CofeNet's definitions)."""
    g, p = spans(gold), spans(pred)
    c: Counter[str] = Counter()
    for role in ROLES:
        gs, ps = g.get(role, []), p.get(role, [])
        for kind, gl, pl in (("exact", gs, ps),
                             ("begin", [s for s, _ in gs], [s for s, _ in ps])):
            tp = sum(1 for x in gl if x in pl)
            c[f"{role}.{kind}.tp"] += tp
            c[f"{role}.{kind}.fn"] += len(gl) - tp
            c[f"{role}.{kind}.fp"] += sum(1 for x in pl if x not in gl)
    return c


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def metrics(c: Counter[str]) -> tuple[dict[str, float], dict[str, float]]:
    figs: dict[str, float] = {}
    for role in ROLES:
        for kind in ("exact", "begin"):
            p, r, f = prf(c[f"{role}.{kind}.tp"], c[f"{role}.{kind}.fp"], c[f"{role}.{kind}.fn"])
            sfx = "" if kind == "exact" else "_begin"
            figs |= {f"{role}_precision{sfx}": p, f"{role}_recall{sfx}": r,
                     f"{role}_f1{sfx}": f}
    return {f"{r}_f1": figs[f"{r}_f1"] for r in ROLES}, figs


def tag(n: int, claims: Iterable[tuple[str, int, int]]) -> list[str]:
    """BIO tags for n tokens from (role, first token, end token) claims, first claim wins.

    Claims are applied content first, then cue, then source; a claim cut by
    tokens already taken keeps its free runs, each a span of its own.

    >>> tag(6, [("source", 0, 2), ("content", 3, 6), ("cue", 2, 3), ("source", 1, 4)])
    ['B-source', 'I-source', 'B-cue', 'B-content', 'I-content', 'I-content']
    """
    owner: list[int | None] = [None] * n
    roles: list[str] = []
    order = {r: i for i, r in enumerate(("content", "cue", "source"))}
    for k, (role, s, e) in enumerate(sorted(claims, key=lambda c: order[c[0]])):
        roles.append(role)
        for i in range(max(0, s), min(n, e)):
            if owner[i] is None:
                owner[i] = k
    out = []
    for i, k in enumerate(owner):
        if k is None:
            out.append("O")
        else:
            first = i == 0 or owner[i - 1] != k
            out.append(("B-" if first else "I-") + roles[k])
    return out


# --------------------------------------------------------------------------- data

PTB = {"``": "“", "''": "”", "'''": "’”", "`": "‘", "'": "’", "--": "—", "-LRB-": "(", "-RRB-": ")",
       "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
NO_SPACE_BEFORE = {",", ".", ":", ";", "?", "!", "%", ")", "]", "}", "''", "'", "'''", "...",
                   "n't", "-RRB-", "-RSB-", "-RCB-"}
NO_SPACE_AFTER = {"``", "`", "(", "[", "{", "$", "#", "-LRB-", "-LSB-", "-LCB-"}
CLITIC = re.compile(r"^'(s|re|ve|ll|m|d)$", re.IGNORECASE)


def detokenize(tokens: Sequence[str], inside: bool = False
               ) -> tuple[str, list[tuple[int, int]]]:
    """Text from Penn Treebank tokens, and each token's [start, end) in it; `inside`
    when the sequence opens inside a quotation the one before it opened.

    >>> detokenize(["``", "Yes", ",", "''", "she", "said", "."])
    ('“Yes,” she said.', [(0, 1), (1, 4), (4, 5), (5, 6), (7, 10), (11, 15), (15, 16)])
    """
    parts: list[str] = []
    offs: list[tuple[int, int]] = []
    pos = 0
    openers, _ = _misread_openers(tokens, inside)
    for i, tok in enumerate(tokens):
        text = "“" if i in openers else PTB.get(tok, tok)
        if i and not ((tok in NO_SPACE_BEFORE and i not in openers) or CLITIC.match(tok)
                      or tokens[i - 1] in NO_SPACE_AFTER or i - 1 in openers):
            parts.append(" ")
            pos += 1
        parts.append(text)
        offs.append((pos, pos + len(text)))
        pos += len(text)
    return "".join(parts), offs


def _misread_openers(tokens: Sequence[str], inside: bool = False) -> tuple[set[int], bool]:
    """Closing-mark tokens ('') that open a quotation: the Treebank tokenizer guessed
    wrong on a straight quote. One is an opener when no quotation is open and either
    a word follows it and another '' closes it later in the sequence, or it ends the
    sequence (a quotation going on in the next one: the data lost the line break).
    `inside`: the sequence opens inside such a quotation, so its first '' closes it.
    Also returns whether a quotation is left open at the end.

    >>> _misread_openers(["He", "said", ",", "''", "Yes", ".", "''"])
    ({3}, False)
    >>> _misread_openers(["Yes", ",", "''", "he", "said", ".", "''", "No", "."])
    ({2}, False)
    >>> _misread_openers(["Yes", ",", "''", "he", "said", ".", "''", "No", "."], inside=True)
    (set(), False)
    >>> _misread_openers(["He", "said", ":", "''"])
    ({3}, True)
    """
    out: set[int] = set()
    open_ = inside
    for i, tok in enumerate(tokens):
        if tok == "``":
            open_ = True
        elif tok == "'''":  # a single and a double closing mark in one token
            open_ = False
        elif tok == "''":
            if open_:
                open_ = False
            elif i + 1 == len(tokens) or (
                    tokens[i + 1][:1].isalnum() and "''" in tokens[i + 1:]
                    and "``" not in tokens[i + 1:tokens.index("''", i + 1)]):
                out.add(i)
                open_ = True
    return out, open_


@dataclass
class Document:
    """The sequences of one id: its gold labels and, once rebuilt, its paragraphs."""

    id: str
    tokens: list[list[str]]
    labels: list[list[str]]


def data_files(data: Path) -> list[Path]:
    files = (sorted(p for p in data.iterdir() if p.suffix == ".txt" and p.name != "tag.txt")
             if data.is_dir() else [data])
    if not files:
        raise SystemExit(f"no CofeNet .txt files in {data}")
    return files


def documents(files: list[Path], limit: int | None) -> list[Document]:
    docs: dict[str, Document] = {}
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                seq = json.loads(line)
                key = str(seq.get("id", ""))
                if key not in docs:
                    if limit is not None and len(docs) >= limit:
                        return list(docs.values())
                    docs[key] = Document(key, [], [])
                docs[key].tokens.append(list(seq["tokens"]))
                docs[key].labels.append(list(seq["labels"]))
    return list(docs.values())


def published_of(doc_id: str) -> dt.date:
    m = re.search(r"(\d{4}-\d{2}-\d{2})", doc_id)
    try:
        return dt.date.fromisoformat(m[1]) if m else FALLBACK_DATE
    except ValueError:
        return FALLBACK_DATE


def build(doc: Document) -> tuple[Article, list[list[tuple[int, int]]]]:
    """The article (one paragraph per non-empty sequence) and each sequence's token offsets.

    Paragraph i of the article is sequence i when no sequence is empty; the
    returned offsets are indexed by sequence, and `Article.meta["seq"]` maps
    paragraph index to sequence.
    """
    paras, offsets, seq_of = [], [], []
    inside = False
    for k, toks in enumerate(doc.tokens):
        text, offs = detokenize(toks, inside)
        inside = _misread_openers(toks, inside)[1]
        offsets.append(offs)
        if text.strip():
            paras.append((k + 1, text))
            seq_of.append(k)
    art = Article.build(source=doc.id, published=published_of(doc.id), paragraphs=paras,
                        meta={"seq": seq_of})
    return art, offsets


def token_runs(offs: Sequence[tuple[int, int]], s: int, e: int) -> list[tuple[int, int]]:
    """[first, end) token runs overlapping characters [s, e) (one run for a char span)."""
    hit = [i for i, (ts, te) in enumerate(offs) if ts < e and s < te]
    runs: list[tuple[int, int]] = []
    for i in hit:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def batched(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


# --------------------------------------------------------------------------- systems

Claims = dict[int, list[tuple[str, int, int]]]  # sequence -> (role, first token, end token)


def with_marks(text: str, s: int, e: int) -> tuple[int, int]:
    s = s - 1 if s > 0 and text[s - 1] in MARKS else s
    e = e + 1 if e < len(text) and text[e] in MARKS else e
    return s, e


def partial_clause(q: dict[str, Any], text: str) -> tuple[int, int] | None:
    """A partial quote's content as PolNeAR marks it: the attributed clause, from its
    cue to the quotation's closing mark ('said on Friday "…"' -> 'on Friday "…"').
    None when no cue precedes it in its paragraph: the quoted words alone are
    rarely a content span there (the clause around them is), so they claim none.

    >>> partial_clause({"para": 0, "start": 16, "end": 20, "cue_span": [0, 4, 8]},
    ...                'She said it is "fine".')
    (9, 21)
    """
    cue = q.get("cue_span")
    if not cue or cue[0] != q["para"] or cue[2] > q["start"]:
        return None
    s = cue[2]
    while s < q["start"] and text[s] in " ,:":
        s += 1
    e = q["end"] + 1 if text[q["end"]:q["end"] + 1] in MARKS else q["end"]
    return s, e


def quote_claims(q: dict[str, Any], texts: dict[int, str], seq_of: list[int],
                 offsets: list[list[tuple[int, int]]], whole: bool = False) -> Claims:
    """Our quote as claims on tokens: quoted parts (`whole`: all of start..end, as for
    a reported statement), cue and speaker phrase."""
    out: Claims = {}

    def claim(role: str, para: int, s: int, e: int) -> None:
        if para in texts and para < len(seq_of):
            k = seq_of[para]
            out.setdefault(k, []).extend((role, a, b) for a, b in token_runs(offsets[k], s, e))

    text = texts.get(q["para"], "")
    if whole:
        for s, e in q.get("parts") or [(q["start"], q["end"])]:
            claim("content", q["para"], s, e)
    elif q.get("partial"):
        clause = partial_clause(q, text)
        if clause is not None:
            claim("content", q["para"], *clause)
    else:
        parts = [(s, e) for s, e, _, _ in st_quotes.quote_spans(text)
                 if q["start"] <= s and e <= q["end"]] or [(q["start"], q["end"])]
        for s, e in parts:
            claim("content", q["para"], *with_marks(text, s, e))
        prev = texts.get(q["para"] - 1, "")
        if parts[0][0] == 0 and prev.endswith("“"):
            # Its opening mark ends the sequence before (the data lost the line break
            # after it), and PolNeAR's content starts at the mark: a span of its own.
            claim("content", q["para"] - 1, len(prev) - 1, len(prev))
    if q.get("cue_span"):
        claim("cue", *q["cue_span"])
    if q.get("speaker"):
        claim("source", *q["speaker"][:3])
    return out


def run_storytrace(arts: list[tuple[Article, list[list[tuple[int, int]]]]], tmp: Path
                   ) -> tuple[dict[str, Claims], dict[str, Any]]:
    started = time.perf_counter()
    out: dict[str, Claims] = {a.source: {} for a, _ in arts}
    by_id = {a.id: (a, offs) for a, offs in arts}
    n = 0
    with storytrace.open(tmp / "b.db") as st:
        for batch in batched([a for a, _ in arts], BATCH):
            st.ingest(batch)
        stored = {a.id: a for a in st.articles()}
        for ref, data in st.store.stage_results("quotes"):
            art, offs = by_id[ref.id]
            texts = {p.index: p.text for p in stored[ref.id].paragraphs}
            if [texts[p.index] for p in art.paragraphs] != [p.text for p in art.paragraphs]:
                raise SystemExit(f"{art.source}: stored paragraph texts differ from the input")
            items = [(q, False) for q in data["quotes"] if q.get("within", -1) < 0]
            items += [(r, True) for r in data.get("reports", [])]
            for q, whole in items:
                n += 1
                for k, cl in quote_claims(q, texts, art.meta["seq"], offs, whole).items():
                    out[art.source].setdefault(k, []).extend(cl)
    return out, {"quotes": n, "ingest_seconds": round(time.perf_counter() - started, 3)}


@contextlib.contextmanager
def _model_off(module: Any) -> Iterator[None]:
    saved = module.model
    module.model = lambda: None
    try:
        yield
    finally:
        module.model = saved


def without_bounds_model() -> contextlib.AbstractContextManager[None]:
    """The quotes stage with its statements' rule boundaries, the trained model off."""
    return _model_off(st_bounds)


def without_attrib_model() -> contextlib.AbstractContextManager[None]:
    """The quotes stage with the rules' cue lexicons only, the trained finder of
    unquoted attributions (`storytrace.quotes.attrib`) off."""
    return _model_off(st_attrib)


def _textacy() -> Any:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    return direct_quotations


def textacy_triples(direct_quotations: Any, doc: Any) -> tuple[list[tuple[Any, Any, Any]], bool]:
    """(speaker, cue, content) as doc character spans; True if it fell back to paragraphs."""
    def run(d: Any, shift: int) -> list[tuple[Any, Any, Any]]:
        return [([(t.idx + shift, t.idx + shift + len(t)) for t in tr.speaker],
                 [(t.idx + shift, t.idx + shift + len(t)) for t in tr.cue],
                 (tr.content.start_char + shift, tr.content.end_char + shift))
                for tr in direct_quotations(d)]
    try:
        return run(doc, 0), False
    except ValueError:  # unpaired quotation marks in the document
        pass
    out = []
    pos = 0
    for chunk in doc.text.split(nlp.PARAGRAPH_JOINER):
        span = doc.char_span(pos, pos + len(chunk), alignment_mode="expand")
        if span is not None and len(span):
            with contextlib.suppress(ValueError):  # this paragraph's marks do not pair
                out += run(span.as_doc(), span.start_char)
        pos += len(chunk) + len(nlp.PARAGRAPH_JOINER)
    return out, True


def run_textacy(arts: list[tuple[Article, list[list[tuple[int, int]]]]]
                ) -> tuple[dict[str, Claims] | None, dict[str, Any]]:
    direct_quotations = _textacy()
    if direct_quotations is None:
        return None, {"textacy_installed": False}
    out: dict[str, Claims] = {}
    fallback = 0
    secs = 0.0
    for batch in batched(arts, BATCH):
        cleaned = [clean.clean(a) for a, _ in batch]
        for parsed, (_, offs) in zip(nlp.parse(cleaned, batch_size=BATCH), batch, strict=True):
            claims: Claims = {}
            out[parsed.article.source] = claims
            if parsed.doc is None:
                continue
            t0 = time.perf_counter()
            triples, fell_back = textacy_triples(direct_quotations, parsed.doc)
            secs += time.perf_counter() - t0
            fallback += fell_back
            seq_of = parsed.article.meta["seq"]
            texts = {p.index: p.text for p in parsed.article.paragraphs}
            layout = [(s, s + len(texts[i]), i)
                      for i, s in zip(parsed.para_index, parsed.starts, strict=True)]

            def claim(role: str, s: int, e: int, seq_of: list[int] = seq_of,
                      layout: list[tuple[int, int, int]] = layout, claims: Claims = claims,
                      offs: list[list[tuple[int, int]]] = offs) -> None:
                for ds, de, para in layout:
                    lo, hi = max(s, ds), min(e, de)
                    if lo < hi:
                        k = seq_of[para]
                        claims.setdefault(k, []).extend(
                            (role, a, b) for a, b in token_runs(offs[k], lo - ds, hi - ds))

            for speaker, cue, content in triples:
                claim("content", *content)
                for s, e in cue:
                    claim("cue", s, e)
                for s, e in speaker:
                    claim("source", s, e)
    return out, {"textacy_installed": True, "textacy_seconds": round(secs, 3),
                 "textacy_docs_per_paragraph": fallback}


# --------------------------------------------------------------------------- errors

def write_errors(out: Path, built: list[tuple[Article, Any]], docs: list[Document],
                 first: dict[str, str], preds: dict[str, Claims]) -> None:
    """Our missed and false spans per role and sequence, with their words (JSONL)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for (art, _), d in zip(built, docs, strict=True):
            claims = preds.get(first[art.id], {})
            for k, (toks, gold) in enumerate(zip(d.tokens, d.labels, strict=True)):
                g, p = spans(gold), spans(tag(len(toks), claims.get(k, [])))
                for role in ROLES:
                    gs, ps = g.get(role, []), p.get(role, [])
                    miss = [" ".join(toks[a:b]) for a, b in gs if (a, b) not in ps]
                    false = [" ".join(toks[a:b]) for a, b in ps if (a, b) not in gs]
                    if miss or false:
                        f.write(json.dumps({"doc": d.id, "seq": k, "role": role, "miss": miss,
                                            "false": false, "text": " ".join(toks)},
                                           ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- run

def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), ROOT)
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    data = Path(args.data)
    docs = documents(data_files(data), args.limit)
    if not docs:
        raise SystemExit(f"no sequences in {data}")
    built = [build(d) for d in docs]
    first: dict[str, str] = {}
    unique = []
    for (art, offs), d in zip(built, docs, strict=True):
        if art.id not in first:
            first[art.id] = d.id
            unique.append((art, offs))
    with tempfile.TemporaryDirectory(prefix="storytrace-cofenet-") as tmpdir:
        ours, info = run_storytrace(unique, Path(tmpdir))
    systems: dict[str, dict[str, Claims]] = {"storytrace": ours}
    if not args.no_rules:
        with tempfile.TemporaryDirectory(prefix="storytrace-cofenet-") as tmpdir, \
                without_bounds_model():
            systems["storytrace_rules_bounds"], _ = run_storytrace(unique, Path(tmpdir))
        with tempfile.TemporaryDirectory(prefix="storytrace-cofenet-") as tmpdir, \
                without_attrib_model():
            systems["storytrace_rules_attribution"], _ = run_storytrace(unique, Path(tmpdir))
    theirs, tinfo = run_textacy(unique)

    if theirs is not None:
        systems["textacy_direct_quotations"] = theirs
    results = {}
    for name, preds in systems.items():
        c: Counter[str] = Counter()
        for (art, _), d in zip(built, docs, strict=True):
            claims = preds.get(first[art.id], {})
            for k, (toks, gold) in enumerate(zip(d.tokens, d.labels, strict=True)):
                c += score_sequence(gold, tag(len(toks), claims.get(k, [])))
        results[name] = metrics(c)
        results[name][1].update({f"count.{k}": v for k, v in sorted(c.items())})
    if args.errors:
        write_errors(args.errors, built, docs, first, ours)
    main, figs = results["storytrace"]
    return {
        "benchmark": "quotes_cofenet",
        "data": _shown(data),
        "n_docs": len(docs),
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": {k: round(v, 4) for k, v in main.items()},
        "baselines": {n: {k: round(v, 4) for k, v in r[0].items()}
                      for n, r in results.items() if n != "storytrace"},
        "published": {"note": PUBLISHED_NOTE, **PUBLISHED},
        "details": {
            "storytrace": {k: round(v, 4) for k, v in figs.items()},
            **{f"baseline.{n}": {k: round(v, 4) for k, v in r[1].items()}
               for n, r in results.items() if n != "storytrace"},
            "sequences": sum(len(d.tokens) for d in docs),
            "tokens": sum(len(t) for d in docs for t in d.tokens),
            "distinct_articles": len(unique),
            **info, **tinfo,
            "model": f"{nlp.load().meta.get('name')} {nlp.load().meta.get('version')}",
        },
    }


def show(res: dict[str, Any]) -> None:
    d = res["details"]
    print(f"quotes benchmark (CofeNet protocol, exact span match): {res['data']}: "
          f"{res['n_docs']} documents ({d['distinct_articles']} distinct articles), "
          f"{d['sequences']:,} sequences, {d['tokens']:,} tokens")
    print(f"{'system':<30}" + "".join(f"{r + ' P/R/F1':>22}" for r in ROLES))

    def row(name: str, f: dict[str, float]) -> None:
        cells = [f"{f.get(f'{r}_precision', 0):.3f}/{f.get(f'{r}_recall', 0):.3f}/"
                 f"{f.get(f'{r}_f1', 0):.3f}" if f"{r}_f1" in f else "–" for r in ROLES]
        print(f"{name:<30}" + "".join(f"{c:>22}" for c in cells))

    row("storytrace", d["storytrace"])
    for k, v in d.items():
        if k.startswith("baseline."):
            row(k.split(".", 1)[1], v)
    if not d.get("textacy_installed"):
        print("(textacy not installed: pip install -e '.[bench]')")
    print(f"published ({res['published']['note']}):")
    for name, f in res["published"].items():
        if name != "note":
            row(f"  {name}", f)
    begin = d["storytrace"]
    print("storytrace begin match F1: " + ", ".join(f"{r} {begin[f'{r}_f1_begin']:.3f}"
                                                   for r in ROLES))
    print(f"total {res['seconds']:.1f} s (ingest {d['ingest_seconds']:.1f} s, model load "
          "included)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA),
                    help="a CofeNet JSON-lines file (tokens, labels, id), or a folder of them")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="use at most N documents (ids)")
    ap.add_argument("--no-rules", action="store_true",
                    help="leave out the runs with the rules' statement boundaries "
                         "(storytrace_rules_bounds: the trained boundary model off) and "
                         "with the rules' cue lexicons only (storytrace_rules_attribution: "
                         "the trained attribution finder off)")
    ap.add_argument("--errors", type=Path,
                    help="write our missed and false spans per role here (JSONL); it holds "
                         "benchmark text, so keep it out of the repository")
    args = ap.parse_args(argv)
    res = run(args)
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
