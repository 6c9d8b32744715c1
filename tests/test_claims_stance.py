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
