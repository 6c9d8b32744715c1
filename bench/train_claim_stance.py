#!/usr/bin/env python3
"""Train the product's headline stance weights (storytrace.claims.learned) on Emergent.

    python bench/train_claim_stance.py [--data PATH] [--out PATH] [--min-weight W]

Reads `../shared/benchdata/claims/emergent/derived/claims-shared.jsonl` (the shared
development side; the withheld test side is never read) in bench/claims.py's layout,
fits `storytrace.claims.stance.fit_export` on all its (claim, headline, stance) pairs
and writes the rows to `src/storytrace/data/claim_stance.tsv`. The honest figure for
these weights is bench/claims.py's claim-grouped cross-validation of the same
procedure (row "exported model"), not a score on this file's own training data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claims import SHARED, load, pairs
from storytrace.claims import learned, stance

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "storytrace" / "data" / learned.MODEL_FILE
HEADER = """\
# Weights of storytrace.claims.learned: the headline stance model of
# storytrace.claims.stance (first stage, no parse), terms kept where a label's weight
# reaches {mw} and refitted on them. Trained on all of Emergent's shared side
# ({n} headlines of {k} claims); rebuild with `python bench/train_claim_stance.py`.
# Rows: classes | bias | w/c/n<TAB>term<TAB>idf<TAB>weight per class | d<TAB>index<TAB>-<TAB>...
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-weight", type=float, default=stance.EXPORT_MIN_WEIGHT)
    args = ap.parse_args(argv)
    ps = pairs(load(args.data))
    rows = stance.fit_export([c for _, c, _, _ in ps], [h for _, _, h, _ in ps],
                             [s for *_, s in ps], min_weight=args.min_weight)
    text = HEADER.format(mw=args.min_weight, n=len(ps), k=len({p[0] for p in ps}))
    text += "".join("\t".join(r) + "\n" for r in rows)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(rows)} rows, {len(text.encode()) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
