"""Stories in a mixed stream: one pass in publication order, each article joining the
story it is most like (words and, weighted up, the entities it names) or starting one;
a small story is checked as it grows and split when its articles form two tight groups."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storytrace.entities.names import ascii_punct
from storytrace.gazetteer import stopwords

# Cosine similarity to a story's centroid at or above which an article joins it
# (tuned on the development splits; see bench/stories.py and bench/stream.py).
THRESHOLD = 0.20
# Entities tell two stories of one kind apart (two rehab stays, two quakes):
# an entity term counts this many times a word.
ENTITY_WEIGHT = 3.0
# A story unheard of for this many days fades: similarity is scaled by
# exp(-gap / FADE_DAYS) beyond the grace period.
GRACE_DAYS = 30
FADE_DAYS = 180.0
# The bar to join a story of n articles is THRESHOLD / n ** SIZE_EXPONENT.
SIZE_EXPONENT = 0.2
# Only the strongest terms of a centroid are kept, so stories stay cheap.
CENTROID_TERMS = 300

# Split check. A centroid cannot tell two events of one kind apart once they share a
# story (two rehab stays share "rehab", "actress", "rep"), but their articles' nearest
# neighbours can: within a story, each article is linked to its SPLIT_K most similar
# fellow members, and the story is cut in two where that graph is thinnest (spectral
# bipartition, swept for the lowest normalised cut). It is split only when the cut is
# below SPLIT_NCUT (size-independent: cut edges over each part's edge volume), each
# part holds at least SPLIT_MIN_SHARE of the story and SPLIT_MIN_PART articles, and
# each part is tight: the mean cosine between its articles is at least SPLIT_DENSE.
# Measured (bench/stories.py, ECB+ dev, file order; bench/stream.py, Timeline17 dev):
# without the check ECB+ event F1 0.871 and Timeline17 0.911; with it 0.932 (odd /
# even topics 0.930 / 0.936; five shuffled orders 0.907 mean) and Timeline17 0.909.
# The tightness bar is what keeps Timeline17 whole: its big stories also have thin
# cuts (the same war told by two agencies' wires, with their own spellings and
# boilerplate), but their parts are loose (mean cosine mostly 0.08-0.27, where an
# ECB+ event's articles have 0.27-0.51); at 0.20 or 0.22 a Timeline17 war story is
# split by agency and the stream falls to 0.85, at 0.28 ECB+ drops to 0.925.
# SPLIT_K 4 / 6 / 8 gave 0.929 / 0.929 / 0.909 on ECB+; SPLIT_NCUT 0.2 / 0.4 gave
# 0.921 / 0.929 (Timeline17 0.909 at 0.4). Splitting on shared-nearest-neighbour
# weights instead of the plain k-NN graph gave 0.928.
SPLIT_K = 5
SPLIT_NCUT = 0.3
SPLIT_DENSE = 0.25
SPLIT_MIN_SHARE = 0.2
SPLIT_MIN_PART = 3
# A story is checked when it reaches SPLIT_FIRST articles and again each time it has
# grown by SPLIT_GROWTH (6, 9, 14, 21 ...), and never beyond SPLIT_MAX articles: an
# event of one kind is told apart while its story is young, and a story that has
# grown past that is one long story (an oil spill of 2,000 articles) whose members'
# texts need not be kept. The work per check is that of SPLIT_MAX articles at most,
# so the pass stays linear in the stream. SPLIT_GROWTH 1.25 / 2.0 gave 0.931 / 0.914
# on ECB+; SPLIT_MAX 60 gave the same on both benchmarks, 100 Timeline17 0.905.
SPLIT_FIRST = 6
SPLIT_GROWTH = 1.5
SPLIT_MAX = 30



@dataclass
class StoryDoc:
    """What the grouping sees of an article."""

    id: str
    date: dt.date | None
    words: Counter[str]
    entities: Counter[str] = field(default_factory=Counter)


@dataclass
class _Story:
    centroid: dict[str, float]
    size: int
    last: dt.date | None
    members: list[str] = field(default_factory=list)
    norm: float = 1.0
    # the members' StoryDocs, kept only while the story may still be split
    docs: list[StoryDoc] = field(default_factory=list)
    next_check: int = 0

    def add(self, vec: dict[str, float]) -> None:
        for k, v in vec.items():
            self.centroid[k] = self.centroid.get(k, 0.0) + v
        if len(self.centroid) > CENTROID_TERMS * 2:
            strongest = sorted(self.centroid.items(), key=lambda kv: -kv[1])
            self.centroid = dict(strongest[:CENTROID_TERMS])
        self.norm = math.sqrt(sum(v * v for v in self.centroid.values()))


def words_of(text: str) -> Counter[str]:
    """Content words of a text, lower-cased.

    >>> sorted(words_of("The ferry runs again; the FERRY board met."))
    ['board', 'ferry', 'met', 'runs']
    """
    tokens = re.findall(r"[a-z][a-z'-]+", ascii_punct(text).lower())
    stop = stopwords()
    return Counter(t for t in tokens if t not in stop and len(t) > 2)


def _vector(doc: StoryDoc, df: Counter[str], n: int) -> dict[str, float]:
    vec: dict[str, float] = {}
    for terms, weight, prefix in ((doc.words, 1.0, ""), (doc.entities, ENTITY_WEIGHT, "\x01")):
        for t, c in terms.items():
            key = prefix + t
            idf = math.log((n + 1) / (df[key] + 1)) + 1.0
            vec[key] = vec.get(key, 0.0) + weight * (1.0 + math.log(c)) * idf
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {k: v / norm for k, v in vec.items()}


def _similarity(vec: dict[str, float], story: _Story) -> float:
    """Cosine of a unit vector and a story's centroid (whose norm the story keeps)."""
    c = story.centroid
    if len(vec) <= len(c):
        dot = sum(v * c.get(k, 0.0) for k, v in vec.items())
    else:
        dot = sum(v * vec.get(k, 0.0) for k, v in c.items())
    return dot / (story.norm or 1.0)


