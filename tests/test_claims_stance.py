"""Headline stance features and model (storytrace.claims.stance) on made-up headlines."""

from __future__ import annotations

import pytest

from storytrace.claims import stance


def test_a_dismissal_aimed_at_a_rumour_is_told_from_the_rumour_alone() -> None:
    kinds = [*stance.CUE_KINDS, "aimed"]
    shut = dict(zip(kinds, stance.cue_flags("Quillmark shuts down rumors of a Brenvale merger"),
                    strict=True))
    rumour = dict(zip(kinds, stance.cue_flags("Rumors of a Brenvale merger swirl at Quillmark"),
                      strict=True))
    assert shut["dismiss"] == shut["aimed"] == 1.0
    assert rumour["object"] == 1.0 and rumour["aimed"] == 0.0


def test_cue_phrases_match_whole_words_only() -> None:
    hits = stance.cue_hits("Ostrander in talks to buy Pellow; Ostrander talkshow host pulls out")
    assert (1, "tentative") in hits and ("withdraw" in {k for _, k in hits})
    assert all(k != "tentative" or i in (1, 2) for i, k in hits)


def test_surface_sees_a_negation_the_claim_lacks() -> None:
    claim = "Marrowby lantern festival cancelled after storm"
    deny = stance.surface(claim, "Marrowby lantern festival not cancelled, organisers say")
    same = stance.surface(claim, "Marrowby lantern festival cancelled after storm")
    assert deny[8] == 1.0 and same[8] == 0.0
    assert stance.novel(claim, "Report: Marrowby festival cancelled?") == "report : ?"


def test_syntax_places_a_negation_at_the_root() -> None:
    from storytrace import nlp

    toks, near = stance.syntax(nlp.load()("Brenvale did not sell its mill"))
    assert "ROOT:sell" in toks.split() and "NEG:sell" in toks.split()
    assert near[4] == 1.0


def test_model_learns_the_cue_words() -> None:
    pytest.importorskip("sklearn")
    claim = "Quillmark bought Brenvale"
    heads = ["Quillmark confirms it bought Brenvale", "Quillmark bought Brenvale, deal done",
             "Quillmark denies buying Brenvale, a hoax", "No, Quillmark did not buy Brenvale",
             "Quillmark may have bought Brenvale, sources say", "Did Quillmark buy Brenvale?"]
    labels = ["for", "for", "against", "against", "observing", "observing"]
    model = stance.StanceModel(c=10).fit([claim] * 6, heads, labels)
    assert model.predict([claim] * 6, heads) == labels
    with pytest.raises(ValueError):
        stance.StanceModel().predict([claim], heads[:1])


def test_group_mean_leaves_the_row_itself_out() -> None:
    import numpy as np

    probs = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = stance._group_mean(probs, ["a", "a", "b"])
    assert out[0].tolist() == [0.0, 1.0, 0.0] and out[1].tolist() == [1.0, 0.0, 0.0]
    assert out[2] == pytest.approx([1 / 3] * 3)  # alone in its claim: no lean


def test_model_with_claims_fits_a_second_model() -> None:
    pytest.importorskip("sklearn")
    heads = ["Quillmark confirms deal", "Deal done, Quillmark says", "Quillmark deal a hoax",
             "No deal, Quillmark denies", "Quillmark may close deal", "Could Quillmark deal?"]
    labels = ["for", "for", "against", "against", "observing", "observing"]
    claims, groups = ["Quillmark closed a deal"] * 24, [str(i % 8) for i in range(24)]
    model = stance.StanceModel(c=10).fit(claims, heads * 4, labels * 4, groups=groups)
    assert model._second is not None
    assert model.predict(claims[:6], heads, groups=groups[:6]) == labels
