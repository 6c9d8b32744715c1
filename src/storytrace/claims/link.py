"""Claims across the corpus: reports placed (canonical people, sources from the quote
stage, copies from the reuse stage), grouped into claims, and each claim's status.

Grouping errs on keeping claims apart: two reports are one claim only when they
word the same frame and name the same participants — at least two shared, or
all of the smaller side's when one names a single participant. A report naming
nobody joins only when its frame has exactly one claim so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace.claims import cues
from storytrace.claims.find import LocalReport
from storytrace.claims.status import Vote, history

STAGE = "claims"


@dataclass
class Report:
    """One report of a claim in one article, placed in the corpus."""

    article: str
    source: str
    published: str | None
    line: int
    para: int
    text: str
    frame: str
    trigger: str
    stance: str
    attributed_to: str | None
    anonymous: bool
    via: str | None
    voice: str  # named | anonymous | article
    evidence: str
    apparent: bool
    background: bool
    participants: list[str]
    work: str | None
    copy_of: dict[str, Any] | None = None
    start: int = 0

    def record(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in (
            "source", "published", "line", "stance", "attributed_to", "anonymous", "via",
            "voice", "evidence", "text", "copy_of")}
        d["counted"] = self.copy_of is None and not self.background and self.stance != "neutral"
        return d


@dataclass
class Claim:
    """A state of affairs, every report of it, and its status over time."""

    id: str
    frame: str
    statement: str
    participants: list[str]
    reports: list[dict[str, Any]]
    status: list[dict[str, str]]
    supporters: list[str] = field(default_factory=list)
    deniers: list[str] = field(default_factory=list)
    first_reported: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _quote_source(rep: LocalReport, quotes: list[dict[str, Any]]
                  ) -> dict[str, Any] | None:
    """The quotation the frame's phrase sits in, or the one its sentence reports."""
    best = None
    for q in quotes:
        if q["para_idx"] != rep.para:
            continue
        if q["start"] <= rep.trig_start and rep.trig_end <= q["end"]:
            return q
        if q["start"] < rep.end and rep.start < q["end"] and best is None:
            best = q
    # "..., he said": the quote stage knows who "he" is
    if best is not None and (rep.source_text or "").lower() in ("he", "she", "they", "i", "we"):
        return best
    return None


def place(store: Any, *, as_of: dt.date | None = None,
          articles: set[str] | None = None) -> list[Report]:
    """Every stored claim report with canonical names, sources and copies."""
    locals_ = store.entity_locals()
    names = {e.id: e.name for e in store.entities()}
    quotes: dict[str, list[dict[str, Any]]] = {}
    for q in store.quotes():
        quotes.setdefault(q["article_id"], []).append(q)
    out: list[Report] = []
    for ref, data in store.stage_results(STAGE):
        if not data:
            continue
        if articles is not None and ref.id not in articles:
            continue
        if as_of is not None and (ref.published is None or ref.published > as_of):
            continue
        art = store.article(ref.id)
        lines = {p.index: p.line for p in art.paragraphs} if art else {}
        outlet = ref.outlet or (ref.other_outlets[0] if ref.other_outlets else None)

        def canon(key: str | None, aid: str = ref.id) -> str | None:
            return locals_.get((aid, key)) if key else None

        for d in data:
            r = LocalReport(**d)
            attributed: str | None = None
            anonymous = r.source_kind == "anonymous"
            via = names.get(canon(r.via_key) or "") or r.via
            voice = r.source_kind
            evidence = r.evidence
            background = r.background
            q = None if r.embedded else _quote_source(r, quotes.get(ref.id, []))
            if q is not None:
                anonymous = bool(q["anonymous"])
                attributed = q["speaker"]
                via = q["via"] or via
                voice = "anonymous" if anonymous else ("named" if attributed else voice)
                if evidence == "report":
                    evidence = "insider" if anonymous else "statement"
                said = q.get("said")
                if said and ref.published and said[:4].isdigit() and \
                        int(said[:4]) < ref.published.year:
                    background = True
            elif r.source_kind == "named":
                attributed = names.get(canon(r.source_key) or "") or r.source_text
            elif r.source_kind == "article":
                attributed = outlet
            if voice == "named" and not attributed:
                voice = "article"
                attributed = outlet
            people = [canon(k) for k in r.participants]
            out.append(Report(
                ref.id, ref.source, ref.published.isoformat() if ref.published else None,
                lines.get(r.para, 0), r.para, r.text, r.frame, r.trigger, r.stance,
                attributed, anonymous, via, voice, evidence, r.apparent, background,
                [p for p in dict.fromkeys(people) if p], canon(r.work), start=r.start))
    out.sort(key=lambda x: (x.published or "9999", x.source, x.para, x.start))
    return out


def _compatible(a: set[str], b: set[str], pair: bool) -> int:
    """How many participants two sides share, or 0 when that is too few to be one claim.

    People: two shared, or all of a side that names one ("de Armas and Cuesta" is
    not "Cruise and de Armas"). Organisations and places: one shared, since a
    report names the parties of a deal only in part.
    """
    shared = len(a & b)
    if not a or not b:
        return 0
    need = min(2, len(a), len(b)) if pair else 1
    return shared if shared >= need else 0


