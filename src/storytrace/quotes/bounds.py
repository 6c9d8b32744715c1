"""Where a reported statement's words begin and end: the rules' clause or one of a few
alternatives (from "that", to the sentence's end, to a comma), chosen by a linear
model trained on PolNeAR's train split (`bench/train_quote_bounds.py`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from typing import Any

from storytrace.gazetteer import data_lines

MODEL_FILE = "quote_bounds.tsv"
# Punctuation a statement may end before: "…, which …", "… -- and …", "…; …".
BREAKS = frozenset((",", ";", ":", "--", "—", "–", "-"))
# At most this many such breaks are tried after the rules' end, and before it.
MAX_BREAKS = 4
QUOTE_MARKS = frozenset(("\"", "“", "”"))
END_PUNCT = frozenset((".", "?", "!"))
# Dependents of the cue or of the statement's head that may be the cue's setting
# rather than what was said: "declined to comment [for this article]", "denied the
# charges [and …]", "was declared the winner [by news organizations]". A
# statement may end before one; at most MAX_BREAKS of them, the last ones, are tried.
CUT_DEPS = frozenset(("prep", "advcl", "npadvmod", "advmod", "agent", "cc", "conj"))
# Complements of the cue that PolNeAR's content may start with, leaving the one
# addressed out: "urged [the party] to unite", "convinced [activists] that …".
COMP_DEPS = frozenset(("xcomp", "ccomp"))
# Words whose text is a feature where they follow a candidate's end.
FUNCTION_WORDS = frozenset((
    "which", "who", "whom", "whose", "where", "when", "while", "and", "but", "or", "because",
    "as", "after", "before", "since", "although", "though", "if", "including", "according",
    "saying", "adding", "that", "the", "a", "he", "she", "they", "it", "in", "on", "for", "to",
    "with", "than", "so"))


@functools.cache
def reporting_lemmas() -> frozenset[str]:
    """Verbs of speech and report: a clause of one of them after a statement is
    more often a second statement ("… and warned that …") than its own words."""
    return frozenset(data_lines("speech_verbs.txt")) | frozenset(data_lines("report_verbs.txt"))


@functools.cache
def model() -> dict[str, float] | None:
    """The trained weights (feature -> weight), or None when the file is absent."""
    if not resources.files("storytrace.data").joinpath(MODEL_FILE).is_file():
        return None
    return {k: float(v) for k, v in (ln.split("\t") for ln in data_lines(MODEL_FILE))}


def candidates(doc: Sequence[Any], cue: Any, lo: int, hi: int, sent: tuple[int, int]
               ) -> list[tuple[int, int, list[str]]]:
    """(first token, end token, features) of each span the statement may have; the
    rules' own [lo, hi) comes first. `doc` is the doc's tokens (a list made once, or
    the doc), `sent` the statement's sentence as [first, end) tokens."""
    end = sent[1]
    while end > hi and (doc[end - 1].is_space or doc[end - 1].text in END_PUNCT):
        end -= 1
    starts = {lo: "rule"}
    if lo > 0 and doc[lo - 1].lower_ == "that" and doc[lo - 1].i > cue.i:
        starts[lo - 1] = "that_in"
    if doc[lo].lower_ == "that" and hi - lo > 1:
        starts[lo + 1] = "that_out"
    first = sent[0]
    while first < lo and (doc[first].is_punct or doc[first].is_space):
        first += 1
    if cue.i > hi and first < lo and not any(
            t.text in QUOTE_MARKS or "\n" in t.text for t in doc[first:lo]):
        starts.setdefault(first, "sent")
    if cue.i < lo:
        after = cue.i + 1
        while after < lo and (doc[after].is_punct or doc[after].is_space):
            after += 1
        starts.setdefault(after, "after_cue")
        for c in cue.children:
            if c.dep_ in COMP_DEPS and lo < c.left_edge.i < hi:
                starts.setdefault(c.left_edge.i, "comp")
    ends = {hi: "rule"}
    if end > hi and not any(t.text in QUOTE_MARKS or "\n" in t.text for t in doc[hi:end]):
        ends[end] = "sent"
        for t in [t for t in doc[hi:end] if t.text in BREAKS][:MAX_BREAKS]:
            ends.setdefault(t.i, "break_after")
    stop = max(end, hi)
    if stop < sent[1] and doc[stop].text in END_PUNCT and not any(
            "\n" in t.text for t in doc[hi:stop]):
        ends.setdefault(stop + 1, "stop")  # "… pay for it." with its full stop
    for t in [t for t in doc[lo + 1:hi - 1] if t.text in BREAKS][-MAX_BREAKS:]:
        ends.setdefault(t.i, "break_before")
    heads = {cue.i} | {t.i for t in doc[lo:hi] if not lo <= t.head.i < hi}
    cuts = [t for t in doc[lo + 2:hi] if t.dep_ in CUT_DEPS and t.head.i in heads
            and t.left_edge.i > lo + 1]
    for t in cuts[-MAX_BREAKS:]:
        k = t.left_edge.i
        while k > lo + 1 and (doc[k - 1].is_punct or doc[k - 1].is_space):
            k -= 1
        ends.setdefault(k, "cut_" + t.dep_)
    cue_kind = "cue=" + ("before" if cue.i < lo else "after")
    # an end's features do not depend on the start: read once per end, not per pair
    at_end: dict[int, list[str]] = {}
    out = []
    for s, skind in starts.items():
        for e, ekind in ends.items():
            if e - s < 1:
                continue
            f = [cue_kind, f"s={skind}", f"e={ekind}", f"s={skind}|e={ekind}",
                 f"{cue_kind}|s={skind}", f"{cue_kind}|e={ekind}"]
            if e not in at_end:
                at_end[e] = _end_features(doc, lo, hi, e, ekind, cue.i)
            f += at_end[e]
            n = e - s
            f.append("len=" + ("1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8
                               else "9-20" if n <= 20 else "21+"))
            out.append((s, e, f))
    return out


