"""Big stories: the N dates that matter most, each with its best-supported sentences.

A war or a pandemic gives thousands of articles and tens of thousands of dated
statements; a reader wants the few dozen days that matter, each told in one or
two sourced sentences. `select` does that on plain inputs (no store, no spaCy:
the time stage is regular expressions), so it runs on thousands of articles in
minutes; `from_store` is the thin adapter the CLI, export and report call.

How a date earns its place (weights in `Params`, chosen on Timeline17 dev):

- every article that mentions the day (a day-precision date the time stage
  resolves in one of its sentences) counts once, however often it says it;
- an article published after the day counts more (`later`), one published on
  the day a little less (`same_day`): it reports what happened, where one
  written before only announces a plan, and a day still referred to
  afterwards is one that mattered;
- each article's mention is weighted by how much its sentence is about the
  story (`date_topical`): the share of the story's articles that use its
  words, so that a day named in an aside about something else counts less;
- each distinct outlet adds `outlet` (independent newsrooms, not one desk);
- articles published on the day or the day after add `published` each
  (news of "yesterday" that the text does not date);
- merged events of the events stage add `event` per source beyond the first;
- a recycled paragraph (one the reuse stage found printed before), and a
  sentence word for word the same as one already counted, count as no article
  or outlet and add only `reprint` (3/4) of a report's weight: a reprint is
  not a new report, though a desk printing a dated line again says the day
  still matters.

A supervised ranker over the same evidence (`Params.ranker = "model"`, weights
in data/date_ranker.tsv) was trained and measured leave-one-topic-out; it
scored below these rules, which stay the default (figures at `Params.ranker`).

The summary of a day: the sentences that date something to that day and the
opening lines of the articles published on it or the next day (unless they
date what they tell to another day), scored by how many of the day's
articles share their content words times how much they are about the story
(`topical`), picked greedily without repeating each other or a sentence
already picked for a more important day.

>>> d = [Doc("a", "a.txt", "Daily", dt.date(2024, 3, 2),
...          ("The bridge closed on March 1 after a crack was found.",)),
...      Doc("b", "b.txt", "Post", dt.date(2024, 3, 3),
...          ("Engineers found a crack on March 1 and the bridge closed.",))]
>>> [(s.date, s.articles, s.outlets, len(s.sentences)) for s in select(d, top=1)]
[('2024-03-01', 2, 2, 1)]
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace import timex
from storytrace.gazetteer import data_lines, stopwords

__all__ = ["PARAMS", "DateSummary", "Doc", "Params", "Sentence", "Unit", "day_features",
           "day_mentions", "from_store", "markdown", "ranker", "ranker_score", "select",
           "story_timelines", "timeline_size"]

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
    # (unit index, day, anchor) triples from `day_mentions`, when the caller computed them
    # once for several selections (a benchmark re-selecting over overlapping windows);
    # (unit index, day) pairs count as dates the text names.
    days: Sequence[tuple[int, dt.date] | tuple[int, dt.date, str]] | None = None

    def unit_list(self) -> list[Unit]:
        return [u if isinstance(u, Unit) else Unit(u, n, n - 1)
                for n, u in enumerate(self.units, 1)]


@dataclass(frozen=True, slots=True)
class Params:
    """The few global weights of the selection; see the module docstring.

    The Timeline17 figures below were measured with candidate days limited to
    the input articles' publication span; bench/tls.py now gives each timeline
    news-tls's span (its gold's first to last day), where these weights without
    `reprint` score Date-F1 0.647 (0.644 with the articles' span and the same time
    stage; odd- / even-numbered timelines 0.581 / 0.713, were 0.581 / 0.707), and
    with `reprint` 0.75 score 0.656 (0.591 / 0.721); on the time stage of ce75e28,
    0.648 without `reprint` (0.580 / 0.717) and 0.652 with it (0.587 / 0.717).
    """

    # Weight of one article mentioning the day; an article published after the
    # day (a report, not an announcement of something to come) weighs `later`
    # more. Timeline17 dev (14 timelines, Date-F1, with the topical weights
    # below and same_day = later): later 1 → 0.638, 3 → 0.639, 5 → 0.641,
    # 8 → 0.640; at later 2, only articles of the next days (later_days 1)
    # → 0.636, also those of the day itself (0) → 0.639.
    article: float = 1.0
    later: float = 5.0
    # How many days after the day an article must appear for `later` (at 0:
    # `same_day`) to apply.
    later_days: int = 0
    # Instead of `later`, an article published on the day itself (its news,
    # "today") weighs `same_day` more: a day referred back to afterwards
    # mattered more than one only reported as it happened. Timeline17 dev
    # Date-F1 (later 5): same_day 0 → 0.625, 1 → 0.628, 2 → 0.643, 3 → 0.644,
    # 4 → 0.644, 5 → 0.641, 8 → 0.637.
    same_day: float = 3.0
    # Each distinct outlet beyond the mentions themselves (0, 1 or 2 scored the
    # same on Timeline17 dev, mostly one-outlet topics; 1 keeps the intent).
    outlet: float = 1.0
    # Each article published on the day or the next (undated "yesterday" news);
    # 0.5 → 0.641, 1 → 0.639 Date-F1 on Timeline17 dev; later, with `reprint`
    # 0.75: 0 → 0.654, 0.25 → 0.654, 0.5 → 0.652, 0.75 → 0.653 (flat).
    published: float = 0.5
    # Each extra source of a merged event of the events stage dated that day.
    event: float = 1.0
    # Share of the two adjacent days' evidence a day also gets (time zones and
    # publication lag put one event on d-1, d or d+1; Date-F1 is exact-day).
    # 0 → 0.644, 0.1 → 0.631, 0.2 → 0.625 Date-F1 on Timeline17 dev: off.
    # Also measured on Timeline17 dev (Date-F1 0.645 as set here) and left off,
    # none moving it by more than one date in one or two topics: a bonus per
    # distinct later publication day mentioning the day (DATEWISE-like,
    # 0.639–0.645), per reference 3+, 7+ or 30+ days later (0.645–0.646),
    # per-article weights divided by their publication day's volume (0.586–
    # 0.631), a day's score divided by the publication volume around it (up to
    # 0.647, ±1 date), a log-of-gap weight for later mentions (0.638–0.645),
    # more weight to announcements (0.635–0.640), to dates in an article's
    # opening lines (0.629–0.641) or named several times (0.632–0.643), and
    # a greedy choice damping days next to (or within span/l of) chosen ones
    # (0.611–0.648: gold timelines keep consecutive days).
    # Measured later on the same 14 timelines (0.645; halves of odd/even-numbered
    # timelines 0.585 / 0.704), none better on both halves, so left off: a bonus
    # for a burst of publication (the day's and the next day's article count over
    # the trailing week's mean, ×(1 + w·log(1 + ratio)) 0.637–0.643, added 0.642–
    # 0.643); a score divided by the article count or score within ±7–30 days
    # (or span/10) to a power 0.25–0.75 (0.603–0.644), although our days crowd
    # the first two fifths of the span (350 picks there, gold 274); datelines and
    # timestamps ("Oct 12 (Reuters) -", "May 30, 2010 7:23 pm") not counted as
    # mentions (0.643); less weight to announcements (0 → 0.641, 0.5 → 0.643).
    # Later still (time stage of ce75e28, these weights 0.652): a quota of days per
    # fifth or tenth of the span in proportion to its summed score ** 1, 0.75 or 0.5,
    # the best days within each (0.634–0.641); no timeline has a tie at its l-th
    # score, so the tie rule (earlier day first) decides nothing there.
    neighbour: float = 0.0
    # Weight of an article's mention of a day when all its mentions of it refer back to
    # another date of the text (the time stage's anchor "text": "two days later", "the
    # next day", "at the time"), which a wrong anchor puts on a wrong day. Few carry a
    # day alone (209 of 10,214 article-day pairs of the Timeline17 dev articles; "at
    # the time" mostly repeats a day the article names): Date-F1 0 → 0.6465, 0.25 →
    # 0.649, 0.5 → 0.6465, 1 → 0.6472 (reprint 0); 0.25 with reprint 0.25 → 0.6499
    # (0.6506 at 1): noise, so 1. Measured with it and left off: a weight on dates
    # given with their year (anchor "none"; 0.5 → 0.650, 1.5 → 0.645, 2 → 0.651,
    # 3 → 0.632: no trend), an article's weight divided by its number of distinct
    # days ** 0.25 → 0.647, ** 0.5 → 0.635.
    anaphoric: float = 1.0
    # An article whose every mention of the day is a reprint (a paragraph the reuse
    # stage marked recycled, or a sentence word for word one counted before: mostly
    # an outlet's update of its own story, or its factbox's chronology run again)
    # adds `reprint` times an independent report's weight, and counts as no article
    # or outlet: a desk printing a dated line again says the day still matters, but
    # it is not a new report. Below 1, so a reprint adds less than an independent
    # report of the same words (tests/test_digest.py). Timeline17 dev Date-F1 (odd /
    # even halves), the story's words counted once per text: 0 → 0.647 (0.581 /
    # 0.713), 0.25 → 0.649, 0.5 → 0.651 (0.584 / 0.717), 0.6 → 0.658, 0.75 → 0.656
    # (0.591 / 0.721), 0.9 → 0.656, 1 → 0.656; the middle of the plateau is kept.
    # Again on the time stage of ce75e28: 0 → 0.648 (0.580 / 0.717), 0.5 → 0.648,
    # 0.6 → 0.656, 0.75 → 0.652 (0.587 / 0.717), 1 → 0.652: a date or two (in
    # washingtonpost's 12-date timeline, bbc's, mj's), never fewer on either half
    # from 0.6 up. AR1-F unchanged (0.132).
    # (With a reprint's words counted again: 0.1 → 0.649, 0.25 → 0.651, 0.4 → 0.653,
    # 0.5 → 0.658, 0.75 → 0.656, 1 → 0.656 — but then a reprint's own copy made its
    # sentence look more topical, and one report and its reprint outweighed two
    # independent reports in tests/test_digest.py.)
    reprint: float = 0.75
    # Days after the last article's publication by more than this are not
    # candidates (announced plans, not reported happenings).
    slack_days: int = 1
    # Topicality of a sentence: the mean share of the story's articles that use
    # its content words. An article's mention of a day is weighted by
    # (topicality of its sentence / the mean over all mentions) ** date_topical,
    # so that a day named in an aside about something else (an appended
    # headline of another story, a weather note) counts less. Timeline17 dev
    # Date-F1: 0 → 0.629, 1 → 0.632, 2 → 0.636, 3 → 0.633 (later 2, later_days 1).
    date_topical: float = 2.0
    # A summary sentence's support is multiplied by its topicality ** topical:
    # the story's own words, not the day's side news. Timeline17 dev AR1-F:
    # 0 → 0.101, 0.5 → 0.115, 1 → 0.121, 2 → 0.128, 3 → 0.126, 4 → 0.124.
    topical: float = 2.0
    # Summary sentences: shorter than `min_words` or longer than `max_words`
    # are left out when others exist; `length_power` divides a sentence's
    # support by words**power (longer sentences share more words by chance).
    # Timeline17 dev AR1-F (topical 2): power 0.3 / max 60 → 0.128,
    # 0.5 / 60 → 0.124, 0.3 / 45 → 0.126.
    min_words: int = 6
    max_words: int = 60
    length_power: float = 0.3
    # A sentence sharing more than this (cosine of content words) with one
    # already picked for the day is a repeat (0.3 and 0.5 scored alike).
    redundancy: float = 0.5
    # Opening lines of each article published on the day or the next, which
    # join the day's candidates beside the sentences that date something to it
    # (the news of the day is often told undated), unless they name another
    # day. AR1-F on Timeline17 dev: only when fewer than `per_date` dated
    # sentences exist → 0.122, always → 0.128 (topical 2), leaving out those
    # naming another day → 0.130; 1 line instead of 3 → lower. Not reusing a
    # sentence of a more important day for another costs 0.001 (keeps the
    # timeline readable).
    lead_lines: int = 3
    # How the days are ranked: "rules", the weighted sum above, or "model", the
    # DATEWISE-style supervised ranker: a logistic regression (label: the day is
    # in the gold timeline) over each day's evidence (`day_features`: log
    # counts of mentioning articles, later / same-day / earlier ones, outlets,
    # distinct later publication days, reprints, sentences, opening-line
    # mentions, the day's publication volume, events, reach of the latest
    # mention, position in the span, the rules' score, each also relative to
    # the story's mean), weights in data/date_ranker.tsv from
    # bench/train_date_ranker.py. Timeline17 dev, leave-one-topic-out (trained
    # on the 6 other topics' timelines): pointwise, all features, C 0.01 →
    # Date-F1 0.627, AR1-F 0.126 (bench/tls.py's `storytrace_ranker` row);
    # C 0.1 → 0.615, 1 → 0.614, 10 → 0.610; balanced classes 0.600; only the
    # relative features 0.627; without the rules' score 0.616; features
    # z-scored within the story 0.617; pairwise (pos − neg in a timeline)
    # 0.592, only pairs among the rules' top 2l 0.617; the rules' score plus
    # one feature 0.602–0.648 (best: the day's publication volume, pairwise
    # top 2l — one of 15 tried, so not evidence); direct coordinate ascent on
    # Date-F1 from the rules' weights 0.622 (0.60–0.70 on the training topics:
    # it overfits). Even trained and scored on all 7 topics the pairwise model
    # reaches only 0.624. The rules (0.645 on the same timelines, chosen on
    # all of them) stay the default. With news-tls's span (see above): ranker
    # 0.622, rules 0.647.
    ranker: str = "rules"


PARAMS = Params()
RANKER_FILE = "date_ranker.tsv"


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
    return [w for w in (x.lower() for x in _WORD.findall(text)) if w not in stop and len(w) > 1]


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text)).lower()


@dataclass
class _Cand:
    doc: int
    unit: Unit
    words: list[str]


def day_mentions(doc: Doc) -> list[tuple[int, dt.date, str]]:
    """(unit index, day, anchor) for every day-precision date the time stage resolves in the
    article (tagged as one text, so "the next day" counts from the date before it, anchor
    "text"; "Friday" from the publication date, "dct"; "March 1, 2024" from nothing, "none").

    >>> day_mentions(Doc("a", "a.txt", None, dt.date(2024, 3, 2), ("Calm.", "It fell Friday.")))
    [(1, datetime.date(2024, 3, 1), 'dct')]
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
        out.append((k, tx.earliest, tx.anchor))
    return out


