#!/usr/bin/env python3
"""Reuse detection on planted copies (Timeline17), and how `reuse.find` scales.

    python bench/reuse.py [--data PATH] [--json OUT] [--limit N] [--seed S]
                          [--per-kind K] [--sentence-spans]
                          [--scale 10k,100k,1m] [--no-scale]

System under test: `storytrace.reuse.find(articles)` with its module
constants, given every article as `(Article, [])` in publication order (it
splits sentences itself; `--sentence-spans` passes the data's own sentence
boundaries instead, as a parsed store would).

Data: `../shared/benchdata/timeline17` (its `articles/*.jsonl.gz`), or any
folder of that layout, any folder of `*.jsonl[.gz]` files, or one such file:
one article a line with `id`, `date` (YYYY-MM-DD) and `text` (one sentence a
line, PTB-tokenised); `topic` (else `folder`) is used only to pick unrelated
filler. Empty texts and exact duplicates (same date and text) are left out.
`--limit N` keeps a seeded random sample of N articles (so every topic stays
in). Each text is lightly detokenised (`bench/stories.py`'s `detok`: `` ''
-LRB- -RRB-, spaces before punctuation) and consecutive sentences are grouped
into paragraphs of 2-4 sentences (seeded per article id).

Planting (seed `--seed`, default 0). For each kind, K source paragraphs are
sampled (K = `--per-kind`, default min(250, max(4, articles // 10)); at most
one source paragraph per article; only paragraphs none of whose sentences of
4+ words appears, whole or by a word 8-gram, in any other paragraph of the
data, so that page furniture, reprints and comment threads in the data do
not blur the gold) and one planted paragraph made from each:
- `verbatim`: the paragraph as it is (>= 2 sentences, >= 20 words);
- `trimmed`: its first or last sentence dropped (>= 3 sentences);
- `edited`: 2-4 light edits: word substitutions ("will be" -> "is set to
  be", "said" -> "says", "more than" -> "over", ...), an adverb inserted
  after an auxiliary ("has also"), a comma turned into a dash, dashes,
  straight/curly quotes or "%"/"percent" changed; at least one word edit;
- `quote`: rebuilt around the same quotation: the paragraph's longest
  double-quoted span (>= 8 words; quote marks balanced in every sentence)
  is kept word for word inside a new attribution to an invented speaker,
  one name per plant (`"...," Dana Ellery said on Monday.`, `Ivo Szabo told
  reporters this week: "..."`), and every other word of the paragraph is
  dropped.
A third of the plants of each kind are `mixed`: 1-2 unrelated sentences are
added before or after, taken from an article of another topic dated after
the planted one (so they are new when the planted paragraph is printed),
sentences of 6+ words printed in no other paragraph, each filler article
used once and never a source's article.
Half of the plants are inserted at a random place into an existing article
of the same topic dated 1-30 days after the source ("insert"); the others,
and those without such a host, become a one-paragraph "copy" article dated
1-10 days after the source. Each (source paragraph -> planted paragraph) is
one gold pair.

Scores, over pairs whose `to` is a planted paragraph only: pairs between two
original articles are counted neither way, because the data's own
duplication (outlets reprinting updates, wire copy) is not annotated.
- `precision`: share of reported pairs into a planted paragraph whose `frm`
  is its gold source. `precision_lenient` (details) also accepts an "echo":
  a `frm` whose words shared with the planted paragraph are mostly (>= half
  of the shared word 3-grams) the source's own words, i.e. an earlier
  printing of the same text, which the data does not annotate.
- `recall`: share of gold pairs reported. Both per kind, and recall also
  per mixed/plain and copy/insert.
- `pairs_per_s`: **paragraphs processed per second**: body paragraphs given
  to `find` (originals plus planted) divided by the wall time of the `find`
  call alone (not reading or building the articles). The name is the
  contract's; paragraphs are the clearer unit, because the number of
  candidate pairs `find` verifies is internal to it.

Baseline, in this process on the same paragraphs (`datasketch_plain`): the
plain documented datasketch usage: one `MinHash(num_perm=128)` per
paragraph, `update` with each word 3-gram shingle (lower-cased `\\w+` words),
`MinHashLSH(threshold=0.5, num_perm=128)`, `insert` all, then `query` each;
every candidate from an earlier article is a reported pair (no verification).
Paragraphs with no shingle are skipped. Scored and timed as above.

Scale (synthetic; independent of `--data`): `storytrace.synth.generate(n,
seed=S)` records, each made an Article from its text paragraphs and run
through `storytrace.clean.clean` (as ingest does, so promos and bylines are
not body), sorted by date, taken until about 10k / 100k / 1M body
paragraphs (`--scale`; 30k also known). Each (system, size) runs in a fresh child
process of this script, so memory figures do not mix: `seconds` is the wall
time of the call alone and `peak_mb` the growth of peak RSS during it
(VmHWM after, reset just before the call, minus VmRSS before; ru_maxrss
where /proc is missing). Children are capped at `--max-mb` of
address space and `--scale-timeout` seconds; a run that hits either is
reported as not finished. Metrics `seconds_10k`, `peak_mb_10k`, ... (and the
baseline's under `baselines.datasketch_plain`); at scale the baseline counts
its candidate pairs rather than keeping them. The growth exponent between
two sizes is log(t2/t1) / log(n2/n1) (and the same of peak MB): 1.0 is
linear, 2.0 quadratic. Each size's row also profiles the corpus (`corpus`:
sentences, the share of sentence printings that repeat an earlier one word
for word, the most printings of one sentence), to show that it is not
trivially unique text: stories reprint their own paragraphs with light
edits, and boilerplate sentences recur across stories.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import datetime as dt
import gc
import hashlib
import importlib.util
import itertools
import json
import math
import os
import pickle
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import write_result
from storytrace import Article
from storytrace.reuse import find, shingles


def _sibling(name: str) -> Any:
    """Another bench script, imported by path (bench/ is not a package)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ecb = _sibling("stories")  # detok, jsonl_files, read_jsonl, shown

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "benchdata" / "timeline17"

