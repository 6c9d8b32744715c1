"""Per-article quotations: spans, partial or direct, the speaker's phrase, the venue,
and when and where the words were said, as far as the article itself tells."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from storytrace.entities.recognize import ArticleEntities, LocalEntity
from storytrace.gazetteer import data_lines
from storytrace.nlp import PARAGRAPH_JOINER, ParsedArticle
from storytrace.quotes.cue import cue_span

# A quoted span of at most this many words, with no verb and title case, is a
# title or a name in quotation marks, not speech.
TITLE_MAX_WORDS = 8
# Venue words right before an outlet, show or platform name: "told People",
# "in an interview with WWD", "during an appearance on 'Good Morning America'".
VENUE_BEFORE = re.compile(
    r"(?:\btold|\btells|\bto|\bwith|\bon|\bvia|\bby|\baccording to|\bfor|\bin)"
    r"\s*(?:the\s+)?[\"“‘]?\s*$", re.IGNORECASE)
ORG_VENUE_BEFORE = re.compile(
    r"(?:\btold|\btells|\bspoke to|\bspoke with|\bspeaking (?:to|with)|\baccording to|"
    r"\binterview with|\bappearance on|\bon)\s*(?:the\s+)?[\"“‘]?\s*$", re.IGNORECASE)
# "the outlet" and its kind refer back to the last outlet named.
OUTLET_BACKREF = re.compile(
    r"\bthe (outlet|publication|magazine|newspaper|paper|network|station|broadcaster|site)\b",
    re.IGNORECASE)
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": None, "i": None, "we": None}
OCCASION = re.compile(
    r"\b(?:at|during|after|before|on)\s+(?:the|a|an|his|her|their)\s+"
    r"(?P<occ>[^,.;“”\"]{0,60}?\b(?:premiere|interview|event|party|conference|screening|"
    r"festival|gala|hearing|rally|meeting|ceremony|appearance|show|launch|briefing|"
    r"press conference|news conference|town hall|panel|summit)\b(?: of [^,.;“”\"]{1,60})?)",
    re.IGNORECASE)
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MONTH_RE = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
             r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
DAY_RE = re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?\b")
MONTH_ONLY_RE = re.compile(r"\bin\s+" + _MONTH_RE + r"(?:\s+(?P<year>\d{4}))?\b")
# A dash and a name closing a quotation's line: '"…" ― Jane Doe' (the next line's
# quotation may follow on the same line when the line breaks were lost).
DASH_SPEAKER = re.compile(
    r"[ \t\xa0]*(?P<dash>[―—–])[ \t\xa0]*(?P<name>[A-Z][^\n“”\"―—–!?:;]{1,60}?)"
    r"[ \t\xa0]*(?:\n|$|(?=[“\"]))")
# A speaker's name in capitals and a colon opening a quoted transcript line.
TRANSCRIPT = re.compile(r"\s*(?P<name>[A-Z][A-Z.'\- ]{1,30}[A-Z])(?P<colon>:)\s+")
# Quoted words of at most this many with no speech verb in their sentence are
# scare quotes ('the so-called "deal"'), not speech.
SCARE_MAX_WORDS = 4
# The words between two parts of one quotation split around its cue: '"…," she said, "…"'.
SPLIT_MAX_CHARS = 80
YEAR_RE = re.compile(r"\b(?:in|from|during|a|an|the|his|her|their)\s+(?P<year>(?:19|20)\d{2})\b")


@functools.cache
def speech_verbs() -> frozenset[str]:
    return frozenset(data_lines("speech_verbs.txt"))


@functools.cache
def anonymous_heads() -> frozenset[str]:
    return frozenset(data_lines("anonymous_sources.txt"))


@dataclass
class LocalQuote:
    """One quotation as the article prints it, with its attribution still local."""

    para: int
    start: int
    end: int
    text: str
    partial: bool
    speaker: list[Any] | None = None  # [para, start, end, text] of the speaker phrase
    speaker_key: str | None = None  # local entity key when a name was found
    speaker_kind: str = ""  # name, descriptor, pronoun, anonymous, carried, none
    gender: str | None = None  # of a pronoun speaker
    via: str | None = None  # local entity key of the venue
    via_text: str | None = None
    said: str | None = None  # ISO date at the precision the text gives
    occasion: str | None = None
    cue: str | None = None
    cue_span: list[Any] | None = None  # [para, start, end] of the speech verb
    group: int = 0  # quotes of one utterance within the article
    within: int = -1  # index of the reported statement ("said that ...") holding the quote
    parts: list[list[int]] | None = None  # [start, end] of a statement's words around its cue


_QUOTE_FIELDS = tuple(f.name for f in dataclasses.fields(LocalQuote))
# Fields holding lists, copied so a stored dict shares nothing with the quote.
_LIST_FIELDS = ("speaker", "cue_span")


def _quote_dict(q: LocalQuote) -> dict[str, Any]:
    d = {k: getattr(q, k) for k in _QUOTE_FIELDS}
    for k in _LIST_FIELDS:
        if d[k] is not None:
            d[k] = list(d[k])
    if q.parts is not None:
        d["parts"] = [list(p) for p in q.parts]
    return d


@dataclass
class ArticleQuotes:
    quotes: list[LocalQuote] = field(default_factory=list)
    # [para, start, venue key]: "During an appearance on X", "according to X",
    # "a source told X": the venue of the quotes that follow, if they name none.
    venues: list[list[Any]] = field(default_factory=list)
    # Reported speech, "X said that ...", "according to X, ...": statements with a
    # speaker and cue like quotes, kept apart from them (see `report.reports`).
    reports: list[LocalQuote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # What `dataclasses.asdict` gives, built directly: its deep copy of every field
        # was most of the stage's cost to the pipeline on a 300-article batch.
        return {"quotes": [_quote_dict(q) for q in self.quotes],
                "venues": [list(v) for v in self.venues],
                "reports": [_quote_dict(q) for q in self.reports]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleQuotes:
        return cls([LocalQuote(**q) for q in d.get("quotes", [])], d.get("venues", []),
                   [LocalQuote(**q) for q in d.get("reports", [])])


def _marks(text: str) -> list[tuple[int, str]]:
    """Quotation marks as (offset, 'open'|'close'|'either')."""
    out = []
    for m in _MARK_RE.finditer(text):
        i, ch = m.start(), m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == "“":
            out.append((i, "open"))
        elif ch == "”":
            # A closing mark set where an opening one belongs, at a line's start: '\n”We …'.
            line_start = i == 0 or text[i - 1] == "\n"
            out.append((i, "open" if line_start and after.isalnum() else "close"))
        elif ch == '"':
            space_before = before.isspace() or before in "([{—–-/"
            if space_before and after.isspace():
                out.append((i, "either"))  # ' " Good Morning America ," ': by parity
            else:
                out.append((i, "open" if space_before else "close"))
    return out


_MARK_RE = re.compile("[“”\"]")


def quote_spans(text: str) -> list[tuple[int, int, bool, bool]]:
    """(start, end, opened, closed) of the quotations in one paragraph.

    A close with no open before it starts at its sentence (an opening mark the
    writer dropped); an open never closed runs to the paragraph's end.

    >>> quote_spans('She said, "Hi there." Then "bye')
    [(11, 20, True, True), (28, 31, True, False)]
    """
    out = []
    open_at: int | None = None
    for i, kind in _marks(text):
        if kind == "either":
            kind = "open" if open_at is None else "close"
        if kind == "open":
            if open_at is None:
                open_at = i
        elif open_at is not None:
            out.append((open_at + 1, i, True, True))
            open_at = None
        elif not out and text[i - 1:i] in (",", ".", "?", "!"):
            cut = max(text.rfind(". ", 0, i), text.rfind("? ", 0, i), text.rfind("! ", 0, i))
            start = cut + 2 if cut >= 0 else 0
            if i - start > 10:
                out.append((start, i, False, True))
    if open_at is not None and len(text) - open_at > 2:
        out.append((open_at + 1, len(text), True, False))
    return out


def _is_title(text: str) -> bool:
    words = text.strip(" ,.").split()
    if not words or len(words) > TITLE_MAX_WORDS:
        return False
    content = [w for w in words if w.lower() not in ("of", "the", "a", "an", "and", "in", "on",
                                                    "to", "for", "at", "with", "de")]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


class _Doc:
    """Offsets between paragraphs and the parsed text."""

    def __init__(self, parsed: ParsedArticle) -> None:
        self.parsed = parsed
        self.doc = parsed.doc
        self.tokens = parsed.tokens  # made once: `doc[i]` makes a new Token on every call
        self.idx = parsed.token_idx
        self.text: str = parsed.text  # `doc.text` would rebuild it token by token
        self.base = {p: s for p, s in zip(parsed.para_index, parsed.starts, strict=True)}
        self.ends = {p.index: self.base[p.index] + len(p.text) for p in parsed.article.body}
        self.bounds = parsed.sent_bounds
        self.sent_chars = parsed.sent_chars

        self.sent_starts = [s for s, _ in self.sent_chars]
        self.para_starts = sorted((b, p) for p, b in self.base.items())

    def sentence(self, off: int) -> tuple[int, int, int]:
        """(index, start char, end char) of the sentence holding doc offset `off`."""
        i = max(0, bisect.bisect_right(self.sent_starts, off) - 1)
        s, e = self.sent_chars[i]
        # spaCy sometimes runs a sentence across a paragraph break: cut it there.
        para, _ = self.locate(off)
        return i, max(s, self.base[para]), min(e, self.ends[para])

    def locate(self, off: int) -> tuple[int, int]:
        """(paragraph index, offset in it) of a doc offset."""
        i = max(0, bisect.bisect_right(self.para_starts, (off, 1 << 30)) - 1)
        base, para = self.para_starts[i]
        return para, off - base


def _mentions(ents: ArticleEntities, base: dict[int, int],
              types: tuple[str, ...]) -> list[tuple[int, int, LocalEntity, str]]:
    out = []
    for e in ents.entities:
        if e.type in types:
            for para, s, t, _, kind in e.mentions:
                if para in base:
                    out.append((base[para] + s, base[para] + t, e, kind))
    return sorted(out, key=lambda m: m[0])


def _explicit_date(text: str, published: dt.date | None, months: bool = True) -> str | None:
    """A date written in `text`, at its precision; a year-less date takes the nearest past year.

    `months=False` ignores a bare "in August": in a sentence that reports speech
    it is as often what the speaker talks about as when they spoke.
    """
    m = DAY_RE.search(text)
    if m:
        month = MONTHS[next(k for k in MONTHS if k.startswith(m["month"].lower()[:3]))]
        year = int(m["year"]) if m["year"] else _past_year(month, int(m["day"]), published)
        if year:
            try:
                return dt.date(year, month, int(m["day"])).isoformat()
            except ValueError:
                return None
    m = MONTH_ONLY_RE.search(text) if months else None
    if m:
        month = MONTHS[next(k for k in MONTHS if k.startswith(m["month"].lower()[:3]))]
        year = int(m["year"]) if m["year"] else _past_year(month, 1, published)
        if year:
            return f"{year:04d}-{month:02d}"
    m = YEAR_RE.search(text)
    if m:
        return m["year"]
    return None


def _past_year(month: int, day: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    year = published.year
    try:
        if dt.date(year, month, min(day, 28)) > published:
            year -= 1
    except ValueError:
        return None
    return year


def find(parsed: ParsedArticle, ents: ArticleEntities) -> ArticleQuotes:
    """Quotations of one article with their local attribution (see `link` for the corpus)."""
    if parsed.doc is None or not parsed.article.body:
        return ArticleQuotes()
    from storytrace.quotes.report import headline, reports  # they build on this module

    d = _Doc(parsed)
    people = _mentions(ents, d.base, ("PERSON", "ORG"))
    # Organisations count as venues after a cue ("told the Bay Post"): outlets the
    # gazetteer does not know are organisations to NER.
    venues = _mentions(ents, d.base, ("OUTLET", "WORK", "PLATFORM", "ORG"))
    titles = [(s, e) for s, e, ent, _ in venues if ent.type in ("WORK", "OUTLET", "ORG")]
    published = parsed.article.published
    texts = {p.index: p.text for p in parsed.article.body}
    body = [p.index for p in parsed.article.body]
    following = dict(itertools.pairwise(body))
    out: list[LocalQuote] = []
    spans: list[tuple[int, int]] = []
    for p in parsed.article.body:
        base = d.base[p.index]
        for s, e, _, _ in quote_spans(p.text):
            inner = p.text[s:e]
            stripped = inner.strip()
            if not stripped or not any(ch.isalpha() for ch in stripped):
                continue
            ds, de = base + s, base + e
            if any(ts <= ds + 1 and de - 1 <= te for ts, te in titles) or _is_title(stripped):
                continue
            spans.append((ds, de))
            out.append(LocalQuote(para=p.index, start=s, end=e, text=inner, partial=False))
    conts = _continuations(out, texts)
    for i, (q, (ds, de)) in enumerate(zip(out, spans, strict=True)):
        _attribute(d, q, ds, de, spans, people, venues, published)
        if i in conts:
            q.partial = False
        _transcript(q)
        if q.speaker is None and q.speaker_kind in ("", "none") and not q.partial:
            _dash(d, q, texts, following.get(q.para), people)
        if q.speaker is None and q.speaker_kind in ("", "none") and not q.partial:
            _introduced(d, q, ds, spans, people, venues, published)
    _carry(out, parsed)
    kept = [(q, i in conts) for i, q in enumerate(out) if not _scare(q) or i in conts]
    quotes = _merge(kept, texts)
    reported = headline(parsed.article.paragraphs) + reports(d, spans, people)
    _within(quotes, reported)
    return ArticleQuotes(quotes, _venue_statements(d, spans, venues), reported)


def _scare(q: LocalQuote) -> bool:
    """A few quoted words with no speech verb in their sentence: 'the so-called "deal"'."""
    return q.partial and q.cue is None and len(q.text.split()) <= SCARE_MAX_WORDS


def _continuations(quotes: list[LocalQuote], texts: dict[int, str]) -> set[int]:
    """Quotes that go on the one before them, split around its cue:
    '"One reason," she said, "is the cost."' (the second part starts lower case)."""
    out = set()
    for i in range(1, len(quotes)):
        prev, q = quotes[i - 1], quotes[i]
        if prev.para != q.para or not q.text.lstrip()[:1].islower():
            continue
        between = texts[q.para][prev.end + 1:q.start - 1].strip()
        if (0 < len(between) <= SPLIT_MAX_CHARS and between.endswith((",", ":", "."))
                and not any(m in between for m in "\"“”")
                and not prev.text.rstrip().endswith(("?", "!"))):
            out.add(i)
    return out


def _transcript(q: LocalQuote) -> None:
    """A transcript line in quotation marks, '"SMITH: Well, …"': the name before the
    colon speaks the rest, whatever the sentence around it says."""
    m = TRANSCRIPT.match(q.text)
    if m is None:
        return
    s, e = q.start + m.start("name"), q.start + m.end("name")
    q.speaker, q.speaker_key, q.gender = [q.para, s, e, m["name"]], None, None
    q.speaker_kind = "name"
    q.cue = ":"
    q.cue_span = [q.para, q.start + m.start("colon"), q.start + m.end("colon")]
    q.text = q.text[m.end():]
    q.start += m.end()
    q.partial = False


def _dash(d: _Doc, q: LocalQuote, texts: dict[int, str], after: int | None,
          people: list[tuple[int, int, LocalEntity, str]]) -> None:
    """A name after a dash at the end of the quotation's line, or opening the next
    paragraph: '"…" ― Jane Doe'."""
    para, text = q.para, texts[q.para]
    close = q.end + 1 if text[q.end:q.end + 1] in "”\"" else q.end
    m = DASH_SPEAKER.match(text, close)
    if m is None and after is not None and not text[close:].strip(" .,\xa0"):
        para, text = after, texts[after]
        m = DASH_SPEAKER.match(text)
    if m is None:
        return
    s, e = m.span("name")
    if text[e - 1] == "." and text[e - 2:e - 1].islower():
        e -= 1  # "― Jane Doe." ends a sentence; "― Jane Q." keeps its initial
    q.speaker = [para, s, e, text[s:e]]
    q.cue = text[m.start("dash")]
    q.cue_span = [para, m.start("dash"), m.end("dash")]
    lo, hi = d.base[para] + s, d.base[para] + e
    named = [mn for mn in people if mn[0] < hi and lo < mn[1] and mn[2].type == "PERSON"]
    q.speaker_kind = "name"
    if named:
        q.speaker_key = named[0][2].key


def _within(quotes: list[LocalQuote], reported: list[LocalQuote]) -> None:
    """Mark each quote set inside a reported statement with that statement's index."""
    for q in quotes:
        for k, r in enumerate(reported):
            if r.para == q.para and r.start <= q.start - 1 and q.end <= r.end:
                q.within = k
                break


