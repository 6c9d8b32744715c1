"""The FNC-1 benchmark's scoring and features (bench/fnc1.py) on made-up pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"




fb = load_bench("fnc1")


def test_official_score_weighs_related_labels_and_is_relative() -> None:
    gold = ["agree", "discuss", "unrelated", "disagree"]
    assert fb.fnc_score(gold, gold) == 1.0
    # unrelated everywhere: only the 0.25 of the one unrelated pair out of 3.25
    assert fb.fnc_score(gold, ["unrelated"] * 4) == pytest.approx(0.25 / 3.25)
    # a related pair given the wrong related label still earns 0.25
    assert fb.fnc_score(["agree"], ["discuss"]) == pytest.approx(0.25)
    assert fb.fnc_score(["unrelated"], ["agree"]) == 0.0


def test_macro_f1_is_the_mean_over_the_four_classes() -> None:
    m = fb.scores(["agree", "agree", "unrelated", "unrelated"],
                  ["agree", "unrelated", "unrelated", "unrelated"])
    assert m["f1_agree"] == pytest.approx(2 / 3)
    assert m["f1_unrelated"] == pytest.approx(0.8)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 4)


def test_loader_reads_the_official_layout(tmp_path: Path) -> None:
    (tmp_path / "train_bodies.csv").write_text(
        'Body ID,articleBody\n7,"The orchard council denied, in a long statement, that it ""sold"" '
        'the mill."\n', encoding="utf-8")
    (tmp_path / "train_stances.csv").write_text(
        "Headline,Body ID,Stance\nOrchard council sells the mill,7,disagree\n", encoding="utf-8")
    pairs, bodies = fb.load(tmp_path, "train_stances.csv", "train_bodies.csv")
    assert pairs == [("Orchard council sells the mill", "7", "disagree")]
    assert bodies["7"].startswith("The orchard council denied, in a long")


def test_features_tell_a_related_body_and_count_refuting_words_near_it() -> None:
    pytest.importorskip("sklearn", reason="scikit-learn is in the bench extra only")
    bodies = {"1": "The lantern festival in Marrowby was cancelled after the storm, the town "
                   "council said on Monday. Organisers had hoped for ten thousand visitors.",
              "2": "A rare white heron was seen nesting on the quarry lake, birdwatchers "
                   "reported. The sighting is the first in forty years.",
              "3": "Reports that the Marrowby lantern festival was cancelled are false, the "
                   "town council said, calling the story a hoax."}
    feats = fb.Features(list(bodies.values()) * 2 + ["Marrowby lantern festival cancelled"])
    pairs = [("Marrowby lantern festival cancelled", b, "") for b in ("1", "2", "3")]
    x = feats.dense(pairs, bodies)
    assert x[0, 0] > x[1, 0] and x[2, 0] > x[1, 0]  # TF-IDF cosine: related bodies higher
    denial = 8  # first of the four columns of data/claim_denials.txt
    assert x[2, denial] > x[0, denial]