KINDS = ("verbatim", "trimmed", "edited", "quote")
MIN_WORDS = 20  # a source paragraph has at least this many words
QUOTE_MIN_WORDS = 8
PRINTED_NGRAM = 8  # a sentence sharing a word 8-gram with another document was reprinted
MIXED_SHARE = 1 / 3
INSERT_SHARE = 0.5
HOST_DAYS = 30
COPY_DAYS = 10
NUM_PERM = 128  # the baseline's documented defaults
LSH_THRESHOLD = 0.5
SIZES = {"10k": 10_000, "30k": 30_000, "100k": 100_000, "1m": 1_000_000}
BODY_PER_ARTICLE = 17  # synth articles have about 18 body paragraphs after cleaning

Key = str  # a paragraph's identity: "<doc key>#<n>" for originals, "plant<n>" for plants


# --- documents ----------------------------------------------------------------------------

@dataclass
class Para:
    key: Key
    sents: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.sents)


@dataclass
class Doc:
    key: str
    date: dt.date
    topic: str
    paras: list[Para] = field(default_factory=list)
    copy: bool = False


@dataclass(frozen=True)
class Plant:
    key: Key  # the planted paragraph
    source: Key  # its gold source paragraph
    kind: str
    mixed: bool
    where: str  # "copy" (a new article) or "insert" (into a later original)
    doc: str  # the article that holds it


def group_sentences(sents: Sequence[str], rng: random.Random) -> list[list[str]]:
    """Consecutive sentences in paragraphs of 2-4 (a last odd one may stand alone).

    >>> group_sentences(list("abcdefg"), random.Random(0))
    [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]
    """
    out, i = [], 0
    while i < len(sents):
        k = rng.randint(2, 4)
        out.append(list(sents[i:i + k]))
        i += k
    return out


def make_doc(key: str, date: dt.date, topic: str, text: str, seed: int) -> Doc:
    """A document from a sentence-per-line PTB text: detokenised, grouped into paragraphs."""
    sents = [s for s in (line.strip() for line in ecb.detok(text).splitlines()) if s]
    groups = group_sentences(sents, random.Random(f"{seed}:{key}"))
    return Doc(key, date, topic, [Para(f"{key}#{i}", g) for i, g in enumerate(groups)])


def article_files(data: Path) -> list[Path]:
    if data.is_dir() and (data / "articles").is_dir():
        data = data / "articles"
    return list(ecb.jsonl_files(data))


def _date(rec: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(rec.get("date") or rec.get("published"))[:10])


def load(data: Path, limit: int | None, seed: int) -> tuple[list[Doc], int]:
    """Documents in (date, key) order, and how many exact duplicates were left out."""
    seen: set[tuple[dt.date, str]] = set()
    docs, dupes = [], 0
    for n, rec in enumerate(ecb.read_jsonl(article_files(data))):
        text = str(rec.get("text") or "")
        if not text.strip():
            continue
        date = _date(rec)
        norm = " ".join(text.split())
        if (date, norm) in seen:
            dupes += 1
            continue
        seen.add((date, norm))
        key = str(rec.get("id") or f"doc{n}")
        topic = str(rec.get("topic") or rec.get("folder") or "")
        docs.append(make_doc(key, date, topic, text, seed))
    if limit is not None and limit < len(docs):
        docs = random.Random(seed).sample(docs, limit)
    docs.sort(key=lambda d: (d.date, d.key))
    return docs, dupes


# --- planting -------------------------------------------------------------------------------

WORD_SWAPS = (("will be", "is set to be"), ("said", "says"),
              ("more than", "over"), ("about", "around"), ("began", "started"),
              ("because", "as"), ("however", "but"), ("people", "residents"),
              ("company", "firm"), ("officials", "authorities"), ("government", "administration"),
              ("would", "could"), ("after", "following"), ("before", "ahead of"),
              ("think", "believe"), ("big", "large"), ("told", "informed"), ("help", "assist"))
AUX = re.compile(r"\b(has|have|had|is|was|are|were|will|would|could|can)\b")
ADVERBS = ("also", "now", "still", "reportedly", "already")


def _swap(s: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in WORD_SWAPS if re.search(rf"\b{a}\b", s)]
    if not options:
        return None
    a, b = rng.choice(options)
    return re.sub(rf"\b{a}\b", b, s, count=1)


def _insert(s: str, rng: random.Random) -> str | None:
    hits = list(AUX.finditer(s))
    if not hits:
        return None
    m = rng.choice(hits)
    return f"{s[:m.end()]} {rng.choice(ADVERBS)}{s[m.end():]}"


def _comma_dash(s: str, rng: random.Random) -> str | None:
    spots = [m.start() for m in re.finditer(", ", s)]
    if not spots:
        return None
    i = rng.choice(spots)
    return f"{s[:i]} — {s[i + 2:]}"


def _dashes(s: str, rng: random.Random) -> str | None:
    for old, new in ((" -- ", " — "), (" — ", ", "), (" - ", " – ")):
        if old in s:
            return s.replace(old, new, 1)
    return None


