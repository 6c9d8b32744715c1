"""The Emergent benchmark's scoring and features (bench/claims.py) on made-up headlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"




bc = load_bench("claims")


def test_b3_is_one_for_the_gold_clustering_and_lower_for_a_merge() -> None:
    gold = ["a", "a", "b", "b"]
    assert bc.b3(gold, [0, 0, 1, 1]) == 1.0
    merged = bc.b3(gold, [0, 0, 0, 0])  # precision 1/2, recall 1
    assert merged == pytest.approx(2 * 0.5 / 1.5)


def test_macro_f1_counts_every_class() -> None:
    m = bc.scores(["for", "against", "observing"], ["for", "for", "observing"])
    assert m["stance_accuracy"] == pytest.approx(2 / 3)
    assert m["f1_against"] == 0.0 and m["stance_macro_f1"] == pytest.approx((2 / 3 + 1) / 3)