def group(reports: list[Report]) -> list[list[Report]]:
    """Reports into claims, in order (see the module docstring for the rule)."""
    frames = {f.id: f for f in cues.frames()}
    groups: list[tuple[str, set[str], str | None, list[Report]]] = []
    for r in reports:
        mine = set(r.participants)
        same = [g for g in groups if g[0] == r.frame]
        best: tuple[str, set[str], str | None, list[Report]] | None = None
        if not mine:
            best = same[0] if len(same) == 1 else None
        else:
            scored = [(_compatible(mine, g[1], frames[r.frame].pair), g) for g in same
                      if not (r.work and g[2] and r.work != g[2])]
            scored = [s for s in scored if s[0]]
            if scored:
                top = max(s for s, _ in scored)
                tops = [g for s, g in scored if s == top]
                best = tops[0] if len(tops) == 1 else None
        if best is None:
            groups.append((r.frame, mine, r.work, [r]))
            continue
        best[3].append(r)
        if not frames[r.frame].pair:
            best[1].update(mine)
        if r.work and not best[2]:
            groups[groups.index(best)] = (best[0], best[1], r.work, best[3])
    return [g[3] for g in groups]


def _copies(items: list[Report], reuse: list[dict[str, Any]]) -> None:
    """Mark a report that reprints an earlier one (the reuse stage's pairs, or the same
    sentence word for word) with the report it copies."""
    origin = {(r["to_article"], r["to_para"]): (r["from_article"], r["from_para"])
              for r in reuse}
    seen: dict[tuple[str, int], Report] = {}
    by_text: dict[str, Report] = {}
    for r in items:
        src = origin.get((r.article, r.para))
        first = seen.get(src) if src else None
        if first is None:
            first = by_text.get(" ".join(r.text.lower().split()))
        if first is not None and first.article != r.article and first.stance == r.stance:
            r.copy_of = {"source": first.source, "line": first.line}
        else:
            seen.setdefault((r.article, r.para), r)
            by_text.setdefault(" ".join(r.text.lower().split()), r)


def _source_key(r: Report) -> tuple[str, str]:
    """(tier, who) of a counted report: one key per independent source."""
    if r.voice == "anonymous":
        return "anonymous", f"anonymous via {r.via or r.source}"
    if r.voice == "named":
        return "named", r.attributed_to or r.source
    return "seen", f"article {r.source}"


def _who(r: Report) -> str:
    if r.voice == "anonymous":
        return f"anonymous source ({r.via})" if r.via else "anonymous source"
    return r.attributed_to or r.source


def _statement(frame: str, items: list[Report], names: dict[str, str]) -> tuple[str, list[str]]:
    fr = next(f for f in cues.frames() if f.id == frame)
    count: dict[str, int] = {}
    for r in items:
        for p in r.participants:
            count[p] = count.get(p, 0) + 1
    order = sorted(count, key=lambda p: -count[p])
    who = order[:2] if fr.pair else order[:3]
    first_seen = [p for r in items for p in r.participants]
    who.sort(key=first_seen.index)
    people = [names.get(p, p) for p in who]
    joined = (", ".join(people[:-1]) + " and " + people[-1]) if len(people) > 1 else (
        people[0] if people else "someone")
    work = next((r.work for r in items if r.work), None)
    text = fr.template.replace("{who}", joined)
    if "{work}" in text:
        text = text.replace("{work}", names.get(work, work) if work else "a project")
    return text[0].upper() + text[1:], people


def claims(store: Any, *, as_of: dt.date | None = None,
           articles: set[str] | None = None) -> list[Claim]:
    """The claims of the stored articles; `as_of` re-runs everything on what was out by then."""
    names = {e.id: e.name for e in store.entities()}
    reports = place(store, as_of=as_of, articles=articles)
    out: list[Claim] = []
    reuse = store.reuse()
    for items in group(reports):
        _copies(items, reuse)
        statement, people = _statement(items[0].frame, items, names)
        votes = []
        sup: dict[str, None] = {}
        den: dict[str, None] = {}
        for r in items:
            rec = r.record()
            if not rec["counted"] or r.published is None:
                continue
            tier, key = _source_key(r)
            votes.append(Vote(r.published, key, tier, r.stance, r.via))
            if r.stance == "support":
                sup.setdefault(_who(r))
            elif r.stance == "deny":
                den.setdefault(_who(r))
        out.append(Claim("", items[0].frame, statement, people,
                         [r.record() for r in items], history(votes), list(sup), list(den),
                         items[0].published))
    # the claims with most independent reports first, then by first report
    out.sort(key=lambda c: (-sum(r["counted"] for r in c.reports), c.first_reported or ""))
    for n, c in enumerate(out, 1):
        c.id = f"c{n}"
    return out