def _end_features(doc: Sequence[Any], lo: int, hi: int, e: int, kind: str, cue_i: int) -> list[str]:
    """What lies at and after a candidate's end, and between it and the rules' end."""
    f = []
    nxt = doc[e] if e < len(doc) else None
    if nxt is not None:
        f.append(f"{kind}|next={nxt.text if nxt.is_punct else nxt.pos_}")
        if nxt.lower_ in FUNCTION_WORDS:
            f.append(f"{kind}|next_word={nxt.lower_}")
        after = doc[e + 1] if nxt.is_punct and e + 1 < len(doc) else None
        if after is not None:
            word = after.lower_ if after.lower_ in FUNCTION_WORDS else after.pos_
            f.append(f"{kind}|after={word}")
            f.append(f"{kind}|after_dep={after.dep_}")
    lo_, hi_ = sorted((hi, e))
    between = doc[lo_:hi_]
    if len(between):
        f.append(f"{kind}|gap_verb={any(t.pos_ in ('VERB', 'AUX') for t in between)}")
        f.append(f"{kind}|gap_subj={any(t.dep_ in ('nsubj', 'nsubjpass') for t in between)}")
        # The verb heading the words between: a clause of its own, a second report?
        verb = next((t for t in between if t.pos_ in ("VERB", "AUX")
                     and not (lo_ <= t.head.i < hi_)), None)
        if verb is not None:
            own = any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
            f.append(f"{kind}|gap_head={verb.dep_}|subj={own}")
            if verb.lemma_.lower() in reporting_lemmas():
                f.append(f"{kind}|gap_report|subj={own}")
        n = len(between)
        f.append(f"{kind}|gap=" + ("1-3" if n <= 3 else "4-10" if n <= 10 else "11+"))
        # Where the words between hang: on the statement, on its cue, or elsewhere.
        for t in between:
            if not (lo_ <= t.head.i < hi_) and not t.is_punct:
                where = ("cue" if t.head.i == cue_i else
                         "in" if lo <= t.head.i < hi else "out")
                f.append(f"{kind}|att={where}|{t.dep_}")
                break
    return f


def score(feats: list[str], weights: dict[str, float]) -> float:
    return weights.get("bias", 0.0) + sum(weights.get(x, 0.0) for x in feats)


def choose(doc: Sequence[Any], cue: Any, lo: int, hi: int, sent: tuple[int, int]
           ) -> tuple[int, int]:
    """[first, end) tokens of the statement: the best-scoring candidate, or the rules'
    span when no model is installed."""
    weights = model()
    if weights is None:
        return lo, hi
    best = max(candidates(doc, cue, lo, hi, sent), key=lambda c: score(c[2], weights))
    return best[0], best[1]
