"""Corpus-level quotes: speakers and venues as canonical entities, pronouns resolved,
venues carried within an article, and every report of one utterance under one origin."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rapidfuzz import fuzz

from storytrace.entities.names import ascii_punct
from storytrace.models import ArticleRef
from storytrace.quotes.find import ArticleQuotes, LocalQuote

# Two reports are of the same words when the shorter one's words are mostly in
# the longer one (trimmed, re-bracketed, re-punctuated, lightly reworded).
SAME_WORDS = 0.6
SHORT_QUOTE_WORDS = 3  # "unbelievable": the same speaker saying it is enough
FUZZY_SAME = 88  # rapidfuzz partial_ratio for reworded long quotes
FUZZY_CHARS = 20  # ... of at least this many characters
# Quotes of up to this many words match by a character substring ("disgrace" in
# "disgraceful"), which no word key finds (see quote_keys).
TINY_WORDS = 2
VIA_CARRY_PARAGRAPHS = 12
# A venue named in a sentence without quotes ("During an appearance on X, she
# was asked ...") is the venue of quotes within this many paragraphs after it.
VENUE_CARRY_PARAGRAPHS = 2


# Words too common to tell two quotations apart.
STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "i", "in", "is", "it", "it's", "its", "me", "my", "not", "of", "on", "or",
    "our", "she", "so", "that", "the", "their", "them", "they", "this", "to", "was", "we",
    "were", "what", "with", "you", "your", "just", "really", "very",
))


def _words(text: str) -> list[str]:
    text = re.sub(r"\[[^\]]*\]", " ", ascii_punct(text).lower())
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def same_words(a: str, b: str) -> bool:
    """Whether two quotations are reports of the same words.

    >>> same_words("It's demanding and painful... but it's also very rewarding.",
    ...            "It's demanding and painful, and your body is hurting everywhere, "
    ...            "but it's also very rewarding as I saw myself getting better at it")
    True
    """
    return _same(_words(a), _words(b))


def _same(wa: list[str], wb: list[str]) -> bool:
    """same_words on the quotations' words (the engine's pairs reuse them)."""
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) <= SHORT_QUOTE_WORDS:
        return " ".join(short) in " ".join(long_)
    content_s = set(short) - STOP
    content_l = set(long_) - STOP
    shared = len(content_s & content_l) / len(content_s) if content_s else 0.0
    if len(content_s) >= 4 and shared >= 0.8:
        return True
    if len(content_s) >= 3 and shared >= SAME_WORDS:
        return fuzz.partial_ratio(" ".join(short), " ".join(long_)) >= FUZZY_SAME - 15
    return len(" ".join(short)) >= FUZZY_CHARS and fuzz.partial_ratio(
        " ".join(short), " ".join(long_)) >= FUZZY_SAME


class _Union:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def quote_id(article_id: str, para: int, start: int) -> str:
    """A quote's row id, which a batch worker can name without the store."""
    return "q" + hashlib.sha1(f"{article_id}:{para}:{start}".encode()).hexdigest()[:10]


def link(arts: list[tuple[ArticleRef, ArticleQuotes]], store: Any,
         pairs: Iterable[tuple[str, str, bool, bool]] | None = None) -> list[dict[str, Any]]:
    """Rows for the store's quotes table, in publication order.

    `pairs`: the reports of the same words an engine found across the corpus
    (`candidate_pairs`); origins then join only those instead of comparing every
    pair of quotes of a speaker."""
    names = {e.id: e for e in store.entities()}
    local = store.entity_locals()
    rows: list[dict[str, Any]] = []
    order: dict[str, int] = {}
    for n, (a, aq) in enumerate(arts):
        order[a.id] = n
        mentions = store.mentions_of_article(a.id)
        para_order = sorted({m[0] for m in mentions} | {q.para for q in aq.quotes})
        rank = {p: i for i, p in enumerate(para_order)}
        quote_spans = [(q.para, q.start, q.end) for q in aq.quotes]
        last: dict[str | None, dict[str, Any]] = {}
        statements = sorted((rank.get(p, 0), s, key) for p, s, key in aq.venues)
        for q in aq.quotes:
            speaker_id = _speaker(a, q, local, mentions, names, quote_spans, rank)
            anonymous = q.speaker_kind == "anonymous" or (
                speaker_id is None and q.speaker is not None and q.speaker_kind != "pronoun")
            via = names[local[(a.id, q.via)]].name if q.via and (a.id, q.via) in local else None
            explicit = via is not None
            key = speaker_id if not anonymous else "anon"
            prev = last.get(key)
            here = rank.get(q.para, 0)
            # Otherwise the nearest before it of: this speaker's last venue, or a venue
            # named in a sentence without quotes ("During an appearance on X, ...").
            options = []
            if prev and prev["via"] and here - prev["_rank"] <= VIA_CARRY_PARAGRAPHS:
                options.append(((prev["_rank"], prev["start"]), prev["via"]))
            options += [((r, s), names[local[(a.id, k)]].name) for r, s, k in statements
                        if (r, s) <= (here, q.start) and here - r <= VENUE_CARRY_PARAGRAPHS
                        and (a.id, k) in local]
            if via is None and options:
                via = max(options)[1]
            row = {
                "id": quote_id(a.id, q.para, q.start),
                "article_id": a.id, "para_idx": q.para, "start": q.start, "end": q.end,
                "text": q.text.strip(), "partial": int(q.partial),
                "speaker": names[speaker_id].name if speaker_id else None,
                "speaker_id": speaker_id, "anonymous": int(anonymous), "via": via,
                "occasion": q.occasion, "said": q.said, "cue": q.cue,
                "_group": (a.id, q.group), "_rank": rank.get(q.para, 0), "_explicit": explicit,
            }
            prev_row = rows[-1] if rows and rows[-1]["article_id"] == a.id else None
            if prev_row is not None and _same_utterance(prev_row, row):
                row["_group"] = prev_row["_group"]
            last[key] = row
            rows.append(row)
    _origins(rows, pairs)
    for r in rows:
        del r["_group"], r["_rank"], r["_explicit"]
    return rows