def _curly(s: str, rng: random.Random) -> str | None:
    if s.count('"') < 2:
        return None
    out, opening = [], True
    for ch in s:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def _percent(s: str, rng: random.Random) -> str | None:
    if re.search(r"\d%", s):
        return re.sub(r"(\d)%", r"\1 percent", s, count=1)
    if re.search(r"\d percent\b", s):
        return re.sub(r"(\d) percent\b", r"\1%", s, count=1)
    return None


WORD_EDITS: tuple[Callable[[str, random.Random], str | None], ...] = (_swap, _swap, _insert)
PUNCT_EDITS: tuple[Callable[[str, random.Random], str | None], ...] = (
    _comma_dash, _dashes, _curly, _percent)


def can_edit(sents: Sequence[str]) -> bool:
    """Whether a word edit applies anywhere (the `edited` kind needs one)."""
    rng = random.Random(0)
    return any(f(s, rng) is not None for s in sents for f in (_swap, _insert))


def edit(sents: Sequence[str], rng: random.Random) -> list[str]:
    """2-4 light edits, the first of them to the words.

    >>> edit(["Fares will be higher.", "It said so."], random.Random(1)) != [
    ...     "Fares will be higher.", "It said so."]
    True
    """
    out = list(sents)

    def once(ops: Sequence[Callable[[str, random.Random], str | None]]) -> bool:
        spots = [(i, op) for i in range(len(out)) for op in ops]
        rng.shuffle(spots)
        for i, op in spots:
            new = op(out[i], rng)
            if new is not None and new != out[i]:
                out[i] = new
                return True
        return False

    once(WORD_EDITS)
    for _ in range(rng.randint(1, 3)):
        once(WORD_EDITS if rng.random() < 0.5 else PUNCT_EDITS)
    return out


QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def quotation(text: str) -> str | None:
    """The longest double-quoted span of at least QUOTE_MIN_WORDS words.

    >>> quotation('He said: "We will not leave this town until the job is done," and left.')
    'We will not leave this town until the job is done,'
    >>> quotation('A "short one" only.') is None
    True
    """
    spans = [m[1] or m[2] for m in QUOTED.finditer(text)]
    spans = [s.strip() for s in spans if len(s.split()) >= QUOTE_MIN_WORDS]
    return max(spans, key=len) if spans else None


WHEN = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
        "on Sunday", "late on Tuesday", "this week", "earlier in the day", "hours later")


def speakers(rng: random.Random) -> list[str]:
    """Invented full names (storytrace.synth's), shuffled: one per rebuilt quote, so that
    two rebuilt passages never share their attribution's words."""
    from storytrace import synth

    names = [f"{f} {last}" for f in synth.FIRST for last in synth.LAST]
    rng.shuffle(names)
    return names


def rebuild_quote(quote: str, rng: random.Random, who: str = "Dana Ellery") -> str:
    """A new sentence around a kept quotation: only the quoted words are the source's.

    >>> q = "We will not leave this town until the job is done,"
    >>> q[:-1] in rebuild_quote(q, random.Random(3))
    True
    """
    body = quote.strip().rstrip(".,;: ")
    end = body[-1] if body.endswith(("?", "!")) else "."
    body = body.rstrip("?!")
    comma = "," if end == "." else end
    when = rng.choice(WHEN)
    shape = rng.randrange(4)
    if shape == 0:
        return f'"{body}{comma}" {who} said {when}.'
    if shape == 1:
        return f'{who} said {when}: "{body}{end}"'
    if shape == 2:
        return f'"{body}{comma}" said {who}.'
    return f'{who} told reporters {when}: "{body}{end}"'


def _norm(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))


def _fingerprints(sentence: str) -> set[int]:
    """The whole (normalised) sentence of 4+ words and each of its word 8-grams, hashed."""
    words = _norm(sentence).split()
    if len(words) < 4:
        return set()
    parts = [" ".join(words)] + [" ".join(words[i:i + PRINTED_NGRAM])
                                 for i in range(len(words) - PRINTED_NGRAM + 1)]
    return {int.from_bytes(hashlib.blake2b(x.encode(), digest_size=8).digest(), "big")
            for x in parts}


class Printed:
    """Which sentences were printed in more than one paragraph, wholly or by a word 8-gram.

    A source or filler sentence printed elsewhere too (page furniture, reprints,
    an outlet's updated version, reader comments quoting each other) would make
    `find`'s links to those other printings look like errors, so planting uses
    only sentences printed once in the whole data.

    >>> d = [Doc("a", dt.date(2020, 1, 1), "", [Para("a#0", ["One two three four five."])]),
    ...      Doc("b", dt.date(2020, 1, 2), "", [Para("b#0", ["one two three four five",
    ...                                                       "Six seven eight nine."])])]
    >>> pr = Printed(d)
    >>> pr.once(["Six seven eight nine."]), pr.once(["One two three four five."])
    (True, False)
    """

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.owner: dict[int, int] = {}
        k = 0
        for d in docs:
            for p in d.paras:
                k += 1
                for s in p.sents:
                    for f in _fingerprints(s):
                        if self.owner.setdefault(f, k) != k:
                            self.owner[f] = -1

    def once(self, sents: Iterable[str]) -> bool:
        return all(self.owner.get(f, 0) != -1 for s in sents for f in _fingerprints(s))


def eligible(kind: str, para: Para) -> bool:
    words = len(para.text.split())
    if kind == "quote":  # balanced quote marks in each sentence: no quote across sentences
        return (all(x.count('"') % 2 == 0 and x.count("“") == x.count("”") for x in para.sents)
                and quotation(para.text) is not None)
    if words < MIN_WORDS or len(para.sents) < 2:
        return False
    if kind == "trimmed":
        return len(para.sents) >= 3
    if kind == "edited":
        return can_edit(para.sents)
    return True