@dataclass
class _Ranked:
    """What `select` needs after ranking: the articles, each day's score (and features),
    and the evidence its summary is drawn from."""

    dl: list[Doc]
    scores: dict[dt.date, float]
    features: dict[dt.date, dict[str, float]]
    support: dict[dt.date, dict[int, tuple[float, float, float]]]
    cands: dict[dt.date, list[_Cand]]
    leads: dict[dt.date, list[tuple[_Cand, set[dt.date]]]]
    df: Counter[str]
    ndocs: int


_Recycled = Collection[tuple[str, int]] | Callable[[str, int], bool] | None


def _rank(docs: Iterable[Doc], recycled: _Recycled,
          events: Iterable[dict[str, Any]] | None, as_of: dt.date | None,
          span: tuple[dt.date, dt.date] | None, p: Params,
          weights: Mapping[str, float] | None, features: bool = False) -> _Ranked | None:
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
    if not dl:
        return None
    lo, hi = span or (dt.date.min, dl[-1].published + dt.timedelta(days=p.slack_days))

    seen_text: set[str] = set()
    units_of: list[list[Unit]] = []
    fresh_of: list[list[bool]] = []
    for d in dl:
        units = d.unit_list()
        fresh = []
        for u in units:
            key = _norm(u.text)
            new = not is_recycled(d.id, u.para) and key not in seen_text
            if new and len(key) > 20:
                seen_text.add(key)
            fresh.append(new)
        units_of.append(units)
        fresh_of.append(fresh)
    # The story's words, each text once: a reprint's words are not shared again (else a
    # copy makes its own sentence look the more topical; Timeline17 dev Date-F1 unchanged).
    df: Counter[str] = Counter()
    for units, fresh in zip(units_of, fresh_of, strict=True):
        df.update({w for u, f in zip(units[:50], fresh, strict=False) if f
                   for w in _content(u.text, stop)})
    ndocs = len(dl)

    # day -> article -> (its `later` or `same_day` weight, best topicality of its mentions,
    # best weight of its mentions: 1, or `anaphoric` when it only refers back)
    support: dict[dt.date, dict[int, tuple[float, float, float]]] = defaultdict(dict)
    cands: dict[dt.date, list[_Cand]] = defaultdict(list)
    # day -> opening lines of the articles published that day, each with the days it names
    leads: dict[dt.date, list[tuple[_Cand, set[dt.date]]]] = defaultdict(list)
    pub: Counter[dt.date] = Counter()
    alltop: list[float] = []
    # The ranker's extra evidence: articles whose only mentions of the day are reprints,
    # fresh sentences naming it, articles naming it in their opening lines.
    reprints: dict[dt.date, set[int]] = defaultdict(set)
    # day -> article -> as `support`, for articles whose mentions of the day are reprints
    echoes: dict[dt.date, dict[int, tuple[float, float, float]]] = defaultdict(dict)
    sentences: Counter[dt.date] = Counter()
    opening: dict[dt.date, set[int]] = defaultdict(set)
    for n, d in enumerate(dl):
        units, fresh = units_of[n], fresh_of[n]
        if any(fresh):
            pub[d.published] += 1
            pub[d.published - dt.timedelta(days=1)] += 1
        mentions = d.days if d.days is not None else day_mentions(d)
        named: dict[int, set[dt.date]] = defaultdict(set)
        for m in mentions:
            named[m[0]].add(m[1])
        for m in mentions:
            k, day = m[0], m[1]
            mw = p.anaphoric if len(m) > 2 and m[2] == "text" else 1.0
            if not lo <= day <= hi:
                continue
            gap = (d.published - day).days
            lw = 0.0 if gap < p.later_days else p.same_day if gap == 0 else p.later
            if not fresh[k]:
                reprints[day].add(n)
                if p.reprint:
                    later, best, most = echoes[day].get(n, (0.0, 0.0, 0.0))
                    t = _topicality(_content(units[k].text, stop), df, ndocs)
                    echoes[day][n] = (max(later, lw), max(best, t), max(most, mw))
                continue
            sentences[day] += 1
            if k < p.lead_lines:
                opening[day].add(n)
            words = _content(units[k].text, stop)
            t = _topicality(words, df, ndocs)
            alltop.append(t)
            later, best, most = support[day].get(n, (0.0, 0.0, 0.0))
            support[day][n] = (max(later, lw), max(best, t), max(most, mw))
            cands[day].append(_Cand(n, units[k], words))
        for k, (u, new) in enumerate(list(zip(units, fresh, strict=True))[:p.lead_lines]):
            if new:
                leads[d.published].append((_Cand(n, u, _content(u.text, stop)), named[k]))

    extra: Counter[dt.date] = Counter()
    for e in events or ():
        if e.get("precision") == "day" and e.get("earliest") == e.get("latest"):
            day = dt.date.fromisoformat(str(e["earliest"])[:10])
            extra[day] += max(0, len(set(e.get("sources") or ())) - 1)

    meantop = sum(alltop) / len(alltop) if alltop else 1.0
    days = sorted(d for d in set(support) | set(pub) | set(extra) if lo <= d <= hi)

    def weigh(v: tuple[float, float, float]) -> float:
        later, t, mw = v
        top: float = (t / meantop if meantop else 1.0) ** p.date_topical
        return (p.article + later) * top * mw

    rules: dict[dt.date, float] = {}
    for day in days:
        sup = support.get(day, {})
        outs = {dl[n].outlet or dl[n].source for n in sup}
        echo = [v for n, v in echoes.get(day, {}).items() if n not in sup]
        rules[day] = (sum(weigh(v) for v in sup.values()) + p.reprint * sum(map(weigh, echo))
                      + p.outlet * len(outs) + p.published * pub[day] + p.event * extra[day])
    if p.neighbour:
        one = dt.timedelta(days=1)
        rules = {d: v + p.neighbour * (rules.get(d - one, 0.0) + rules.get(d + one, 0.0))
                 for d, v in rules.items()}
    model = weights if weights is not None else ranker() if p.ranker == "model" else None
    feats: dict[dt.date, dict[str, float]] = {}
    if model or features:
        feats = _features(days, rules, support, reprints, sentences, opening, pub, extra,
                          dl, meantop)
    scores = {d: ranker_score(feats[d], model) for d in days} if model else rules
    return _Ranked(dl, scores, feats, support, cands, leads, df, ndocs)



