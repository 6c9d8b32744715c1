"""One claim for reading: found by id or prefix, each report with its attribution,
paragraph excerpt and whether it counts (what `storytrace claim ID` prints)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# Characters of a paragraph shown with a report: enough for the report's sentence and
# a little around it; the JSON view carries the whole sentence besides.
EXCERPT = 240


def resolve(claims: Sequence[dict[str, Any]], ref: str) -> dict[str, Any]:
    """The claim whose id is `ref`, else the one whose id starts with it; LookupError
    with a one-line message when none or several do.

    >>> resolve([{"id": "c1"}, {"id": "c10"}], "c1")["id"]
    'c1'
    >>> resolve([{"id": "c1"}, {"id": "c10"}], "c10")["id"]
    'c10'
    """
    key = ref.strip().lower()
    claims = sorted(claims, key=_natural)
    exact = [c for c in claims if str(c["id"]).lower() == key]
    if exact:
        return exact[0]
    found = [c for c in claims if key and str(c["id"]).lower().startswith(key)]
    if not found:
        known = ", ".join(str(c["id"]) for c in claims[:8]) or "none"
        raise LookupError(f"{ref}: no claim has this id (ids: {known}"
                            f"{' …' if len(claims) > 8 else ''}; see 'storytrace claims')")
    if len(found) > 1:
        ids = ", ".join(str(c["id"]) for c in found[:8]) + (" …" if len(found) > 8 else "")
        raise LookupError(f"{ref}: {len(found)} claims match ({ids}); give the full id")
    return found[0]


def _natural(c: dict[str, Any]) -> tuple[str, int]:
    """c2 before c10."""
    cid = str(c["id"])
    digits = cid.lstrip("abcdefghijklmnopqrstuvwxyz")
    return cid[: len(cid) - len(digits)], int(digits) if digits.isdigit() else 0


def attribution(r: dict[str, Any]) -> str:
    """Who a report speaks for: a named source, an anonymous one with the outlet it spoke
    to, or the article's own voice.

    >>> attribution({"voice": "anonymous", "anonymous": True, "via": "People"})
    'anonymous source, to People'
    >>> attribution({"voice": "article", "attributed_to": "Fox News"})
    "the article's own voice (Fox News)"
    """
    voice = r.get("voice") or ("anonymous" if r.get("anonymous") else
                               "named" if r.get("attributed_to") else "article")
    via = r.get("via")
    if voice == "anonymous":
        return f"anonymous source, to {via}" if via else "anonymous source (outlet not named)"
    if voice == "named":
        who = r.get("attributed_to") or "a named source"
        return f"{who}, to {via}" if via and via != who else str(who)
    outlet = r.get("attributed_to")
    return f"the article's own voice ({outlet})" if outlet else "the article's own voice"


def counting(r: dict[str, Any]) -> str:
    """Whether a report counts toward the claim's status, and why not.

    >>> counting({"copy_of": {"source": "a.txt", "line": 3}, "counted": False})
    'recycled copy of a.txt:3, counted once (with the original)'
    """
    copy = r.get("copy_of")
    if copy:
        return f"recycled copy of {copy['source']}:{copy['line']}, counted once (with the original)"
    if r.get("counted", True):
        return "counted"
    if r.get("stance") == "neutral":
        return "not counted: neutral mention"
    return "not counted: background about the past"


def stance(r: dict[str, Any]) -> str:
    """The report's stance, and its headline's when the headline model reads it otherwise
    (a "support" report under a headline that casts doubt is worth seeing).

    >>> stance({"stance": "support", "headline_stance": "deny"})
    'support (headline: deny)'
    >>> stance({"stance": "deny", "headline_stance": "deny"})
    'deny'
    """
    head = r.get("headline_stance")
    return r["stance"] if not head or head == r["stance"] else f"{r['stance']} (headline: {head})"


def excerpt(paragraph: str, sentence: str, limit: int = EXCERPT) -> str:
    """The paragraph trimmed to `limit` characters, keeping the report's sentence in view.

    >>> excerpt("One. Two three four. Five six.", "Five six.", limit=12)
    '… Five six.'
    """
    text = " ".join(paragraph.split())
    if len(text) <= limit:
        return text
    sent = " ".join(sentence.split())
    at = max(0, text.find(sent)) if sent else 0
    start = max(0, min(at, len(text) - limit))  # from the sentence, or back as it ends
    end = start + limit
    if start and text[start - 1] != " ":
        start = text.find(" ", start, at + 1) + 1 or at  # a whole first word
    if end < len(text) and text[end] != " ":
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def detail(claim: dict[str, Any],
           paragraph: Callable[[dict[str, Any]], str | None]) -> dict[str, Any]:
    """The claim with each report's attribution, counting and paragraph excerpt added;
    `paragraph(report)` gives the report's paragraph text (None when not stored)."""
    reports = []
    for r in claim["reports"]:
        para = paragraph(r)
        reports.append({**r, "attribution": attribution(r), "counting": counting(r),
                        "paragraph": excerpt(para, r.get("text") or "") if para else
                        excerpt(r.get("text") or "", "")})
    return {**claim, "reports": reports}


def status_line(claim: dict[str, Any]) -> str:
    """ "rumored (2025-03-05) -> denied (2025-03-06)", or "reported" with no change."""
    steps = claim.get("status") or []
    return " -> ".join(f"{s['status']} ({s['from']})" for s in steps) or "reported"


def current(claim: dict[str, Any]) -> str:
    steps = claim.get("status") or []
    return str(steps[-1]["status"]) if steps else "reported"


def lines(claim: dict[str, Any]) -> list[str]:
    """The claim as plain lines: statement, status, sides, then each report."""
    out = [f"{claim['id']}  {claim['statement']}",
           f"status: {current(claim)}  (history: {status_line(claim)})",
           "supported by: " + ("; ".join(claim.get("supporters") or []) or "nobody"),
           "denied by: " + ("; ".join(claim.get("deniers") or []) or "nobody"),
           f"reports ({len(claim['reports'])}, in order):"]
    for n, r in enumerate(claim["reports"], 1):
        out.append(f"{n:>3}. {r.get('published') or '?'}  {r['source']}:{r['line']}  "
                   f"{stance(r)}  {r['attribution']}  [{r['evidence']}]  {r['counting']}")
        out.append(f"     “{r['paragraph']}”")
    return out


def markdown(claim: dict[str, Any]) -> str:
    """The claim as Markdown: a heading, the sides and a table of reports."""
    def cell(s: Any) -> str:
        return str(s).replace("|", "\\|").replace("\n", " ")

    out = [f"## {claim['id']}: {claim['statement']}", "",
           f"- **status:** {current(claim)} ({status_line(claim)})",
           "- **supported by:** " + ("; ".join(claim.get("supporters") or []) or "nobody"),
           "- **denied by:** " + ("; ".join(claim.get("deniers") or []) or "nobody"), "",
           "| # | date | source | stance | attribution | evidence | counted | paragraph |",
           "|---|---|---|---|---|---|---|---|"]
    for n, r in enumerate(claim["reports"], 1):
        out.append("| " + " | ".join(cell(x) for x in (
            n, r.get("published") or "?", f"{r['source']}:{r['line']}", stance(r),
            r["attribution"], r["evidence"], r["counting"], r["paragraph"])) + " |")
    return "\n".join(out) + "\n"