def planted_sentences(kind: str, para: Para, rng: random.Random, who: str = "Dana Ellery"
                      ) -> list[str]:
    if kind == "verbatim":
        return list(para.sents)
    if kind == "trimmed":
        return list(para.sents[1:] if rng.random() < 0.5 else para.sents[:-1])
    if kind == "edited":
        return edit(para.sents, rng)
    quote = quotation(para.text)
    assert quote is not None
    return [rebuild_quote(quote, rng, who)]


class _Stream:
    """Original documents by date, to find hosts and fillers quickly."""

    def __init__(self, docs: Sequence[Doc], printed: Printed) -> None:
        self.docs = sorted(docs, key=lambda d: (d.date, d.key))
        self.printed = printed
        self.taken: set[str] = set()  # source articles and fillers' articles, used once
        self.dates = [d.date for d in self.docs]
        self.by_topic: dict[str, list[Doc]] = defaultdict(list)
        for d in self.docs:
            self.by_topic[d.topic].append(d)

    def host(self, src: Doc, rng: random.Random) -> Doc | None:
        """A same-topic article dated 1-HOST_DAYS days after `src`."""
        same = self.by_topic[src.topic]
        dates = [d.date for d in same]
        lo = bisect.bisect_right(dates, src.date)
        hi = bisect.bisect_right(dates, src.date + dt.timedelta(days=HOST_DAYS))
        return rng.choice(same[lo:hi]) if hi > lo else None

    def filler(self, after: dt.date, src: Doc, rng: random.Random) -> list[str] | None:
        """1-2 sentences of one paragraph of an article of another topic (when topics are
        known) dated after `after`, printed nowhere else."""
        lo = bisect.bisect_right(self.dates, after)
        later = [d for d in self.docs[lo:] if d.paras and d.key not in self.taken
                 and (d.topic != src.topic or not src.topic)]
        for _ in range(20 if later else 0):
            doc = rng.choice(later)
            sents = [s for s in rng.choice(doc.paras).sents
                     if len(s.split()) >= 6 and self.printed.once([s])]
            if sents:
                self.taken.add(doc.key)
                i = rng.randrange(len(sents))
                return sents[i:i + rng.randint(1, 2)]
        return None


def plant(docs: Sequence[Doc], per_kind: int, rng: random.Random
          ) -> tuple[list[Doc], list[Plant]]:
    """The documents with planted paragraphs inserted and copy articles added, and the gold.

    `docs` are left as they are; the result holds copies, in (date, key) order.
    """
    docs = [dataclasses.replace(d, paras=list(d.paras)) for d in docs]
    printed = Printed(docs)
    stream = _Stream(docs, printed)
    candidates = [(d, p) for d in docs for p in d.paras if printed.once(p.sents)]
    rng.shuffle(candidates)
    chosen: list[tuple[str, Doc, Para]] = []
    # first every source (the scarcest kind first, so it is not starved of articles), then
    # the plants, so that no filler comes from a source's article
    for kind in ("quote", "trimmed", "edited", "verbatim"):
        taken = 0
        for src, para in candidates:
            if taken >= per_kind:
                break
            if src.key not in stream.taken and eligible(kind, para):
                stream.taken.add(src.key)
                chosen.append((kind, src, para))
                taken += 1
    plants: list[Plant] = []
    copies: list[Doc] = []
    inserts: list[tuple[Doc, Para]] = []
    names = speakers(rng)
    for n, (kind, src, para) in enumerate(chosen):
        sents = planted_sentences(kind, para, rng, names[n % len(names)])
        host = stream.host(src, rng) if rng.random() < INSERT_SHARE else None
        date = host.date if host else src.date + dt.timedelta(days=rng.randint(1, COPY_DAYS))
        extra = stream.filler(date, src, rng) if rng.random() < MIXED_SHARE else None
        if extra:
            sents = extra + sents if rng.random() < 0.5 else sents + extra
        new = Para(f"plant{n}", sents)
        if host is not None:
            inserts.append((host, new))
            doc_key = host.key
        else:
            doc_key = f"copy{n}"
            copies.append(Doc(doc_key, date, src.topic, [new], copy=True))
        plants.append(Plant(new.key, para.key, kind, bool(extra),
                            "insert" if host else "copy", doc_key))
    for host, new in inserts:
        host.paras.insert(rng.randint(0, len(host.paras)), new)
    out = docs + copies
    out.sort(key=lambda d: (d.date, d.key))
    return out, plants


# --- running find ---------------------------------------------------------------------------

def build(docs: Sequence[Doc], spans: bool = False
          ) -> tuple[list[tuple[Article, list[tuple[int, int, int]]]], dict[tuple[str, int], Key]]:
    """`find`'s input in the documents' order, and each (article id, index)'s paragraph key."""
    arts: list[tuple[Article, list[tuple[int, int, int]]]] = []
    where: dict[tuple[str, int], Key] = {}
    seen: set[str] = set()
    for d in docs:
        a = Article.build(source=d.key, published=d.date,
                          paragraphs=[(i + 1, p.text) for i, p in enumerate(d.paras)])
        if a.id in seen:
            raise ValueError(f"two articles with one content id: {d.key}")
        seen.add(a.id)
        sp: list[tuple[int, int, int]] = []
        for i, p in enumerate(d.paras):
            where[(a.id, i)] = p.key
            if spans:
                pos = 0
                for s in p.sents:
                    sp.append((i, pos, pos + len(s)))
                    pos += len(s) + 1
        arts.append((a, sp))
    return arts, where


def word_shingles(text: str) -> set[str]:
    """The baseline's shingles: word 3-grams of lower-cased `\\w+` words.

    >>> sorted(word_shingles("The ferry runs again."))
    ['ferry runs again', 'the ferry runs']
    """
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}