def _venue_statements(d: _Doc, spans: list[tuple[int, int]],
                      venues: list[tuple[int, int, LocalEntity, str]]) -> list[list[Any]]:
    out = []
    starts = [v[0] for v in venues]
    for s0, s1 in d.sent_chars:
        k = bisect.bisect_left(starts, s0)
        if not (k < len(starts) and starts[k] < s1) and not OUTLET_BACKREF.search(d.text, s0, s1):
            continue  # no venue named in it: nothing to find
        outside = _outside(d, s0, s1, spans)
        via = _venue(d, outside, venues, None)
        if via is not None:
            para, off = d.locate(s0)
            out.append([para, off, via[0]])
    return out


def _introduced(d: _Doc, q: LocalQuote, ds: int, spans: list[tuple[int, int]],
                people: list[tuple[int, int, LocalEntity, str]],
                venues: list[tuple[int, int, LocalEntity, str]],
                published: dt.date | None) -> None:
    """A quotation that makes a sentence of its own, after one that says who spoke:
    'Tom ... raved about her new film to the Associated Press.' / '"I love ..."', or
    'The plan may wait, Smith said. "The other factor is ..."' in one paragraph.

    Without a speech verb there, a person who is the subject of that sentence
    speaks ('Smith, the mayor, took the stage. "We won."'), rather than the speaker
    of a quotation further back.
    """
    _, s0, _ = d.sentence(ds)
    base = d.base[q.para]
    if d.text[s0:ds].strip(" “\"") or base < 2:
        return
    if s0 == base:
        # The last sentence of the paragraph before (spaCy may run it into this one).
        _, p0, p1 = d.sentence(base - len(PARAGRAPH_JOINER) - 1)
        if p1 > base:
            return
    else:
        _, p0, p1 = d.sentence(s0 - 1)
        p1 = min(p1, s0)
        if p0 < base or p0 >= p1:
            return
    outside = _outside(d, p0, p1, spans)
    cue = _cue(outside, p1)
    if cue is None:
        opened = s0 != base or d.text[p0:p1].rstrip().endswith(":")
        subj = _person_subject(outside, people) if opened else None
        if subj is not None:
            _speaker(d, q, subj, people, outside)
        return
    subj = _subject(cue, outside, d)
    if subj is not None and s0 != base and subj.pos_ == "PRON" and any(
            base <= s < ds for s, _ in spans):
        return  # '"…," Obama said. He did not say more. "…"': the quote before speaks on
    if subj is not None:
        _speaker(d, q, subj, people, outside)
        q.cue = cue.lemma_
        q.cue_span = cue_span(d, cue, base)
    via = _venue(d, outside, venues, cue)
    if via is not None and q.via is None:
        q.via, q.via_text = via


