"""The headline stance model (`claims.stance`) as the product runs it: the weights
`bench/train_claim_stance.py` exports to `data/claim_stance.tsv`, scored in plain
Python, so the product needs no scikit-learn and no training at run time.

The features are those of the model's first stage without a parse (the parse
features and the second, claim-aware stage need the other headlines and a parse of
each; the product has neither for a lone report): TF-IDF of the headline's word
1-2-grams and character 2-5-grams and of the word 1-2-grams it adds to the claim,
each block L2-normalised as scikit-learn's TfidfVectorizer does, then the cue and
surface features of `stance.surface` and `stance.cue_flags`.

File rows (tab-separated): `classes` and the labels; `bias` and one intercept per
label; `w`/`c`/`n` (word, character, novel-word block), the term, its idf and a
weight per label; `d`, the index of a dense feature, `-` and a weight per label.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from storytrace.claims import stance
from storytrace.gazetteer import data_lines

MODEL_FILE = "claim_stance.tsv"
BLOCKS = ("w", "c", "n")
# scikit-learn's default token pattern and its whitespace folding for char_wb
_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_ANY_TOKEN = re.compile(r"\S+")
_SPACES = re.compile(r"\s\s+")
# Product stance names of the model's labels (Emergent: for / against / observing).
PRODUCT = {"for": "support", "against": "deny", "observing": "speculate"}


def word_ngrams(text: str, pattern: re.Pattern[str] = _WORD_TOKEN) -> list[str]:
    """Lower-case 1- and 2-grams of the tokens, as TfidfVectorizer(ngram_range=(1, 2))."""
    toks = pattern.findall(text.lower())
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


def char_ngrams(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams inside space-padded words, as the `char_wb` analyzer."""
    out = []
    for w in _SPACES.sub(" ", text.lower()).split():
        w = f" {w} "
        for n in range(lo, hi + 1):
            off = 0
            out.append(w[off:off + n])
            while off + n < len(w):
                off += 1
                out.append(w[off:off + n])
            if off == 0:
                break
    return out


def block_terms(claim: str, head: str) -> dict[str, list[str]]:
    """The n-grams of each TF-IDF block of a (claim, headline) pair."""
    return {"w": word_ngrams(head), "c": char_ngrams(head),
            "n": word_ngrams(stance.novel(claim, head), _ANY_TOKEN)}


def dense(claim: str, head: str, cue_weight: float = stance.CUE_WEIGHT) -> list[float]:
    """The surface and cue features, in the order the model was trained with."""
    return stance.surface(claim, head) + [cue_weight * f for f in stance.cue_flags(head)]


class Weights:
    """An exported linear stance model: idf and per-label weights of the kept terms."""

    def __init__(self, rows: Iterable[Sequence[str]]) -> None:
        self.labels: tuple[str, ...] = ()
        self.bias: list[float] = []
        self.terms: dict[str, dict[str, tuple[float, list[float]]]] = {b: {} for b in BLOCKS}
        self.dense: dict[int, list[float]] = {}
        for r in rows:
            if r[0] == "classes":
                self.labels = tuple(r[1:])
            elif r[0] == "bias":
                self.bias = [float(x) for x in r[1:]]
            elif r[0] in BLOCKS:
                self.terms[r[0]][r[1]] = (float(r[2]), [float(x) for x in r[3:]])
            elif r[0] == "d":
                self.dense[int(r[1])] = [float(x) for x in r[3:]]
        if not self.labels or len(self.bias) != len(self.labels):
            raise ValueError("stance weights without classes or bias")

    def scores(self, claim: str, head: str) -> list[float]:
        """The model's decision value per label (before the softmax)."""
        out = list(self.bias)
        for b, grams in block_terms(claim, head).items():
            vocab = self.terms[b]
            tf = Counter(g for g in grams if g in vocab)
            vals = {g: (1 + math.log(n)) * vocab[g][0] for g, n in tf.items()}
            norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
            for g, v in vals.items():
                for k, w in enumerate(vocab[g][1]):
                    out[k] += v / norm * w
        for i, x in enumerate(dense(claim, head)):
            ws = self.dense.get(i)
            if x and ws:
                for k, w in enumerate(ws):
                    out[k] += x * w
        return out

    def proba(self, claim: str, head: str) -> dict[str, float]:
        """Label probabilities (softmax of the decision values)."""
        s = self.scores(claim, head)
        top = max(s)
        e = [math.exp(x - top) for x in s]
        tot = sum(e)
        return {lab: x / tot for lab, x in zip(self.labels, e, strict=True)}

    def predict(self, claim: str, head: str) -> str:
        """The most likely label: for | against | observing."""
        s = self.scores(claim, head)
        return self.labels[max(range(len(s)), key=s.__getitem__)]


def parse_rows(lines: Iterable[str]) -> list[list[str]]:
    return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]


@functools.cache
def weights() -> Weights:
    """The shipped weights (trained on all of Emergent's shared side)."""
    return Weights(parse_rows(data_lines(MODEL_FILE)))
