"""Reported speech: "X said that …", "…, officials said", "according to X, …"."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import Any

import numpy

from storytrace.entities.recognize import LocalEntity
from storytrace.gazetteer import data_lines
from storytrace.quotes import attrib, bounds
from storytrace.quotes.cue import cue_span
from storytrace.quotes.find import LocalQuote, _Doc, _speaker, _subject

# A reported clause of fewer words is a fragment ("as he said so"), not a statement.
MIN_WORDS = 1
# A statement holding quoted words reports them from this many words on; below,
# 'called it "a farce"' is left to the quotation.
QUOTED_MIN_WORDS = 3
# Quoted characters that make up this share of a clause make it a direct quote:
# 'He said: "…"' is reported by the quote itself.
QUOTED_SHARE = 0.8
# Dependents of a verb after it that make up what a verb without a clause complement
# reports: "called the plan 'reckless'", "blasted the media for being 'dishonest'".
OBJECT_DEPS = frozenset(("dobj", "oprd", "prep", "xcomp", "attr", "acomp", "dative"))
# What a stance verb attributes when it has no clause: "endorsed [the plan]",
# "urged [voters] [to stay home]".
STANCE_DEPS = frozenset(("dobj", "xcomp", "dative"))
# Words after a cue set off by commas that still belong to it: ", he said on Friday,".
PARENTHESIS_TAIL = 6
# Clauses set off by a comma at a statement's end that PolNeAR leaves out of it:
# "…, who is 70", "…, the presumed favorite" (not "…, because …", which it keeps).
TRAILING_DEPS = frozenset(("relcl", "appos", "npadvmod", "acl"))
# What sets such a clause off: ", up from 1 in 10", "- further diminishing …"; and a
# participle clause so set off ("…, focusing on people under 30") goes too.
SET_OFF = frozenset((",", "-", "--", "—", "–"))
# What may lie between a clause the parse cut short and the quotation that ends it.
FOLLOWING_QUOTE = re.compile(r"\s*(?:,\s*)?(?:(?:and|but|or)\s+)?[“\"]")
# Prepositions whose object is what a stance verb is about ("called for", "talked
# about"); "spoke to a gathering" names an audience.
CONTENT_PREPS = frozenset(("for", "about", "on", "against", "of"))
# Prepositions that go on a stance verb's object: "called X [a threat to Y]",
# "described X [as Y]", "compared X [to Y]", "blamed X [for Y]".
OBJECT_PREPS = frozenset(("as", "to", "for", "of", "about", "against", "with", "into", "from"))
# A preposition alone before a quotation ('described it as "an act"') leaves it to
# the quotation: words before it are only a statement's when they are more.
LEAD_PREPS = frozenset(("as", "for", "to", "of", "about", "with", "on", "in", "at", "by",
                        "from", "like", "a", "an", "the"))
# "Name: what they said." as a headline of at most so many words, with a name of at
# most so many capitalised words before the colon.
HEADLINE_MAX_WORDS = 25
HEADLINE_SPEAKER_WORDS = 4
HEADLINE_SPEAKER = re.compile(
    r"(?P<who>[A-Z][\w.'’-]*(?: [\w.'’-]+){0,6}?)\s?(?P<colon>:)\s+(?P<what>\S.*\S)\s*$")
# A name before a headline's colon does not start with an article ("The Latest: …").
ARTICLES = frozenset(("the", "a", "an"))
# Connectives opening a clause that PolNeAR leaves out of its content.
LEADING_WORDS = frozenset(("and", "but", "or", "however", "so", "yet", "while"))
QUOTE_MARKS = "\"“”"
PUNCT_MARKS = " .,;:!?\"“”’'"


@functools.cache
def report_verbs() -> frozenset[str]:
    return frozenset(data_lines("report_verbs.txt")) | frozenset(
        data_lines("quote_report_verbs.txt"))


@functools.cache
def stance_verbs() -> frozenset[str]:
    return frozenset(data_lines("stance_verbs.txt"))


@functools.cache
def _cue_verbs() -> frozenset[str]:
    return report_verbs() | stance_verbs()


def reports(d: _Doc, spans: list[tuple[int, int]],
            people: list[tuple[int, int, LocalEntity, str]]) -> list[LocalQuote]:
    """Reported statements of one article, in doc order, as `LocalQuote`s whose text
    is the statement (`ArticleQuotes.reports`; the quotes table keeps direct quotes).

    `spans` are the doc [start, end) of the article's quotations (sorted). A
    clause that is one of them (quotation marks around nearly all of it) is left
    to the quotation; one that holds quoted words is reported here, and the
    quotation inside it keeps its own row.
    """
    verbs = _cue_verbs()
    starts = [s for s, _ in spans]
    cands: list[tuple[int, int, Any, int, Any, tuple[int, int] | None]] = []
    learned = {t.i for t in attrib.candidates(d.doc, verbs, d.tokens)
               if not _inside(t.idx, spans, starts) and attrib.accept(t)}
    fallback: set[int] = set()
    for t in sorted(_candidates(d.doc, verbs, d.tokens) + [d.tokens[i] for i in learned],
                    key=lambda t: t.i):
        if _inside(t.idx, spans, starts):
            continue
        gap: tuple[int, int] | None = None
        par = _parenthetical(d, t) if t.lower_ != "according" else None
        if par is not None:
            lo, hi, gap = par
            cue_end, subj = t.i + 1, _subject(t, [], d)
        else:
            rep = _according(t) if t.lower_ == "according" else _clause(t, t.i in learned, d)
            if rep is None and t.i not in learned and t.lower_ != "according" and any(
                    c.dep_ in attrib.COMPLEMENT_DEPS and c.i > t.i for c in t.children) \
                    and attrib.accept(t, lexicon=True):
                # A lexicon verb with an object the rules leave ("denied the charges").
                rep = _clause(t, True, d)
                fallback.add(t.i)
            if rep is None:
                continue
            lo, hi, cue_end, subj = rep
        toks = _trim(d.tokens[lo:hi])
        if len(toks) < MIN_WORDS:
            continue
        cs, ce = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        # A clause the parse cut before its quoted words: 'that fraud is "a big problem"'.
        for s, e in spans[bisect.bisect_left(starts, ce):]:
            if not FOLLOWING_QUOTE.fullmatch(d.text, ce, s):
                break
            ce = e + 1 if d.text[e:e + 1] in QUOTE_MARKS else e
        inner = [(s, e) for s, e in spans if s < ce and cs < e]
        # Punctuation the parse left out: 'was "unhinged, even for him."' ends at the mark.
        for s, e in inner:
            if e + 1 > ce and not d.text[ce:e + 1].strip(PUNCT_MARKS):
                ce = e + 1
            if s - 1 < cs and not d.text[s - 1:cs].strip(PUNCT_MARKS):
                cs = s - 1
        if any(s - 1 < cs or e + 1 > ce for s, e in inner):
            continue  # a quotation that runs out of the clause: the quotation reports it
        quoted = sum(e - s for s, e in inner)
        # Words of the clause before its quotation ('that Trump "lashed out …"') make
        # it a statement, however much of it is quoted.
        lead = bool(inner) and bool(set(re.findall(r"[a-z]+", d.text[cs:inner[0][0]].lower()))
                                    - LEAD_PREPS)
        if inner and ((quoted >= QUOTED_SHARE * (ce - cs - 2 * len(inner)) and not lead)
                      or len(toks) < QUOTED_MIN_WORDS):
            continue
        if attrib.SPY is not None and (t.i in learned or t.i in fallback):
            attrib.SPY.append((attrib.features(t, t.i in fallback), *_bounds(d, t, cs, ce)))
        cands.append((cs, ce, t, cue_end, subj, gap))
    # Of nested statements ("…, he said, that she thinks …") the outer one is reported.
    taken: list[tuple[int, int, Any, int, Any, tuple[int, int] | None]] = []
    for c in sorted(cands, key=lambda c: c[0] - c[1]):
        if not any(o[0] < c[1] and c[0] < o[1] for o in taken):
            taken.append(c)
    out: list[LocalQuote] = []
    for cs, ce, t, cue_end, subj, gap in sorted(taken, key=lambda c: c[0]):
        if gap is None:
            cs, ce = _bounds(d, t, cs, ce)
        para, off = d.locate(cs)
        if d.locate(ce - 1)[0] != para or para not in d.ends:
            continue
        q = LocalQuote(para=para, start=off, end=off + (ce - cs), text=d.text[cs:ce],
                       partial=False, speaker_kind="none")
        if gap is not None and cs < gap[0] and gap[1] < ce:
            # "Lenox thrived, he said, until 1999": the words on both sides of the cue.
            q.parts = [[off, off + gap[0] - cs], [off + gap[1] - cs, off + ce - cs]]
            q.text = d.text[cs:gap[0]] + " " + d.text[gap[1]:ce]
        q.cue = "according to" if t.lower_ == "according" else t.lemma_.lower()
        q.cue_span = cue_span(d, t, cs, cue_end, reach=True)
        if subj is not None:
            outside = [x for x in subj.subtree if not _inside(x.idx, spans, starts)]
            if subj in outside:
                _speaker(d, q, subj, people, outside)
        out.append(q)
    return out


def _bounds(d: _Doc, cue: Any, cs: int, ce: int) -> tuple[int, int]:
    """The statement's doc chars as the boundary model (`bounds`) would have them."""
    span = d.parsed.char_span(cs, ce)
    if span is None or span[0] == span[1]:
        return cs, ce
    s, e = bounds.choose(d.tokens, cue, span[0], span[1], d.bounds[d.sentence(cs)[0]])
    if (s, e) == span:
        return cs, ce
    last = d.tokens[e - 1]
    return d.idx[s], last.idx + len(last.text)


