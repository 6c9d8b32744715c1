"""The date ranker's training and leave-one-topic-out scoring (bench/train_date_ranker.py,
bench/tls.py's `ranked`) on invented timelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storytrace import digest
from tests.conftest import load_bench

D = dt.date


def _task(topic: str, n: int) -> tuple[str, str, dict[dt.date, dict[str, float]], set[dt.date]]:
    # Gold days are those with many articles; the others have few.
    feats = {D(2024, 1, d): {"articles": float(d % 2 * 3 + 1), "position": d / 10}
             for d in range(1, 11)}
    return topic, f"{topic}/{n}", feats, {d for d, f in feats.items() if f["articles"] > 1}


def test_fit_learns_the_signal_and_round_trips(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs the bench extra")
    tdr = load_bench("train_date_ranker")
    rows = [_task("a", 1), _task("b", 2)]
    w = tdr.fit(rows)
    assert w["articles"] > 0
    out = tmp_path / "ranker.tsv"
    tdr.write(w, rows, out)
    assert tdr.trained_topics(out) == {"a", "b"}
    f = rows[0][2]
    gold, other = D(2024, 1, 1), D(2024, 1, 2)
    assert digest.ranker_score(f[gold], w) > digest.ranker_score(f[other], w)


def test_shipped_weights_name_their_training_topics() -> None:
    tdr = load_bench("train_date_ranker")
    path = Path(digest.__file__).parent / "data" / digest.RANKER_FILE
    assert tdr.trained_topics(path)  # bench/tls.py scores these topics leave-one-out
    assert set(digest.ranker() or {}) >= {"bias", "rules", "articles"}
