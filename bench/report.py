#!/usr/bin/env python3
"""Rewrite the README's benchmark tables from bench/results/*.json.

    python bench/report.py [--results DIR] [--readme FILE]

Each result file is one benchmark's `--json` output. The tables replace
whatever lies between `<!-- bench:start -->` and `<!-- bench:end -->` in the
README; without a README or without both markers they are printed instead,
so the figures are never lost and the run never fails for want of a README.
With no result files at all the README is left untouched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _flat(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """Nested metrics (per endpoint, per section) as dotted names."""
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in _flat(f"{prefix}.{k}" if prefix else k, v)]
    return [(prefix, value)]


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)


def _numeric(figures: Any) -> dict[str, Any]:
    """Dotted metric name -> number (notes and other text left out)."""
    return {k: v for k, v in _flat("", figures)
            if isinstance(v, int | float) and not isinstance(v, bool)}


def table(res: dict[str, Any], measured: dt.date, name: str) -> str:
    """One benchmark's Markdown: how to reproduce it, then its figures.

    With baselines or published figures, one row per system and one column per
    metric of ours, so that the comparison reads across; otherwise metric rows.
    """
    cmd = f"python bench/{name}.py --json bench/results/{name}.json"
    data = str(res.get("data"))
    if data.startswith("generated:"):  # a generated corpus is rebuilt from its size
        cmd += f" --n {data.split(':', 1)[1]}"
    cmd = str(res.get("command") or cmd)
    lines = [
        f"### {name}",
        "",
        f"`{cmd}` — data `{data}`, {_fmt(res.get('n_docs'))} documents, "
        f"{float(res.get('seconds') or 0):,.1f} s, measured {measured.isoformat()}",
        "",
    ]
    ours = _numeric(res.get("metrics", {}))
    published = {k: v for k, v in (res.get("published") or {}).items() if isinstance(v, dict)}
    others = [(f"baseline: {k}", _numeric(v)) for k, v in (res.get("baselines") or {}).items()]
    others += [(f"published: {k}", _numeric(v)) for k, v in published.items()
               if set(_numeric(v)) & set(ours)]
    if not others:
        lines += ["| metric | value |", "|---|---|"]
        lines += [f"| {k} | {_fmt(v)} |" for k, v in ours.items()]
        if isinstance(res.get("notes"), str):
            lines += ["", f"- note: {res['notes']}"]
        return "\n".join(lines)
    cols = list(ours)
    lines += ["| system | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for label, figures in [("**storytrace**", ours), *others]:
        lines.append(f"| {label} | " + " | ".join(
            _fmt(figures[c]) if c in figures else "–" for c in cols) + " |")
    notes = [f"{k}: {v.get('note') or ''} "
             f"({', '.join(f'{m} {_fmt(x)}' for m, x in _numeric(v).items())})".replace(" ()", "")
             for k, v in published.items() if v.get("note") or not set(_numeric(v)) & set(ours)]
    if isinstance(res.get("notes"), str):  # how the run was made, when it matters
        notes.insert(0, f"note: {res['notes']}")
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


def render(results: Path) -> str | None:
    """The section's Markdown, or None when there is no result to show."""
    blocks = []
    for path in sorted(results.glob("*.json")):
        try:
            res = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            print(f"skipping {path}: {err}", file=sys.stderr)
            continue
        if not isinstance(res, dict):
            print(f"skipping {path}: not a benchmark result", file=sys.stderr)
            continue
        measured = dt.date.fromtimestamp(path.stat().st_mtime)
        blocks.append(table(res, measured, path.stem))
    if not blocks:
        return None
    head = f"_Benchmark figures as of {dt.date.today().isoformat()}; see bench/ to rerun._"
    return "\n\n".join([head, *blocks])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    args = ap.parse_args(argv)
    section = render(args.results)
    if section is None:  # keep whatever the README says rather than blank it
        print(f"no results in {args.results}: run a benchmark with "
              "`--json bench/results/NAME.json`; README left as it is")
        return 0
    text = args.readme.read_text(encoding="utf-8") if args.readme.is_file() else None
    if text is None or START not in text or END not in text.split(START, 1)[1]:
        where = "no README" if text is None else "no bench markers in the README"
        print(f"<!-- {where} at {args.readme}; tables follow -->\n")
        print(section)
        return 0
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    args.readme.write_text(f"{before}{START}\n{section}\n{END}{after}", encoding="utf-8")
    print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
