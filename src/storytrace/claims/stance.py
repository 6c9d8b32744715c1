"""A headline's stance toward the claim it reports (for / against / observing), learned:
a linear model over the headline's words and characters, the words it adds to the
claim, cue phrases (`data/claim_stance_cues.tsv` and the claims stage's cue lists)
and, when a parse is given, where negations, modals and hedges sit from the root.

The claims stage's rules (`find.stance_of`) read a whole article's parse; headlines
are short, often elliptic ("Christian Bale Bails on ..."), and are what a reader sees,
so their stance is learned from labelled pairs (Emergent) instead. The model needs
scikit-learn (the `bench` extra); the features need only the package. `fit_export`
trains the smaller model the product runs without scikit-learn (`claims.learned`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from storytrace.claims import cues
from storytrace.claims.text import cue_counts, words
from storytrace.gazetteer import data_lines

LABELS = ("for", "against", "observing")
# Regularisation and the weight of the cue-phrase flags beside the L2-normalised n-gram
# blocks; claim-grouped 5-fold CV on Emergent's shared side, accuracy:
# C 0.3: 0.778, 0.5: 0.781, 1: 0.777 (cue weight 2); cue weight 1: 0.775, 2: 0.781, 3: 0.781
# (first model alone; with the second, claim-aware one: 0.792).
C = 0.5
CUE_WEIGHT = 2.0
# Claim-grouped folds for the out-of-fold probabilities the second model learns from.
INNER_FOLDS = 4
CUE_KINDS = ("debunk", "dismiss", "object", "withdraw", "tentative", "assert")

_TOK = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|\?|:|\"|'")
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# moved from bench/claims.py: negation and denial, and attribution or hedging, as the
# first model had them
_DENY = re.compile(r"\b(?:not|no|never|n't|isn't|wasn't|didn't|doesn't|won't|denies|denied|deny|"
                   r"false|fake|hoax|debunk\w*|myth|rumou?rs?)\b")
_ATTRIBUTE = re.compile(r"\b(?:report|reports|reportedly|claims?|may|might|could|allegedly|"
                        r"rumou?r\w*|says?|said|possibly|apparently|appears?|seems?|believed|"
                        r"suggests?)\b")


@functools.cache
def _table() -> tuple[tuple[tuple[str, ...], str], ...]:
    rows = [ln.split("\t") for ln in data_lines("claim_stance_cues.tsv")][1:]
    return tuple((tuple(r[0].split()), r[1]) for r in rows if len(r) >= 2)


@functools.cache
def kind(name: str) -> frozenset[str]:
    """One-word entries of a kind of `claim_stance_cues.tsv`."""
    return frozenset(p[0] for p, k in _table() if k == name and len(p) == 1)


def _tokens(text: str) -> list[str]:
    return _TOK.findall(text.lower().replace("\u2019", "'"))


def cue_hits(head: str) -> list[tuple[int, str]]:
    """(token index, kind) of each cue phrase of the table in a headline."""
    toks = _WORDS.findall(head.lower().replace("\u2019", "'"))
    out = []
    for i in range(len(toks)):
        for phrase, k in _table():
            if k in CUE_KINDS and tuple(toks[i:i + len(phrase)]) == phrase:
                out.append((i, k))
    return out


def cue_flags(head: str) -> list[float]:
    """Which cue kinds a headline has, and whether a dismissal aims at a rumour or
    report ("shuts down rumors"): the word alone leans observing, dismissed it is a denial."""
    hits = cue_hits(head)
    have = {k for _, k in hits}
    aimed = any(k == "dismiss" and any(k2 == "object" and 0 < j - i <= 4 for j, k2 in hits)
                for i, k in hits)
    return [float(k in have) for k in CUE_KINDS] + [float(aimed)]


def novel(claim: str, head: str) -> str:
    """The headline's words that the claim does not have: where its stance shows."""
    cw = set(words(claim))
    return " ".join(w for w in re.findall(r"[a-z']+|\?|:", head.lower())
                    if not (set(words(w)) & cw))


