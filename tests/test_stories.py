"""Story grouping (storytrace.stories) and the stories benchmark's per-topic breakdown."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

from storytrace import stories
from storytrace.stories import StoryDoc
from tests.conftest import load_bench

ecb = load_bench("stories")


def _docs() -> list[StoryDoc]:
    quake = Counter({"quake": 2, "magnitude": 1, "killed": 1})
    return [StoryDoc("a", None, quake + Counter({"coast": 1}), Counter({"chile": 1})),
            StoryDoc("b", None, quake + Counter({"island": 1}), Counter({"japan": 1}))]


def test_group_reads_threshold_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    # two quakes sharing their words: one story at a low bar, two at a bar near 1
    monkeypatch.setattr(stories, "THRESHOLD", 0.05)
    assert len(set(stories.group(_docs()).values())) == 1
    monkeypatch.setattr(stories, "THRESHOLD", 0.99)
    assert len(set(stories.group(_docs()).values())) == 2


def test_explicit_threshold_wins_over_the_constant() -> None:
    assert len(set(stories.group(_docs(), threshold=0.99).values())) == 2


def test_by_topic_flags_a_merged_topic_and_splits_odd_from_even() -> None:
    pred = {"a": 1, "b": 1, "c": 2, "d": 3, "e": 4, "f": 4}
    event = {"a": "1_ecb", "b": "1_ecbplus", "c": "2_ecb", "d": "2_ecbplus",
             "e": "3_ecb", "f": "3_ecb"}
    topic = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3", "f": "3"}
    r = ecb.by_topic(pred, event, topic)
    assert r["topics"]["1"] == {"docs": 2, "clusters": 1, "b3_f1_event": pytest.approx(0.6667)}
    assert r["topics"]["2"]["b3_f1_event"] == 1.0
    assert r["even_topics"] == 1.0
    # odd topics: a, b merged across events (P 1/2 each), e, f right
    assert r["odd_topics"] == pytest.approx(round(2 * 0.75 / 1.75, 4))


# Two earthquakes of one week, told in the same words but in different places
# (own texts, not from any dataset): the centroid alone takes them for one story.
_QUAKE = ["earthquake", "magnitude", "tremor", "rescuers", "collapsed", "buildings",
          "killed", "aftershock", "injured", "epicentre", "survivors", "rubble"]
_PLACES = {"north": (["lakeside", "ferry", "harbour", "fishing", "villages"],
                     ["valmora", "port hesk", "governor tain"]),
           "south": (["mountain", "passes", "mining", "dam", "terraces"],
                     ["ostrava ridge", "kelmin", "mayor duvo"])}


def _quake_docs() -> list[StoryDoc]:
    rng = random.Random(3)
    docs = []
    for k in range(8):
        for region, (words, names) in _PLACES.items():
            said = Counter(rng.sample(_QUAKE, 10)) + Counter(rng.sample(words, 1))
            docs.append(StoryDoc(f"{region}{k}", None, said, Counter(rng.sample(names, 2))))
    return docs


def test_two_quakes_of_one_kind_are_split(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = _quake_docs()
    got = stories.group(docs)
    north = {got[f"north{k}"] for k in range(8)}
    south = {got[f"south{k}"] for k in range(8)}
    assert len(north) == 1 and len(south) == 1 and north != south
    monkeypatch.setattr(stories, "SPLIT_NCUT", 0.0)  # no split: the centroid keeps them as one
    assert len(set(stories.group(docs).values())) == 1


def test_a_long_story_stays_one() -> None:
    # a ferry sale told over two months from one angle after another, each article
    # naming the city and one of ten others: no part of it is an event of its own
    core = ["ferry", "line", "sale", "island", "council", "bidder", "harbour", "crossing",
            "vessel", "operator", "passengers", "route", "deal", "buyer", "city", "service",
            "boats", "crews", "terminal", "owners"]
    angles = [f"angle{j}" for j in range(40)]
    others = ["ferrylink", "seaway", "norline", "mayor ansel", "port board", "island trust",
              "ferry union", "ostby", "kellan", "transport office"]
    rng = random.Random(5)
    docs = []
    for k in range(60):
        said = Counter(rng.sample(core, 10)) + Counter(rng.sample(angles, 5))
        names = Counter({"harbour city": 1, rng.choice(others): 1})
        docs.append(StoryDoc(f"a{k}", dt.date(2025, 3, 1) + dt.timedelta(days=k), said, names))
    assert len(set(stories.group(docs).values())) == 1


def test_a_split_story_is_renumbered_in_order_of_first_article() -> None:
    got = stories.group(_quake_docs())
    assert got["north0"] == 0 and got["south0"] == 1


class _Store:
    """The two reads stories.relink makes, over a few articles; `articles` can be barred."""

    def __init__(self, articles: list[Any], open_bodies: bool = True) -> None:
        self._articles, self.open_bodies, self.saved = articles, open_bodies, {}

    def articles(self) -> list[Any]:
        assert self.open_bodies, "bodies re-read although their words were given"
        return self._articles

    def mentions_of_article(self, aid: str) -> list[tuple[int, int, int, str, str]]:
        return [(1, 0, 5, "e" + aid[-1], "name"), (2, 0, 5, "e9", "descriptor")]

    def replace_stories(self, got: dict[str, int]) -> None:
        self.saved = got


def test_relink_with_counted_words_equals_relink_reading_bodies() -> None:
    """A batch run's story words (counted on its workers) stand in for the bodies."""
    from storytrace.models import Article

    texts = ["The ferry board met on the island.", "Ferry board members met again.",
             "A quake shook the mountain passes.", "The ferry board approved the timetable."]
    arts = [Article.build(source=f"s{i}.txt", published=dt.date(2025, 3, 1 + i),
                          paragraphs=[(1, t)]) for i, t in enumerate(texts)]
    plain = _Store(arts)
    expected = stories.relink(plain)
    counted = _Store(arts, open_bodies=False)
    got = stories.relink(counted, words=[(a.id, a.published, stories.words_of(a.body_text))
                                         for a in arts])
    assert got == expected == plain.saved == counted.saved and len(set(got.values())) >= 2
    with pytest.raises(AssertionError, match="re-read"):
        stories.relink(counted)