def headline(paragraphs: Any) -> list[LocalQuote]:
    """A headline that gives its speaker before a colon: 'Sanders: Clinton needs to get
    away from the personality stuff.' (the speaker's words after the colon, the
    closing full stop left out unless a quotation mark follows it)."""
    out = []
    for p in paragraphs[:1]:  # a headline the cleaner kept as body text ends with a stop
        if p.kind not in ("headline", "body") or len(p.text.split()) > HEADLINE_MAX_WORDS:
            continue
        m = HEADLINE_SPEAKER.match(p.text)
        if m is None:
            continue
        s, e = m.span("who")
        k = p.text.rfind(" from ", s, e)
        s = k + len(" from ") if k >= 0 else s  # "A lesson from Loretta Lynch:"
        words = p.text[s:e].split()
        if len(words) > HEADLINE_SPEAKER_WORDS or p.text[s:e].isupper() or not all(
                w[:1].isupper() for w in words) or words[0].lower() in ARTICLES:
            continue  # "A Plan to Fight Climate Change: Buy Mines", "UPDATE: …", "The Latest: …"
        c0, c1 = m.span("what")
        if p.text[c1 - 1] == ".":
            c1 -= 1
        q = LocalQuote(para=p.index, start=c0, end=c1, text=p.text[c0:c1], partial=False,
                       speaker=[p.index, s, e, p.text[s:e]], speaker_kind="name", cue=":",
                       cue_span=[p.index, m.start("colon"), m.end("colon")])
        out.append(q)
    return out


