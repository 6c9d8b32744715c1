"""What every benchmark script does the same way (../shared/docs/BENCH.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def write_result(res: dict[str, Any], out: Path | None, script: str,
                 argv: list[str] | None) -> None:
    """Write one benchmark's JSON result, with the command that reproduces this very file
    (bench/report.py puts it above the README's table)."""
    if out is None:
        return
    res["command"] = " ".join(["python", f"bench/{Path(script).name}",
                               *(argv if argv is not None else sys.argv[1:])])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