def _person_subject(outside: list[Any], people: list[tuple[int, int, LocalEntity, str]]) -> Any:
    """The subject of the main verb of these words when it names a person or is "he"
    or "she": who a quotation with no cue is most likely by."""
    allowed = {t.i for t in outside}
    # The main verbs of these words: a parse may run their sentence on into another.
    roots = [t for t in outside if t.pos_ in ("VERB", "AUX")
             and (t.dep_ == "ROOT" or t.head.i not in allowed)]
    for root in roots:
        for c in root.children:
            if c.dep_ != "nsubj" or c.i not in allowed:
                continue
            if c.lower_ in ("he", "she"):
                return c
            if any(m[0] <= c.idx < m[1] and m[2].type == "PERSON" for m in people):
                return c
    return None


def _merge(quotes: list[tuple[LocalQuote, bool]], texts: dict[int, str]) -> list[LocalQuote]:
    """Parts of one quotation split around its cue, in one paragraph, are one quote:
    '"Oh, man, it's right in that tone," the star gushed. "It's right in that big world."'

    The flag says the part goes on the one before it mid-sentence ("…," she said,
    "and …"), whatever either part's attribution says.
    """
    out: list[LocalQuote] = []
    for q, cont in quotes:
        prev = out[-1] if out else None
        between = prev is not None and _cue_between(prev, q, texts[q.para])
        if prev is not None and prev.para == q.para and (cont or between or (
                prev.group == q.group and prev.speaker == q.speaker
                and prev.partial == q.partial)):
            if between:  # not what a quote before it said (`_carry`)
                prev.speaker = None
            prev.text = f"{prev.text.strip()} {q.text.strip()}"
            prev.end = q.end
            if prev.speaker is None and q.speaker is not None:
                prev.speaker, prev.speaker_key = q.speaker, q.speaker_key
                prev.speaker_kind, prev.gender = q.speaker_kind, q.gender
            if prev.cue is None:
                prev.cue, prev.cue_span = q.cue, q.cue_span
            prev.via = prev.via or q.via
            prev.via_text = prev.via_text or q.via_text
            prev.said = prev.said or q.said
            prev.occasion = prev.occasion or q.occasion
            continue
        out.append(q)
    return out


