"""What each article recycles and what it adds: paragraph pairs from MinHash LSH over
sentences and quotations, checked by sentence alignment, and every body paragraph new,
partly or recycled."""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHashLSH
from numpy.typing import NDArray
from rapidfuzz import fuzz

from storytrace.entities.names import ascii_punct
from storytrace.models import Article

SHINGLE = 3  # words per shingle: enough to tell copied phrasing from shared names
NUM_PERM = 64
# Units (sentences, quotations) whose shingle sets are this similar become
# candidates; light edits ("which will be" -> "which is set to be") keep a
# sentence above it. datasketch's MinHashLSH picks the bands and rows for it.
LSH_THRESHOLD = 0.3
# A unit needs this many distinctive shingles (with a word that is not a function
# word) to count: "She added." and "Thanks very much for watching." prove nothing.
MIN_DISTINCT = 4
MIN_SHARED = 3  # shingles a sentence must share with a source to be partly covered
# A quotation of this many words is a unit of its own, so that a passage rebuilt
# around it (new attribution, new context) still finds the passage it came from.
QUOTE_MIN_WORDS = 8
# A sentence this close (rapidfuzz ratio) to an earlier one is a light edit of it.
SENTENCE_MATCH = 85
# Bucket fan-out: within one LSH bucket (units sorted by publication), a unit is
# paired with the EARLIEST first units and the PREVIOUS units just before it, not
# with every earlier one: one sentence repeated in k paragraphs gives O(k)
# candidates instead of O(k^2), and the first printing and the latest copies,
# the sources worth naming, are kept.
EARLIEST = 2
PREVIOUS = 3
# Earlier paragraphs verified per paragraph: those sharing the most units first.
MAX_CANDIDATES = 8
# Sources reported per paragraph: the one that covers most (the earliest of
# equals), then only those that add at least MIN_GAIN words of coverage.
MAX_SOURCES = 3
MIN_GAIN = 3
# A paragraph recycles another when this share of its words is covered, or when
# it reprints a quotation of QUOTE_MIN_WORDS words or a whole sentence of
# SENTENCE_MIN_WORDS (a shorter one, "His doctor is accused of manslaughter.",
# is said again in other words too often to prove a copy on its own).
PAIR_MIN = 0.25
SENTENCE_MIN_WORDS = 12
# A paragraph is recycled when this share of its words was printed before,
# partly recycled above PARTLY, and new below.
RECYCLED = 0.7
PARTLY = 0.25
CHUNK = 1 << 17  # shingles hashed at once: NUM_PERM x 8 bytes each, 64 MB a chunk

# Function words: a shingle of only these ("one of the", "very much for") is not distinctive.
_FUNCTION_WORDS = """
a about after all also an and any are as at be been before being but by can could did do
does for from had has have he her hers him his how i if in into is it its just me more most
much my no not now of on one only or our out over she so some such than that the their them
then there these they this those to too up us very was we were what when where which who
why will with would yes you your
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True, slots=True)
class ReusePair:
    """Paragraph `to` (later) recycles paragraph `frm` (earlier): `similarity` is the
    share of `to`'s words that `frm` printed before."""

    frm: tuple[str, int]  # (article id, paragraph index)
    to: tuple[str, int]
    similarity: float


_WORD = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r'"([^"]+)"')
# A sentence ends at . ! or ?, possibly followed by a closing quote or bracket,
# before the capital (or opening quote) of the next.
_SENTENCE_END = re.compile(r"""(?:(?<=[.!?])|(?<=[.!?]["'”’)]))\s+(?=[A-Z“"‘(])""")


def words(text: str) -> list[str]:
    """Lower-case words of a text, curly quotes and dashes ignored.

    >>> words("It’s the ferry — again")
    ['it', 's', 'the', 'ferry', 'again']
    """
    return _WORD.findall(ascii_punct(text).lower())


