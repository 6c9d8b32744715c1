"""Big stories: the N dates that matter most, each with its best-supported sentences.

A war or a pandemic gives thousands of articles and tens of thousands of dated
statements; a reader wants the few dozen days that matter, each told in one or
two sourced sentences. `select` does that on plain inputs (no store, no spaCy:
the time stage is regular expressions), so it runs on thousands of articles in
minutes; `from_store` is the thin adapter the CLI, export and report call.

How a date earns its place (weights in `Params`, chosen on Timeline17 dev):

- every article that mentions the day (a day-precision date the time stage
  resolves in one of its sentences) counts once, however often it says it;
- an article published after the day counts more (`later`): a day still
  talked about afterwards is one that mattered;
- each distinct outlet adds `outlet` (independent newsrooms, not one desk);
- articles published on the day or the day after add `published` each
  (news of "yesterday" that the text does not date);
- merged events of the events stage add `event` per source beyond the first;
- a recycled paragraph (one the reuse stage found printed before), and a
  sentence word for word the same as one already counted, support nothing:
  a reprint is not a new report.

The summary of a day: the sentences that date something to that day (and,
when too few do, the opening lines of the articles published on it), scored
by how many of the day's articles share their content words, picked greedily
without repeating each other.

>>> d = [Doc("a", "a.txt", "Daily", dt.date(2024, 3, 2),
...          ("The bridge closed on March 1 after a crack was found.",)),
...      Doc("b", "b.txt", "Post", dt.date(2024, 3, 3),
...          ("Engineers found a crack on March 1 and the bridge closed.",))]
>>> [(s.date, s.articles, s.outlets, len(s.sentences)) for s in select(d, top=1)]
[('2024-03-01', 2, 2, 1)]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace import timex
from storytrace.gazetteer import stopwords

__all__ = ["PARAMS", "DateSummary", "Doc", "Params", "Sentence", "Unit", "day_mentions",
           "from_store", "select"]

STAGE = "digest"


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence (or paragraph) of an article: its text, its line and its paragraph."""

    text: str
    line: int
    para: int = 0


@dataclass(frozen=True, slots=True)
class Doc:
    """An article as the selection needs it. `units` are sentences or paragraphs, or plain
    strings (then line = position, 1-based, and each is its own paragraph)."""

    id: str
    source: str
    outlet: str | None
    published: dt.date
    units: Sequence[Unit | str]
    # (unit index, day) pairs from `day_mentions`, when the caller computed them once
    # for several selections (a benchmark re-selecting over overlapping windows).
    days: Sequence[tuple[int, dt.date]] | None = None

    def unit_list(self) -> list[Unit]:
        return [u if isinstance(u, Unit) else Unit(u, n, n - 1)
                for n, u in enumerate(self.units, 1)]


@dataclass(frozen=True, slots=True)
class Params:
    """The few global weights of the selection; see the module docstring."""

    # Weight of one article mentioning the day; an article published after the
    # day weighs `later` more: a day still talked about afterwards mattered.
    # Timeline17 dev (14 timelines, Date-F1): later 0 → 0.61, 1 → 0.624,
    # 2 → 0.629, 4 → 0.624.
    article: float = 1.0
    later: float = 2.0
    # How many days after the day an article must appear for `later` to apply
    # (2, 4 or 8 were each worse on Timeline17 dev than 1).
    later_days: int = 1
    # Each distinct outlet beyond the mentions themselves (0 or 1 made little
    # difference on Timeline17 dev, mostly one-outlet topics; 1 keeps the intent).
    outlet: float = 1.0
    # Each article published on the day or the next (undated "yesterday" news);
    # 0 → 0.614, 0.5 → 0.629, 1 → 0.621 Date-F1 on Timeline17 dev.
    published: float = 0.5
    # Each extra source of a merged event of the events stage dated that day.
    event: float = 1.0
    # Days after the last article's publication by more than this are not
    # candidates (announced plans, not reported happenings).
    slack_days: int = 1
    # Summary sentences: shorter than `min_words` or longer than `max_words`
    # are left out when others exist; `length_power` divides a sentence's
    # support by words**power (longer sentences share more words by chance).
    # Timeline17 dev AR1-F: power 0.5 / max 45 → 0.096, 1.0 / 45 → 0.091,
    # 1.0 / 30 → 0.084, 0.3 / 60 → 0.098 (shorter sentences gain less precision
    # than they lose recall).
    min_words: int = 6
    max_words: int = 60
    length_power: float = 0.3
    # A sentence sharing more than this (cosine of content words) with one
    # already picked for the day is a repeat (0.3 and 0.5 scored alike).
    redundancy: float = 0.5
    # Opening lines of each article published on the day that are candidates
    # when fewer than `per_date` sentences date something to the day.
    lead_lines: int = 3