def _cue_between(prev: LocalQuote, q: LocalQuote, text: str) -> bool:
    """'"A big year!" Jane Doe, the mayor's niece, shouted. "We have his back."': a
    quotation with no attribution of its own and the next one's cue right after it."""
    return (prev.cue is None and q.cue_span is not None and q.speaker is not None
            and not prev.partial and not q.partial and q.cue_span[0] == q.para
            and prev.end < q.cue_span[1] < q.start
            and text[q.cue_span[2]:q.start].rstrip(" “\"").endswith("."))


def _outside(d: _Doc, lo: int, hi: int, spans: list[tuple[int, int]]) -> list[Any]:
    """Tokens of [lo, hi) that are not inside any quotation."""
    span = d.parsed.char_span(lo, hi)
    if span is None:
        return []
    toks = d.tokens[span[0]:span[1]]
    near = [(s, e) for s, e in spans if s - 1 < hi and lo < e + 1]
    if not near:
        return toks
    # the tokens starting in a quotation (or on a mark around it) are a run each
    idx = d.idx[span[0]:span[1]]
    keep = [True] * len(toks)
    for s, e in near:
        a, b = bisect.bisect_left(idx, s - 1), bisect.bisect_left(idx, e + 1)
        keep[a:b] = [False] * (b - a)
    return [t for t, k in zip(toks, keep, strict=True) if k]