def _parenthetical(d: _Doc, verb: Any) -> tuple[int, int, tuple[int, int]] | None:
    """A cue set off by commas inside its statement: "Lenox thrived, he said, until
    1999". (first token, end token) of the sentence and the doc chars of ", he said,"."""
    toks = d.tokens  # the tokens made once: `doc[k]` makes one per call
    subj = _subject(verb, [], d)
    if subj is None or subj.i > verb.i:
        return None
    left = subj.left_edge.i - 1
    right = verb.i + 1
    while right < len(toks) and right - verb.i <= PARENTHESIS_TAIL and toks[right].text != "," \
            and toks[right].pos_ not in ("VERB", "AUX", "PUNCT"):
        right += 1  # "said Friday", "said in an interview"
    if left < 1 or right >= len(toks) - 1 or toks[left].text != "," or toks[right].text != ",":
        return None
    if toks[right + 1].text in QUOTE_MARKS or toks[left - 1].text in QUOTE_MARKS:
        return None  # 'X said, "…"' and '"…," X said, …' introduce quotations
    _, s0, s1 = d.sentence(verb.idx)
    if not (s0 < toks[left].idx and toks[right].idx + 1 < s1):
        return None
    span = d.parsed.char_span(s0, s1)
    if span is None:
        return None
    if not any(toks[k].pos_ in ("NOUN", "PROPN", "PRON", "NUM") for k in range(span[0], left)):
        return None  # "So far, he said, …": the words before are the cue's own setting
    return span[0], span[1], (toks[left].idx, toks[right + 1].idx)


def _candidates(doc: Any, verbs: frozenset[str], tokens: Sequence[Any] | None = None
                ) -> list[Any]:
    """Reporting verbs and "according" of a doc, read from its arrays (no Token per word;
    those found taken from `tokens`, the doc's tokens made once, when given)."""
    from spacy.attrs import LEMMA, LOWER, POS
    from spacy.symbols import AUX, VERB

    if not len(doc):
        return []
    strings = doc.vocab.strings
    wanted = attrib.string_ids(strings, _with_titles(verbs))
    arr = doc.to_array([LEMMA, LOWER, POS])
    hit = (attrib.among(arr[:, 0], wanted) & ((arr[:, 2] == VERB) | (arr[:, 2] == AUX))) \
        | (arr[:, 1] == strings.add("according"))
    toks = doc if tokens is None else tokens
    return [toks[int(i)] for i in numpy.flatnonzero(hit)]


@functools.lru_cache(maxsize=4)
def _with_titles(verbs: frozenset[str]) -> frozenset[str]:
    return verbs | {v.title() for v in verbs}


