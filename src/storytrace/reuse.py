"""What each article recycles and what it adds: paragraph pairs from MinHash LSH over
sentences and quotations, checked by sentence alignment, and every body paragraph new,
partly or recycled."""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

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
        if p.index not in by_para:  # (not split when the parse gave its sentences)
            by_para[p.index] = split_sentences(p.text)
    # in paragraph order, so that (article, paragraph) orders paragraphs as the
    # batch path (bucket_rows) can without seeing other articles
    return dict(sorted(by_para.items()))


def _hash64(text: str) -> int:
    """A 64-bit hash of a text, the same in every process (unlike the salted hash()).

    >>> _hash64("ferry")
    7949881795909877008
    """
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


class _Units:
    """Distinct units (normalised sentences and quotations), their word ids for
    hashing, and where each occurs.

    Word ids are local (`vocab`), but a signature hashes each word's _hash64, so a
    unit's signature is the same whichever articles are collected with it.
    """

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
    # each word's stable 64-bit hash (vocab keeps insertion order, so index = word id)
    vocab = np.fromiter((_hash64(v) for v in units.vocab), dtype=np.uint64,
                        count=len(units.vocab))
    w = vocab[np.frombuffer(units.word_ids, dtype=np.int32)]
    del vocab
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
        v = np.multiply(h[lo:hi, None], a[None, :])
        v += b[None, :]
        # the top 32 bits of the least value are the least of the top 32 bits:
        # shifted after the minimum, a unit's row of values and not every shingle's
        sig[i:j] = np.minimum.reduceat(v, offsets[i:j] - lo, axis=0) >> np.uint64(32)
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


def _new(*cols: NDArray[Any]) -> NDArray[np.bool_]:
    """Where a run of equal rows begins, in columns sorted together."""
    new = np.zeros(len(cols[0]), dtype=bool)
    new[:1] = True
    for c in cols:
        new[1:] |= c[1:] != c[:-1]
    return new


def _runs(*cols: NDArray[Any]) -> NDArray[np.int64]:
    """Where the run of equal rows each row belongs to begins, in columns sorted together.

    >>> _runs(np.array([3, 3, 5, 5, 5]), np.array([0, 0, 0, 1, 1])).tolist()
    [0, 0, 2, 3, 3]
    """
    at = np.arange(len(cols[0]), dtype=np.int64)
    return np.asarray(np.maximum.accumulate(np.where(_new(*cols), at, 0)), dtype=np.int64)