def _fade(story: _Story, day: dt.date | None) -> float:
    if day is None or story.last is None:
        return 1.0
    gap = abs((day - story.last).days) - GRACE_DAYS
    return 1.0 if gap <= 0 else math.exp(-gap / FADE_DAYS)


def _gram(vecs: list[dict[str, float]]) -> np.ndarray:
    """Dot products between sparse vectors (cosines, as they are unit vectors)."""
    keys: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vec in enumerate(vecs):
        for k, v in vec.items():
            rows.append(i)
            cols.append(keys.setdefault(k, len(keys)))
            vals.append(v)
    m = np.zeros((len(vecs), len(keys)))
    m[rows, cols] = vals
    return np.asarray(m @ m.T)


def _mean_cosine(gram: np.ndarray, part: np.ndarray) -> float:
    sub = gram[np.ix_(part, part)]
    n = sub.shape[0]
    return float((sub.sum() - np.trace(sub)) / (n * (n - 1))) if n > 1 else 1.0


def split_of(gram: np.ndarray) -> np.ndarray | None:
    """The two parts a story of these articles (their cosine matrix) falls into, as a mask
    of the first part, or None when it is one story (see SPLIT_NCUT and SPLIT_DENSE).

    >>> g = np.full((12, 12), 0.05) + np.kron(np.eye(2), np.full((6, 6), 0.5))
    >>> np.fill_diagonal(g, 1.0)
    >>> [int(v) for v in split_of(g)] in ([1] * 6 + [0] * 6, [0] * 6 + [1] * 6)
    True
    >>> split_of(np.full((12, 12), 0.5)) is None
    True
    """
    m = gram.shape[0]
    k = min(SPLIT_K, m - 1)
    if k < 1 or m < 2 * SPLIT_MIN_PART:
        return None
    g = gram.copy()
    np.fill_diagonal(g, -np.inf)
    near = np.argsort(-g, axis=1, kind="stable")[:, :k]
    adj = np.zeros((m, m))
    adj[np.repeat(np.arange(m), k), near.ravel()] = 1.0
    w = np.maximum(adj, adj.T)
    deg = w.sum(axis=1)
    inv = 1.0 / np.sqrt(deg)
    _, eig = np.linalg.eigh(np.eye(m) - inv[:, None] * w * inv[None, :])
    order = np.argsort(eig[:, 1] * inv, kind="stable")
    volume = deg.sum()
    best, best_cut = None, SPLIT_NCUT
    for size in range(SPLIT_MIN_PART, m - SPLIT_MIN_PART + 1):
        if min(size, m - size) < SPLIT_MIN_SHARE * m:
            continue
        first = np.zeros(m, dtype=bool)
        first[order[:size]] = True
        cut = w[first][:, ~first].sum()
        vol = deg[first].sum()
        ncut = cut / vol + cut / (volume - vol)
        if ncut < best_cut:
            best, best_cut = first, ncut
    if best is None or min(_mean_cosine(gram, best), _mean_cosine(gram, ~best)) < SPLIT_DENSE:
        return None
    return best


