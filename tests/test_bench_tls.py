"""The Timeline17 benchmark's scorer (bench/tls.py) on tiny hand-made timelines."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from tests.conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"




tls = load_bench("tls")
D = dt.date

GOLD = {D(2024, 1, 1): ["The ferry sank near the pier ."],
        D(2024, 1, 5): ["Divers recovered the engine ."],
        D(2024, 1, 9): ["The council banned night crossings ."]}


def _needs_rouge() -> None:
    pytest.importorskip("pyrouge", reason="ROUGE stopwords come with the bench extra (tilse)")
    pytest.importorskip("nltk", reason="ROUGE stemming comes with the bench extra")


def test_date_f1() -> None:
    pred = {D(2024, 1, 1): ["x"], D(2024, 1, 6): ["y"]}
    p, r = tls.date_pr(pred, GOLD)
    assert (p, r) == (0.5, pytest.approx(1 / 3))
    assert tls.f1(p, r) == pytest.approx(0.4)
    assert tls.date_pr({}, GOLD) == (0.0, 0.0)


def test_score_averages_p_and_r_before_f() -> None:
    a = ({D(2024, 1, 1): ["x"]}, {D(2024, 1, 1): ["x"], D(2024, 1, 2): ["y"]})  # P 1, R .5
    b = ({D(2024, 1, 3): ["x"]}, {D(2024, 1, 1): ["x"]})  # P 0, R 0
    s = tls.score([a, b]) if _has_rouge() else None
    if s is None:
        pytest.skip("ROUGE needs the bench extra")
    assert s["date_p"] == 0.5 and s["date_r"] == 0.25
    assert s["date_f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def _has_rouge() -> bool:
    return importlib.util.find_spec("pyrouge") is not None and \
        importlib.util.find_spec("nltk") is not None


def test_rouge_tokens_stem_and_drop_stopwords() -> None:
    _needs_rouge()
    assert tls.rouge_tokens("The ferries were sinking , officials said .") == (
        "ferri", "sink", "offici")
    h, p, m = tls.rouge_counts(["ferries sank"], ["ferry sank fast"], 1)
    assert (h, p, m) == (2, 2, 3)


def test_ar1_exact_copy_is_perfect() -> None:
    _needs_rouge()
    assert tls.align_rouge(GOLD, GOLD, 1) == (1.0, 1.0)
    assert tls.align_rouge(GOLD, GOLD, 2) == (1.0, 1.0)


def test_ar1_one_day_off_gets_half_credit() -> None:
    _needs_rouge()
    pred = {D(2024, 1, 2): ["The ferry sank near the pier ."]}
    p, r = tls.align_rouge(pred, GOLD, 1)
    assert p == pytest.approx(0.5)  # 3 hits of 3, at 1 / (1 + 1 day)
    # Recall: each gold day aligned (many to one) with the only predicted day.
    assert r == pytest.approx((3 / 2) / (3 + 3 + 4))  # gold words: 3, 3 and 4


def test_ar1_alignment_prefers_content_over_nearer_date() -> None:
    _needs_rouge()
    # The predicted day 2024-01-04 is nearer 01-05 but says what 01-09's gold says;
    # its cost to 01-05 is (1 - 1/2) * 1 = .5, to 01-09 (1 - 1/6) * 0 = 0.
    pred = {D(2024, 1, 4): ["The council banned night crossings ."]}
    p, _ = tls.align_rouge(pred, GOLD, 1)
    assert p == pytest.approx(1 / 6)


def test_timeline_file_and_detok(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_text("2024-01-02\nOne thing .\nAnother .\n--------\n2024-01-01\nEarlier .\n"
                 "--------\n")
    assert tls.load_timeline_file(f) == {D(2024, 1, 2): ["One thing .", "Another ."],
                                         D(2024, 1, 1): ["Earlier ."]}
    assert tls.detok("He said `` yes '' -LRB- twice -RRB- .") == 'He said "yes" (twice).'


def test_baseline_counts_the_day_mentions_of_the_time_stage() -> None:
    texts = {"a": "The ferry sank on January 1 .", "b": "Since January 1 , no ferry ran .",
             "c": "Divers came on January 5 ."}
    docs = []
    for aid, text in texts.items():
        doc = tls.digest.Doc(aid, aid, "x", D(2024, 1, 6), [text])
        docs.append(tls.digest.Doc(aid, aid, "x", D(2024, 1, 6), [text],
                                   tls.digest.day_mentions(doc)))
    raw = {aid: [text] for aid, text in texts.items()}
    out = tls.baseline(docs, raw, 1, 1, (D(2024, 1, 1), D(2024, 1, 9)))
    assert out == {D(2024, 1, 1): ["The ferry sank on January 1 ."]}
