"""What each article recycles and what it adds: paragraph pairs from MinHash LSH over
sentences, checked on word shingles, and every body paragraph new, partly or recycled."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from storytrace.entities.names import ascii_punct
from storytrace.models import Article

SHINGLE = 3  # words per shingle: enough to tell copied phrasing from shared names
NUM_PERM = 64
# Sentences whose shingle sets are this similar become candidates; light edits
# ("which will be" -> "which is set to be") keep a sentence above it.
LSH_THRESHOLD = 0.3
MIN_SHINGLES = 3  # sentences shorter than this ("She added.") prove nothing
# A sentence this close (rapidfuzz ratio) to an earlier one is a light edit of it.
SENTENCE_MATCH = 85
# A paragraph recycles another when this share of its shingles is in it.
PAIR_MIN = 0.25
# A paragraph is recycled when this share of its shingles was printed before,
# partly recycled above PARTLY, and new below.
RECYCLED = 0.7
PARTLY = 0.25


@dataclass(frozen=True, slots=True)
class ReusePair:
    """Paragraph `to` (later) recycles paragraph `frm` (earlier): `similarity` is the
    share of `to`'s words that `frm` printed before."""

    frm: tuple[str, int]  # (article id, paragraph index)
    to: tuple[str, int]
    similarity: float


def shingles(text: str) -> set[str]:
    """Word 3-grams of a normalised text (curly quotes, dashes and case ignored).

    >>> sorted(shingles("The ferry — runs again"))
    ['ferry runs again', 'the ferry runs']
    """
    words = re.findall(r"[a-z0-9]+", ascii_punct(text).lower())
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _sentences(a: Article, spans: list[tuple[int, int, int]]) -> dict[int, list[str]]:
    by_para: dict[int, list[str]] = defaultdict(list)
    text = {p.index: p.text for p in a.body}
    for para, s, e in spans:
        if para in text:
            by_para[para].append(text[para][s:e])
    for p in a.body:  # an article stored without its parse: split at sentence ends
        by_para.setdefault(p.index, _SENTENCE_END.split(p.text))
    return by_para


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def find(articles: list[tuple[Article, list[tuple[int, int, int]]]]
         ) -> tuple[list[ReusePair], dict[tuple[str, int], tuple[str, float]]]:
    """Reuse pairs and each body paragraph's (novelty, share printed before).

    `articles` are (article, sentence spans) in publication order; a paragraph
    is judged only against articles before its own.
    """
    order = {a.id: i for i, (a, _) in enumerate(articles)}
    para_sents: dict[tuple[str, int], list[tuple[str, set[str], int]]] = {}
    units: list[tuple[tuple[str, int], set[str]]] = []
    for a, spans in articles:
        for para, sents in _sentences(a, spans).items():
            rows = []
            for s in sents:
                sh = shingles(s)
                text = " ".join(re.findall(r"[a-z0-9]+", ascii_punct(s).lower()))
                rows.append((text, sh, len(text.split())))
                if len(sh) >= MIN_SHINGLES:
                    units.append(((a.id, para), sh))
            para_sents[(a.id, para)] = rows
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = MinHash.bulk([[x.encode() for x in sh] for _, sh in units], num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(hashes):
            session.insert(i, m)
    candidates: dict[tuple[str, int], set[tuple[str, int]]] = defaultdict(set)
    for i, m in enumerate(hashes):
        key = units[i][0]
        for j in lsh.query(m):
            other = units[j][0]
            if order[other[0]] < order[key[0]]:
                candidates[key].add(other)
    pairs = []
    novelty: dict[tuple[str, int], tuple[str, float]] = {}
    for key, rows in para_sents.items():
        total = sum(n for _, _, n in rows) or 1
        covered = [0.0] * len(rows)
        for other in sorted(candidates.get(key, ())):
            got = _aligned(rows, para_sents[other])
            sim = sum(got) / total
            if sim >= PAIR_MIN:
                pairs.append(ReusePair(other, key, round(sim, 3)))
                covered = [max(c, g) for c, g in zip(covered, got, strict=True)]
        share = sum(covered) / total
        kind = "recycled" if share >= RECYCLED else "partly" if share >= PARTLY else "new"
        novelty[key] = (kind, round(share, 3))
    pairs.sort(key=lambda p: (order[p.to[0]], p.to[1], -p.similarity))
    return pairs, novelty


def _aligned(rows: list[tuple[str, set[str], int]],
             source: list[tuple[str, set[str], int]]) -> list[float]:
    """Words of each sentence of a paragraph that an earlier paragraph already printed.

    A sentence that closely matches one of the earlier paragraph's sentences
    (a reprint, or a light edit: "which will be" / "which is set to be") counts
    whole; otherwise the share of its shingles found there.
    """
    source_sh = set().union(*(sh for _, sh, _ in source)) if source else set()
    out = []
    for text, sh, n in rows:
        if len(sh) < MIN_SHINGLES:
            out.append(0.0)
            continue
        best = max((fuzz.ratio(text, t) for t, _, _ in source), default=0.0)
        if best >= SENTENCE_MATCH:
            out.append(float(n))
        else:
            shared = len(sh & source_sh)
            out.append(n * shared / len(sh) if shared >= MIN_SHINGLES else 0.0)
    return out


STAGE = "reuse"


def relink(store: Any) -> list[ReusePair]:
    """Recompute reuse over the whole store (inside the caller's transaction)."""
    arts = [(a, store.sentences(a.id)) for a in store.articles()]
    pairs, novelty = find(arts)
    store.replace_reuse(pairs, novelty)
    return pairs