def select(docs: Iterable[Doc], top: int, *, per_date: int = 2,
           recycled: Collection[tuple[str, int]] | Callable[[str, int], bool] | None = None,
           events: Iterable[dict[str, Any]] | None = None, as_of: dt.date | None = None,
           span: tuple[dt.date, dt.date] | None = None,
           params: Params = PARAMS,
           weights: Mapping[str, float] | None = None) -> list[DateSummary]:
    """The `top` most important days of the articles, in date order, each with up to
    `per_date` summary sentences (at least one: with `per_date` > 0, a day left with no
    sentence of its own gives its place to the next).

    `recycled` holds (article id, paragraph index) pairs, or a predicate over them,
    of paragraphs printed before (the reuse stage's); they support nothing. `events`
    are the events stage's merged events (dicts with `earliest`, `latest`,
    `precision` and `sources`). `as_of` keeps only articles published by then.
    `span` (first day, last day) limits the candidate days; by default any day up
    to `slack_days` after the last article. `weights` replaces the shipped date
    ranker's (a benchmark scoring a topic with weights not trained on it).
    """
    r = _rank(docs, recycled, events, as_of, span, params, weights)
    if r is None or top <= 0:
        return []
    p = params
    dl, scores, support, cands, leads = r.dl, r.scores, r.support, r.cands, r.leads
    df, ndocs = r.df, r.ndocs
    ranked = sorted(scores, key=lambda x: (-scores[x], x))

    out: list[DateSummary] = []
    used: set[tuple[int, int]] = set()  # (article, line) already summing up a day
    for day in ranked:  # most important first: it gets the best sentences
        if len(out) == top:
            break
        sup = support.get(day, {})
        pool = list(cands.get(day, []))
        pool += [c for c, days in leads.get(day, []) + leads.get(day + dt.timedelta(days=1), [])
                 if days <= {day}]
        pool = [c for c in pool if (c.doc, c.unit.line) not in used]
        picked = _summarise(pool, per_date, df, ndocs, p)
        if per_date > 0 and not picked:
            # Nothing left to tell it by (its sentences sum up a more important day, or
            # only undated news supports it): a key date without a line says nothing, so
            # the next day takes its place.
            continue
        used.update((c.doc, c.unit.line) for c in picked)
        out.append(DateSummary(
            date=day.isoformat(), score=round(scores[day], 3), articles=len(sup),
            outlets=len({dl[n].outlet or dl[n].source for n in sup}),
            sentences=[Sentence(" ".join(c.unit.text.split()), dl[c.doc].source, c.unit.line,
                                dl[c.doc].id) for c in picked]))
    return sorted(out, key=lambda s: s.date)