def _attribute(d: _Doc, q: LocalQuote, ds: int, de: int, spans: list[tuple[int, int]],
               people: list[tuple[int, int, LocalEntity, str]],
               venues: list[tuple[int, int, LocalEntity, str]],
               published: dt.date | None) -> None:
    _, s0, s1 = d.sentence(ds)
    _, _, s1 = d.sentence(max(ds, de - 1))
    # A single line break inside a paragraph ends a sentence, whatever the parse says.
    s0 = max(s0, d.text.rfind("\n", s0, ds) + 1)
    nl = d.text.find("\n", de, s1)
    s1 = nl if nl >= 0 else s1
    s1 = _cue_sentence_after(d, de, s1)
    outside = _outside(d, s0, s1, spans)
    # Partial: words of the sentence on both sides, or a fragment that is not a clause.
    left = d.text[s0:ds - 1].strip()
    right = d.text[de + 1:s1].strip(" .")
    words_left = [t for t in outside if t.idx < ds and t.is_alpha]
    inner = q.text.strip()
    starts_lower = inner[:1].islower()
    q.partial = bool(
        (starts_lower and words_left)
        or (words_left and not left.endswith((",", ":")) and right and not right.startswith(","))
    )
    cue = _cue(outside, ds, de)
    if cue is not None:
        q.cue = cue.lemma_
        q.cue_span = cue_span(d, cue, ds - 1, reach=True)
        subj = _subject(cue, outside, d)
        if subj is not None:
            _speaker(d, q, subj, people, outside)
        via = _venue(d, outside, venues, cue)
        if via is not None:
            q.via, q.via_text = via
    else:
        acc = re.search(r"according to\s+(?:the\s+)?$", d.text[s0:ds])
        if acc:
            q.speaker_kind = "none"
        elif left.endswith(":"):  # 'Obama is rolling out a new message: "It's about me."'
            subj = _person_subject([t for t in outside if t.idx < ds], people)
            if subj is not None:
                _speaker(d, q, subj, people, outside)
    if q.via is None:
        via = _venue(d, outside, venues, None)
        if via is not None:
            q.via, q.via_text = via
    sentence_out = " ".join(t.text_with_ws for t in outside)
    q.said = _explicit_date(sentence_out, published, months=False)
    m = OCCASION.search(sentence_out)
    if m:
        q.occasion = m["occ"].strip()
        q.said = q.said or _explicit_date(m.group(0), published)


