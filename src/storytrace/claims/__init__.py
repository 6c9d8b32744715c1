"""What the story turns on: claim reports with stance and source, grouped into claims
whose status is followed over time."""

from __future__ import annotations

from typing import Any

from storytrace.claims.find import LocalReport, find, find_dict

__all__ = ["STAGE", "LocalReport", "find", "find_dict", "relink"]

STAGE = "claims"


def relink(store: Any) -> list[dict[str, Any]]:
    """Group every article's claim reports again and store the claims."""
    from storytrace.claims.link import claims

    rows = [c.to_dict() for c in claims(store)]
    store.replace_claims(rows)
    return rows