def datasketch_plain(units: Sequence[tuple[int, Any, str]], keep: bool = True
                     ) -> tuple[list[tuple[Any, Any]], int]:
    """The plain datasketch usage over (article order, key, text): pairs (earlier -> later).

    With `keep=False` only the number of pairs is returned (the list stays empty).
    """
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = []
    for i, (_, _, text) in enumerate(units):
        sh = word_shingles(text)
        if not sh:
            hashes.append(None)
            continue
        m = MinHash(num_perm=NUM_PERM)
        for s in sh:
            m.update(s.encode("utf8"))
        lsh.insert(i, m)
        hashes.append(m)
    pairs: list[tuple[Any, Any]] = []
    count = 0
    for i, m in enumerate(hashes):
        if m is None:
            continue
        for j in lsh.query(m):
            if units[j][0] < units[i][0]:
                count += 1
                if keep:
                    pairs.append((units[j][1], units[i][1]))
    return pairs, count


# --- scoring ------------------------------------------------------------------------------------

def is_echo(frm: str, to: str, source: str) -> bool:
    """Whether what `frm` shares with the planted `to` is mostly the source's own words.

    >>> src = "The harbour board voted on Tuesday to keep the island ferry running."
    >>> is_echo(src + " It was late.", src, src)
    True
    >>> is_echo("The harbour board met at noon and voted on nothing at all.", src, src)
    False
    """
    shared = shingles(frm) & shingles(to)
    if len(shared) < 3:
        return False
    return len(shared & shingles(source)) >= 0.5 * len(shared)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def score(pairs: Iterable[tuple[Key, Key]], plants: Sequence[Plant],
          echo: Callable[[Key, Key, Key], bool] | None = None) -> dict[str, Any]:
    """Precision and recall of (frm, to) paragraph pairs against the planted gold.

    Only pairs whose `to` is planted count. `echo(frm, to, source)` says
    whether a wrong `frm` is an earlier printing of the source's words.

    >>> g = [Plant("p0", "a#1", "verbatim", False, "copy", "c0"),
    ...      Plant("p1", "b#0", "quote", True, "insert", "d")]
    >>> s = score([("a#1", "p0"), ("x#0", "p0"), ("a#0", "b#2")], g)
    >>> s["all"]["precision"], s["all"]["recall"], s["quote"]["recall"]
    (0.5, 0.5, 0.0)
    """
    gold = {p.key: p for p in plants}
    found: set[Key] = set()
    c: dict[str, Counter[str]] = defaultdict(Counter)
    errors: list[dict[str, Any]] = []
    for frm, to in set(pairs):
        p = gold.get(to)
        if p is None:
            continue
        for group in ("all", p.kind):
            c[group]["pairs"] += 1
        if frm == p.source:
            found.add(to)
            for group in ("all", p.kind):
                c[group]["correct"] += 1
        elif echo is not None and echo(frm, to, p.source):
            for group in ("all", p.kind):
                c[group]["echo"] += 1
        else:
            errors.append({"error": "false_pair", "frm": frm, "to": to, "kind": p.kind,
                           "mixed": p.mixed})
    linked = {to for _, to in set(pairs)}
    for p in plants:
        groups = ("all", p.kind, f"{p.kind}.{'mixed' if p.mixed else 'plain'}",
                  f"all.{'mixed' if p.mixed else 'plain'}", f"all.{p.where}")
        for group in groups:
            c[group]["gold"] += 1
            c[group]["found"] += p.key in found
        if p.key not in found:
            errors.append({"error": "missed_linked_elsewhere" if p.key in linked
                           else "missed_no_pair", "frm": p.source, "to": p.key,
                           "kind": p.kind, "mixed": p.mixed})
    out: dict[str, Any] = {}
    for group, n in sorted(c.items()):
        row: dict[str, Any] = {"gold": n["gold"], "found": n["found"],
                               "recall": _ratio(n["found"], n["gold"])}
        if "." not in group:
            row |= {"pairs": n["pairs"], "correct": n["correct"], "echo": n["echo"],
                    "precision": _ratio(n["correct"], n["pairs"]),
                    "precision_lenient": _ratio(n["correct"] + n["echo"], n["pairs"])}
        out[group] = row
    for kind in ("all", *KINDS):
        out.setdefault(kind, {"gold": 0, "found": 0, "recall": 0.0, "pairs": 0, "correct": 0,
                              "echo": 0, "precision": 0.0, "precision_lenient": 0.0})
    out["errors"] = errors
    return out


def error_counts(errors: Sequence[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(f"{e['error']}.{e['kind']}" for e in errors).items()))


# --- scale ------------------------------------------------------------------------------------

def synth_articles(target: int, seed: int) -> list[Article]:
    """Cleaned synthetic articles in date order, about `target` body paragraphs in all."""
    from storytrace import synth
    from storytrace.clean import clean

    n = max(1, math.ceil(target / BODY_PER_ARTICLE * 1.1))
    arts, count = [], 0
    for rec in synth.generate(n, seed=seed):
        a = clean(Article.build(
            source=rec["id"], published=dt.date.fromisoformat(rec["published"]),
            title=rec["title"], outlet=rec["outlet"],
            paragraphs=[(i + 1, t) for i, t in enumerate(rec["text"].split("\n\n"))]))
        arts.append(a)
        count += len(a.body)
        if count >= target:
            break
    arts.sort(key=lambda a: (a.published or dt.date.min, a.source))
    return arts