# Quotes of one speaker to one venue, one after another in an article, are one
# utterance (an interview the article quotes piece by piece).
UTTERANCE_PARAGRAPHS = 6


def _same_utterance(prev: dict[str, Any], row: dict[str, Any]) -> bool:
    same_speaker = (prev["speaker_id"] is not None and prev["speaker_id"] == row["speaker_id"]) \
        or (prev["anonymous"] and row["anonymous"] and prev["via"] == row["via"])
    same_via = prev["via"] is None or row["via"] is None or prev["via"] == row["via"]
    return bool(same_speaker and same_via
                and row["_rank"] - prev["_rank"] <= UTTERANCE_PARAGRAPHS)


def _speaker(a: ArticleRef, q: LocalQuote, local: dict[tuple[str, str], str],
             mentions: list[tuple[int, int, int, str, str]], names: dict[str, Any],
             quote_spans: list[tuple[int, int, int]], rank: dict[int, int]) -> str | None:
    if q.speaker_key and (a.id, q.speaker_key) in local:
        eid = local[(a.id, q.speaker_key)]
        return eid if names[eid].type in ("PERSON", "ORG") else None
    if q.speaker is None or q.speaker_kind == "anonymous":
        return None
    para, s, e, _ = q.speaker
    if q.speaker_kind == "pronoun":
        return _antecedent(para, s, q.gender, mentions, names, quote_spans, rank)
    for mp, ms, me, eid, _ in mentions:
        if mp == para and ms < e and s < me and names[eid].type == "PERSON":
            return str(eid)
    return None


def _antecedent(para: int, start: int, gender: str | None,
                mentions: list[tuple[int, int, int, str, str]], names: dict[str, Any],
                quote_spans: list[tuple[int, int, int]], rank: dict[int, int]) -> str | None:
    """The last person named before a pronoun, outside quotations, of a fitting gender."""
    here = (rank.get(para, 0), start)
    best = None
    for mp, ms, _, eid, _ in mentions:
        if (rank.get(mp, 0), ms) >= here:
            break
        ent = names.get(eid)
        if ent is None or ent.type != "PERSON":
            continue
        if any(qp == mp and qs <= ms < qe for qp, qs, qe in quote_spans):
            continue
        if gender and ent.gender and ent.gender != gender:
            continue
        best = eid
    return best


def _block(row: dict[str, Any]) -> Any:
    return row["speaker_id"] or ("anon", row["via"])