def _features(days: list[dt.date], rules: dict[dt.date, float],
              support: dict[dt.date, dict[int, tuple[float, float, float]]],
              reprints: dict[dt.date, set[int]], sentences: Counter[dt.date],
              opening: dict[dt.date, set[int]], pub: Counter[dt.date],
              extra: Counter[dt.date], dl: list[Doc], meantop: float
              ) -> dict[dt.date, dict[str, float]]:
    """Each candidate day's evidence as the ranker's features: log counts, and the same
    relative to the mean over the story's candidate days (a day's standing in its own
    story, whatever the story's size)."""
    first, last = dl[0].published, dl[-1].published
    width = max(1, (last - first).days)
    raw: dict[dt.date, dict[str, float]] = {}
    for day in days:
        sup = support.get(day, {})
        pubs = [dl[n].published for n in sup]
        later = [x for x in pubs if x > day]
        tw = [(t / meantop if meantop else 1.0) ** 2 for _lw, t, _mw in sup.values()]
        raw[day] = {
            "rules": rules[day],
            "articles": len(sup),
            "later": len(later),
            "same_day": sum(x == day for x in pubs),
            "before": sum(x < day for x in pubs),
            "topical": sum(tw),
            "outlets": len({dl[n].outlet or dl[n].source for n in sup}),
            "later_days": len(set(later)),
            "reprints": len(reprints.get(day, set()) - set(sup)),
            "sentences": sentences[day],
            "opening": len(opening.get(day, ())),
            "published": pub[day],
            "events": extra[day],
            "reach": max(((x - day).days for x in later), default=0),
        }
    names = list(next(iter(raw.values()))) if raw else []
    mean = {k: math.log1p(sum(r[k] for r in raw.values()) / len(raw)) for k in names}
    out: dict[dt.date, dict[str, float]] = {}
    for day, r in raw.items():
        f = {k: math.log1p(v) for k, v in r.items()}
        f.update({f"rel_{k}": f[k] - mean[k] for k in names})
        f["position"] = (day - first).days / width
        f["after_last"] = float(day > last)
        out[day] = f
    return out