def _status_mb(field: str) -> float | None:
    """A memory figure of /proc/self/status (Linux), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak() -> bool:
    """Reset the peak-RSS mark (VmHWM) of this process, where Linux allows it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    """Peak RSS: VmHWM where there is one (ru_maxrss survives exec, so after a fork
    from a big parent it reports the parent's size), else ru_maxrss."""
    hwm = _status_mb("VmHWM")
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def profile(arts: Sequence[Article]) -> dict[str, Any]:
    """How repetitive a corpus is, sentence by sentence (exact, after normalising).

    >>> a = Article.build(source="a", published=dt.date(2024, 1, 1), paragraphs=[
    ...     (1, "The pier is shut. It rained."), (2, "The pier is shut.")])
    >>> profile([a])
    {'paragraphs': 2, 'sentences': 3, 'repeated_share': 0.3333, 'max_printings': 2}
    """
    from storytrace.reuse import split_sentences, words

    seen: Counter[int] = Counter()
    n_paras = 0
    for a in arts:
        for p in a.body:
            n_paras += 1
            for sent in split_sentences(p.text):
                seen[hash(" ".join(words(sent)))] += 1
    total = sum(seen.values())
    return {"paragraphs": n_paras, "sentences": total,
            "repeated_share": _ratio(total - len(seen), total),
            "max_printings": max(seen.values(), default=0)}


def scale_worker(system: str, target: int, seed: int, max_mb: int,
                 cache: Path | None = None) -> dict[str, Any]:
    """One (system, size) measurement; run in a child process of its own.

    With `cache`, the generated corpus is read from that pickle if it is there,
    else written to it, so the second system of a size skips generating it again.
    """
    if max_mb > 0:
        cap = max_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            arts = pickle.load(f)
    else:
        arts = synth_articles(target, seed)
        if cache is not None:
            with cache.open("wb") as f:
                pickle.dump(arts, f, protocol=pickle.HIGHEST_PROTOCOL)
    units = [(k, (a.id, p.index), p.text) for k, a in enumerate(arts) for p in a.body]
    row: dict[str, Any] = {"system": system, "articles": len(arts), "paragraphs": len(units)}
    if system == "storytrace":
        row["corpus"] = profile(arts)
    inputs: list[tuple[Article, list[tuple[int, int, int]]]] = [(a, []) for a in arts]
    gc.collect()
    _reset_peak()
    before = _status_mb("VmRSS") or _peak_rss_mb()
    t0 = time.perf_counter()
    try:
        if system == "storytrace":
            pairs, _ = find(inputs)
            row["pairs"] = len(pairs)
            del pairs
        else:
            row["pairs"] = datasketch_plain(units, keep=False)[1]
    except MemoryError:
        row["error"] = f"MemoryError at the {max_mb:,} MB address-space cap"
    row["seconds"] = round(time.perf_counter() - t0, 3)
    row["peak_mb"] = round(max(0.0, _peak_rss_mb() - before), 1)
    if "error" not in row:
        row["paragraphs_per_s"] = round(len(units) / row["seconds"], 1) if row["seconds"] else 0
    return row


def _proc_mb(pid: int, field: str) -> float | None:
    """A memory figure of another process (Linux /proc), in MB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def measure(cmd: list[str], timeout: float) -> dict[str, Any]:
    """Run one scale child; past `timeout` stop it and say how big it had grown."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.perf_counter() + timeout
    while True:
        try:
            out, err = proc.communicate(timeout=max(0.1, min(5.0, deadline - time.perf_counter())))
            break
        except subprocess.TimeoutExpired:
            if time.perf_counter() < deadline:
                continue
            hwm = _proc_mb(proc.pid, "VmHWM")
            proc.kill()
            proc.communicate()
            row: dict[str, Any] = {"error": f"over the {timeout:,.0f} s time limit"}
            if hwm is not None:
                row["child_peak_rss_mb_when_stopped"] = round(hwm, 1)
                row["error"] += f" (the child's peak RSS had reached {hwm:,.0f} MB)"
            return row
    lines = out.strip().splitlines()
    if proc.returncode == 0 and lines:
        return dict(json.loads(lines[-1]))
    return {"error": f"exit {proc.returncode}: {err.strip()[-300:]}"}


def run_scale(sizes: Sequence[str], seed: int, max_mb: int, timeout: float) -> list[dict[str, Any]]:
    rows = []
    tmp = tempfile.TemporaryDirectory(prefix="storytrace-bench-reuse-")
    for label in sizes:
        for system in ("storytrace", "datasketch_plain"):
            cmd = [sys.executable, str(Path(__file__).resolve()), "--scale-worker",
                   f"{system}:{SIZES[label]}", "--seed", str(seed), "--max-mb", str(max_mb),
                   "--corpus-cache", str(Path(tmp.name) / f"{label}.pickle")]
            t0 = time.perf_counter()
            row = measure(cmd, timeout)
            row |= {"size": label, "system": system,
                    "wall_seconds": round(time.perf_counter() - t0, 1)}
            print(f"  scale {label:>5} {system:<17} " + (
                f"{row['paragraphs']:>9,} paragraphs {row['seconds']:>9.1f} s "
                f"{row['peak_mb']:>8,.0f} MB {row.get('pairs', 0):>12,} pairs"
                if "error" not in row else row["error"]), flush=True)
            rows.append(row)
        (Path(tmp.name) / f"{label}.pickle").unlink(missing_ok=True)
    tmp.cleanup()
    return rows


