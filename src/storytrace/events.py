"""When: dated happenings, merged across articles into one sourced timeline.

Two steps, as every stage. `find` runs per article on the parsed text: every
date the time stage resolves, in a sentence that reports something happening
(a verb or noun of `data/event_words.tsv` governs the date), becomes an event
mention with its sentence, trigger and kind. `merge` runs over the corpus:
mentions of one happening (compatible dates, the same kind, shared words,
people and places) become one event with every source; mentions that tell the
same happening with a different date are kept as conflicts, never dropped.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace import timex
from storytrace.entities.names import ascii_punct
from storytrace.gazetteer import data_lines, stopwords
from storytrace.nlp import ParsedArticle, plain

STAGE = "events"

# Finest first: an event's date is its finest mention's.
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "year": 4,
                  "decade": 5, "century": 6}
# A dated sentence this short ("In May, she praised him.") borrows the next
# sentence, when that one has no date of its own, for its words.
SHORT_SENTENCE_WORDS = 12
# Words shared (overlap coefficient of the content words) for two mentions of
# compatible dates to be one event, and for two mentions a few days apart to
# be one event told with conflicting dates.
SAME_WORDS = 0.5
CONFLICT_WORDS = 0.2
CONFLICT_DAYS = 3
# Prepositions that make a date the edge of a span, not the day of a happening.
_SPAN_EDGE = re.compile(r"\b(?:until|till|through|by|before|after)\s+$", re.IGNORECASE)
_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
# Verbs that report any happening: the same person "said" in April and on April 8 is two.
_REPORTING = frozenset({"say", "tell"})
_PLURAL_SUBJECTS = frozenset({"they", "pair", "two", "couple", "duo", "both"})
_SINGLE_SUBJECTS = frozenset({"he", "she"})


@functools.cache
def event_words() -> dict[str, str]:
    """Lemma -> kind of happening, from the data file."""
    rows = [ln.split("\t") for ln in data_lines("event_words.tsv")]
    return {r[0]: r[1] for r in rows[1:] if len(r) >= 2}


@dataclass
class Mention:
    """One dated report of a happening in one article (offsets within its paragraph)."""

    para: int
    start: int  # the date expression
    end: int
    sent_start: int
    sent_end: int
    text: str  # the sentence (and the one it borrows)
    timex: str
    value: str
    precision: str | None
    earliest: str
    latest: str
    anchor: str
    trigger: str
    kind: str
    words: list[str] = field(default_factory=list)
    group_subject: bool = False
    pronoun_subject: str = ""  # "he" or "she"


def _trigger(tokens: Sequence[Any]) -> tuple[str, str] | None:
    """The verb or event noun that a date expression's tokens hang from, with its kind.

    The first event noun on the way up wins ("the June 3 premiere", "his divorce
    in 2012"); a date that modifies a noun naming no happening ("the 2019
    film") is no event; otherwise the governing verb, "happening" if the data
    file does not know it.
    """
    words = event_words()
    inside = {t.i for t in tokens}
    t = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[0])
    for _ in range(10):
        parent = t.head
        if parent.i == t.i or parent.pos_ in ("VERB", "AUX"):
            t = parent
            break
        if parent.pos_ in ("NOUN", "PROPN"):
            lemma = parent.lemma_.lower()
            if lemma in words:
                return lemma, words[lemma]
            if t.dep_ in _MODIFIER_DEPS:
                return None
        t = parent
    verb = t
    # The verb, its complements, then its subject ("a hearing will be held June 27").
    chain = [verb, *[c for c in verb.children if c.dep_ in ("xcomp", "dobj", "attr", "oprd",
                                                           "acomp", "ccomp")],
             *[c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")]]
    for c in chain:
        lemma = c.lemma_.lower()
        if lemma in words:
            return lemma, words[lemma]
    if verb.pos_ in ("VERB", "AUX"):
        return verb.lemma_.lower(), "happening"
    return None


_MODIFIER_DEPS = frozenset({"compound", "amod", "nummod", "nmod", "poss"})
_KEY_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})


def _keywords(span: Any, skip: set[int]) -> list[str]:
    """Lemmas of the span's content words, the date's own tokens left out."""
    stop = stopwords()
    out: dict[str, None] = {}
    for t in span:
        if t.i in skip or t.pos_ not in _KEY_POS or t.is_stop or t.ent_type_ == "PERSON":
            continue
        lemma = ascii_punct(t.lemma_.lower()).strip("'")
        if len(lemma) > 2 and lemma not in stop and lemma not in ("say", "tell", "be"):
            out.setdefault(lemma, None)
    return list(out)


def find(parsed: ParsedArticle, results: dict[str, Any] | None = None) -> list[Mention]:
    """Event mentions of one article, in text order."""
    a = parsed.article
    if a.published is None or parsed.doc is None:
        return []
    body = a.body
    offsets, pos = [], 0
    for p in body:
        offsets.append(pos)
        pos += len(p.text) + 2
    text = "\n\n".join(p.text for p in body)
    blocked = _blocked_spans(results or {})
    sentences = parsed.sentences()
    by_para: dict[int, list[tuple[int, int]]] = {}
    for para, s, e in sentences:
        by_para.setdefault(para, []).append((s, e))
    quoted = _quoted(body)
    doc = parsed.doc
    out: list[Mention] = []
    spans: list[tuple[int, int]] = []  # token span of each mention's date
    dated_sentences: set[tuple[int, int]] = set()
    for tx in timex.tag(text, a.published):
        k = max(i for i, o in enumerate(offsets) if o <= tx.start)
        para, base = body[k].index, offsets[k]
        s, e = tx.start - base, tx.end - base
        sent = next(((ss, se) for ss, se in by_para.get(para, []) if ss <= s < se), None)
        if sent is None:
            continue
        dated_sentences.add((para, sent[0]))
        if not _eventful(tx, body[k].text, s, e, blocked.get(para, ()), quoted.get(para, ())):
            continue
        at = parsed.char_span(parsed.starts[k] + s, parsed.starts[k] + e)
        if at is None or at[0] == at[1]:
            continue
        trig = _trigger(parsed.tokens[at[0]:at[1]])
        if trig is None:
            continue
        spans.append(at)
        subject = next((c for c in doc[at[0]:at[1]].root.sent.root.children
                        if c.dep_ in ("nsubj", "nsubjpass")), None)
        lemma = subject.lemma_.lower() if subject is not None else ""
        assert tx.earliest is not None and tx.latest is not None
        out.append(Mention(para, s, e, sent[0], sent[1], body[k].text[sent[0]:sent[1]],
                           tx.text, tx.value, tx.precision, tx.earliest.isoformat(),
                           tx.latest.isoformat(), tx.anchor, trig[0], trig[1],
                           group_subject=lemma in _PLURAL_SUBJECTS,
                           pronoun_subject=lemma if lemma in _SINGLE_SUBJECTS else ""))
    kept = _drop_vaguer(out)
    spans = [spans[i] for i in kept]
    out = [out[i] for i in kept]
    for i, m in enumerate(out):
        k = next(j for j, p in enumerate(body) if p.index == m.para)
        lo, hi = _segment(parsed, k, m, out, spans, i)
        m.words = _keywords(parsed.tokens[lo:hi], set(range(*spans[i])))
    _borrow_next(out, body, by_para, dated_sentences, parsed)
    return out


def _segment(parsed: ParsedArticle, k: int, m: Mention, mentions: list[Mention],
             spans: list[tuple[int, int]], i: int) -> tuple[int, int]:
    """Tokens of the sentence that speak of this date, when the sentence has several:
    from the date before to this one, or on to the next when little comes before.

    "first seen in London in February, on her birthday in April and at a party
    in May" gives each month its own words.
    """
    base = parsed.starts[k]
    sent = parsed.char_span(base + m.sent_start, base + m.sent_end)
    assert sent is not None  # a sentence of the parse
    lo, hi = sent
    same = [j for j, o in enumerate(mentions)
            if (o.para, o.sent_start) == (m.para, m.sent_start)]
    if len(same) < 2:
        return lo, hi
    pos = same.index(i)
    start = spans[same[pos - 1]][1] if pos else lo
    end = spans[same[pos + 1]][0] if pos + 1 < len(same) else hi
    before = [t for t in parsed.tokens[start:spans[i][0]] if t.is_alpha]
    return (start, spans[i][1]) if len(before) >= 3 else (start, end)


def _eventful(tx: timex.Timex, para_text: str, s: int, e: int,
              blocked: Iterable[tuple[int, int]], quoted: Iterable[tuple[int, int]]) -> bool:
    """A resolved date of a happening, in the writer's words, not a name or a span's edge."""
    if tx.type not in ("DATE", "TIME") and not (tx.type == "DURATION" and tx.anchor == "text"):
        return False
    if tx.earliest is None or tx.latest is None or tx.value.endswith("_REF"):
        return False
    if tx.precision is None and tx.type != "DURATION":
        return False
    if any(bs < e and s < be for bs, be in blocked):  # "USA Today", "Entertainment Tonight"
        return False
    if any(qs <= s and e <= qe for qs, qe in quoted):
        return False
    if tx.type == "TIME" and tx.anchor == "text":
        return False  # "the 5:40 p.m. sailing": a clock time on whatever day came last
    before = para_text[max(0, s - 12):s]
    if _SINCE.search(before):
        return tx.anchor != "text"  # "since 1911" starts something; "since then" does not
    return not _SPAN_EDGE.search(before)


def _blocked_spans(results: dict[str, Any]) -> dict[int, list[tuple[int, int]]]:
    """Spans of names of outlets, works and platforms, where a date word is part of a name."""
    out: dict[int, list[tuple[int, int]]] = {}
    for ent in (results.get("entities") or {}).get("entities", []):
        if ent.get("type") in ("OUTLET", "WORK", "PLATFORM"):
            for para, s, e, *_ in ent.get("mentions", []):
                out.setdefault(para, []).append((s, e))
    return out


def _quoted(paragraphs: Sequence[Any]) -> dict[int, list[tuple[int, int]]]:
    from storytrace.quotes import quote_spans

    return {p.index: [(s, e) for s, e, _, _ in quote_spans(p.text) if e - s > 40]
            for p in paragraphs}


def _drop_vaguer(mentions: list[Mention]) -> list[int]:
    """In one sentence, a date inside another one's range says less: keep the finer.
    Returns the positions kept."""
    keep: list[int] = []
    for i, m in enumerate(mentions):
        rival = next((j for j in keep if (mentions[j].para, mentions[j].sent_start)
                      == (m.para, m.sent_start) and mentions[j].earliest <= m.latest
                      and m.earliest <= mentions[j].latest), None)
        if rival is None:
            keep.append(i)
        elif _rank(m) < _rank(mentions[rival]):
            keep[keep.index(rival)] = i
    return sorted(keep)


def _rank(m: Mention) -> int:
    return PRECISION_RANK.get(m.precision or "", 9)


def _borrow_next(mentions: list[Mention], body: Sequence[Any],
                 by_para: dict[int, list[tuple[int, int]]],
                 dated: set[tuple[int, int]], parsed: ParsedArticle) -> None:
    order = [(p.index, s, e) for p in body for s, e in by_para.get(p.index, [])]
    text_of = {p.index: p.text for p in body}
    for m in mentions:
        if len(m.text.split()) >= SHORT_SENTENCE_WORDS:
            continue
        at = next((i for i, (p, s, _) in enumerate(order) if (p, s) == (m.para, m.sent_start)),
                  None)
        if at is None or at + 1 >= len(order):
            continue
        p, s, e = order[at + 1]
        if (p, s) not in dated:
            m.text = f"{m.text} {text_of[p][s:e]}"
            k = next(j for j, q in enumerate(body) if q.index == p)
            nxt = parsed.doc.char_span(parsed.starts[k] + s, parsed.starts[k] + e,
                                       alignment_mode="expand")
            if nxt is not None:
                m.words += [w for w in _keywords(nxt, set()) if w not in m.words]


# --- the corpus step ------------------------------------------------------------------------


@dataclass
class _Item:
    """A mention placed in the corpus: its article, its people, places and organisations by id."""

    m: Mention
    article: str
    source: str
    published: dt.date | None
    line: int
    people: list[str]  # entity ids, in the order the text names them
    places: list[str]
    lo: dt.date
    hi: dt.date
    orgs: frozenset[str] = frozenset()  # organisations the sentence names, by entity id
    # as sets, made once: `_same` compares each mention with many
    word_set: frozenset[str] = field(init=False)
    people_set: frozenset[str] = field(init=False)
    place_set: frozenset[str] = field(init=False)
    keys: list[str] = field(init=False)  # what another must share to match it (`merge`)

    def __post_init__(self) -> None:
        self.word_set = frozenset(self.m.words)
        self.people_set = frozenset(self.people)
        self.place_set = frozenset(self.places)
        self.keys = ["a" + self.article, *("w" + w for w in self.word_set),
                     *("p" + p for p in self.people_set)]


@dataclass
class Event:
    """One happening, with every report of it."""

    id: str
    date: str
    earliest: str
    latest: str
    precision: str | None
    kind: str
    summary: str
    participants: list[str]
    place: str | None
    sources: list[str]
    evidence: list[dict[str, Any]]
    conflicts: list[str]
    first_reported: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _same(x: _Item, y: _Item) -> str | None:
    """'same' when two mentions tell one happening, 'conflict' when they do with other dates.

    Compatible dates and shared words, or one day, one kind and shared people,
    make one event; so does "At the time" after the date it points back to.
    Dates a few days apart make one event told two ways only when the people,
    the place and some words are shared: two protests on consecutive days in
    one city stay two events unless their words say otherwise.
    """
    if (x.article != y.article and x.word_set.isdisjoint(y.word_set)
            and x.people_set.isdisjoint(y.people_set)):
        return None  # each way below needs a shared word, a shared person or one article
    compatible = x.lo <= y.hi and y.lo <= x.hi
    if not compatible and (  # a conflict's first conditions, the cheapest first
            x.article == y.article or x.m.precision != "day" or y.m.precision != "day"
            or min(abs((x.lo - y.hi).days), abs((y.lo - x.hi).days)) > CONFLICT_DAYS):
        return None
    words = _overlap(x.word_set, y.word_set)
    shared_people = not x.people_set.isdisjoint(y.people_set)
    # Other places, or other organisations: "X Corp was fined" is not "Y Corp was fined".
    disjoint_places = (bool(x.places and y.places and x.place_set.isdisjoint(y.place_set))
                       or bool(x.orgs and y.orgs and x.orgs.isdisjoint(y.orgs)))
    if compatible:
        if words >= SAME_WORDS and not disjoint_places:
            return "same"
        if (x.article == y.article and y.m.anchor == "text" and x.m.value == y.m.value
                and x.m.precision == y.m.precision == "day"):
            return "same"
        if (shared_people and not disjoint_places and (x.lo, x.hi) == (y.lo, y.hi)
                and x.m.precision == y.m.precision == "day"):
            return "same"  # one day, the same people
        if (x.m.kind == y.m.kind != "happening" and not disjoint_places
                and (x.lo, x.hi) == (y.lo, y.hi)
                and (shared_people or (not (x.people or y.people) and words >= CONFLICT_WORDS))):
            return "same"  # "a 2023 interview", "speaking with USA Today in 2023"
        inside = x.lo <= y.lo <= y.hi <= x.hi or y.lo <= x.lo <= x.hi <= y.hi
        if (inside and x.m.trigger == y.m.trigger and not disjoint_places
                and ((words >= CONFLICT_WORDS and (shared_people or not (x.people or y.people)))
                     or (shared_people and x.m.trigger in event_words()
                         and x.m.trigger not in _REPORTING))):
            return "same"  # "announced the agreement in April", "announced yesterday"
        return None
    near = min(abs((x.lo - y.hi).days), abs((y.lo - x.hi).days)) <= CONFLICT_DAYS
    kinds = x.m.kind == y.m.kind or "happening" in (x.m.kind, y.m.kind)
    people = shared_people or not (x.people and y.people)
    if (near and x.article != y.article and x.m.precision == y.m.precision == "day" and kinds
            and people and not disjoint_places
            and (words >= 2 * CONFLICT_WORDS or (words >= CONFLICT_WORDS
                                                 and not x.place_set.isdisjoint(y.place_set)))):
        return "conflict"
    return None


# A group's core: its first members, the ones a newcomer must mostly agree with. Enough to
# outvote one off-topic member, few enough that a group of thousands costs what one of five does.
CORE_SIZE = 5
# A group with dates a few days off joins another as its conflicting reports only when it is at
# most this share of the other's size: one misdated report among five is a conflict, two
# days' coverage of a running story are two events.
CONFLICT_SHARE = 0.5


class _Group:
    """A group being merged: its members, the dates every 'same' member holds (`lo`..`hi`),
    and its core (the first CORE_SIZE members)."""

    def __init__(self, it: _Item) -> None:
        self.members: list[tuple[_Item, bool]] = [(it, False)]
        self.core = [it]
        self.lo, self.hi = it.lo, it.hi
        self.keys = set(it.keys)
        self.absorbed = False

    def votes(self, it: _Item) -> bool:
        """True when the newcomer is 'same' as most of the core (more than half): a report
        that matches one member only (A~B, B~C, A and C alike in nothing) starts its own.
        A member whose dates are wider than the group's now ("in April" in a group of April
        22) does not vote: the day's reports say what the day's event is."""
        width = self.hi - self.lo
        core = [o for o in self.core if o.hi - o.lo <= width] or self.core
        need = len(core) // 2 + 1
        for k, o in enumerate(core):
            if _same(o, it) == "same":
                need -= 1
                if not need:
                    return True
            if need > len(core) - k - 1:
                return False
        return False

    def add(self, it: _Item) -> None:
        self.members.append((it, False))
        self.lo, self.hi = max(self.lo, it.lo), min(self.hi, it.hi)
        if len(self.core) < CORE_SIZE:
            self.core.append(it)
            self.keys.update(it.keys)


def merge(items: list[_Item]) -> list[list[tuple[_Item, bool]]]:
    """Groups of mentions; the flag marks a member joined for its conflicting date.

    Not single link: chained links (a week's report holding two days, one
    report sharing words with two unrelated ones, a day's report a day off
    another's) joined whole weeks of a running story into one event. A
    mention joins a group when it is 'same' as most of the group's core and
    its dates meet the dates all the group's members hold; read in order of
    their first day, a group whose dates ended before the current mention's
    can take no more, and only groups whose core shares a word, a person or
    the article are asked, so the cost follows the events alive at a time.
    Then a small group whose core reports conflict with a bigger one's (the
    same happening a few days off) joins it as its conflicting reports
    (`_absorb`).
    """
    items = sorted(items, key=lambda i: (i.lo, _rank(i.m), i.published or dt.date.min, i.source))
    groups: list[_Group] = []
    index: dict[str, list[int]] = {}  # core key -> groups, those ended pruned as met
    for it in items:
        seen: set[int] = set()
        for k in it.keys:
            alive = [gi for gi in index.get(k, ()) if groups[gi].hi >= it.lo]
            if k in index and len(alive) < len(index[k]):
                index[k] = alive
            seen.update(alive)
        # the most recently started group that takes it: the nearest in date
        best = next((gi for gi in sorted(seen, reverse=True)
                     if groups[gi].lo <= it.hi and groups[gi].votes(it)), None)
        if best is None:
            groups.append(_Group(it))
            for k in groups[-1].keys:
                index.setdefault(k, []).append(len(groups) - 1)
        else:
            g = groups[best]
            grew = len(g.core) < CORE_SIZE
            g.add(it)
            if grew:
                for k in it.keys:
                    if best not in index.setdefault(k, []):
                        index[k].append(best)
    _absorb(groups)
    return [g.members for g in groups if not g.absorbed]


def _absorb(groups: list[_Group]) -> None:
    """Join each small group to a bigger one whose core reports tell it with dates a few
    days off (`_same` says 'conflict'); the biggest groups choose first."""
    by_day: dict[dt.date, list[_Group]] = {}
    for g in groups:
        if g.lo == g.hi:
            by_day.setdefault(g.lo, []).append(g)
    for big in sorted(groups, key=lambda g: -len(g.members)):
        if big.absorbed or big.lo != big.hi:
            continue
        # what it may take in all: its conflicting reports stay the minority of its reports
        room = max(1, int(CONFLICT_SHARE * len(big.members)))
        for d in range(-CONFLICT_DAYS, CONFLICT_DAYS + 1):
            for small in by_day.get(big.lo + dt.timedelta(days=d), ()):
                if (small is big or small.absorbed or len(small.members) > room
                        or big.keys.isdisjoint(small.keys)):
                    continue
                if any(_same(o, s) == "conflict" for o in big.core for s in small.core):
                    big.members += [(s, True) for s, _ in small.members]
                    small.absorbed = True
                    room -= len(small.members)


def _event(n: int, group: list[tuple[_Item, bool]], names: dict[str, str]) -> Event:
    items = [i for i, _ in group]
    # The date: the finest precision; among those, the one most articles give.
    finest = min(_rank(i.m) for i in items)
    votes = Counter((i.m.earliest, i.m.latest) for i in items if _rank(i.m) == finest)
    # per date, the articles giving it and the first day it was told (one pass: an
    # event of thousands of reports can give hundreds of dates)
    articles: dict[tuple[str, str], set[str]] = {}
    first_told: dict[tuple[str, str], int] = {}
    for i in items:
        k = (i.m.earliest, i.m.latest)
        articles.setdefault(k, set()).add(i.article)
        day = (i.published or dt.date.max).toordinal()
        first_told[k] = min(first_told.get(k, day), day)
    support = {k: len(articles[k]) for k in votes}
    # Most articles win; on a tie, the date reported first.
    lo, hi = max(support, key=lambda k: (support[k], votes[k], -first_told[k], k))
    chosen = next(i for i in items if (i.m.earliest, i.m.latest) == (lo, hi))
    conflicts = []
    for i in items:
        if i.m.latest < lo or i.m.earliest > hi:
            conflicts.append(f"{i.source} (line {i.line}) dates it to {i.m.value} "
                             f"({i.m.timex!r})")
    first = min(items, key=lambda i: (i.published or dt.date.max, i.source, i.line))
    # The summary: of the reports that give the event's date, the one with most to say.
    told = max((i for i in items if (i.m.earliest, i.m.latest) == (lo, hi)),
               key=lambda i: (len(i.m.words), -(i.published or dt.date.max).toordinal()))
    people = Counter(p for i in items for p in i.people)
    places = Counter(p for i in items for p in i.places)
    kinds = Counter(i.m.kind for i in items)
    sources = list(dict.fromkeys(i.source for i in sorted(
        items, key=lambda i: (i.published or dt.date.max, i.source))))
    evidence = [{"source": i.source, "line": i.line, "published": i.published.isoformat()
                 if i.published else None, "text": i.m.text, "date": i.m.value,
                 "expression": i.m.timex}
                for i in sorted(items, key=lambda i: (i.published or dt.date.max, i.source,
                                                      i.line))]
    return Event(
        id=f"v{n}", date=_date_value(chosen.m, lo),
        earliest=lo, latest=hi, precision=chosen.m.precision,
        kind=kinds.most_common(1)[0][0],
        summary=_summary(told),
        participants=[names.get(p, p) for p, _ in people.most_common()],
        place=names.get(max(places.items(), key=lambda kv: kv[1])[0]) if places else None,
        sources=sources, evidence=evidence, conflicts=conflicts,
        first_reported=first.published.isoformat() if first.published else None)


def _date_value(m: Mention, lo: str) -> str:
    """ISO date for a day, YYYY-MM for a month, YYYY for a year; else the TIMEX3 value."""
    cut = {"day": 10, "month": 7, "year": 4}.get(m.precision or "")
    return lo[:cut] if cut else m.value


def period(event: dict[str, Any]) -> str:
    """The heading an event goes under in a timeline: its year when it is known only to
    the year (or coarser), else the month it starts in.

    >>> period({"earliest": "2025-06-21", "precision": "season"}), period(
    ...     {"earliest": "2012-01-01", "precision": "year"})
    ('2025-06', '2012')
    """
    coarse = event.get("precision") in ("year", "decade", "century")
    return str(event["earliest"])[:4 if coarse else 7]


def _summary(item: _Item) -> str:
    text = " ".join(item.m.text.split())
    return text if len(text) <= 240 else text[:237].rsplit(" ", 1)[0] + " …"


def timeline(store: Any, *, as_of: dt.date | None = None,
             articles: set[str] | None = None, entity: str | None = None) -> list[Event]:
    """The merged events of the stored articles, in date order.

    `as_of` keeps only what had been published by that day (the merge is re-run
    on those articles, so dates and conflicts are what a reader knew then);
    `articles` restricts to a set of article ids (a story); `entity` to events
    with that entity (id or name) among their participants or place.
    """
    ents = store.entities()
    names = {e.id: e.name for e in ents}
    types = {e.id: e.type for e in ents}
    genders = {e.id: e.gender for e in ents}
    todo = [(ref, data) for ref, data in store.stage_results(
                STAGE, until=as_of.isoformat() if as_of else None)
            if data and (articles is None or ref.id in articles)
            and (as_of is None or (ref.published is not None and ref.published <= as_of))]
    ids = [ref.id for ref, _ in todo]
    lines = store.locations(ids)
    mentions_of = store.mentions_of_articles(ids)
    items: list[_Item] = []
    for ref, data in todo:
        mentions = mentions_of.get(ref.id, [])
        by_para = _by_para(mentions)
        for d in data:
            m = Mention(**d)
            people, places = _participants(m, mentions, types, genders, by_para)
            line = lines.get((ref.id, m.para))
            items.append(_Item(m, ref.id, ref.source, ref.published, line[1] if line else 0,
                               people, places, dt.date.fromisoformat(m.earliest),
                               dt.date.fromisoformat(m.latest), _orgs(m, by_para, types)))
    groups = merge(items)
    groups.sort(key=lambda g: (min(i.lo for i, _ in g), max(i.hi for i, _ in g)))
    events = [_event(n, g, names) for n, g in enumerate(groups, 1)]
    # Date order; of events starting the same day the wider first ("2025", then
    # "2025-01", then "2025-01-01"), so a year's or a month's events head their period.
    events.sort(key=lambda e: (e.earliest, -dt.date.fromisoformat(e.latest).toordinal(), e.id))
    for n, e in enumerate(events, 1):
        e.id = f"v{n}"
    if entity:
        want = entity.lower()
        events = [e for e in events
                  if any(want in (p.lower(), k.lower()) for k, p in names.items()
                         if p in e.participants or p == e.place)
                  or any(want == p.lower() for p in e.participants)]
    return events


def _orgs(m: Mention, by_para: dict[int, list[tuple[int, str]]], types: dict[str, str]
          ) -> frozenset[str]:
    return frozenset(eid for s, eid in by_para.get(m.para, [])
                     if m.sent_start <= s < m.sent_end and types.get(eid) == "ORG")


def _by_para(mentions: list[tuple[int, int, int, str, str]]) -> dict[int, list[tuple[int, str]]]:
    """An article's entity mentions as (start, entity id) per paragraph, in text order."""
    out: dict[int, list[tuple[int, str]]] = {}
    for para, s, _e, eid, _ in mentions:
        out.setdefault(para, []).append((s, eid))
    return out