def day_features(docs: Iterable[Doc], *,
                 recycled: Collection[tuple[str, int]] | Callable[[str, int], bool] | None = None,
                 events: Iterable[dict[str, Any]] | None = None,
                 span: tuple[dt.date, dt.date] | None = None,
                 params: Params = PARAMS) -> dict[dt.date, dict[str, float]]:
    """The ranker's features of every candidate day, as `select` computes them (for training
    the ranker: `bench/train_date_ranker.py`)."""
    r = _rank(docs, recycled, events, None, span, params, None, features=True)
    return r.features if r is not None else {}


@functools.cache
def ranker() -> dict[str, float] | None:
    """The shipped date ranker's weights (feature -> weight, `bias`), or None when absent."""
    from importlib import resources

    if not resources.files("storytrace.data").joinpath(RANKER_FILE).is_file():
        return None
    return {k: float(v) for k, v in (ln.split("\t") for ln in data_lines(RANKER_FILE))}


def ranker_score(features: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The ranker's score of a day: a dot product (its log-odds of being a key date)."""
    return weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())


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
        s *= _topicality(c.words, df, ndocs) ** p.topical
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


def _topicality(words: list[str], df: Counter[str], ndocs: int) -> float:
    """The mean share of the story's articles that use the words (0 to 1)."""
    ws = set(words)
    return sum(df.get(w, 0) for w in ws) / len(ws) / ndocs if ws and ndocs else 0.0


