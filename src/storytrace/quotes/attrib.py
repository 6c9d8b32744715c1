"""Attributions the cue lexicons miss: "X believes that …", "officials plan to …",
"voters view her as …". Every verb outside the lexicons with a complement after it
is a candidate; a linear model trained on PolNeAR's train split
(`bench/train_quote_attrib.py`) decides from the parse whether it attributes."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy

from storytrace.gazetteer import data_lines

MODEL_FILE = "quote_attrib.tsv"
# A candidate is taken when its score (log-odds) reaches this; chosen on PolNeAR dev
# (an added statement pays off for the exact-span F1 when likelier right than not).
THRESHOLD = -1.0
# Dependents after a verb that hold what it would attribute.
COMPLEMENT_DEPS = ("ccomp", "xcomp", "dobj")
# Subjects that can hold a view: people, groups, pronouns.
AGENT_ENTS = frozenset(("PERSON", "ORG", "NORP", "GPE"))
# Candidates scored but never taken are collected here when a list (training).
SPY: list[Any] | None = None


@functools.cache
def model() -> dict[str, float] | None:
    """The trained weights (feature -> weight), or None when the file is absent."""
    if not resources.files("storytrace.data").joinpath(MODEL_FILE).is_file():
        return None
    return {k: float(v) for k, v in (ln.split("\t") for ln in data_lines(MODEL_FILE))}


@functools.cache
def anonymous_heads() -> frozenset[str]:
    return frozenset(data_lines("anonymous_sources.txt"))


@functools.lru_cache(maxsize=16)
def string_ids(strings: Any, words: frozenset[str] | tuple[str, ...]) -> Any:
    """The words' string ids, sorted, as `numpy.isin` takes them: made once per word
    list (an id is the word's hash, the same in every store), not once per article."""
    return numpy.array(sorted({strings.add(w) for w in words}), dtype="uint64")


def among(values: Any, ids: Any) -> Any:
    """`numpy.isin(values, ids)` for `string_ids`' sorted ids, by binary search
    (isin sorts both arrays again on every call)."""
    if not len(ids):
        return numpy.zeros(len(values), dtype=bool)
    pos = numpy.searchsorted(ids, values)
    pos[pos == len(ids)] = 0
    return ids[pos] == values


def candidates(doc: Any, known: frozenset[str], tokens: Sequence[Any] | None = None
               ) -> list[Any]:
    """Verbs of a doc outside `known` (the lexicons' lemmas) with a complement after them,
    read from the doc's arrays (a Token only for each verb found; taken from `tokens`,
    the doc's tokens made once, when given)."""
    from spacy.attrs import DEP, HEAD, LEMMA, POS
    from spacy.symbols import VERB

    if not len(doc) or (model() is None and SPY is None):
        return []
    strings = doc.vocab.strings
    wanted = string_ids(strings, known)
    arr = doc.to_array([LEMMA, POS, HEAD, DEP])
    at = numpy.arange(len(arr))
    head = at + arr[:, 2].view("int64")  # HEAD is the offset to the head
    comp = among(arr[:, 3], string_ids(strings, COMPLEMENT_DEPS)) & (head < at)
    has = numpy.zeros(len(arr), dtype=bool)
    has[head[comp]] = True
    hit = has & (arr[:, 1] == VERB) & ~among(arr[:, 0], wanted)
    toks = doc if tokens is None else tokens
    return [toks[int(i)] for i in numpy.flatnonzero(hit)]


def features(verb: Any, lexicon: bool = False) -> list[str]:
    """What the parse says of a candidate: its lemma, complement, subject and clause;
    `lexicon` for a lexicon verb whose clause the rules did not find."""
    kids = list(verb.children)
    comp = next((c for c in kids if c.dep_ in COMPLEMENT_DEPS and c.i > verb.i), None)
    kind = comp.dep_ if comp is not None else "none"
    lemma = verb.lemma_.lower()
    f = ["lexicon"] if lexicon else []
    f += [f"lemma={lemma}", f"comp={kind}", f"lemma={lemma}|comp={kind}", f"tag={verb.tag_}",
         f"dep={verb.dep_}", f"comp={kind}|dep={verb.dep_}"]
    if comp is not None:
        mark = next((c.lower_ for c in comp.children if c.dep_ in ("mark", "aux")
                     and c.i < comp.i), "")
        f.append(f"comp={kind}|mark={mark}")
        f.append(f"comp={kind}|head={comp.pos_}")
        f.append(f"comp_subj={any(c.dep_ in ('nsubj', 'nsubjpass') for c in comp.children)}")
        n = comp.right_edge.i - comp.left_edge.i + 1
        f.append(f"comp={kind}|len=" + ("1" if n == 1 else "2-3" if n <= 3 else "4-8" if n <= 8
                                        else "9+"))
        f.append(f"lemma={lemma}|mark={mark}")
    others = sorted({c.dep_ for c in kids if c.i > verb.i and c is not comp
                     and c.dep_ in ("dobj", "prep", "oprd", "dative", "xcomp", "ccomp", "advcl")})
    f += [f"also={d}" for d in others]
    if any(c.dep_ == "neg" for c in kids):
        f.append("neg")
    aux = [c.lemma_.lower() for c in kids if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    f += [f"aux={a}" for a in aux[:2]]
    subj = next((c for c in kids if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        subj = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        f.append("subj_from_head")
        f.append(f"head_lemma={verb.head.lemma_.lower()}")
    f.append("subj=" + _agent(subj))
    f.append(f"lemma={lemma}|subj={_agent(subj)}")
    f.append(f"comp={kind}|subj={_agent(subj)}")
    return f


def _agent(subj: Any) -> str:
    """The kind of a subject: who could hold a view, or a thing."""
    if subj is None:
        return "none"
    if subj.pos_ == "PRON":
        return "pron_" + ("it" if subj.lower_ in ("it", "this", "that", "which", "what")
                          else "who" if subj.lower_ in ("who", "whom") else "person")
    if subj.ent_type_ in AGENT_ENTS:
        return "ent_" + str(subj.ent_type_)
    if subj.lemma_.lower() in anonymous_heads():
        return "anonymous"
    return str(subj.pos_)


def score(feats: list[str], weights: dict[str, float]) -> float:
    return weights.get("bias", 0.0) + sum(weights.get(x, 0.0) for x in feats)


def accept(verb: Any, lexicon: bool = False) -> bool:
    """Whether the model takes a candidate as an attribution (all, when training)."""
    if SPY is not None:
        return True
    weights = model()
    return weights is not None and score(features(verb, lexicon), weights) >= THRESHOLD
