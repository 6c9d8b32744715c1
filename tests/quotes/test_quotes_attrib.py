"""The trained finder of attributions whose verb no cue lexicon lists."""

import datetime as dt
from typing import Any

import pytest

from storytrace import clean, entities
from storytrace import nlp as st_nlp
from storytrace.models import Article
from storytrace.quotes import ArticleQuotes, attrib, find

PARAS = [
    "Ferry Plan Advances.",
    "Councillor Ada Voss disputed that the terminal was over budget.",
    "The company built a new bridge over the river last year.",
]


@pytest.fixture(scope="module")
def parsed(nlp: Any) -> Any:
    art = Article.build(source="ferry.txt", published=dt.date(2025, 4, 2),
                        paragraphs=[(2 * i + 1, t) for i, t in enumerate(PARAS)])
    return next(iter(st_nlp.parse([clean.clean(art)])))


def test_model_is_installed_and_small() -> None:
    weights = attrib.model()
    assert weights is not None and "bias" in weights
    assert 100 < len(weights) < 10_000


def test_candidates_are_verbs_with_a_complement_outside_the_lexicon(parsed: Any) -> None:
    words = [t.text for t in attrib.candidates(parsed.doc, frozenset(("build",)))]
    assert "disputed" in words and "built" not in words
    assert "built" in [t.text for t in attrib.candidates(parsed.doc, frozenset())]


def test_features_name_lemma_complement_and_subject(parsed: Any) -> None:
    verb = next(t for t in parsed.doc if t.text == "disputed")
    f = attrib.features(verb)
    assert "lemma=dispute" in f and "comp=ccomp" in f
    assert "subj=ent_PERSON" in f


def test_disputed_that_is_reported_and_building_is_not(parsed: Any) -> None:
    aq: ArticleQuotes = find(parsed, entities.extract(parsed))
    texts = [r.text for r in aq.reports]
    assert "that the terminal was over budget" in texts
    r = aq.reports[texts.index("that the terminal was over budget")]
    assert r.cue == "dispute" and r.speaker is not None and "Voss" in r.speaker[3]
    assert not any("bridge" in t for t in texts)


def test_among_is_isin_for_sorted_ids() -> None:
    import numpy

    ids = numpy.array([3, 9, 20], dtype="uint64")
    values = numpy.array([0, 3, 4, 9, 20, 21, 2**63], dtype="uint64")
    assert attrib.among(values, ids).tolist() == numpy.isin(values, ids).tolist()
    assert not attrib.among(values, ids[:0]).any()