def shingles(text: str) -> set[str]:
    """Word 3-grams of a normalised text (curly quotes, dashes and case ignored).

    >>> sorted(shingles("The ferry — runs again"))
    ['ferry runs again', 'the ferry runs']
    """
    w = words(text)
    return {" ".join(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, for articles stored without their parse.

    >>> split_sentences('He said: "We stay." The board agreed. (It voted.) "Fine," she said.')
    ['He said: "We stay."', 'The board agreed.', '(It voted.)', '"Fine," she said.']
    """
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def distinctive(ws: Sequence[str]) -> int:
    """How many of a word list's shingles have a word that is not a function word.

    >>> distinctive("thanks very much for watching".split())
    2
    """
    content = [w not in STOPWORDS for w in ws]
    return sum(any(content[i:i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1))


def quotations(text: str) -> list[str]:
    """The normalised words of each quotation of QUOTE_MIN_WORDS words or more.

    >>> quotations('“We will keep the ferry running all winter long,” she said. "Yes."')
    ['we will keep the ferry running all winter long']
    """
    spans = (" ".join(words(m[1])) for m in _QUOTED.finditer(ascii_punct(text)))
    return [q for q in spans if q.count(" ") + 1 >= QUOTE_MIN_WORDS]


def _sentences(a: Article, spans: list[tuple[int, int, int]]) -> dict[int, list[str]]:
    by_para: dict[int, list[str]] = defaultdict(list)
    text = {p.index: p.text for p in a.body}
    for para, s, e in spans:
        if para in text:
            by_para[para].append(text[para][s:e])
    for p in a.body:  # an article stored without its parse: split at sentence ends
        by_para.setdefault(p.index, split_sentences(p.text))
    return by_para


class _Units:
    """Distinct units (normalised sentences and quotations), their word ids for
    hashing, and where each occurs."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.n_words = array("i")
        self.hashed = array("i")  # unit -> row of the signature matrix, or -1
        self.vocab: dict[str, int] = {}
        self.word_ids = array("i")  # word ids of hashed units, end to end
        self.starts = array("q", [0])
        self.occ_unit = array("i")  # occurrences of hashed units ...
        self.occ_para = array("i")  # ... and their paragraph

    def add(self, ws: list[str]) -> int:
        text = " ".join(ws)
        uid = self.ids.get(text)
        if uid is None:
            uid = self.ids[text] = len(self.texts)
            self.texts.append(text)
            self.n_words.append(len(ws))
            if distinctive(ws) >= MIN_DISTINCT:
                self.hashed.append(len(self.starts) - 1)
                vocab = self.vocab
                self.word_ids.extend(vocab.setdefault(w, len(vocab)) for w in ws)
                self.starts.append(len(self.word_ids))
            else:
                self.hashed.append(-1)
        return uid

    def occurs(self, uid: int, para: int) -> None:
        row = self.hashed[uid]
        if row >= 0:
            self.occ_unit.append(row)
            self.occ_para.append(para)


def _signatures(units: _Units) -> NDArray[np.uint32]:
    """MinHash signatures (NUM_PERM values) of every hashed unit's word 3-grams.

    Shingles are hashed from word ids; each permutation is a seeded
    multiply-shift hash; chunks keep memory bounded whatever the corpus size.
    """
    w = np.frombuffer(units.word_ids, dtype=np.int32).astype(np.uint64)
    starts = np.frombuffer(units.starts, dtype=np.int64)
    n = len(starts) - 1
    rng = np.random.default_rng(1)
    a = rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
    sig = np.empty((n, NUM_PERM), dtype=np.uint32)
    # shingle k of unit i starts at word starts[i] + k, for k < words - 2
    counts = np.diff(starts) - (SHINGLE - 1)
    first = np.repeat(starts[:-1], counts)
    pos = first + (np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts))
    h = (w[pos] * np.uint64(0x9E3779B97F4A7C15) + w[pos + 1]) * np.uint64(0xC2B2AE3D27D4EB4F)
    h = (h + w[pos + 2]) * np.uint64(0x165667B19E3779F9)
    h ^= h >> np.uint64(32)
    offsets = np.cumsum(counts) - counts
    i = 0
    while i < n:
        j = int(np.searchsorted(offsets, offsets[i] + CHUNK, side="left"))
        j = max(j, i + 1)
        lo, hi = int(offsets[i]), int(offsets[j - 1] + counts[j - 1])
        v = (h[lo:hi, None] * a[None, :] + b[None, :]) >> np.uint64(32)
        sig[i:j] = np.minimum.reduceat(v, offsets[i:j] - lo, axis=0)
        i = j
    return sig


def _band_keys(sig: NDArray[np.uint32]) -> Iterator[NDArray[np.uint64]]:
    """One bucket key per hashed unit and LSH band (bands and rows as datasketch's
    MinHashLSH chooses them for LSH_THRESHOLD)."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for band in range(lsh.b):
        key = np.zeros(len(sig), dtype=np.uint64)
        for col in range(band * lsh.r, (band + 1) * lsh.r):
            key = (key ^ sig[:, col].astype(np.uint64)) * np.uint64(0x100000001B3)
        yield key


def _links(keys: NDArray[Any], occ_para: NDArray[np.int64], art: NDArray[np.int64],
           n_paras: int) -> NDArray[np.int64]:
    """(later paragraph, earlier paragraph) codes from one banding: each occurrence
    with the EARLIEST first and PREVIOUS preceding occurrences of its bucket."""
    idx = np.argsort(keys, kind="stable")  # occurrences are in publication order
    ks = keys[idx]
    at = np.arange(len(idx))
    start = np.zeros(len(idx), dtype=np.int64)
    if len(idx):
        new = np.empty(len(idx), dtype=bool)
        new[0] = True
        new[1:] = ks[1:] != ks[:-1]
        start = np.maximum.accumulate(np.where(new, at, 0))
    pos = at - start
    frm_parts, to_parts = [], []
    for e in range(EARLIEST):
        sel = pos > e
        frm_parts.append(idx[start[sel] + e])
        to_parts.append(idx[sel])
    for p in range(1, PREVIOUS + 1):
        sel = pos >= p + EARLIEST
        frm_parts.append(idx[at[sel] - p])
        to_parts.append(idx[sel])
    pf = occ_para[np.concatenate(frm_parts)]
    pt = occ_para[np.concatenate(to_parts)]
    keep = art[pf] < art[pt]
    return np.asarray(pt[keep] * n_paras + pf[keep], dtype=np.int64)


def _candidates(units: _Units, art: NDArray[np.int64], n_paras: int
                ) -> dict[int, list[int]]:
    """Each paragraph's earlier paragraphs worth verifying, most shared units first."""
    occ_unit = np.frombuffer(units.occ_unit, dtype=np.int32).astype(np.int64)
    occ_para = np.frombuffer(units.occ_para, dtype=np.int32).astype(np.int64)
    if not len(occ_unit):
        return {}
    sig = _signatures(units)
    codes = np.empty(0, dtype=np.int64)
    hits = np.empty(0, dtype=np.int64)

    def merge(new: NDArray[np.int64]) -> None:
        nonlocal codes, hits
        c, n = np.unique(new, return_counts=True)
        both = np.concatenate([codes, c])
        codes, inv = np.unique(both, return_inverse=True)
        hits = np.bincount(inv, weights=np.concatenate([hits, n]),
                           minlength=len(codes)).astype(np.int64)

    # identical units first (their own bucket, so a reprint's source is never crowded
    # out of a busy band), then every LSH band
    merge(_links(occ_unit, occ_para, art, n_paras))
    for key in _band_keys(sig):
        merge(_links(key[occ_unit], occ_para, art, n_paras))
    pt, pf = codes // n_paras, codes % n_paras
    order = np.lexsort((pf, -hits, pt))
    pt, pf = pt[order], pf[order]
    rank = np.arange(len(pt))
    if len(pt):
        new = np.empty(len(pt), dtype=bool)
        new[0] = True
        new[1:] = pt[1:] != pt[:-1]
        rank = rank - np.maximum.accumulate(np.where(new, rank, 0))
    keep = rank < MAX_CANDIDATES
    out: dict[int, list[int]] = defaultdict(list)
    for t, f in zip(pt[keep].tolist(), pf[keep].tolist(), strict=True):
        out[t].append(f)
    return out


Row = tuple[int, str, frozenset[str], int, bool]  # unit, words, shingles, length, counts
CACHE = 200_000  # units whose shingles are kept between paragraphs (sources recur)


class _Rows:
    """Sentences of paragraphs as alignment rows, shingles cached per unit."""

    def __init__(self, units: _Units) -> None:
        self.units = units
        self.cache: dict[int, frozenset[str]] = {}

    def __call__(self, uids: Sequence[int]) -> list[Row]:
        out = []
        for u in uids:
            text = self.units.texts[u]
            sh = self.cache.get(u)
            if sh is None:
                if len(self.cache) >= CACHE:
                    self.cache.clear()
                ws = text.split()
                sh = self.cache[u] = frozenset(
                    " ".join(ws[i:i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1))
            out.append((u, text, sh, self.units.n_words[u], self.units.hashed[u] >= 0))
        return out


def find(articles: list[tuple[Article, list[tuple[int, int, int]]]]
         ) -> tuple[list[ReusePair], dict[tuple[str, int], tuple[str, float]]]:
    """Reuse pairs and each body paragraph's (novelty, share printed before).

    `articles` are (article, sentence spans) in publication order; a paragraph
    is judged only against articles before its own. Cost grows about linearly
    with the corpus: candidates come from LSH buckets of bounded fan-out, and
    each paragraph verifies at most MAX_CANDIDATES of them.
    """
    units = _Units()
    keys: list[tuple[str, int]] = []
    art_of = array("i")
    sents: list[tuple[int, ...]] = []
    quotes: list[tuple[int, ...]] = []
    for k, (a, spans) in enumerate(articles):
        for para, texts in _sentences(a, spans).items():
            n = len(keys)
            keys.append((a.id, para))
            art_of.append(k)
            s_ids = tuple(units.add(words(s)) for s in texts)
            # quotations of the paragraph, and of each sentence (where a stray mark
            # elsewhere in the paragraph would pair the wrong ones)
            quoted = dict.fromkeys([*quotations(" ".join(texts)),
                                    *(q for t in texts for q in quotations(t))])
            q_ids = tuple(units.add(q.split()) for q in quoted)
            for u in dict.fromkeys(s_ids + q_ids):
                units.occurs(u, n)
            sents.append(s_ids)
            quotes.append(q_ids)
    art = np.frombuffer(art_of, dtype=np.int32).astype(np.int64)
    candidates = _candidates(units, art, len(keys))

    pairs: list[ReusePair] = []
    novelty: dict[tuple[str, int], tuple[str, float]] = {
        key: ("new", 0.0) for key in keys}
    rows_of = _Rows(units)
    for to in sorted(candidates):
        rows = rows_of(sents[to])
        total = sum(r[3] for r in rows) or 1
        said = [units.texts[q] for q in quotes[to]]
        checked = []
        whole = len(articles)  # once a source covers all, only earlier ones can matter
        for frm in candidates[to]:
            if art_of[frm] >= whole:
                continue
            got, strong = _aligned(rows, rows_of(sents[frm]), said)
            if sum(got) >= PAIR_MIN * total or strong:
                checked.append((frm, got))
                if sum(got) >= total:
                    whole = art_of[frm]
        checked.sort(key=lambda c: (-sum(c[1]), art_of[c[0]], c[0]))
        covered = [0.0] * len(rows)
        kept = 0
        for frm, got in checked:
            gain = sum(max(0.0, g - c) for g, c in zip(got, covered, strict=True))
            if kept < MAX_SOURCES and (not kept or gain >= MIN_GAIN):
                pairs.append(ReusePair(keys[frm], keys[to], round(min(1.0, sum(got) / total), 3)))
                kept += 1
            covered = [max(c, g) for c, g in zip(covered, got, strict=True)]
        share = min(1.0, sum(covered) / total)
        kind = "recycled" if share >= RECYCLED else "partly" if share >= PARTLY else "new"
        novelty[keys[to]] = (kind, round(share, 3))
    order = {a.id: i for i, (a, _) in enumerate(articles)}
    pairs.sort(key=lambda p: (order[p.to[0]], p.to[1], -p.similarity))
    return pairs, novelty


def _aligned(rows: list[Row], source: list[Row], said: Sequence[str]
             ) -> tuple[list[float], bool]:
    """Words of each sentence of a paragraph that an earlier paragraph already printed,
    and whether a whole sentence or quotation of QUOTE_MIN_WORDS words was among them.

    A sentence that closely matches one of the earlier paragraph's sentences
    (a reprint, or a light edit: "which will be" / "which is set to be") counts
    whole; otherwise the share of its shingles found there, or at least the words
    of a quotation (`said`) the earlier paragraph printed word for word.
    """
    same = {r[0] for r in source}
    source_sh: set[str] = set().union(*(r[2] for r in source)) if source else set()
    source_text = " " + " ".join(r[1] for r in source) + " "
    quoted = _quoted_words(rows, [q for q in said if f" {q} " in source_text])
    out = []
    strong = any(quoted)
    for (uid, text, sh, n, counts), q in zip(rows, quoted, strict=True):
        if not counts:
            out.append(float(q))
            continue
        if uid in same or max((fuzz.ratio(text, r[1]) for r in source if r[4]),
                              default=0.0) >= SENTENCE_MATCH:
            out.append(float(n))
            strong = strong or n >= SENTENCE_MIN_WORDS
            continue
        shared = len(sh & source_sh)
        out.append(max(float(q), n * shared / len(sh) if shared >= MIN_SHARED else 0.0))
    return out, strong


def _quoted_words(rows: list[Row], printed: Sequence[str]) -> list[int]:
    """Words of each sentence inside one of the `printed` quotations (which may run
    over several sentences)."""
    if not printed:
        return [0] * len(rows)
    text = " " + " ".join(r[1] for r in rows if r[3]) + " "
    inside = [False] * sum(r[3] for r in rows)
    for q in printed:
        at = text.find(f" {q} ")
        while at >= 0:
            first = text.count(" ", 0, at)
            for i in range(first, min(len(inside), first + q.count(" ") + 1)):
                inside[i] = True
            at = text.find(f" {q} ", at + 1)
    out, i = [], 0
    for r in rows:
        out.append(sum(inside[i:i + r[3]]))
        i += r[3]
    return out


STAGE = "reuse"


def relink(store: Any) -> list[ReusePair]:
    """Recompute reuse over the whole store (inside the caller's transaction)."""
    arts = [(a, store.sentences(a.id)) for a in store.articles()]
    pairs, novelty = find(arts)
    store.replace_reuse(pairs, novelty)
    return pairs