PARAMS = Params()


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    source: str
    line: int
    article: str


@dataclass
class DateSummary:
    """One selected day: its score, support and summary sentences."""

    date: str
    score: float
    articles: int
    outlets: int
    sentences: list[Sentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sentences"] = [{"text": s.text, "source": s.source, "line": s.line}
                          for s in self.sentences]
        return d


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+|\d+")


def _content(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in (m.group().lower() for m in _WORD.finditer(text))
            if w not in stop and len(w) > 1]


def _norm(text: str) -> str:
    return " ".join(m.group().lower() for m in _WORD.finditer(text))


@dataclass
class _Cand:
    doc: int
    unit: Unit
    words: list[str]


def day_mentions(doc: Doc) -> list[tuple[int, dt.date]]:
    """(unit index, day) for every day-precision date the time stage resolves in the article
    (tagged as one text, so "the next day" counts from the date before it).

    >>> day_mentions(Doc("a", "a.txt", None, dt.date(2024, 3, 2), ("Calm.", "It fell Friday.")))
    [(1, datetime.date(2024, 3, 1))]
    """
    units = doc.unit_list()
    starts, text, pos = [], [], 0
    for u in units:
        starts.append(pos)
        text.append(u.text)
        pos += len(u.text) + 1
    joined = "\n".join(text)
    out = []
    k = 0
    for tx in timex.tag(joined, doc.published):
        if tx.type != "DATE" or tx.precision != "day" or tx.earliest is None \
                or tx.earliest != tx.latest:
            continue
        while k + 1 < len(starts) and starts[k + 1] <= tx.start:
            k += 1
        out.append((k, tx.earliest))
    return out


def select(docs: Iterable[Doc], top: int, *, per_date: int = 2,
           recycled: Collection[tuple[str, int]] | Callable[[str, int], bool] | None = None,
           events: Iterable[dict[str, Any]] | None = None, as_of: dt.date | None = None,
           span: tuple[dt.date, dt.date] | None = None,
           params: Params = PARAMS) -> list[DateSummary]:
    """The `top` most important days of the articles, in date order, each with up to
    `per_date` summary sentences.

    `recycled` holds (article id, paragraph index) pairs, or a predicate over them,
    of paragraphs printed before (the reuse stage's); they support nothing. `events`
    are the events stage's merged events (dicts with `earliest`, `latest`,
    `precision` and `sources`). `as_of` keeps only articles published by then.
    `span` (first day, last day) limits the candidate days; by default any day up
    to `slack_days` after the last article.
    """
    p = params
    stop = stopwords()
    is_recycled: Callable[[str, int], bool]
    if recycled is None:
        is_recycled = lambda a, i: False  # noqa: E731
    elif callable(recycled):
        is_recycled = recycled
    else:
        rset = set(recycled)
        is_recycled = lambda a, i: (a, i) in rset  # noqa: E731
    dl = sorted((d for d in docs if as_of is None or d.published <= as_of),
                key=lambda d: (d.published, d.source, d.id))
    if not dl or top <= 0:
        return []
    lo, hi = span or (dt.date.min, dl[-1].published + dt.timedelta(days=p.slack_days))

    seen_text: set[str] = set()
    support: dict[dt.date, dict[int, bool]] = defaultdict(dict)  # day -> doc -> later
    cands: dict[dt.date, list[_Cand]] = defaultdict(list)
    leads: dict[dt.date, list[_Cand]] = defaultdict(list)
    pub: Counter[dt.date] = Counter()
    for n, d in enumerate(dl):
        units = d.unit_list()
        fresh = []
        for u in units:
            key = _norm(u.text)
            new = not is_recycled(d.id, u.para) and key not in seen_text
            if new and len(key) > 20:
                seen_text.add(key)
            fresh.append(new)
        if any(fresh):
            pub[d.published] += 1
            pub[d.published - dt.timedelta(days=1)] += 1
        for k, day in (d.days if d.days is not None else day_mentions(d)):
            if not fresh[k] or not lo <= day <= hi:
                continue
            support[day][n] = support[day].get(n, False) or \
                (d.published - day).days >= p.later_days
            cands[day].append(_Cand(n, units[k], _content(units[k].text, stop)))
        for u, new in list(zip(units, fresh, strict=True))[:p.lead_lines]:
            if new:
                leads[d.published].append(_Cand(n, u, _content(u.text, stop)))

    extra: Counter[dt.date] = Counter()
    for e in events or ():
        if e.get("precision") == "day" and e.get("earliest") == e.get("latest"):
            day = dt.date.fromisoformat(str(e["earliest"])[:10])
            extra[day] += max(0, len(set(e.get("sources") or ())) - 1)

    scores: dict[dt.date, float] = {}
    for day in set(support) | {d for d in pub if lo <= d <= hi} | set(extra):
        if not lo <= day <= hi:
            continue
        sup = support.get(day, {})
        outs = {dl[n].outlet or dl[n].source for n in sup}
        scores[day] = (sum(p.article + (p.later if later else 0.0) for later in sup.values())
                       + p.outlet * len(outs) + p.published * pub[day] + p.event * extra[day])
    chosen = sorted(scores, key=lambda x: (-scores[x], x))[:top]

    df: Counter[str] = Counter()
    for d in dl if per_date > 0 else ():
        df.update({w for u in d.unit_list()[:50] for w in _content(u.text, stop)})
    ndocs = len(dl)
    out = []
    for day in sorted(chosen):
        sup = support.get(day, {})
        pool = list(cands.get(day, []))
        if len({_norm(c.unit.text) for c in pool}) < per_date:
            pool += leads.get(day, []) + leads.get(day + dt.timedelta(days=1), [])
        picked = _summarise(pool, per_date, df, ndocs, p)
        out.append(DateSummary(
            date=day.isoformat(), score=round(scores[day], 3), articles=len(sup),
            outlets=len({dl[n].outlet or dl[n].source for n in sup}),
            sentences=[Sentence(" ".join(c.unit.text.split()), dl[c.doc].source, c.unit.line,
                                dl[c.doc].id) for c in picked]))
    return out