def _cos(a: list[str], b: list[str]) -> float:
    ca, cb = Counter(a), Counter(b)
    num = sum(v * cb[w] for w, v in ca.items())
    den = math.sqrt(sum(v * v for v in ca.values()) * sum(v * v for v in cb.values()))
    return num / den if den else 0.0


def markdown(dates: Sequence[dict[str, Any]]) -> str:
    """The selection (as `from_store` returns it) as Markdown: a heading per date, each
    sentence with its source and line, as `storytrace timeline --top N --format markdown`.

    >>> print(markdown([{"date": "2024-03-01", "articles": 2, "outlets": 2,
    ...     "sentences": [{"text": "The bridge closed.", "source": "a.txt", "line": 3}]}]))
    ## 2024-03-01  (2 articles, 2 outlets)
    - The bridge closed. [a.txt:3]
    <BLANKLINE>
    """
    blocks = ["\n".join([f"## {d['date']}  ({d['articles']} articles, {d['outlets']} outlets)",
                         *(f"- {s['text']} [{s['source']}:{s['line']}]" for s in d["sentences"])])
              for d in dates]
    return "\n\n".join(blocks) + "\n" if blocks else "no dates\n"


# The length of a story's timeline in the export and the report: about three
# dates per square root of the story's articles, at least 5 and at most 40.
# A five-article story gets 7 dates (the sample and seed stories have a dozen
# events, some undated or month-precise); a few hundred articles reach the cap,
# the length of Timeline17's gold timelines (36 dates on average for about 500
# articles a topic) and "the few dozen dates that matter" a reader asks for.
TIMELINE_PER_SQRT = 3.0
TIMELINE_MIN = 5
TIMELINE_MAX = 40