def group(docs: Iterable[StoryDoc], *, threshold: float | None = None) -> dict[str, int]:
    """Story number of each article, assigned in one pass in the order given.

    Document frequencies grow as the stream is read, so an article is judged
    only on what came before it, as a tracker running live would; a split
    check re-reads a young story's members with the frequencies of its day.
    The bar is `THRESHOLD` as it is when called (not when imported), so
    tuning it works. Stories are numbered in order of their first article.
    """
    if threshold is None:
        threshold = THRESHOLD
    df: Counter[str] = Counter()
    stories: list[_Story] = []
    out: dict[str, int] = {}
    for n, doc in enumerate(docs, 1):
        df.update(doc.words.keys())
        df.update("\x01" + e for e in doc.entities)
        vec = _vector(doc, df, n)
        best, best_sim = -1, 0.0
        for i, s in enumerate(stories):
            # A large story's centroid is an average of many articles, so even its
            # own new articles are less like it: its bar is lowered with its size.
            sim = _similarity(vec, s) * _fade(s, doc.date) * s.size ** SIZE_EXPONENT
            if sim > best_sim:
                best, best_sim = i, sim
        if best >= 0 and best_sim >= threshold:
            s = stories[best]
            s.add(vec)
            s.size += 1
            s.last = max(filter(None, (s.last, doc.date)), default=None)
            s.members.append(doc.id)
            out[doc.id] = best
            if s.size > SPLIT_MAX:
                s.docs = []
            else:
                s.docs.append(doc)
                if s.size >= s.next_check:
                    parts = _check(s, df, n)
                    if parts:
                        stories[best] = parts[0]
                        stories.append(parts[1])
                        for member in parts[1].members:
                            out[member] = len(stories) - 1
        else:
            stories.append(_Story(dict(vec), 1, doc.date, [doc.id], docs=[doc],
                                  next_check=SPLIT_FIRST))
            out[doc.id] = len(stories) - 1
    number: dict[int, int] = {}
    return {i: number.setdefault(s, len(number)) for i, s in out.items()}


def _check(story: _Story, df: Counter[str], n: int) -> tuple[_Story, _Story] | None:
    """The story's two parts if it should be split (see SPLIT_*), else None."""
    story.next_check = max(story.size + 1, math.ceil(story.size * SPLIT_GROWTH))
    vecs = [_vector(d, df, n) for d in story.docs]
    first = split_of(_gram(vecs))
    if first is None:
        return None
    parts = []
    for keep in (first, ~first):
        part = _Story({}, 0, None)
        for d, vec, kept in zip(story.docs, vecs, keep, strict=True):
            if kept:
                part.add(vec)
                part.size += 1
                part.last = max(filter(None, (part.last, d.date)), default=None)
                part.members.append(d.id)
                part.docs.append(d)
        part.next_check = max(part.size + 1, math.ceil(part.size * SPLIT_GROWTH))
        parts.append(part)
    return parts[0], parts[1]


STAGE = "stories"


def relink(store: Any, words: Iterable[tuple[str, dt.date | None, Counter[str]]] | None = None
           ) -> dict[str, int]:
    """Group the stored articles into stories (publication order) and store the result.

    `words`: (id, published, words_of its body) of every stored article in the
    store's order, as a batch run counted them on its workers (storytrace.batch),
    so the bodies are not read again here. The tracker itself runs here, in one
    pass: each article is judged on the document frequencies of what came before it.
    """
    if words is None:
        words = ((a.id, a.published, words_of(a.body_text)) for a in store.articles())
    # a stream: the tracker holds only its young stories' members, not every article
    docs = (StoryDoc(aid, day, counts, Counter(
        eid for _, _, _, eid, kind in store.mentions_of_article(aid) if kind in ("name", "short")))
        for aid, day, counts in words)
    stories = group(docs)
    store.replace_stories(stories)
    return stories