def _inside(idx: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, idx) - 1
    return i >= 0 and spans[i][0] - 1 <= idx < spans[i][1] + 1


def _clause(verb: Any, objects: bool = False, d: _Doc | None = None
            ) -> tuple[int, int, int, Any] | None:
    """(first token, end token, cue end token, subject) of what a reporting verb reports;
    with `objects`, its objects as a stance verb's."""
    comp = [c for c in verb.children if c.dep_ == "ccomp"]
    if comp:
        c = comp[0]
        lo, hi = c.left_edge.i, c.right_edge.i + 1
        if lo <= verb.i < hi:
            return None
    else:
        right = [c for c in verb.children if c.i > verb.i and c.dep_ in OBJECT_DEPS]
        quoted = [c for c in right if any(x.text in QUOTE_MARKS for x in c.subtree)]
        if quoted:
            # Up to the quoted words or the last object, not the "during …" after them.
            last = max(c.right_edge.i for c in right
                       if c in quoted or c.dep_ != "prep" or c.lower_ == "as")
            lo = min(c.left_edge.i for c in right)
            hi = last + 1
        else:
            # A stance verb's object ("endorsed the plan"); a reporting verb's only
            # through a preposition ("wrote about the plan").
            span = _stance(verb, objects or verb.lemma_.lower() in stance_verbs())
            if span is None:
                return None
            lo, hi, cue_end = span
            return lo, hi, cue_end, _subject(verb, [], d)
    return lo, hi, verb.i + 1, _subject(verb, [], d)


def _stance(verb: Any, objects: bool = True) -> tuple[int, int, int] | None:
    """What a stance verb attributes: its object and "to" clause ("urged voters to
    stay home", "wants to cut taxes"), or the object of the preposition right after
    it ("called for an inquiry")."""
    kids = [c for c in verb.children if c.i > verb.i]
    objs = [c for c in kids if c.dep_ in STANCE_DEPS] if objects else []
    if objs:
        hi = max(c.right_edge.i for c in objs) + 1
        for c in kids:  # "described the showdown [as ominous]", "blamed workers [for it]"
            if c.left_edge.i == hi and (c.dep_ in ("oprd", "acomp") or (
                    c.dep_ == "prep" and c.lower_ in OBJECT_PREPS)):
                hi = c.right_edge.i + 1
        return min(c.left_edge.i for c in objs), hi, verb.i + 1
    preps = [c for c in kids if c.dep_ == "prep" and c.i == verb.i + 1
             and c.lower_ in CONTENT_PREPS]
    pobj = [c for p in preps for c in p.children if c.dep_ == "pobj"]
    if pobj:
        return pobj[0].left_edge.i, pobj[0].right_edge.i + 1, verb.i + 2
    return None


def _according(tok: Any) -> tuple[int, int, int, Any] | None:
    """'According to X, …' / '…, according to X': the rest of the sentence is reported."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    objs = [c for c in nxt.children if c.dep_ == "pobj"]
    phrase_lo = tok.i
    phrase_hi = max(tok.right_edge.i, nxt.right_edge.i) + 1
    sent = tok.sent
    before = (sent.start, phrase_lo)
    after = (phrase_hi, sent.end)
    lo, hi = after if after[1] - after[0] >= before[1] - before[0] else before
    return lo, hi, nxt.i + 1, objs[0] if objs else None


def _trim(span: Sequence[Any]) -> list[Any]:
    """The clause's tokens without the punctuation around it (closing marks kept), a
    leading "and", and a relative clause set off by a comma at its end ("…, who is 70")."""
    toks = list(span)
    # "and the top 10 percent paid …", "However, debates are …": not what was said.
    while toks and (toks[0].dep_ == "cc" or toks[0].lower_ in LEADING_WORDS) and len(toks) > 1:
        toks.pop(0)
        if toks and toks[0].text == ",":
            toks.pop(0)
    for t in toks:
        trailing = t.dep_ in TRAILING_DEPS or (
            t.dep_ == "advcl" and t.tag_ in ("VBG", "VBN") and t.left_edge.i == t.i)
        if trailing and t.left_edge.i > toks[0].i \
                and t.doc[t.left_edge.i - 1].text in SET_OFF and t.right_edge.i >= toks[-1].i - 1:
            toks = [x for x in toks if x.i < t.left_edge.i - 1]
            break
    while toks and ((toks[0].is_punct and toks[0].text not in QUOTE_MARKS)
                    or toks[0].is_space):
        toks.pop(0)
    while toks and (toks[-1].is_space or (toks[-1].is_punct and toks[-1].text not in "”\"")):
        toks.pop()
    return toks
