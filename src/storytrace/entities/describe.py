"""Descriptors that stand for people ("the 'Top Gun' star") and the facts an article
states about its entities (ages, roles, a work's director and cast)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from storytrace.entities.recognize import Descriptor, LocalEntity, LocalFact, roles

if TYPE_CHECKING:
    from storytrace.entities.recognize import _Article

# Tokens allowed between "the" and the role noun of a descriptor.
_MODIFIER_TAGS = frozenset({"JJ", "JJR", "JJS", "NN", "NNP", "NNPS", "CD", "HYPH", "VBN", "POS",
                            "``", "''", ":", "NFP", "FW"})
DESCRIPTOR_MAX_TOKENS = 14
# Salience of a name set right after a descriptor ("the finance director, Graham Osei").
APPOSITION = 10.0
# Salience decays with the distance in sentences to the candidate's last mention.
RECENCY_SCALE = 3.0
_AGE_AFTER = re.compile(r"^,\s*(\d{1,3})\s*(?:,|\)|\.|$)")
_YEAR_OLD = re.compile(r"(\d{1,3})-year-old")
_CAST = re.compile(r"\b(?:starring|stars|co-stars|cast (?:also )?includes?)\b", re.IGNORECASE)
_DIRECTED = re.compile(r"\bdirected by\b", re.IGNORECASE)


def _role_of(noun: str) -> str | None:
    info = roles().get(noun)
    return info[1] or None if info else None


def _mention_index(art: _Article, ents: list[LocalEntity], types: tuple[str, ...] = ("PERSON",)
                   ) -> list[tuple[int, int, str, str]]:
    """(doc start, doc end, local key, kind) of every mention of entities of `types`."""
    out = []
    for e in ents:
        if e.type not in types:
            continue
        for para, s, t, _, kind in e.mentions:
            base = art.starts[art.para_index.index(para)]
            out.append((base + s, base + t, e.key, kind))
    return sorted(out)


def _span_tokens(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="contract")
    return list(span) if span is not None else []


def _verb_subjects(tok: Any) -> set[int]:
    """Token ids of the subjects of the verbs above `tok` in its clause.

    'Strahan questioned her about collaborating with the star': the star is
    not Strahan. The walk stops at reported speech and relative clauses.
    """
    out: set[int] = set()
    node = tok
    while node.head.i != node.i:
        if node.dep_ in ("nsubj", "nsubjpass", "ccomp", "relcl", "parataxis"):
            break  # a subject itself, or the edge of the clause
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            out |= {c.i for c in node.children if c.dep_ in ("nsubj", "nsubjpass")}
    return out


def _conjuncts(tok: Any) -> set[int]:
    out = {c.i for c in tok.children if c.dep_ == "conj"}
    if tok.dep_ == "conj":
        out.add(tok.head.i)
        out |= {c.i for c in tok.head.children if c.dep_ == "conj"}
    return out - {tok.i}


def descriptors(art: _Article, ents: list[LocalEntity]) -> list[Descriptor]:
    """Role noun phrases introduced by 'the', with what constrains whom they stand for."""
    toks = art.tokens
    # One-word "organisations" may be surnames NER mistyped; the linker keeps
    # only candidates that turn out to be people.
    people = [m for m in _mention_index(art, ents, ("PERSON", "ORG"))
              if m[2] in {e.key for e in ents if e.type == "PERSON" or " " not in e.name}]
    works = _mention_index(art, ents, ("WORK",))
    if not people:
        return []
    out = []
    lows, role_nouns = art.parsed.token_lowers, roles()
    for i, noun in enumerate(lows):
        if noun != "old" and noun not in role_nouns:
            continue  # most words: read from the cached forms, no token looked at
        tok = toks[i]
        year_old = False
        if noun == "old" and tok.i >= 3 and lows[tok.i - 2] == "year" and (
                tok.i + 1 >= len(toks) or toks[tok.i + 1].pos_ not in ("NOUN", "PROPN", "ADJ")):
            year_old, noun = True, "year-old"
        elif noun not in role_nouns or tok.tag_ not in ("NN", "NNP"):
            continue
        if tok.i + 1 < len(toks) and toks[tok.i + 1].tag_ in ("NNP", "NN"):
            continue  # "the actress Ana de Armas", "the star power": a title or a compound
        start_i = None
        for j in range(tok.i - 1, max(-1, tok.i - DESCRIPTOR_MAX_TOKENS), -1):
            t = toks[j]
            in_title = any(s <= t.idx < e for s, e, _, _ in works)
            if t.lower_ == "the" and not in_title:
                start_i = j
                break
            if t.tag_ not in _MODIFIER_TAGS and not in_title:
                break
        if start_i is None:
            continue
        start, end = toks[start_i].idx, tok.idx + len(tok.text)
        if any(s < end and start < e for s, e, _, _ in people):
            continue  # a name inside the phrase: not a stand-in for one
        text = art.text[start:end]
        age_m = _YEAR_OLD.search(text) or _AGE_AFTER.match(art.text[end:end + 8])
        gender = roles().get(noun, ("-", ""))[0]
        in_works = sorted({k for s, e, k, _ in works if start <= s and e <= end})
        appos = re.match(r",\s*", art.text[end:end + 4])
        named_next = [k for s, _, k, _ in people if appos and s == end + appos.end()]
        cands = [[named_next[0], APPOSITION]] if named_next else _candidates(
            art, tok, start, people)
        if not cands:
            continue
        para, off = art.locate(start)
        out.append(Descriptor(
            para=para, start=off, end=off + (end - start), text=text, head=noun,
            gender=gender if gender in ("m", "f") else None,
            age=int(age_m.group(1)) if age_m else None,
            role=_role_of(noun) or "" if not year_old else "",
            works=in_works, candidates=cands,
        ))
    return out


def _candidates(art: _Article, tok: Any, start: int,
                people: list[tuple[int, int, str, str]]) -> list[list[Any]]:
    """People the descriptor may stand for, with a salience from recency and frequency."""
    tokens = art.tokens
    here = art.sent_of(start)
    lo, hi = art.sent_bounds[art.sent_of(tok.idx)]
    sent = tokens[lo:hi]
    excluded: set[str] = set()
    blocked = _conjuncts(tok) | _verb_subjects(tok)
    for s, e, key, _ in people:
        if art.sent_of(s) != here:
            continue
        toks = [t for t in sent if s <= t.idx < e]
        if any(t.i in blocked for t in toks):
            excluded.add(key)
    score: dict[str, float] = {}
    for s, _, key, _ in people:
        if key in excluded:
            continue
        dist = here - art.sent_of(s)
        if s < start:
            score[key] = score.get(key, 0.0) + math.exp(-dist / RECENCY_SCALE)
        elif dist == 0:
            score[key] = score.get(key, 0.0) + 0.5  # named later in the same sentence
    del tokens
    return [[k, round(v, 4)] for k, v in sorted(score.items(), key=lambda kv: -kv[1])]


def definite_references(art: _Article, ents: list[LocalEntity]) -> None:
    """'the union', 'the island', 'the Ledger': the last word of an organisation, place or
    outlet named earlier in the article stands for it. Added to its mentions and forms."""
    toks = art.tokens
    heads: dict[str, list[LocalEntity]] = {}
    for e in ents:
        if e.type in ("ORG", "PLACE", "OUTLET") and " " in e.name:
            head = e.name.split(" of ")[0].split()[-1]  # "Friends of the X": friends
            heads.setdefault(head.lower(), []).append(e)
    if not heads:
        return
    taken = [(s, e) for s, e, _, _ in _mention_index(
        art, ents, ("PERSON", "ORG", "PLACE", "OUTLET", "WORK", "PLATFORM"))]
    first_seen = {e.key: min((art.starts[art.para_index.index(m[0])] + m[1]
                              for m in e.mentions), default=0) for e in ents}
    for i, low in enumerate(art.parsed.token_lowers):
        owners = heads.get(low)
        if not owners or len(owners) != 1:
            continue
        tok = toks[i]
        if tok.tag_ not in ("NN", "NNP"):
            continue
        if tok.i + 1 < len(toks) and toks[tok.i + 1].tag_ in ("NN", "NNS", "NNP"):
            continue  # "the union leader": a modifier, not the union
        start_i = None
        for j in range(tok.i - 1, max(-1, tok.i - 5), -1):
            if toks[j].lower_ == "the":
                start_i = j
                break
            if toks[j].tag_ not in ("JJ", "NN", "NNS", "POS", "NNP"):
                break
        if start_i is None:
            continue
        start, end = toks[start_i].idx, tok.idx + len(tok.text)
        owner = owners[0]
        if first_seen[owner.key] >= start or any(s < end and start < e for s, e in taken):
            continue
        para, off = art.locate(start)
        text = art.text[start:end]
        owner.mentions.append([para, off, off + (end - start), text, "descriptor"])
        owner.forms.setdefault(text, "descriptor")
        taken.append((start, end))
    for e in ents:
        e.mentions.sort()


def facts(art: _Article, ents: list[LocalEntity]) -> list[LocalFact]:
    """Ages in apposition, role nouns before names, directors and casts of works."""
    doc, all_toks, text = art.doc, art.tokens, art.text
    out: list[LocalFact] = []
    people = _mention_index(art, ents)
    works = _mention_index(art, ents, ("WORK",))
    # NER calls some surnames organisations ("Quill, 45, said"); the linker
    # decides, so their ages are kept too.
    for s, e, key, _ in _mention_index(art, ents, ("PERSON", "ORG")):
        para, _ = art.locate(s)
        m = _AGE_AFTER.match(text[e:e + 8])
        if m and 0 < int(m.group(1)) < 120:
            out.append(LocalFact(key, "age", int(m.group(1)), para, text[s:e + m.end()]))
    for s, e, key, kind in people:
        toks = _span_tokens(doc, s, e)
        if not toks:
            continue
        para, _ = art.locate(s)
        first = toks[0]
        prev = all_toks[first.i - 1] if first.i > 0 else None
        if kind == "title" or (prev is not None and prev.lemma_.lower() in roles()
                               and prev.tag_ in ("NN", "NNS", "NNP")):
            noun = (prev.lemma_.lower() if prev is not None and kind != "title"
                    else first.lower_)
            role = _role_of(noun)
            if role:
                out.append(LocalFact(key, "role", role, para, text[max(0, s - 30):e]))
    for lo, hi in ((all_toks[s].idx, all_toks[e - 1].idx + len(all_toks[e - 1].text))
                   for s, e in art.sent_bounds):
        in_sent = [(s, e, k) for s, e, k, _ in works if lo <= s < hi]
        if not in_sent:
            continue
        for rel, pattern in (("director", _DIRECTED), ("cast", _CAST)):
            for m in pattern.finditer(text, lo, hi):
                before = [w for w in in_sent if w[1] <= m.start() + lo - lo]
                work = (before or in_sent)[-1][2]
                named = [k for s, _, k, kind in people
                         if m.end() <= s < hi and kind != "descriptor"]
                seen: set[str] = set()
                for k in named:
                    if k not in seen:
                        seen.add(k)
                        para, _ = art.locate(m.start())
                        out.append(LocalFact(work, rel, k, para, text[lo:hi].strip()))
                    if rel == "director":
                        break
    return out