def _cue_sentence_after(d: _Doc, de: int, s1: int) -> int:
    """The end of the sentence a quotation's cue is in: a question or exclamation
    closes spaCy's sentence, so '"Why not?" Vitter demanded.' puts the cue in the
    next one. That one is taken when it starts with a short phrase and a speech verb."""
    close = de + 1 if d.text[de:de + 1] in "”\"" else de
    if d.text[de - 1:de] not in "?!" or d.text[close:s1].strip() or s1 >= len(d.text):
        return s1
    para, _ = d.locate(de)
    _, n0, n1 = d.sentence(s1 + 1 if d.text[s1:s1 + 1].isspace() else s1)
    if n0 < s1 or n1 > d.ends[para] or "\n" in d.text[close:n0]:
        return s1
    nl = d.text.find("\n", n0, n1)
    n1 = nl if nl >= 0 else n1
    span = d.doc.char_span(n0, n1, alignment_mode="expand")
    if span is None or any(t.text in "“”\"" for t in span):
        return s1
    verbs = [t for t in span[:CUE_AFTER_TOKENS] if t.tag_.startswith("VB")]
    if verbs and verbs[0].lemma_.lower() in speech_verbs():
        return n1
    return s1


# A speech verb opening the sentence after a quotation ended by "?" or "!" within
# this many tokens is the quotation's cue ('"Why?" Sen. Jane Doe asked.').
CUE_AFTER_TOKENS = 6
# Clauses to climb from a cue without a subject to the one that has it:
# "Smith went on to say" (say -> went), "…, adding that" (adding -> said).
SUBJECT_CLIMB = 4
CLIMB_DEPS = frozenset(("advcl", "conj", "xcomp", "ccomp", "pcomp", "prep"))
# Words after a cue with no subject where a name is the inverted subject ("said Jane Doe").
INVERTED_TOKENS = 3
# Entity types of words that are never the one who spoke ("Tuesday", "p.m.").
NOT_SPEAKER_ENTS = frozenset(("DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY",
                              "ORDINAL"))


def _breaks(doc: Any, lo: int, hi: int, newlines: list[int] | None = None) -> bool:
    """Whether a line break lies between tokens lo and hi (spaCy makes it a token);
    `newlines` is the article's ParsedArticle.newlines, when at hand."""
    if newlines is not None:
        return hi > lo and newlines[hi] > newlines[lo]
    return hi > lo and "\n" in doc[lo:hi].text_with_ws


