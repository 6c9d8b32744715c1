"""Corpus-level quotes: speakers and venues as canonical entities, pronouns resolved,
venues carried within an article, and every report of one utterance under one origin."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
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
    wa, wb = _words(a), _words(b)
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
    return len(" ".join(short)) >= 20 and fuzz.partial_ratio(
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


def link(arts: list[tuple[ArticleRef, ArticleQuotes]], store: Any) -> list[dict[str, Any]]:
    """Rows for the store's quotes table, in publication order."""
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
                "id": "q" + hashlib.sha1(f"{a.id}:{q.para}:{q.start}".encode()).hexdigest()[:10],
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
    _origins(rows)
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


def _origins(rows: list[dict[str, Any]]) -> None:
    """One origin per utterance, shared by every report of the same words."""
    uf = _Union()
    for r in rows:
        uf.find(r["_group"])
    blocks: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        blocks[r["speaker_id"] or ("anon", r["via"])].append(r)
    for block in blocks.values():
        for i, x in enumerate(block):
            for y in block[i + 1:]:
                if x["_group"] != y["_group"] and uf.find(x["_group"]) != uf.find(y["_group"]) \
                        and same_words(x["text"], y["text"]):
                    uf.union(x["_group"], y["_group"])
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