def growth(rows: Sequence[dict[str, Any]], system: str, of: str = "seconds"
           ) -> list[tuple[str, float]]:
    """Exponent k of seconds (or `of`) ~ paragraphs**k between consecutive finished sizes.

    >>> growth([{"system": "s", "size": "a", "paragraphs": 10, "seconds": 1.0},
    ...         {"system": "s", "size": "b", "paragraphs": 100, "seconds": 100.0}], "s")
    [('a->b', 2.0)]
    """
    done = [r for r in rows if r["system"] == system and "error" not in r]
    out = []
    for a, b in itertools.pairwise(done):
        if a[of] > 0 and b[of] > 0 and b["paragraphs"] != a["paragraphs"]:
            k = math.log(b[of] / a[of]) / math.log(b["paragraphs"] / a["paragraphs"])
            out.append((f"{a['size']}->{b['size']}", round(k, 2)))
    return out


# --- the benchmark -----------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    data = Path(args.data)
    originals, dupes = load(data, args.limit, args.seed)
    per_kind = args.per_kind or min(250, max(4, len(originals) // 10))
    docs, plants = plant(originals, per_kind, random.Random(args.seed))
    arts, where = build(docs, spans=args.sentence_spans)
    texts = {p.key: p.text for d in docs for p in d.paras}
    n_paras = len(where)
    print(f"reuse benchmark: {ecb.shown(data)}: {len(originals):,} articles "
          f"({dupes} exact duplicates left out), {len(plants):,} planted paragraphs, "
          f"{len(arts):,} articles and {n_paras:,} paragraphs given to find", flush=True)

    t0 = time.perf_counter()
    pairs, _ = find(arts)
    find_s = time.perf_counter() - t0
    ours = [(where[p.frm], where[p.to]) for p in pairs]

    order = {a.id: k for k, (a, _) in enumerate(arts)}
    units = [(order[aid], key, texts[key]) for (aid, _), key in where.items()]
    t1 = time.perf_counter()
    base_pairs, _ = datasketch_plain(units)
    base_s = time.perf_counter() - t1

    def echo(frm: Key, to: Key, source: Key) -> bool:
        return is_echo(texts[frm], texts[to], texts[source])

    mine, theirs = score(ours, plants, echo), score(base_pairs, plants, echo)
    metrics: dict[str, Any] = {
        "precision": mine["all"]["precision"],
        "recall": mine["all"]["recall"],
        "pairs_per_s": round(n_paras / find_s, 1) if find_s else 0.0,
    }
    baseline: dict[str, Any] = {
        "precision": theirs["all"]["precision"],
        "recall": theirs["all"]["recall"],
        "pairs_per_s": round(n_paras / base_s, 1) if base_s else 0.0,
    }

    scale_rows: list[dict[str, Any]] = []
    if not args.no_scale:
        sizes = [s.strip().lower() for s in args.scale.split(",") if s.strip()]
        if args.big and "1m" not in sizes:
            sizes.append("1m")
        unknown = [s for s in sizes if s not in SIZES]
        if unknown:
            raise SystemExit(f"unknown --scale sizes {unknown}; known: {sorted(SIZES)}")
        print("scale runs (synthetic corpus, one child process each):", flush=True)
        scale_rows = run_scale(sizes, args.seed, args.max_mb, args.scale_timeout)
        for r in scale_rows:
            if "error" in r:
                continue
            into = metrics if r["system"] == "storytrace" else baseline
            into[f"seconds_{r['size']}"] = r["seconds"]
            into[f"peak_mb_{r['size']}"] = r["peak_mb"]

    def details_of(s: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in s.items() if k != "errors"} | {
            "error_counts": error_counts(s["errors"])}

    return {
        "benchmark": "reuse",
        "data": ecb.shown(data),
        "n_docs": len(originals),
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": metrics,
        "baselines": {"datasketch_plain": baseline},
        "details": {
            "seed": args.seed,
            "per_kind": per_kind,
            "sentence_spans": bool(args.sentence_spans),
            "exact_duplicates_left_out": dupes,
            "planted": len(plants),
            "planted_by_kind": dict(Counter(p.kind for p in plants)),
            "planted_mixed": sum(p.mixed for p in plants),
            "planted_inserted": sum(p.where == "insert" for p in plants),
            "articles_given": len(arts),
            "paragraphs_given": n_paras,
            "find_seconds": round(find_s, 3),
            "find_pairs_total": len(pairs),
            "baseline_seconds": round(base_s, 3),
            "baseline_pairs_total": len(base_pairs),
            "storytrace": details_of(mine),
            "baseline.datasketch_plain": details_of(theirs),
            "scale": scale_rows,
            "growth_exponent": {s: dict(growth(scale_rows, s))
                                for s in ("storytrace", "datasketch_plain")},
            "memory_growth_exponent": {s: dict(growth(scale_rows, s, "peak_mb"))
                                       for s in ("storytrace", "datasketch_plain")},
        },
        "_errors": mine["errors"],
        "_texts": texts,
    }


def _cut(s: str, n: int = 160) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"


def show(res: dict[str, Any], examples: int = 2) -> None:
    m, d = res["metrics"], res["details"]
    b = res["baselines"]["datasketch_plain"]
    print(f"\nprotocol: seed {d['seed']}, {d['per_kind']} sources per kind; planted "
          f"{d['planted']} ({d['planted_mixed']} mixed with unrelated later sentences, "
          f"{d['planted_inserted']} inserted into later same-topic articles, the rest as "
          "copy articles).\nOnly pairs into planted paragraphs are scored; pairs between "
          "original articles are not counted either way (the data's own duplication is "
          "unannotated).\nprecision: share of those pairs from the gold source (lenient: or "
          "from an earlier printing of the same words); recall: share of gold pairs found.\n"
          "pairs_per_s = paragraphs processed per second by the call (find / the baseline's "
          "MinHash+LSH), not pairs.")
    hdr = (f"{'kind':<10}{'gold':>6} | {'recall':>7}{'prec':>7}{'lenient':>8}{'pairs':>7} | "
           f"{'recall':>7}{'prec':>7}{'lenient':>8}{'pairs':>7}")
    print(f"\n{'':<17}| {'storytrace.reuse.find':<29}| datasketch plain (LSH 0.5, 128 perm)")
    print(hdr)
    ours, theirs = d["storytrace"], d["baseline.datasketch_plain"]
    for kind in (*KINDS, "all"):
        o, t = ours[kind], theirs[kind]
        print(f"{kind:<10}{o['gold']:>6} | {o['recall']:>7.3f}{o['precision']:>7.3f}"
              f"{o['precision_lenient']:>8.3f}{o['pairs']:>7} | {t['recall']:>7.3f}"
              f"{t['precision']:>7.3f}{t['precision_lenient']:>8.3f}{t['pairs']:>7}")
    print("recall by subset (storytrace / datasketch):")
    for group in [f"{k}.{s}" for k in (*KINDS, "all") for s in ("plain", "mixed")] + [
            "all.copy", "all.insert"]:
        if group in ours:
            print(f"  {group:<18}{ours[group]['found']:>5}/{ours[group]['gold']:<5}"
                  f"{ours[group]['recall']:>7.3f} / {theirs[group]['recall']:.3f}")
    print(f"\nspeed on this data ({d['paragraphs_given']:,} paragraphs): storytrace "
          f"{m['pairs_per_s']:,.0f} paragraphs/s ({d['find_seconds']:.1f} s, "
          f"{d['find_pairs_total']:,} pairs in all); datasketch plain {b['pairs_per_s']:,.0f} "
          f"paragraphs/s ({d['baseline_seconds']:.1f} s, {d['baseline_pairs_total']:,} pairs)")
    print("error counts (storytrace):", ours["error_counts"])

    texts, errors = res.get("_texts", {}), res.get("_errors", [])
    if examples and texts:
        shown: Counter[str] = Counter()
        print("\nexamples (storytrace errors):")
        for e in errors:
            tag = f"{e['error']}.{e['kind']}"
            if shown[tag] >= examples:
                continue
            shown[tag] += 1
            frm, to = texts[e["frm"]], texts[e["to"]]
            inside = shingles(to)
            share = len(inside & shingles(frm)) / len(inside) if inside else 0.0
            print(f"- {tag}{' (mixed)' if e['mixed'] else ''}: {share:.0%} of the 3-grams of "
                  f"`to` are in `from`\n    from: {_cut(frm, 240)}\n    to:   {_cut(to, 240)}")

    if d["scale"]:
        print("\nscale (synthetic corpus, cleaned; seconds of the call, peak RSS growth):")
        print(f"{'size':<6}{'system':<18}{'paragraphs':>11}{'seconds':>10}{'us/para':>9}"
              f"{'peak MB':>9}{'pairs':>13}")
        for r in d["scale"]:
            if "error" in r:
                print(f"{r['size']:<6}{r['system']:<18}  not finished: {r['error']} "
                      f"({r.get('wall_seconds', 0):,.0f} s)")
                continue
            us = 1e6 * r["seconds"] / r["paragraphs"] if r["paragraphs"] else 0.0
            print(f"{r['size']:<6}{r['system']:<18}{r['paragraphs']:>11,}{r['seconds']:>10.1f}"
                  f"{us:>9.0f}{r['peak_mb']:>9,.0f}{r['pairs']:>13,}")
        for what, field_ in (("seconds", "growth_exponent"),
                             ("peak MB", "memory_growth_exponent")):
            for system, ks in d.get(field_, {}).items():
                if ks:
                    print(f"growth exponent of {what}, {system}: "
                          + ", ".join(f"{k} {v}" for k, v in ks.items()) + " (1.0 = linear)")
        for r in d["scale"]:
            if "corpus" in r:
                c = r["corpus"]
                print(f"corpus {r['size']}: {c['sentences']:,} sentences, "
                      f"{c['repeated_share']:.0%} of printings repeat an earlier sentence "
                      f"word for word, at most {c['max_printings']:,} printings of one")
    print(f"total {res['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA),
                    help="a Timeline17-style folder, a folder of .jsonl[.gz] or one file")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="a seeded random sample of N articles")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-kind", type=int, help="source paragraphs per planting kind")
    ap.add_argument("--sentence-spans", action="store_true",
                    help="give find the data's sentence boundaries instead of []")
    ap.add_argument("--examples", type=int, default=2, help="error examples printed per kind")
    ap.add_argument("--scale", default="10k,100k,1m", help="synthetic sizes to time")
    ap.add_argument("--big", action="store_true", help="also time 1m (now in the default)")
    ap.add_argument("--no-scale", action="store_true", help="skip the synthetic scale runs")
    ap.add_argument("--max-mb", type=int, default=_default_cap(),
                    help="address-space cap of each scale child, MB (0: none)")
    ap.add_argument("--scale-timeout", type=float, default=5400.0,
                    help="seconds allowed to each scale child")
    ap.add_argument("--scale-worker", help=argparse.SUPPRESS)
    ap.add_argument("--corpus-cache", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scale_worker:
        system, target = args.scale_worker.split(":")
        print(json.dumps(scale_worker(system, int(target), args.seed, args.max_mb,
                                      args.corpus_cache)))
        return 0
    res = run(args)
    show(res, args.examples)
    res.pop("_errors")
    res.pop("_texts")
    write_result(res, args.json_out, __file__, argv)
    return 0


def _default_cap() -> int:
    """60% of physical memory in MB, so a runaway child fails instead of the machine."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.6 / 2**20)
    except (ValueError, OSError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