def timeline_size(articles: int) -> int:
    """How many dates the timeline of a story with this many articles shows.

    >>> [timeline_size(n) for n in (1, 5, 100, 5000)]
    [5, 7, 30, 40]
    """
    return max(TIMELINE_MIN, min(TIMELINE_MAX, round(TIMELINE_PER_SQRT * math.sqrt(articles))))


def _store_inputs(store: Any) -> tuple[list[Doc], set[tuple[str, int]], list[dict[str, Any]]]:
    """Every dated article as a `Doc` of its body paragraphs, the recycled paragraphs, and
    the events, read once."""
    docs = []
    for a in store.articles():
        if a.published is None:
            continue
        units = [Unit(p.text, p.line, p.index) for p in a.paragraphs if p.kind == "body"]
        docs.append(Doc(a.id, a.source, a.outlet, a.published, units))
    recycled = {k for k, (kind, _share) in store.novelty().items() if kind == "recycled"}
    return docs, recycled, store.events()


def _select_dicts(docs: list[Doc], recycled: set[tuple[str, int]],
                  events: list[dict[str, Any]], top: int, as_of: dt.date | None,
                  per_date: int, params: Params) -> list[dict[str, Any]]:
    # An event's sources: those of these articles published by `as_of`.
    allowed = {d.source for d in docs if as_of is None or d.published <= as_of}
    kept = [{**e, "sources": [s for s in e.get("sources") or () if s in allowed]}
            for e in events]
    return [s.to_dict() for s in select(docs, top, per_date=per_date, recycled=recycled,
                                        events=kept, as_of=as_of, params=params)]