def surface(claim: str, head: str) -> list[float]:
    """Claim/headline overlap, punctuation, and the cue words of both, without a parse."""
    cw, hw = set(words(claim)), set(words(head))
    low, lclaim = head.lower(), claim.lower()
    ts, cts = set(_tokens(head)), set(_tokens(claim))
    first = next(iter(_tokens(head)), "")
    modal, deny = kind("modal"), cues.denials() | kind("negation")
    cover = len(cw & hw) / (len(cw) or 1)
    return [len(cw & hw) / (len(hw) or 1), float("?" in head),
            *map(float, cue_counts(head).values()),
            float(bool(re.search(r"\b(?:not|no|never|n't)\b", low))),
            float(bool(re.search(r"\b(?:fake|hoax|false|debunk\w*|myth)\b", low))),
            # a negation the claim does not have (or drops one it has) turns the stance
            float(bool(_DENY.search(low)) and not _DENY.search(lclaim)),
            float(bool(_DENY.search(lclaim)) and not _DENY.search(low)),
            float(bool(_ATTRIBUTE.search(low))), float(low.startswith(("report", "rumo"))),
            float(":" in head),
            cover, float(cover == 0), len(ts) / 20,
            float(bool(ts & modal)), float(bool((ts & modal) - cts)),
            float(bool(ts & kind("attribution"))),
            float(first in kind("question") and "?" in head), float(head.rstrip().endswith("?")),
            float(bool(ts & kind("evidence"))),
            float(bool(ts & (cues.confirmations() | kind("confirm")))),
            float(bool(ts & deny)), float(bool((ts & deny) - cts)),
            float(" to " in f" {low} " and "to" not in cts),
            float('"' in head or "'" in re.sub(r"\w'\w", "", head)),
            float(bool(ts & {"will", "to", "plans", "set"}) and not ts & {"will"} & cts),
            # what the claim itself says: a future or modal claim is more often observed
            float("will" in cts), float(bool(cts & modal)), float(bool(cts & deny)),
            float("to" in cts)]


def _depths(doc: Any) -> dict[int, int]:
    out = {}
    for t in doc:
        k, cur = 0, t
        while cur.head.i != cur.i and k < 20:
            cur, k = cur.head, k + 1
        out[t.i] = k
    return out


def syntax(doc: Any) -> tuple[str, list[float]]:
    """From a headline's parse: its root and the root's dependents as tokens, and how near
    the root negations, modals, hedges and denials sit (near the root they scope over
    the whole headline; deep in a clause they may not touch the claim)."""
    depth = _depths(doc)
    modal = kind("modal")
    hedge = cues.hedges() | cues.speculation() | modal | kind("attribution")
    deny = cues.denials() | kind("negation")
    toks = []
    for t in doc:
        lem, d = t.lemma_.lower(), depth[t.i]
        if d == 0:
            toks += [f"ROOT:{lem}", f"ROOTTAG:{t.tag_}"]
        elif d == 1:
            toks.append(f"{t.dep_}:{lem}")
        if t.dep_ == "neg":
            toks += [f"NEG:{t.head.lemma_.lower()}", f"NEGD{min(d, 3)}"]
        if t.dep_ == "aux" and lem in modal:
            toks.append(f"MODD{min(d, 3)}")

    def nearest(vocab: frozenset[str]) -> int:
        ds = [depth[t.i] for t in doc if t.lemma_.lower() in vocab or t.lower_ in vocab]
        return min(ds, default=5)

    h, n = nearest(hedge), nearest(deny)
    return " ".join(toks), [h / 5, n / 5, float(h <= 1), float(n <= 1),
                            float(any(t.dep_ == "neg" and depth[t.i] <= 1 for t in doc))]