def _participants(m: Mention, mentions: list[tuple[int, int, int, str, str]],
                  types: dict[str, str], genders: dict[str, str | None],
                  by_para: dict[int, list[tuple[int, str]]] | None = None
                  ) -> tuple[list[str], list[str]]:
    """People and places named in the mention's sentence; for a subject "they" or "the
    pair", the people of the paragraph before too; for "she" or "he", the last person
    of that gender named before. `by_para`: `_by_para(mentions)`, made once an article."""
    rows = (by_para or _by_para(mentions)).get(m.para, [])
    here = [eid for s, eid in rows if m.sent_start <= s < m.sent_end]
    people = list(dict.fromkeys(e for e in here if types.get(e) == "PERSON"))
    places = list(dict.fromkeys(e for e in here if types.get(e) == "PLACE"))
    if not (m.pronoun_subject or m.group_subject):
        return people, places
    before = [(para, s, eid) for para, s, _e, eid, _ in mentions
              if types.get(eid) == "PERSON" and (para, s) < (m.para, m.sent_start)]
    if m.pronoun_subject:
        want = "f" if m.pronoun_subject == "she" else "m"
        who = next((eid for _p, _s, eid in reversed(before) if genders.get(eid) == want), None)
        if who and who not in people:
            people.insert(0, who)
    elif m.group_subject and before:
        last_para = before[-1][0]
        people += [eid for para, _s, eid in before if para == last_para and eid not in people]
    return people, places


def find_dict(parsed: ParsedArticle, ctx: Any = None, results: dict[str, Any] | None = None
              ) -> list[dict[str, Any]]:
    """The per-article step as the pipeline stores it."""
    return [plain(m) for m in find(parsed, results)]


def relink(store: Any) -> list[Event]:
    """Merge every article's event mentions again and store the timeline."""
    events = timeline(store)
    store.replace_events([e.to_dict() for e in events])
    return events