def _fan_out(sorted_keys: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(earlier, later) positions of bucket keys sorted by key, then publication: each
    position with the EARLIEST first and PREVIOUS preceding positions of its bucket."""
    at = np.arange(len(sorted_keys))
    start = _runs(sorted_keys)
    pos = at - start
    frm_parts, to_parts = [], []
    for e in range(EARLIEST):
        sel = pos > e
        frm_parts.append(start[sel] + e)
        to_parts.append(at[sel])
    for p in range(1, PREVIOUS + 1):
        sel = pos >= p + EARLIEST
        frm_parts.append(at[sel] - p)
        to_parts.append(at[sel])
    return np.concatenate(frm_parts), np.concatenate(to_parts)


def _links(keys: NDArray[Any], occ_para: NDArray[np.int64], art: NDArray[np.int64],
           n_paras: int) -> NDArray[np.int64]:
    """(later paragraph, earlier paragraph) codes from one banding: each occurrence
    with the EARLIEST first and PREVIOUS preceding occurrences of its bucket."""
    idx = np.argsort(keys, kind="stable")  # occurrences are in publication order
    frm, to = _fan_out(keys[idx])
    pf = occ_para[idx[frm]]
    pt = occ_para[idx[to]]
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
    keep = np.arange(len(pt)) - _runs(pt) < MAX_CANDIDATES
    out: dict[int, list[int]] = defaultdict(list)
    for t, f in zip(pt[keep].tolist(), pf[keep].tolist(), strict=True):
        out[t].append(f)
    return out


Spans = list[tuple[int, int, int]]  # (paragraph, start, end) of each sentence
ParaKey = tuple[str, int]  # (article id, paragraph index)


@dataclass
class _Collected:
    """The units of some articles: paragraphs numbered in the order given, each with
    its article's position, sentence units and quotation units."""

    units: _Units = field(default_factory=_Units)
    keys: list[ParaKey] = field(default_factory=list)
    art_of: array[int] = field(default_factory=lambda: array("i"))
    sents: list[tuple[int, ...]] = field(default_factory=list)
    quotes: list[tuple[int, ...]] = field(default_factory=list)


def _collect(articles: Sequence[tuple[Article, Spans]]) -> _Collected:
    c = _Collected()
    units = c.units
    for k, (a, spans) in enumerate(articles):
        for para, texts in _sentences(a, spans).items():
            n = len(c.keys)
            c.keys.append((a.id, para))
            c.art_of.append(k)
            s_ids = tuple(units.add(words(s)) for s in texts)
            # quotations of the paragraph, and of each sentence (where a stray mark
            # elsewhere in the paragraph would pair the wrong ones)
            quoted = dict.fromkeys([*quotations(" ".join(texts)),
                                    *(q for t in texts for q in quotations(t))])
            q_ids = tuple(units.add(q.split()) for q in quoted)
            for u in dict.fromkeys(s_ids + q_ids):
                units.occurs(u, n)
            c.sents.append(s_ids)
            c.quotes.append(q_ids)
    return c


# --- the batch path: the same candidates, computed per partition -----------------------------
# A Dask batch cannot hold the corpus in one process: it maps bucket_rows over partitions of
# articles, shuffles the rows on `key`, maps bucket_links, shuffles the links on `to_article`
# and maps top_candidates; find(articles, candidates) then verifies. Every step sees only its
# own rows, and the result is the single-process LSH's (test_reuse_buckets checks it).


class Table(Protocol):
    """Named columns: the dict of numpy arrays these functions return, or a pandas
    DataFrame (a Dask partition) or pyarrow Table with the same columns."""

    def __getitem__(self, name: str, /) -> Any: ...


# column -> array, all of one length; pandas.DataFrame(frame) and pyarrow.table(frame) take it
Frame = dict[str, NDArray[Any]]
_GOLDEN = 0x9E3779B97F4A7C15


def order_key(article: Article) -> str:
    """A string that sorts articles as the store does (published, source, id), so that
    partitions agree which article came first without seeing each other. The NUL
    separators sort before any character of a source, as a tuple would.

    >>> import datetime as dt
    >>> a, b = (Article.build(source=s, published=dt.date(2025, 3, 1), paragraphs=[(1, "Hi.")])
    ...         for s in ("a", "a b"))
    >>> order_key(a) < order_key(b)
    True
    """
    published = article.published.isoformat() if article.published else ""
    return f"{published}\0{article.source}\0{article.id}"


def _ranks(values: NDArray[Any]) -> NDArray[np.int64]:
    """Each value's rank among the distinct values, as np.unique's inverse: sorting the
    few distinct strings (articles) is quick, sorting every row's is not.

    >>> _ranks(np.array(["b", "a", "b"], dtype=object)).tolist()
    [1, 0, 1]
    """
    vals = values.tolist()
    rank = {v: i for i, v in enumerate(sorted(dict.fromkeys(vals)))}
    return np.fromiter(map(rank.__getitem__, vals), dtype=np.int64, count=len(vals))


def _sort(*keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """np.lexsort(keys)'s order (the last key first) for keys of non-negative ints, by
    one argsort of the keys packed into an int64 where they fit: lexsort is slower.

    >>> _sort(np.array([1, 0, 0]), np.array([2, 2, 1])).tolist()
    [2, 1, 0]
    """
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for k in reversed(keys):
        width = int(k.max(initial=0)) + 1
        span *= width
        if span >= 2**63:
            return np.asarray(np.lexsort(keys), dtype=np.int64)
        packed = packed * width + k
    return np.asarray(np.argsort(packed, kind="stable"), dtype=np.int64)


def _mix(raw: NDArray[np.uint64], band: int) -> NDArray[np.uint64]:
    """One band's keys (0: the unit's text, 1...: the LSH bands) made corpus-wide keys:
    a bijection within the band, so its buckets stay as they are, while keys of two
    bands meet only by a 64-bit accident (splitmix64's finaliser)."""
    z = raw + np.uint64(band * _GOLDEN % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def bucket_rows(articles: Sequence[tuple[Article, Spans]]) -> Frame:
    """One row per occurrence of a hashed unit (sentence or quotation) and bucket: its
    text's own bucket and its bucket in each LSH band (22 rows an occurrence: size
    partitions for it). Runs on any partition of the articles (`find`'s input, in
    any order): a unit's keys depend on its words alone. The candidates are find's
    own when find is given the articles in order_key order, as the store lists them.

    Columns: `key` (uint64), `order` (the article's order_key: sorting a bucket by
    `order`, `para` gives the single-process order), `article_id`, `para` (int32,
    the paragraph's index). A paragraph's units are distinct, but several may share
    a band's bucket: their rows then sit side by side, so their order is moot.

    >>> import datetime as dt
    >>> text = "The harbour board voted on Tuesday to keep the island ferry running."
    >>> arts = [(Article.build(source=s, published=dt.date(2025, 3, 1), paragraphs=[(1, text)]),
    ...          []) for s in ("a.txt", "b.txt")]
    >>> rows = bucket_rows(arts)
    >>> len(rows["key"])  # one sentence twice, in its own bucket and 21 bands
    44
    >>> top = top_candidates(bucket_links(rows))
    >>> [(t == arts[1][0].id, f == arts[0][0].id, int(h))
    ...  for t, f, h in zip(top["to_article"], top["from_article"], top["hits"])]
    [(True, True, 22)]
    """
    c = _collect(articles)
    units = c.units
    occ_unit = np.frombuffer(units.occ_unit, dtype=np.int32)
    occ_para = np.frombuffer(units.occ_para, dtype=np.int32)
    hashed = [u for u, row in enumerate(units.hashed) if row >= 0]  # in row order
    ident = np.fromiter((_hash64(units.texts[u]) for u in hashed), dtype=np.uint64,
                        count=len(hashed))
    bands = [_mix(ident, 0)]
    if hashed:
        bands += [_mix(k, b) for b, k in enumerate(_band_keys(_signatures(units)), 1)]
    art = np.frombuffer(c.art_of, dtype=np.int32)[occ_para]
    orders = np.array([order_key(a) for a, _ in articles] or [""], dtype=object)
    ids = np.array([a.id for a, _ in articles] or [""], dtype=object)
    para = np.array([k[1] for k in c.keys] or [0], dtype=np.int32)[occ_para]
    n = len(bands)
    return {"key": np.concatenate([k[occ_unit] for k in bands]),
            "order": np.tile(orders[art], n), "article_id": np.tile(ids[art], n),
            "para": np.tile(para, n)}


def bucket_links(rows: Table) -> Frame:
    """(later paragraph, earlier paragraph) links of whole buckets, counted per pair:
    each occurrence with the EARLIEST first and PREVIOUS preceding ones of its bucket,
    from strictly earlier articles only. `rows` (bucket_rows's columns) may hold any
    number of buckets, but each of them whole (a partition after a shuffle on `key`).

    Columns: `to_article`, `to_para` (int32), `from_order`, `from_article`,
    `from_para` (int32), `count` (int64); a pair may recur in other partitions'
    links, and top_candidates adds them up.
    """
    key = np.asarray(rows["key"], dtype=np.uint64)
    order = np.asarray(rows["order"], dtype=object)
    article = np.asarray(rows["article_id"], dtype=object)
    para = np.asarray(rows["para"], dtype=np.int64)
    art = _ranks(order)
    bucket = np.unique(key, return_inverse=True)[1].reshape(-1)
    idx = _sort(para, art, bucket)
    frm, to = _fan_out(bucket[idx])
    frm, to = idx[frm], idx[to]
    keep = art[frm] < art[to]
    frm, to = frm[keep], to[keep]
    _, pid = np.unique(art * (int(para.max(initial=0)) + 1) + para, return_inverse=True)
    pid = pid.reshape(-1)
    code = pid[to] * (int(pid.max(initial=0)) + 1) + pid[frm]
    _, first, count = np.unique(code, return_index=True, return_counts=True)
    t, f = to[first], frm[first]
    return {"to_article": article[t], "to_para": para[t].astype(np.int32),
            "from_order": order[f], "from_article": article[f],
            "from_para": para[f].astype(np.int32), "count": count.astype(np.int64)}


def top_candidates(links: Table) -> Frame:
    """Each paragraph's earlier paragraphs worth verifying: link counts summed per pair,
    then the MAX_CANDIDATES with most links, the earliest (order, paragraph) of equals.
    `links` (bucket_links's columns, from any number of partitions) must hold every
    link of its `to` paragraphs (a partition after a shuffle on `to_article`).

    Columns: `to_article`, `to_para` (int32), `from_article`, `from_para` (int32),
    `hits` (int64) and `rank` (int32, 0 best), sorted by `to` then `rank`; find
    takes the table as it is.
    """
    to_article = np.asarray(links["to_article"], dtype=object)
    to_para = np.asarray(links["to_para"], dtype=np.int64)
    from_order = np.asarray(links["from_order"], dtype=object)
    from_article = np.asarray(links["from_article"], dtype=object)
    from_para = np.asarray(links["from_para"], dtype=np.int64)
    count = np.asarray(links["count"], dtype=np.int64)
    # paragraphs numbered in (order, paragraph) order
    to = np.unique(_ranks(to_article) * (int(to_para.max(initial=0)) + 1) + to_para,
                   return_inverse=True)[1].reshape(-1)
    frm = np.unique(_ranks(from_order) * (int(from_para.max(initial=0)) + 1) + from_para,
                    return_inverse=True)[1].reshape(-1)
    o = _sort(frm, to)
    starts = np.flatnonzero(_new(to[o], frm[o]))
    hits = np.add.reduceat(count[o], starts) if len(o) else count
    first = o[starts]
    o = _sort(frm[first], int(hits.max(initial=0)) - hits, to[first])
    first, hits = first[o], hits[o]
    rank = np.arange(len(first)) - _runs(to[first])
    keep = rank < MAX_CANDIDATES
    first = first[keep]
    return {"to_article": to_article[first], "to_para": to_para[first].astype(np.int32),
            "from_article": from_article[first], "from_para": from_para[first].astype(np.int32),
            "hits": hits[keep], "rank": rank[keep].astype(np.int32)}


def _given(candidates: Mapping[ParaKey, Sequence[ParaKey]] | Table, keys: list[ParaKey],
           art_of: array[int]) -> dict[int, list[int]]:
    """Candidates named by (article id, paragraph) as find's paragraph numbers, those
    from an earlier article only, best first."""
    number = {key: n for n, key in enumerate(keys)}
    if isinstance(candidates, Mapping) and "to_article" not in candidates:
        m = cast(Mapping[ParaKey, Sequence[ParaKey]], candidates)
        named: Iterator[tuple[ParaKey, ParaKey]] = (
            (to, frm) for to, froms in m.items() for frm in froms)
    else:  # top_candidates's table
        t = cast(Table, candidates)
        cols = [np.asarray(t[c]).tolist()
                for c in ("to_article", "to_para", "rank", "from_article", "from_para")]
        named = (((ta, tp), (fa, fp)) for ta, tp, _, fa, fp in sorted(zip(*cols, strict=True)))
    out: dict[int, list[int]] = {}
    for to, frm in named:
        t_n, f_n = (number.get((a, int(p))) for a, p in (to, frm))
        if t_n is None or f_n is None:
            raise ValueError(
                f"candidate {frm} -> {to} names a paragraph that is not a body paragraph "
                "of the articles given; pass find() every article its candidates name")
        if art_of[f_n] < art_of[t_n] and f_n not in out.get(t_n, ()):
            out.setdefault(t_n, []).append(f_n)
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


def find(articles: Sequence[tuple[Article, Spans]],
         candidates: Mapping[ParaKey, Sequence[ParaKey]] | Table | None = None,
         ) -> tuple[list[ReusePair], dict[ParaKey, tuple[str, float]]]:
    """Reuse pairs and each body paragraph's (novelty, share printed before).

    `articles` are (article, sentence spans) in publication order; a paragraph
    is judged only against articles before its own. Cost grows about linearly
    with the corpus: candidates come from LSH buckets of bounded fan-out, and
    each paragraph verifies at most MAX_CANDIDATES of them.

    `candidates`, when the batch path has computed them (`top_candidates`'s
    table, or a mapping from a paragraph to the earlier paragraphs to verify,
    best first), replace the LSH here; those not from an earlier article of
    `articles` are ignored. Paragraphs without candidates are new.
    """
    c = _collect(articles)
    units, keys, art_of, sents, quotes = c.units, c.keys, c.art_of, c.sents, c.quotes
    if candidates is None:
        art = np.frombuffer(art_of, dtype=np.int32).astype(np.int64)
        candidates_of = _candidates(units, art, len(keys))
    else:
        candidates_of = _given(candidates, keys, art_of)

    pairs: list[ReusePair] = []
    novelty: dict[tuple[str, int], tuple[str, float]] = {
        key: ("new", 0.0) for key in keys}
    rows_of = _Rows(units)
    for to in sorted(candidates_of):
        rows = rows_of(sents[to])
        total = sum(r[3] for r in rows) or 1
        said = [units.texts[q] for q in quotes[to]]
        checked = []
        whole = len(articles)  # once a source covers all, only earlier ones can matter
        for frm in candidates_of[to]:
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


def relink(store: Any, candidates: Mapping[ParaKey, Sequence[ParaKey]] | Table | None = None
           ) -> list[ReusePair]:
    """Recompute reuse over the whole store (inside the caller's transaction); with a
    batch run's `candidates` (see find), verify those instead of banding again."""
    arts = [(a, store.sentences(a.id)) for a in store.articles()]
    pairs, novelty = find(arts, candidates)
    store.replace_reuse(pairs, novelty)
    return pairs
