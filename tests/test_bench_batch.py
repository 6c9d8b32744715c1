"""The batch benchmark's memory summary (bench/batch.py) on made-up partition reports."""

from __future__ import annotations

from storytrace.batch import PartReport
from tests.conftest import load_bench

bb = load_bench("batch")


def test_memory_per_worker_in_finishing_order() -> None:
    reports = [PartReport(f"p{k}", worker_pid=1 + k % 2, rss_mb=400 + (k % 2) * 50 + k,
                          peak_rss_mb=900 + k) for k in range(12)]
    mem = bb._memory(reports)
    assert set(mem) == {"1", "2"}
    one = mem["2"]  # pids alternate: the even partitions ran on worker 1, odd on 2
    assert one["partitions"] == 6 and one["first_rss_mb"] == 451 and one["last_rss_mb"] == 461
    assert one["series_mb"] == [451, 453, 455, 457, 459, 461]
    assert one["peak_rss_mb"] == 911  # the processes' own peaks, not the RSS between parts
    assert one["growth_mb"] == 10  # median of the last quarter (one) minus the first's


def test_flat_memory_shows_as_no_growth() -> None:
    reports = [PartReport(f"p{k}", worker_pid=7, rss_mb=512.0) for k in range(8)]
    assert bb._memory(reports)["7"]["growth_mb"] == 0


def test_rounds_give_median_ratio_and_speedup() -> None:
    def rnd(bare: float, one: float, two: float) -> tuple[dict, dict, dict]:
        return ({"articles_per_s": bare}, {"articles_per_s": one}, {"articles_per_s": two})

    rounds = [rnd(8.0, 6.8, 13.0), rnd(10.0, 6.0, 11.0), rnd(7.0, 6.3, 12.6)]
    ratio, speedup, shown = bb._medians(rounds)
    assert ratio == 0.85  # ratios 0.85, 0.6, 0.9: one slow or fast round does not decide
    assert abs(speedup - 13.0 / 6.8) < 1e-9  # speed-ups 1.91, 1.83, 2.0
    assert shown is rounds[0]
