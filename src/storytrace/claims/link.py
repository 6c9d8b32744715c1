"""Claims across the corpus: reports placed (canonical people, sources from the quote
stage, copies from the reuse stage), grouped into claims, and each claim's status.

Grouping errs on keeping claims apart: two reports are one claim only when they
word the same frame and name the same participants — at least two shared, or
all of the smaller side's when one names a single participant. A report naming
nobody joins only when its frame has exactly one claim so far. Otherwise only
the text itself joins two reports: the same sentence reprinted; within one
article, a later report that names the state of affairs as known ("the sale")
or borrows its parties from the sentences before; and a report that names the
seller of one fragment of a sale and the buyer of another, with no role or
object contradicting ("Port Anselm will sell the line to Corvane").

A group whose every report is neutral and names its parties only by guess from
the sentences before is no claim: the frame's words turned up ("a motion barring
any sale without a public vote"), but nobody took a side and nothing says whom
it is about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
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
    anaphoric: bool = False  # "the sale": the article's state of affairs named before
    from_context: bool = False  # participants taken from the sentences before
    roles: dict[str, str] = field(default_factory=dict)  # role -> canonical entity id
    theme: str | None = None
    origin: str | None = None  # the quotation's origin (quote stage), when it quotes one
    headline_stance: str | None = None  # the article's headline toward the claim (learned)

    def record(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in (
            "source", "published", "line", "stance", "attributed_to", "anonymous", "via",
            "voice", "evidence", "text", "copy_of", "headline_stance")}
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
                [p for p in dict.fromkeys(people) if p], canon(r.work), start=r.start,
                anaphoric=r.anaphoric, from_context=r.from_context,
                roles={k: c for k, v in r.roles.items() if (c := canon(v))}, theme=r.theme,
                origin=q.get("origin") if q is not None else None,
                headline_stance=r.headline_stance))
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


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def group(reports: list[Report]) -> list[list[Report]]:
    """Reports into claims, in order (see the module docstring for the rule).

    Besides the participants, the text itself can say two reports are one state of
    affairs: a sentence reprinted word for word, and, within one article, a later
    report that names it as known ("the sale", "the deal") or names no parties of
    its own.
    """
    frames = {f.id: f for f in cues.frames()}
    groups: list[_Group] = []
    by_text: dict[tuple[str, str], _Group] = {}
    last_in: dict[tuple[str, str], _Group] = {}  # (article, frame) -> its latest group
    for r in reports:
        mine = set(r.participants)
        pair = frames[r.frame].pair
        best = by_text.get((r.frame, _norm(r.text)))
        here = last_in.get((r.article, r.frame))
        if best is None and here is not None and r.anaphoric and not (
                r.work and here.work and r.work != here.work) and (
                r.from_context or not mine or _compatible(mine, here.people, pair)
                or (not pair and _consistent(r, here))):
            best = here  # "the sale" in an article that has named one
        if best is None and mine:
            scored = [(_compatible(mine, g.people, pair), g) for g in groups
                      if g.frame == r.frame and not (r.work and g.work and r.work != g.work)]
            scored = [s for s in scored if s[0]]
            if scored:
                top = max(s for s, _ in scored)
                tops = [g for s, g in scored if s == top]
                if len(tops) > 1 and here in tops:
                    tops = [here]  # a tie: the article's own claim of the frame
                if len(tops) > 1 and not pair and r.roles and all(
                        _consistent(r, g) for g in tops):
                    # "Port Anselm will sell the line to Corvane" names the seller of one
                    # claim and the buyer of the other, and nothing contradicts: one deal
                    for g in tops[1:]:
                        tops[0].items.extend(g.items)
                        tops[0].people.update(g.people)
                        groups.remove(g)
                        for key, val in list(last_in.items()):
                            if val is g:
                                last_in[key] = tops[0]
                        for key, val in list(by_text.items()):
                            if val is g:
                                by_text[key] = tops[0]
                    tops[0].items.sort(key=lambda x: (x.published or "9999", x.source, x.para,
                                                      x.start))
                    tops = tops[:1]
                best = tops[0] if len(tops) == 1 else None
        elif best is None:
            same = [g for g in groups if g.frame == r.frame]
            best = same[0] if len(same) == 1 else None
        if best is None:
            best = _Group(r.frame, set(mine), r.work, [])
            groups.append(best)
        best.items.append(r)
        if not pair and not r.from_context:
            best.people.update(mine)
        best.work = best.work or r.work
        by_text.setdefault((r.frame, _norm(r.text)), best)
        last_in[(r.article, r.frame)] = best
    return [g.items for g in groups]


def _consistent(r: Report, g: _Group) -> bool:
    """No role of `r` is filled otherwise in `g` ("sells to Corvane" against "sells to
    Meridian"), and what changes hands shares a word when both say."""
    for role, who in r.roles.items():
        other = {x.roles[role] for x in g.items if role in x.roles}
        if other and who not in other:
            return False
    mine = {w.lower() for w in (r.theme or "").replace("-", " ").split()}
    theirs = {w.lower() for x in g.items for w in (x.theme or "").replace("-", " ").split()}
    return not (mine and theirs) or bool(mine & theirs)


@dataclass
class _Group:
    frame: str
    people: set[str]
    work: str | None
    items: list[Report]


def _copies(items: list[Report], reuse: list[dict[str, Any]]) -> None:
    """Mark a report that reprints an earlier one (the reuse stage's pairs, or the same
    sentence word for word) with the report it copies."""
    origin = {(r["to_article"], r["to_para"]): (r["from_article"], r["from_para"])
              for r in reuse}
    seen: dict[tuple[str, int], Report] = {}
    by_text: dict[str, Report] = {}
    by_quote: dict[str, Report] = {}  # the same words of the same speaker, re-quoted
    for r in items:
        src = origin.get((r.article, r.para))
        first = seen.get(src) if src else None
        if first is None:
            first = by_text.get(" ".join(r.text.lower().split()))
        if first is None and r.origin:
            first = by_quote.get(r.origin)
        if r.origin:
            by_quote.setdefault(r.origin, r)
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
    return r.attributed_to or f"the article {r.source}"


def _join(people: list[str]) -> str:
    if len(people) > 1:
        return ", ".join(people[:-1]) + " and " + people[-1]
    return people[0] if people else ""


def _theme(items: list[Report]) -> str:
    """What the reports say changes hands: the commonest head noun, then its commonest
    (longest on a tie) wording."""
    themes = [r.theme for r in items if r.theme and r.theme[:1].isalpha()
              and r.theme.lower() not in ("it", "them", "one")]
    if not themes:
        return ""
    heads = Counter(t.split()[-1].lower() for t in themes)
    head = heads.most_common(1)[0][0]
    best = Counter(t for t in themes if t.split()[-1].lower() == head)
    return "the " + max(best, key=lambda t: (best[t], len(t)))


def _statement(frame: str, items: list[Report], names: dict[str, str]) -> tuple[str, list[str]]:
    """The claim in words: the frame's first template whose slots the reports fill.

    Slots: {who} the participants named most (two for a pair), {who1} the one named
    most, {work}, and for a sale {seller}, {buyer} (the roles most reports give) and
    {theme}. {be}/{have} agree with a slot that opens the template.
    """
    fr = next(f for f in cues.frames() if f.id == frame)
    count: Counter[str] = Counter()
    for r in items:
        count.update(r.participants)
    order = sorted(count, key=lambda p: -count[p])
    who = order[:2] if fr.pair else order[:3]
    first_seen = [p for r in items for p in r.participants]
    who.sort(key=first_seen.index)
    people = [names.get(p, p) for p in who]
    slots = {"who": people, "who1": [names.get(order[0], order[0])] if order else []}
    work = next((r.work for r in items if r.work), None)
    if work:
        slots["work"] = [names.get(work, work)]
    for role in ("seller", "buyer"):
        votes = Counter(r.roles[role] for r in items if role in r.roles)
        if votes:
            slots[role] = [names.get(votes.most_common(1)[0][0], "")]
    if slots.get("seller") == slots.get("buyer"):
        slots.pop("buyer", None)
    theme = _theme(items)
    if theme:
        slots["theme"] = [theme]
    text = ""
    for tpl in fr.template.split("|"):
        need = re.findall(r"\{(\w+)\}", tpl)
        if all(n in ("be", "have") or slots.get(n) for n in need):
            text = tpl
            break
    opening = re.match(r"\{(\w+)\}", text)
    plural = bool(opening) and len(slots.get(opening.group(1) if opening else "", [])) > 1
    text = text.replace("{be}", "are" if plural else "is").replace(
        "{have}", "have" if plural else "has")
    for n, v in slots.items():
        text = text.replace("{" + n + "}", _join(v))
    text = re.sub(r"\{\w+\}", "", text).strip() or fr.id
    return text[0].upper() + text[1:], people


def claims(store: Any, *, as_of: dt.date | None = None,
           articles: set[str] | None = None) -> list[Claim]:
    """The claims of the stored articles; `as_of` re-runs everything on what was out by then."""
    names = {e.id: e.name for e in store.entities()}
    reports = place(store, as_of=as_of, articles=articles)
    out: list[Claim] = []
    reuse = store.reuse()
    for items in group(reports):
        if all(r.stance == "neutral" and r.from_context for r in items):
            continue  # the frame's words, no side taken, parties only guessed: no claim
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