def _origins(rows: list[dict[str, Any]],
             pairs: Iterable[tuple[str, str, bool, bool]] | None = None) -> None:
    """One origin per utterance, shared by every report of the same words.

    Reports are compared within one speaker block (a canonical speaker, or the
    anonymous ones of one venue), the earlier first as same_words is read. With
    `pairs` (of text classes, see `pairs_in_keys`), only those are joined, where
    both fall in one block; quotes of up to TINY_WORDS words, which no word key
    finds, are still compared with their block."""
    uf = _Union()
    for r in rows:
        uf.find(r["_group"])
    blocks: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        blocks[_block(r)].append(r)
    if pairs is None:
        for block in blocks.values():
            for i, x in enumerate(block):
                for y in block[i + 1:]:
                    if x["_group"] != y["_group"] \
                            and uf.find(x["_group"]) != uf.find(y["_group"]) \
                            and same_words(x["text"], y["text"]):
                        uf.union(x["_group"], y["_group"])
    else:
        where: dict[str, dict[Any, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i, r in enumerate(rows):
            where[text_class(r["text"])][_block(r)].append(i)
        for a, b, forward, backward in pairs:
            if a not in where or b not in where:
                continue
            wa, wb = where[a], where[b]
            for blk in wa.keys() & wb.keys():
                xs, ys = wa[blk], wb[blk]
                if a == b or (forward and backward):  # every x with every y
                    if forward:
                        for i in (xs if a == b else xs + ys):
                            uf.union(rows[xs[0]]["_group"], rows[i]["_group"])
                    continue
                for i in xs:
                    for j in ys:
                        if forward if i < j else backward:
                            uf.union(rows[i]["_group"], rows[j]["_group"])
        for block in blocks.values():
            words = [_words(r["text"]) for r in block]
            for i, wi in enumerate(words):
                if len(wi) > TINY_WORDS:
                    continue
                for j, wj in enumerate(words):
                    if i != j and (_same(wi, wj) if i < j else _same(wj, wi)):
                        uf.union(block[i]["_group"], block[j]["_group"])
    first: dict[Any, dict[str, Any]] = {}
    members: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:  # rows are in publication order: the first report comes first
        root = uf.find(r["_group"])
        first.setdefault(root, r)
        members[root].append(r)
    for root, rs in members.items():
        oid = "o" + first[root]["id"][1:]
        # A venue the text gives outright beats one carried from around the quote.
        explicit = next((r["via"] for r in rs if r["via"] and r["_explicit"]), None)
        via = explicit or next((r["via"] for r in rs if r["via"]), None)
        said = next((r["said"] for r in rs if r["said"]), None)
        occasion = next((r["occasion"] for r in rs if r["occasion"]), None)
        for r in rs:
            r["origin"] = oid
            r["via"] = (r["via"] if r["_explicit"] else None) or via
            r["said"] = r["said"] or said
            r["occasion"] = r["occasion"] or occasion


def text_class(text: str) -> str:
    """Quotes of the same words (same_words reads nothing else) share a class: the
    engine compares a reprint once, not once per copy."""
    return "w" + hashlib.sha1(" ".join(_words(text)).encode()).hexdigest()[:16]


def relink_pairs(store: Any, pairs: Iterable[tuple[str, str, bool, bool]]) -> list[dict[str, Any]]:
    """quotes.relink with origins from an engine's pairs (see `link`)."""
    from storytrace.quotes import STAGE

    arts = [(ref, ArticleQuotes.from_dict(data)) for ref, data in store.stage_results(STAGE)]
    rows = link(arts, store, pairs)
    store.replace_quotes(rows)
    return rows


# --- Origins by blocking keys, for an engine that sees no speaker block whole.
#
# Every quote gets "contains" keys (the stem of each distinct word) and "query"
# keys (stems a pair must share when this quote is the shorter of two that
# same_words accepts). A shuffle on the key brings each query next to every quote
# holding its stem; same_words runs on those pairs only. What the keys promise,
# branch by branch of same_words (the shorter quote, by words, asks):
# - 1-2 words (TINY_WORDS), a substring of the other's words ("disgrace" in
#   "disgraceful"): no key; origins compare these with their whole block.
# - 3 words, a substring: its middle word is a whole word of the other. Exact.
# - 4+ words sharing at least SAME_WORDS of the shorter's content words (the 0.8
#   and fuzzy-checked 0.6 branches): prefix filtering; the shorter asks with its
#   rarest content words, one more than a pair may leave unshared. Exact.
# - the partial_ratio branch (20+ characters, few words shared): no word key can
#   promise it (a one-letter change in every word keeps partial_ratio above 88),
#   so the shorter asks with the rarer half of its distinct stems, less the
#   corpus's most frequent (FUZZY_KEY_SHARE): a pair sharing half of them meets.
#   Measured: the same pairs and origins as the block loop on the seeds, the
#   sample, 264 BBC articles of two Timeline17 dev topics (1,850 quotes) and the
#   first 500 of 2,000 generated articles (4,362 quotes); not a proof for this
#   branch.

# Keys are word stems, the first letters: reprints that respell ("colours" /
# "colors", "labour" / "labor") still meet in the partial_ratio branch.
STEM_CHARS = 4
# Stems in more than this share of the corpus's quotes are not asked with in the
# partial_ratio branch (the query blocks of "the" would hold every quote) ...
FUZZY_KEY_SHARE = 0.01
# ... unless the corpus is small: under this many quotes, none is left out.
FUZZY_KEY_MIN = 100


def _needed(n: int) -> int:
    """Content words a pair must share for same_words's word branches (n >= 3)."""
    return next(k for k in range(n + 1) if k / n >= SAME_WORDS)


def quote_keys(words: list[str], counts: Mapping[str, int], frequent: int
               ) -> tuple[list[str], list[str]]:
    """(query, contains) keys of one quote's words: the words' stems (first
    STEM_CHARS letters). `counts` (quotes per stem in the corpus) orders them
    rarest first; stems in more than `frequent` quotes are not asked with in the
    partial_ratio branch."""
    contains = sorted({w[:STEM_CHARS] for w in words})

    def rank(w: str) -> tuple[int, str]:
        return counts.get(w[:STEM_CHARS], 0), w

    if len(words) <= TINY_WORDS:
        return [], contains
    if len(words) <= SHORT_QUOTE_WORDS:
        return [min(words[1:-1], key=rank)[:STEM_CHARS]], contains
    query: set[str] = set()
    distinct = set(words)
    content = sorted(distinct - STOP, key=rank)
    if len(content) >= 3:
        # a pair sharing _needed(n) content words shares one of these words, so its stem
        query.update(w[:STEM_CHARS] for w in content[:len(content) - _needed(len(content)) + 1])
    if len(" ".join(words)) >= FUZZY_CHARS:
        ranked = sorted({w[:STEM_CHARS] for w in distinct}, key=lambda k: (counts.get(k, 0), k))
        query.update(k for k in ranked[:len(ranked) - (len(ranked) + 1) // 2 + 1]
                     if counts.get(k, 0) <= frequent)
    return sorted(query), contains


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """Texts per word stem (each text's distinct stems once)."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update({w[:STEM_CHARS] for w in _words(t)})
    return counts


def frequent_cutoff(quotes: int) -> int:
    return max(FUZZY_KEY_MIN, int(quotes * FUZZY_KEY_SHARE))


def key_rows(quotes: Iterable[tuple[str, str]], counts: Mapping[str, int], frequent: int
             ) -> Iterator[tuple[str, bool, str, str]]:
    """(key, asks, class, text) per key of each (text class, text): the rows to shuffle."""
    for qid, text in quotes:
        query, contains = quote_keys(_words(text), counts, frequent)
        asks = set(query)
        for k in contains:
            yield k, k in asks, qid, text


def pairs_in_keys(rows: Iterable[tuple[str, bool, str, str]], counts: Mapping[str, int],
                  frequent: int) -> list[tuple[str, str, bool, bool]]:
    """The pairs of text classes that meet at a key (one asks, the other holds it)
    and that same_words accepts: (a, b, a-then-b, b-then-a) with a < b, since a
    block compares the earlier report first and same_words reads quotes of equal
    length in order; (a, a, same, same) says whether two copies of a are the same
    words (not when they are under 20 characters with few content words). A pair
    is checked at the first key it meets at only (the keys are worked out again
    from the texts), so one written by another partition is not written here."""
    keys: dict[str, tuple[set[str], set[str]]] = {}
    texts: dict[str, str] = {}
    for key, asks, cls, text in rows:
        texts[cls] = text
        askers, holders = keys.setdefault(key, (set(), set()))
        holders.add(cls)
        if asks:
            askers.add(cls)
    words = {c: _words(t) for c, t in texts.items()}
    own: dict[str, tuple[set[str], set[str]]] = {}

    def keys_of(c: str) -> tuple[set[str], set[str]]:
        if c not in own:
            query, contains = quote_keys(words[c], counts, frequent)
            own[c] = set(query), set(contains)
        return own[c]

    seen: set[tuple[str, str]] = set()
    for key, (askers, holders) in keys.items():
        for x in holders:
            if key == min(keys_of(x)[1]):
                seen.add((x, x))
        for x in askers:
            for y in holders:
                pair = (x, y) if x < y else (y, x)
                if x == y or pair in seen:
                    continue
                (qx, cx), (qy, cy) = keys_of(x), keys_of(y)
                if key == min((qx & cy) | (qy & cx)):
                    seen.add(pair)
    out = []
    for a, b in sorted(seen):
        wa, wb = words[a], words[b]
        forward = _same(wa, wb)
        backward = _same(wb, wa) if len(wa) == len(wb) else forward
        if forward or backward:
            out.append((a, b, forward, backward))
    return out


def candidate_pairs(texts: Iterable[str]) -> list[tuple[str, str, bool, bool]]:
    """The engine's pairs of text classes, computed in one process (tests, measures)."""
    classes = {text_class(t): t for t in texts}
    counts = word_counts(classes.values())
    frequent = frequent_cutoff(len(classes))
    return pairs_in_keys(key_rows(classes.items(), counts, frequent), counts, frequent)