class StanceModel:
    """Fit on (claim, headline, stance) triples; predicts a stance per (claim, headline).

    `docs` are the headlines' spaCy parses, in the same order; without them the parse
    features are left out (on Emergent's shared side: 0.776 accuracy instead of 0.781)."""

    def __init__(self, c: float = C, cue_weight: float = CUE_WEIGHT) -> None:
        self.c, self.cue_weight = c, cue_weight
        self._vecs: list[Any] = []
        self._model: Any = None
        self._second: Any = None
        self._parsed = False

    def _blocks(self, claims: Sequence[str], heads: Sequence[str],
                docs: Sequence[Any] | None) -> list[tuple[Any, list[str]]]:
        nov = [novel(c, h) for c, h in zip(claims, heads, strict=True)]
        texts: list[tuple[Any, list[str]]] = [(0, list(heads)), (1, list(heads)), (2, nov)]
        if docs is not None:
            texts.append((3, [syntax(d)[0] for d in docs]))
        return texts

    def _dense(self, claims: Sequence[str], heads: Sequence[str],
               docs: Sequence[Any] | None) -> Any:
        import numpy as np

        rows = []
        for i, (c, h) in enumerate(zip(claims, heads, strict=True)):
            row = surface(c, h) + [self.cue_weight * f for f in cue_flags(h)]
            if docs is not None:
                row += syntax(docs[i])[1]
            rows.append(row)
        return np.asarray(rows, dtype=float)

    def _matrix(self, claims: Sequence[str], heads: Sequence[str],
                docs: Sequence[Any] | None, fit: bool) -> Any:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        if fit:
            self._parsed = docs is not None
            self._vecs = [
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                min_df=2),
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
                TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+", lowercase=False)]
        docs = docs if self._parsed else None
        blocks = [self._vecs[k].fit_transform(t) if fit else self._vecs[k].transform(t)
                  for k, t in self._blocks(claims, heads, docs)]
        return hstack([*blocks, csr_matrix(self._dense(claims, heads, docs))]).tocsr()

    def _fit_lr(self, x: Any, y: Any) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced").fit(x, list(y))

    def fit(self, claims: Sequence[str], heads: Sequence[str], stances: Sequence[str],
            docs: Sequence[Any] | None = None,
            groups: Sequence[str] | None = None) -> StanceModel:
        """With `groups` (a claim id per headline), a second model also sees how the other
        headlines of the same claim lean: the first model's probabilities on them,
        out-of-fold (grouped by claim) here, so it learns from honest ones."""
        import numpy as np
        from scipy.sparse import csr_matrix, hstack
        from sklearn.model_selection import GroupKFold

        x = self._matrix(claims, heads, docs, fit=True)
        self._model = self._fit_lr(x, stances)
        self._second = None
        if groups is None or len(set(groups)) < INNER_FOLDS:
            return self
        y = np.asarray(stances)
        probs = np.zeros((len(y), len(self._model.classes_)))
        for tr, te in GroupKFold(INNER_FOLDS).split(x, y, groups=list(groups)):
            inner = self._fit_lr(x[tr], y[tr])
            probs[np.ix_(te, [list(self._model.classes_).index(k) for k in inner.classes_])] = \
                inner.predict_proba(x[te])
        self._second = self._fit_lr(hstack([x, csr_matrix(_group_mean(probs, groups))]).tocsr(), y)
        return self

    def predict(self, claims: Sequence[str], heads: Sequence[str],
                docs: Sequence[Any] | None = None,
                groups: Sequence[str] | None = None) -> list[str]:
        """A stance per headline; `groups` as in `fit` (without them, the first model's)."""
        from scipy.sparse import csr_matrix, hstack

        if self._model is None:
            raise ValueError("StanceModel.predict before fit")
        x = self._matrix(claims, heads, docs, False)
        if self._second is None or groups is None:
            return [str(s) for s in self._model.predict(x)]
        mean = _group_mean(self._model.predict_proba(x), groups)
        return [str(s) for s in self._second.predict(hstack([x, csr_matrix(mean)]).tocsr())]


def _group_mean(probs: Any, groups: Sequence[str]) -> Any:
    """Per row, the mean of the other rows of its group (uniform when it is alone)."""
    import numpy as np

    sums: dict[str, Any] = {}
    count: dict[str, int] = {}
    for p, g in zip(probs, groups, strict=True):
        sums[g] = sums.get(g, 0) + p
        count[g] = count.get(g, 0) + 1
    out = np.full_like(probs, 1.0 / probs.shape[1], dtype=float)
    for i, (p, g) in enumerate(zip(probs, groups, strict=True)):
        if count[g] > 1:
            out[i] = (sums[g] - p) / (count[g] - 1)
    return out


