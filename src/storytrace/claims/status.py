"""A claim's status after each report, from rules that weigh who says so and on what.

The rules, in order (each report counted once: a recycled or syndicated copy
of an earlier report, background about the past and neutral mentions do not
count; each source counts with its latest stance):

1. Sources fall in three tiers. *Named*: a person or organisation named as the
   source, or an outlet a report is credited to ("according to Deadline").
   *Seen*: the article's own voice — what it asserts, a sighting or a photo.
   *Anonymous*: "a source", "insiders", "people familiar with the talks".
   Speculation ("fueling speculation", "may be an item"), from any source,
   never supports or denies: it keeps a claim *rumored*.
2. The highest tier with a support or a denial decides:
   - named: support only -> **confirmed**; denial only -> **denied**; both ->
     **confirmed** when the latest named report supports and every named
     denial came earlier (the usual course: a denial, then the announcement),
     else **disputed**;
   - seen: support only -> **apparently confirmed**; denial only -> **denied**;
     both -> **disputed**;
   - anonymous: support from two or more anonymous sources that spoke to
     different outlets and no anonymous denial -> **apparently confirmed**;
     denial only, with no speculation -> **denied**; otherwise **rumored**
     (anonymous voices on both sides settle nothing).
3. Nothing but speculation -> **rumored**; nothing but neutral mentions ->
   **reported**.

So a claim resting on one anonymous source is at most *rumored*, and only a
named source makes it *confirmed*. Disagreement is never overwritten: the
claim keeps every supporter and denier.
"""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ("named", "seen", "anonymous")


@dataclass(frozen=True)
class Vote:
    """A counted report as the rules see it."""

    day: str
    source: str  # who: one key per independent source
    tier: str  # named | seen | anonymous
    stance: str  # support | deny | speculate | neutral
    via: str | None = None


def status(votes: list[Vote]) -> str:
    """The status after these counted reports (in publication order)."""
    latest: dict[str, Vote] = {}
    spec = False
    for v in votes:
        if v.stance == "speculate":
            spec = True
            latest.setdefault(v.source, v)
            if latest[v.source].stance == "speculate":
                latest[v.source] = v
            continue
        if v.stance in ("support", "deny"):
            latest[v.source] = v
    for tier in TIERS:
        sup = [v for v in latest.values() if v.tier == tier and v.stance == "support"]
        den = [v for v in latest.values() if v.tier == tier and v.stance == "deny"]
        if not sup and not den:
            continue
        if tier == "named":
            if sup and not den:
                return "confirmed"
            if den and not sup:
                return "denied"
            last_sup = max(v.day for v in sup)
            return "confirmed" if all(v.day < last_sup for v in den) else "disputed"
        if tier == "seen":
            if sup and den:
                return "disputed"
            return "apparently confirmed" if sup else "denied"
        outlets = {v.via for v in sup if v.via}
        if sup and not den and len(outlets) >= 2:
            return "apparently confirmed"
        if den and not sup and not spec:
            return "denied"
        return "rumored"
    if spec:
        return "rumored"
    return "reported"


def history(votes: list[Vote]) -> list[dict[str, str]]:
    """[{"from": day, "status": ...}] at each day the status changes."""
    out: list[dict[str, str]] = []
    days = sorted({v.day for v in votes})
    for d in days:
        s = status([v for v in votes if v.day <= d])
        if not out or out[-1]["status"] != s:
            out.append({"from": d, "status": s})
    return out
