#!/usr/bin/env python3
"""Seed accuracy: ingest the seed articles, export them, and score the export with score_seeds.py.

    python bench/seeds.py [--data DIR] [--gold FILE] [--json OUT] [--limit N]

The scorer is the shared one (`../shared/tools/score_seeds.py`), run as a
subprocess on the library's JSON export, so the figures are exactly what it
prints. Metrics are its figures flattened to `section.metric`. This is a
report: the exit status is 0 whether or not the targets are met (the
verdicts are printed); it is non-zero only when the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import storytrace
from _common import write_result

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "seeds"
DEFAULT_GOLD = SHARED / "gold" / "seeds.yaml"
SCORER = SHARED / "tools" / "score_seeds.py"


def _shown(path: Path) -> str:
    """A path as the README should show it: relative to the repository when it can be."""
    try:
        return os.path.relpath(path.resolve(), ROOT)
    except ValueError:  # another drive on Windows
        return str(path)


def flatten(report: dict[str, Any]) -> tuple[dict[str, float], dict[str, float], dict[str, bool]]:
    """The scorer's {section: {meets, figures, targets}} as flat metrics, targets, verdicts."""
    metrics: dict[str, float] = {}
    targets: dict[str, float] = {}
    verdicts: dict[str, bool] = {}
    for section, res in report.items():
        verdicts[section] = bool(res.get("meets"))
        for name, value in res.get("figures", {}).items():
            metrics[f"{section}.{name}"] = value
        for name, value in res.get("targets", {}).items():
            targets[f"{section}.{name}"] = value
    return metrics, targets, verdicts


def run(args: argparse.Namespace) -> dict[str, Any] | None:
    started = time.perf_counter()
    data, gold = Path(args.data), Path(args.gold)
    if not SCORER.is_file():
        print(f"cannot run: no scorer at {SCORER}")
        return None
    if not data.is_dir():
        print(f"cannot run: {data} is not a folder of seed-format .txt files")
        return None
    files = sorted(data.glob("*.txt"))
    if args.limit is not None:
        files = files[: args.limit]
    with tempfile.TemporaryDirectory(prefix="storytrace-seeds-") as tmpdir:
        tmp = Path(tmpdir)
        with storytrace.open(tmp / "seeds.db") as corpus:
            report = corpus.ingest(files)
            export = corpus.export()
            n_docs = corpus.stats()["articles"]
        for err in report.errors:
            print(f"input error: {err}")
        export_path, scores_path = tmp / "export.json", tmp / "scores.json"
        export_path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, str(SCORER), str(export_path), "--json", str(scores_path)]
        if data.resolve() != DEFAULT_DATA.resolve() or gold.resolve() != DEFAULT_GOLD.resolve():
            cmd += ["--gold", str(gold), "--texts", str(data)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        print(proc.stdout, end="")
        if proc.stderr:
            print(proc.stderr, end="", file=sys.stderr)
        if not scores_path.is_file():
            print(f"cannot run: the scorer wrote no figures (exit {proc.returncode})")
            return None
        scores = json.loads(scores_path.read_text(encoding="utf-8"))
    metrics, targets, verdicts = flatten(scores)
    return {
        "benchmark": "seeds",
        "data": _shown(data),
        "n_docs": n_docs,
        "seconds": round(time.perf_counter() - started, 3),
        "metrics": metrics,
        "baselines": {},
        "details": {"verdicts": verdicts, "targets": targets, "gold": str(gold),
                    "scorer_exit": proc.returncode},
    }


def show(res: dict[str, Any]) -> None:
    targets, verdicts = res["details"]["targets"], res["details"]["verdicts"]
    print(f"\nseeds benchmark: {res['data']}: {res['n_docs']} articles, {res['seconds']:.1f} s")
    print(f"{'metric':<28}{'value':>8}{'target':>8}  verdict")
    for name, value in res["metrics"].items():
        target = targets.get(name)
        shown = f"{target:>8.2f}" if target is not None else f"{'-':>8}"
        ok = "" if target is None else ("meets" if value >= target else "short")
        print(f"{name:<28}{value:>8.3f}{shown}  {ok}")
    met = [s for s, ok in verdicts.items() if ok]
    short = [s for s, ok in verdicts.items() if not ok]
    print(f"sections meeting their targets: {', '.join(met) or 'none'}; "
          f"short: {', '.join(short) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="folder of seed-format .txt files")
    ap.add_argument("--gold", default=str(DEFAULT_GOLD), help="gold file (seeds.yaml schema)")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the result here")
    ap.add_argument("--limit", type=int, help="use only the first N files")
    args = ap.parse_args(argv)
    res = run(args)
    if res is None:
        return 2
    show(res)
    write_result(res, args.json_out, __file__, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