def from_store(store: Any, story: str | None = None, top: int = 20,
               as_of: dt.date | None = None, per_date: int = 2,
               params: Params = PARAMS) -> list[dict[str, Any]]:
    """The selection over a store (one story, or all of it), as JSON-ready dicts:
    `[{date, score, articles, outlets, sentences: [{text, source, line}]}]`.

    Body paragraphs only; paragraphs the reuse stage marked recycled support
    nothing; the events stage's events add their sources.
    """
    docs, recycled, events = _store_inputs(store)
    if story is not None:
        members = {aid for aid, s in store.story_of().items() if s == story}
        docs = [d for d in docs if d.id in members]
    return _select_dicts(docs, recycled, events, top, as_of, per_date, params)


def story_timelines(store: Any, *, top: Callable[[int], int] = timeline_size,
                    as_of: dt.date | None = None, per_date: int = 2,
                    params: Params = PARAMS) -> dict[str, list[dict[str, Any]]]:
    """Each story's timeline, reading the store once: story id -> what
    `from_store(store, story=id, top=top(size))` returns, `size` being the story's
    number of articles as `store.stories()` counts them (so `storytrace timeline
    --story ID --top N` prints the same dates).
    """
    docs, recycled, events = _store_inputs(store)
    story_of = store.story_of()
    by_story: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        if d.id in story_of:
            by_story[story_of[d.id]].append(d)
    return {s["id"]: _select_dicts(by_story.get(s["id"], []), recycled, events,
                                   top(int(s["size"])), as_of, per_date, params)
            for s in store.stories()}