# Exported model (claims.learned): kept terms are those whose largest weight over the
# labels reaches this after a first fit; the model is then refitted on the kept terms
# alone, so the plain-Python scorer reproduces it exactly (L2 norms over kept terms).
# Claim-grouped 5-fold CV on Emergent's shared side, accuracy / file size:
# 0 (all terms): 0.776 / 1.9 MB, 0.05: 0.769 / 400 KB, 0.1: 0.766 / 80 KB, 0.2: 0.759 /
# 30 KB (C 0.5); at 0.1, C 1: 0.768 / 210 KB, C 2: 0.770 / 390 KB (within the noise).
EXPORT_MIN_WEIGHT = 0.1


def _export_vecs(vocab: Sequence[Any] | None = None) -> list[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    v = vocab or [None, None, None]
    return [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=v[0]),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                            min_df=1 if v[1] else 2, vocabulary=v[1]),
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+",
                            vocabulary=v[2])]


def fit_export(claims: Sequence[str], heads: Sequence[str], stances: Sequence[str],
               min_weight: float = EXPORT_MIN_WEIGHT, c: float = C,
               cue_weight: float = CUE_WEIGHT) -> list[list[str]]:
    """The rows of an exported model (see `claims.learned`): the first stage without
    a parse, its n-gram vocabulary cut to the terms that weigh, refitted on them."""
    return fit_export_model(claims, heads, stances, min_weight, c, cue_weight)[0]


def fit_export_model(claims: Sequence[str], heads: Sequence[str], stances: Sequence[str],
                     min_weight: float = EXPORT_MIN_WEIGHT, c: float = C,
                     cue_weight: float = CUE_WEIGHT) -> tuple[list[list[str]], Any]:
    """`fit_export`'s rows and the scikit-learn predictor they were read from
    (claims, heads -> labels), to check the plain scorer agrees with it."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from storytrace.claims import learned

    def inputs(cs: Sequence[str], hs: Sequence[str]) -> tuple[list[list[str]], Any]:
        nov = [novel(cl, h) for cl, h in zip(cs, hs, strict=True)]
        return [list(hs), list(hs), nov], csr_matrix(np.asarray(
            [learned.dense(cl, h, cue_weight) for cl, h in zip(cs, hs, strict=True)], dtype=float))

    texts, dense = inputs(claims, heads)

    def fit(vecs: list[Any]) -> tuple[Any, list[Any]]:
        blocks = [v.fit_transform(t) for v, t in zip(vecs, texts, strict=True)]
        x = hstack([*blocks, dense]).tocsr()
        lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, list(stances))
        return lr, blocks

    vecs = _export_vecs()
    lr, blocks = fit(vecs)
    keep, at = [], 0
    for v, b in zip(vecs, blocks, strict=True):
        names = v.get_feature_names_out()
        w = np.abs(lr.coef_[:, at:at + b.shape[1]]).max(axis=0)
        kept = sorted(str(t) for t, x in zip(names, w, strict=True) if x >= min_weight)
        keep.append(kept or [str(names[int(w.argmax())])])  # a block is never empty
        at += b.shape[1]
    vecs = _export_vecs(keep)
    lr, blocks = fit(vecs)
    rows = [["classes", *map(str, lr.classes_)], ["bias", *(f"{x:.6g}" for x in lr.intercept_)]]
    at = 0
    for name, v, b in zip(("w", "c", "n"), vecs, blocks, strict=True):
        for j, t in enumerate(v.get_feature_names_out()):
            rows.append([name, str(t), f"{v.idf_[j]:.6g}",
                         *(f"{x:.5g}" for x in lr.coef_[:, at + j])])
        at += b.shape[1]
    for j in range(dense.shape[1]):
        rows.append(["d", str(j), "-", *(f"{x:.5g}" for x in lr.coef_[:, at + j])])

    def predict(cs: Sequence[str], hs: Sequence[str]) -> list[str]:
        t, d = inputs(cs, hs)
        x = hstack([*(v.transform(b) for v, b in zip(vecs, t, strict=True)), d]).tocsr()
        return [str(s) for s in lr.predict(x)]

    return rows, predict
