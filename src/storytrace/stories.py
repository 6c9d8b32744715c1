"""Stories in a mixed stream: one pass in publication order, each article joining the
story it is most like (words and, weighted up, the entities it names) or starting one."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storytrace.entities.names import ascii_punct
from storytrace.gazetteer import stopwords

# Cosine similarity to a story's centroid at or above which an article joins it
# (tuned on the development splits; see bench/stories.py and bench/stream.py).
THRESHOLD = 0.20
# Entities tell two stories of one kind apart (two rehab stays, two quakes):
# an entity term counts this many times a word.
ENTITY_WEIGHT = 3.0
# A story unheard of for this many days fades: similarity is scaled by
# exp(-gap / FADE_DAYS) beyond the grace period.
GRACE_DAYS = 30
FADE_DAYS = 180.0
# The bar to join a story of n articles is THRESHOLD / n ** SIZE_EXPONENT.
SIZE_EXPONENT = 0.2
# Only the strongest terms of a centroid are kept, so stories stay cheap.
CENTROID_TERMS = 300



@dataclass
class StoryDoc:
    """What the grouping sees of an article."""

    id: str
    date: dt.date | None
    words: Counter[str]
    entities: Counter[str] = field(default_factory=Counter)


@dataclass
class _Story:
    centroid: dict[str, float]
    size: int
    last: dt.date | None
    members: list[str] = field(default_factory=list)
    norm: float = 1.0

    def add(self, vec: dict[str, float]) -> None:
        for k, v in vec.items():
            self.centroid[k] = self.centroid.get(k, 0.0) + v
        if len(self.centroid) > CENTROID_TERMS * 2:
            strongest = sorted(self.centroid.items(), key=lambda kv: -kv[1])
            self.centroid = dict(strongest[:CENTROID_TERMS])
        self.norm = math.sqrt(sum(v * v for v in self.centroid.values()))


def words_of(text: str) -> Counter[str]:
    """Content words of a text, lower-cased.

    >>> sorted(words_of("The ferry runs again; the FERRY board met."))
    ['board', 'ferry', 'met', 'runs']
    """
    tokens = re.findall(r"[a-z][a-z'-]+", ascii_punct(text).lower())
    stop = stopwords()
    return Counter(t for t in tokens if t not in stop and len(t) > 2)


def _vector(doc: StoryDoc, df: Counter[str], n: int) -> dict[str, float]:
    vec: dict[str, float] = {}
    for terms, weight, prefix in ((doc.words, 1.0, ""), (doc.entities, ENTITY_WEIGHT, "\x01")):
        for t, c in terms.items():
            key = prefix + t
            idf = math.log((n + 1) / (df[key] + 1)) + 1.0
            vec[key] = vec.get(key, 0.0) + weight * (1.0 + math.log(c)) * idf
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {k: v / norm for k, v in vec.items()}


def _similarity(vec: dict[str, float], story: _Story) -> float:
    """Cosine of a unit vector and a story's centroid (whose norm the story keeps)."""
    c = story.centroid
    if len(vec) <= len(c):
        dot = sum(v * c.get(k, 0.0) for k, v in vec.items())
    else:
        dot = sum(v * vec.get(k, 0.0) for k, v in c.items())
    return dot / (story.norm or 1.0)


def _fade(story: _Story, day: dt.date | None) -> float:
    if day is None or story.last is None:
        return 1.0
    gap = abs((day - story.last).days) - GRACE_DAYS
    return 1.0 if gap <= 0 else math.exp(-gap / FADE_DAYS)


def group(docs: Iterable[StoryDoc], *, threshold: float | None = None) -> dict[str, int]:
    """Story number of each article, assigned in one pass in the order given.

    Document frequencies grow as the stream is read, so an article is judged
    only on what came before it, as a tracker running live would. The bar is
    `THRESHOLD` as it is when called (not when imported), so tuning it works.
    """
    if threshold is None:
        threshold = THRESHOLD
    df: Counter[str] = Counter()
    stories: list[_Story] = []
    out: dict[str, int] = {}
    for n, doc in enumerate(docs, 1):
        df.update(doc.words.keys())
        df.update("\x01" + e for e in doc.entities)
        vec = _vector(doc, df, n)
        best, best_sim = -1, 0.0
        for i, s in enumerate(stories):
            # A large story's centroid is an average of many articles, so even its
            # own new articles are less like it: its bar is lowered with its size.
            sim = _similarity(vec, s) * _fade(s, doc.date) * s.size ** SIZE_EXPONENT
            if sim > best_sim:
                best, best_sim = i, sim
        if best >= 0 and best_sim >= threshold:
            s = stories[best]
            s.add(vec)
            s.size += 1
            s.last = max(filter(None, (s.last, doc.date)), default=None)
            s.members.append(doc.id)
            out[doc.id] = best
        else:
            stories.append(_Story(dict(vec), 1, doc.date, [doc.id]))
            out[doc.id] = len(stories) - 1
    return out


STAGE = "stories"


def relink(store: Any) -> dict[str, int]:
    """Group the stored articles into stories (publication order) and store the result."""
    docs = []
    for a in store.articles():
        ents = Counter(eid for _, _, _, eid, kind in store.mentions_of_article(a.id)
                       if kind in ("name", "short"))
        docs.append(StoryDoc(a.id, a.published, words_of(a.body_text), ents))
    stories = group(docs)
    store.replace_stories(stories)
    return stories