def _summarise(pool: list[_Cand], k: int, df: Counter[str], ndocs: int,
               p: Params) -> list[_Cand]:
    """The `k` sentences of the pool whose words most of the day's articles share."""
    if not pool or k <= 0:
        return []
    # Word weight: in how many of the pool's articles it occurs, times its rarity.
    in_docs: dict[str, set[int]] = defaultdict(set)
    for c in pool:
        for w in c.words:
            in_docs[w].add(c.doc)
    weight = {w: len(ds) * math.log((ndocs + 1) / (df.get(w, 0) + 1) + 1)
              for w, ds in in_docs.items()}

    def good(c: _Cand) -> bool:
        n = len(c.unit.text.split())
        return p.min_words <= n <= p.max_words

    usable = [c for c in pool if good(c)] or pool
    scored = []
    for c in usable:
        ws = set(c.words)
        if not ws:
            continue
        s = sum(weight[w] for w in ws) / (len(c.unit.text.split()) ** p.length_power)
        scored.append((s, c))
    scored.sort(key=lambda t: -t[0])
    picked: list[_Cand] = []
    texts: set[str] = set()
    for _s, c in scored:
        key = _norm(c.unit.text)
        if key in texts or any(_cos(c.words, q.words) > p.redundancy for q in picked):
            continue
        picked.append(c)
        texts.add(key)
        if len(picked) == k:
            break
    return picked


def _cos(a: list[str], b: list[str]) -> float:
    ca, cb = Counter(a), Counter(b)
    num = sum(v * cb[w] for w, v in ca.items())
    den = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
    return num / den if den else 0.0


def from_store(store: Any, story: str | None = None, top: int = 20,
               as_of: dt.date | None = None, per_date: int = 2,
               params: Params = PARAMS) -> list[dict[str, Any]]:
    """The selection over a store (one story, or all of it), as JSON-ready dicts:
    `[{date, score, articles, outlets, sentences: [{text, source, line}]}]`.

    Body paragraphs only; paragraphs the reuse stage marked recycled support
    nothing; the events stage's events add their sources.
    """
    members = None
    if story is not None:
        members = {aid for aid, s in store.story_of().items() if s == story}
    docs = []
    for a in store.articles():
        if a.published is None or (members is not None and a.id not in members):
            continue
        units = [Unit(p.text, p.line, p.index) for p in a.paragraphs if p.kind == "body"]
        docs.append(Doc(a.id, a.source, a.outlet, a.published, units))
    recycled = {k for k, (kind, _share) in store.novelty().items() if kind == "recycled"}
    # An event's sources: those of the story's articles published by `as_of`.
    allowed = {d.source for d in docs if as_of is None or d.published <= as_of}
    events = [{**e, "sources": [s for s in e.get("sources") or () if s in allowed]}
              for e in store.events()]
    return [s.to_dict() for s in select(docs, top, per_date=per_date, recycled=recycled,
                                        events=events, as_of=as_of, params=params)]