def _subject(cue: Any, outside: list[Any], d: _Doc | None = None) -> Any:
    """Who the speech verb says spoke: its subject, or its clause's, or the noun before it.

    A subject inside the quotation is the quote's own words, not its speaker.
    """
    if cue.lower_ == "according":  # "according to X": X
        to = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
        objs = [c for c in to.children if c.dep_ == "pobj"] if to is not None else []
        allowed_ = {t.i for t in outside} if outside else None
        return next((o for o in objs if allowed_ is None or o.i in allowed_), None)
    subj = [c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")]
    verb = cue
    for _ in range(SUBJECT_CLIMB):  # "…, saying …", "went on to say …": the clause's subject
        if subj or verb.dep_ not in CLIMB_DEPS or verb.head.i == verb.i:
            break
        verb = verb.head
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if outside:
        allowed = {t.i for t in outside}
        subj = [c for c in subj if c.i in allowed]
    # A parse that runs across a paragraph break: the other paragraph did not speak.
    newlines = d.parsed.newlines if d is not None else None
    subj = [c for c in subj if not _breaks(c.doc, min(c.i, cue.i), max(c.i, cue.i), newlines)]
    # A title in quotation marks after the cue is what it was said on ('said on
    # "Fox and Friends"'), whatever the parse made of it.
    subj = [c for c in subj if c.i < cue.i or c.left_edge.i == 0
            or c.doc[c.left_edge.i - 1].text not in "“\""]
    if not subj:  # a mis-parsed cue ("A source shared, ..."): the noun just before it
        subj = [t for t in outside if cue.i - 4 <= t.i < cue.i
                and t.pos_ in ("NOUN", "PROPN", "PRON") and t.ent_type_ not in NOT_SPEAKER_ENTS
                and t.dep_ not in ("pobj", "npadvmod")][-1:]
        if subj and subj[0].dep_ == "appos" and subj[0].ent_type_ != "PERSON":
            # "Marchetti, then a candidate, said" parsed as appositions of a noun
            # before them: the name set off just before the description spoke.
            k = subj[0].left_edge.i - 1
            name = cue.doc[k - 1] if k > 0 and cue.doc[k].text == "," else None
            if name is not None and name.ent_type_ == "PERSON" and name.dep_ == "appos" \
                    and any(t.i == name.i for t in outside):
                subj = [name]
    if not subj and outside:  # an inversion the parse missed: 'Said Ellis: "…"'
        allowed = {t.i for t in outside}
        run = list(itertools.takewhile(
            lambda t: t.i in allowed and t.pos_ == "PROPN" and t.ent_type_ not in
            NOT_SPEAKER_ENTS, cue.doc[cue.i + 1:cue.i + 1 + INVERTED_TOKENS]))
        subj = run[-1:]
    return subj[0] if subj else None


def _cue(outside: list[Any], quote_start: int, quote_end: int | None = None) -> Any:
    """The speech verb nearest the quotation, outside it, in the same sentence.

    A verb after the quotation with its own subject after it too ('"…," the union
    wrote') is as near as it is to the quotation's end, not to its start.
    """
    verbs = [t for t in outside  # not the adjective "so-called"
             if t.lemma_.lower() in speech_verbs() and t.tag_.startswith("VB") and t.dep_ != "amod"]
    if not verbs:
        verbs = [t for t in outside if t.lower_ in ("according",)]
    if not verbs:
        return None

    def distance(t: Any) -> int:
        kids = [c for c in t.children if c.idx >= quote_end] if quote_end is not None else []
        if quote_end is not None and t.idx >= quote_end and any(
                c.dep_ in ("nsubj", "nsubjpass") for c in kids) and not any(
                c.dep_ in ("ccomp", "dobj", "xcomp") and c.i > t.i for c in kids):
            return int(t.idx) - quote_end
        return abs(int(t.idx) - quote_start)

    return min(verbs, key=distance)


def _speaker(d: _Doc, q: LocalQuote, subj: Any, people: list[tuple[int, int, LocalEntity, str]],
             outside: list[Any]) -> None:
    allowed = {t.i for t in outside}
    # The subject's words outside quotations, in one run around its head.
    toks = sorted((t for t in subj.subtree if t.i in allowed), key=lambda t: t.i)
    # Within the subject's line: a parse may run across a paragraph break.
    line_lo, line_hi = d.text.rfind("\n", 0, subj.idx), d.text.find("\n", subj.idx)
    line_hi = len(d.text) if line_hi < 0 else line_hi
    # [a, b]: the words around the subject with none of a quotation's between
    a = b = subj.i
    if subj.i in allowed:
        while a - 1 in allowed:
            a -= 1
        while b + 1 in allowed:
            b += 1
    else:
        a, b = 0, -1
    run = [t for t in toks if a <= t.i <= b and line_lo < t.idx < line_hi] or [subj]
    # Not the cue or a colon of an inversion the parse made one phrase: 'Said Ellis:'.
    while len(run) > 1 and run[0].i < subj.i and (run[0].is_punct or run[0].tag_.startswith("VB")):
        run = run[1:]
    while len(run) > 1 and run[-1].i > subj.i and run[-1].text in (":", ";", "."):
        run = run[:-1]
    lo = min(t.idx for t in run)
    hi = max(t.idx + len(t.text) for t in run)
    after = run[-1].i + 1
    if any(t.text == "," for t in run) and after < len(subj.doc) and subj.doc[after].text == ",":
        hi = subj.doc[after].idx + 1  # "Jane Doe, the mayor," ends with its comma
    para, rel = d.locate(lo)
    q.speaker = [para, rel, rel + (hi - lo), d.text[lo:hi]]
    first = bisect.bisect_left(people, lo, key=lambda m: m[0])
    last = bisect.bisect_left(people, hi, lo=first, key=lambda m: m[0])
    inside = [m for m in people[first:last] if m[1] <= hi]
    if subj.lower_ in ("who", "that") and subj.head.dep_ == "relcl" and not inside:
        # "Smith, who said …": the name the relative clause hangs on.
        ante = subj.head.head
        inside = [m for m in people if m[0] <= ante.idx < m[1]]
        if inside:
            subj = ante
    head = subj.lemma_.lower()
    if subj.lower_ in PRONOUNS:
        q.speaker_kind = "pronoun"
        q.gender = PRONOUNS[subj.lower_]
        return
    if head in anonymous_heads() and not any(m[2].type == "PERSON" for m in inside
                                             if m[0] <= subj.idx < m[1]):
        q.speaker_kind = "anonymous"
        return
    named = [m for m in inside if m[2].type == "PERSON" or " " not in m[2].name]
    if named:
        best = min(named, key=lambda m: abs(m[0] - subj.idx))
        q.speaker_key = best[2].key
        q.speaker_kind = "descriptor" if best[3] == "descriptor" else "name"
        return
    q.speaker_kind = "descriptor" if subj.i > 0 else "unknown"


def _venue(d: _Doc, outside: list[Any], venues: list[tuple[int, int, LocalEntity, str]],
           cue: Any) -> tuple[str, str] | None:
    if not outside:
        return None
    lo, hi = outside[0].idx, outside[-1].idx + len(outside[-1].text)
    for s, e, ent, _ in venues:
        if not (lo <= s < hi):
            continue
        span = d.parsed.char_span(s, e)
        if span is not None and span[0] < span[1] and (last := d.tokens[span[1] - 1]).dep_ \
                == "compound" and last.head.i >= span[1] and last.head.pos_ == "PROPN":
            continue  # part of a longer name: "on Greyholm Island" is no venue
        before = d.text[max(0, s - 40):s]
        after = d.text[e:e + 16].lower()
        if ent.type == "PLATFORM" and re.match(r"\s*(video|post|story|live|clip|reel|account)",
                                               after):
            return ent.key, d.text[s:e]
        if ent.type == "ORG" and not ORG_VENUE_BEFORE.search(before):
            continue
        if VENUE_BEFORE.search(before) or re.match(r"\s*(reported|reports|said)", after):
            if ent.type == "WORK" and not re.search(
                    r"(appearance|interview|speaking|spoke|told|on)\s+(?:the\s+)?[\"“‘]?\s*$",
                    before, re.IGNORECASE):
                continue
            return ent.key, d.text[s:e]
    m = OUTLET_BACKREF.search(d.text[lo:hi])
    if m:
        prior = [v for v in venues if v[0] < lo + m.start() and v[2].type == "OUTLET"]
        if prior:
            return prior[-1][2].key, prior[-1][2].name
    return None


def _carry(quotes: list[LocalQuote], parsed: ParsedArticle) -> None:
    """Quotes with no cue take the speaker of the quote before them: a quotation split
    around its cue, or a paragraph that goes on quoting. Consecutive quotes of one
    speaker form one utterance (`group`)."""
    order = {p.index: i for i, p in enumerate(parsed.article.body)}
    group = 0
    prev: LocalQuote | None = None
    for q in quotes:
        if q.speaker is None and q.speaker_kind in ("", "none") and prev is not None and (
                order[q.para] - order[prev.para] <= 1) and not q.partial:
            q.speaker, q.speaker_key = prev.speaker, prev.speaker_key
            q.speaker_kind = prev.speaker_kind if prev.speaker_kind else "carried"
            q.gender = prev.gender
            q.via = q.via or prev.via
            q.via_text = q.via_text or prev.via_text
            q.said = q.said or prev.said
            q.occasion = q.occasion or prev.occasion
        same = prev is not None and q.speaker == prev.speaker and (
            q.via in (None, prev.via)) and order[q.para] - order[prev.para] <= 2
        if not same:
            group += 1
        q.group = group
        prev = q
