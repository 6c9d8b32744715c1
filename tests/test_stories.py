"""Story grouping (storytrace.stories) and the stories benchmark's per-topic breakdown."""

from __future__ import annotations

from collections import Counter

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
