"""bench/report.py: the README tables, one row per system when there is something to compare."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("_bench_report", ROOT / "bench" / "report.py")
assert spec is not None and spec.loader is not None
report = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = report
spec.loader.exec_module(report)

RESULT = {"benchmark": "x", "data": "d", "n_docs": 3, "seconds": 1.5,
          "metrics": {"f1": 0.81234, "speed": 1234.0},
          "baselines": {"plain": {"f1": 0.5}},
          "published": {"paper": {"f1": 0.9, "note": "on the test set"},
                        "agreement": {"alpha": 0.75, "note": "humans"}, "note": "text"}}


def test_systems_are_rows_and_published_figures_without_our_metrics_are_notes() -> None:
    md = report.table(RESULT, dt.date(2026, 1, 2), "x")
    assert "| system | f1 | speed |" in md
    assert "| **storytrace** | 0.812 | 1,234.0 |" in md
    assert "| baseline: plain | 0.500 | – |" in md
    assert "| published: paper | 0.900 | – |" in md
    assert "agreement: humans (alpha 0.750)" in md and "published: agreement" not in md


def test_plain_metric_rows_without_anything_to_compare(tmp_path: Path) -> None:
    (tmp_path / "only.json").write_text(json.dumps({"data": "d", "metrics": {"a": 1}}))
    readme = tmp_path / "README.md"
    readme.write_text("top\n<!-- bench:start -->\nold\n<!-- bench:end -->\nbottom\n")
    assert report.main(["--results", str(tmp_path), "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert "| a | 1 |" in text and "old" not in text and text.endswith("bottom\n")


def test_a_result_note_says_how_the_run_was_made() -> None:
    md = report.table({**RESULT, "notes": "timed under load"}, dt.date(2026, 1, 2), "x")
    assert md.splitlines()[-3:][0] == "- note: timed under load"  # before the published notes
    plain = report.table({"data": "d", "metrics": {"a": 1}, "notes": "one run"},
                         dt.date(2026, 1, 2), "y")
    assert plain.endswith("| a | 1 |\n\n- note: one run")
