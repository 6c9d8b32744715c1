"""Corpus-level canonicalization: one entity per person, work, outlet, place or organisation
across articles, with descriptors resolved against everything the corpus knows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from storytrace.entities.names import norm, short_forms
from storytrace.entities.places import MISSPELLING_MAX_EDITS, lookup_place, near_miss
from storytrace.entities.recognize import ArticleEntities, Descriptor, LocalEntity
from storytrace.gazetteer import lookup_outlet
from storytrace.models import ArticleRef, Entity, Fact, Mention

# A person's gender is taken as known when one pronoun outnumbers the other
# by this factor (and by at least two mentions): news text is noisy.
GENDER_MARGIN = 2.0
# An age stated in a descriptor fits a person whose known age, carried to the
# article's date, is within this many years (birthdays fall in between).
AGE_SLACK = 1
# Bonus to a candidate whose name shares paragraphs with a work the
# descriptor names ("the 'Top Gun' star"), per log-unit of co-occurrence.
WORK_BONUS = 1.0
AGE_BONUS = 2.0
# Offices and jobs one person holds at a time in a story: a candidate known to
# hold another of them is not the one a descriptor of this one stands for.
OFFICES = frozenset({"mayor", "governor", "senator", "president", "judge", "spokesperson",
                     "spokesman", "spokeswoman", "director", "executive", "chief", "attorney",
                     "lawyer", "host", "reporter", "analyst", "councillor", "councilor",
                     "minister", "chancellor", "coach", "sheriff", "premier"})
# A candidate known by the descriptor's role ("Mayor Helen Marchetti" for "the mayor").
ROLE_BONUS = 3.0


@dataclass
class _Group:
    """One entity being built. Members and descriptors join through add/absorb/describe,
    which keep the mention and gender sums that the merges and each descriptor's
    candidates ask for: summing over the members at each question made linking
    quadratic in a popular name's mentions."""

    type: str
    members: list[tuple[str, LocalEntity]] = field(default_factory=list)  # (article id, local)
    descriptors: list[tuple[str, Descriptor]] = field(default_factory=list)
    extra_aliases: dict[str, int] = field(default_factory=dict)
    # running sums: members' mentions, then (m, f) votes of members and of descriptors
    n_mentions: int = 0
    votes: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, aid: str, e: LocalEntity) -> None:
        self.members.append((aid, e))
        self.n_mentions += len(e.mentions)
        self.votes[0] += e.gender[0]
        self.votes[1] += e.gender[1]

    def absorb(self, other: _Group) -> None:
        """Another group's members join this one (merges run before descriptors)."""
        for aid, e in other.members:
            self.add(aid, e)

    def describe(self, aid: str, d: Descriptor) -> None:
        self.descriptors.append((aid, d))
        self.votes[2] += d.gender == "m"
        self.votes[3] += d.gender == "f"

    def forms(self) -> Counter[str]:
        c: Counter[str] = Counter()
        for _, e in self.members:
            for m in e.mentions:
                c[m[3]] += 1
            for form in e.forms:
                c[form] += 0
        return c

    def mention_count(self) -> int:
        return self.n_mentions + len(self.descriptors)

    def gender(self) -> str | None:
        m = self.votes[0] + 3 * self.votes[2]
        f = self.votes[1] + 3 * self.votes[3]
        if m >= 2 and m >= GENDER_MARGIN * f:
            return "m"
        if f >= 2 and f >= GENDER_MARGIN * m:
            return "f"
        return None


@dataclass
class Finding:
    """Something that does not fit, with the sources that show it."""

    kind: str
    entity: str
    message: str
    sources: list[str]
    level: str = "warning"  # or "info": checked and consistent


@dataclass
class LinkResult:
    entities: list[Entity]
    findings: list[Finding]
    # (article id, article-local entity key) -> entity id, for later stages
    local_map: dict[tuple[str, str], str] = field(default_factory=dict)


# (normalised name, type) -> (votes, where first seen): what a set of articles says
# about each name's type. Sums and minima, so the rows of any split of the corpus
# merge into those of the whole (the batch run's groupby on the name).
VoteRows = dict[tuple[str, str], tuple[int, str]]


def order_key(a: ArticleRef) -> str:
    """An article's place in the corpus order as one sortable string (publication day,
    source, id), so the first sighting of a name is a minimum any partition can take."""
    day = (a.published or dt.date.min).isoformat()
    return f"{day}\x1f{a.source}\x1f{a.id}"


def vote_rows(arts: Iterable[tuple[ArticleRef, ArticleEntities]]) -> VoteRows:
    """Type evidence per name form in these articles (see VoteRows)."""
    rows: VoteRows = {}
    for a, ae in arts:
        at = order_key(a)
        i = 0
        for e in ae.entities:
            for form, kind in e.forms.items():
                if kind in ("name", "short"):
                    # A surname of a full name is as good evidence as the name itself.
                    k = (norm(form), e.type)
                    n, first = rows.get(k, (0, ""))
                    rows[k] = (n + e.strength * 2, first or f"{at}\x1f{i:06d}")
                    i += 1
    return rows


def merge_vote_rows(parts: Iterable[VoteRows]) -> VoteRows:
    """The rows of several sets of articles as those of their union."""
    out: VoteRows = {}
    for rows in parts:
        for k, (n, first) in rows.items():
            m, f = out.get(k, (0, first))
            out[k] = (m + n, min(f, first))
    return out


def type_votes(rows: VoteRows) -> dict[str, Counter[str]]:
    """Votes per name, each name's types in the order first seen (ties go to the
    earlier one, as they did when votes were counted in corpus order)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for (name, type_), (n, _) in sorted(rows.items(), key=lambda kv: kv[1][1]):
        votes[name][type_] += n
    return votes


def _retype(e: LocalEntity, votes: dict[str, Counter[str]]) -> str:
    v = votes.get(norm(e.name))
    if not v:
        return e.type
    best, n = v.most_common(1)[0]
    return best if n > v[e.type] else e.type


def link(arts: Iterable[tuple[ArticleRef, ArticleEntities]], *,
         votes: dict[str, Counter[str]] | None = None) -> LinkResult:
    """All articles' local entities -> the corpus's entities, aliases, mentions and facts.

    `votes` is `type_votes` of the corpus when a batch run has summed them on
    its workers (storytrace.batch); without it they are counted here.
    """
    arts = sorted(arts, key=lambda x: order_key(x[0]))
    info = {a.id: a for a, _ in arts}
    if votes is None:
        votes = type_votes(vote_rows(arts))
    groups: dict[tuple[str, str], _Group] = {}
    local_to_group: dict[tuple[str, str], tuple[str, str]] = {}
    findings: list[Finding] = []

    def put(aid: str, e: LocalEntity, gkey: tuple[str, str]) -> None:
        groups.setdefault(gkey, _Group(gkey[0])).add(aid, e)
        local_to_group[(aid, e.key)] = gkey

    singles: list[tuple[str, LocalEntity]] = []
    for a, ae in arts:
        for e in ae.entities:
            was = e.type
            e.type = _retype(e, votes)
            if was == "PERSON" and e.type != "PERSON":
                # "John Wick" is a film here: "Wick" and "John" were never names of it.
                e.forms = {f: k for f, k in e.forms.items() if k != "short"}
                e.mentions = [m for m in e.mentions if m[4] != "short"]
            if e.type == "PERSON" and " " not in e.name.strip():
                singles.append((a.id, e))
            elif e.type == "PLACE":
                put(a.id, e, ("PLACE", _place_key(e.name)))
            elif e.type in ("OUTLET", "PLATFORM"):
                entry = lookup_outlet(e.name)
                put(a.id, e, (e.type, norm(entry.name if entry else e.name)))
            else:
                put(a.id, e, (e.type, norm(e.name)))
    _merge_people(groups, local_to_group, singles)
    _merge_subtitles(groups, local_to_group)
    for type_ in ("ORG", "OUTLET", "PLACE"):
        _merge_prefixes(groups, local_to_group, type_)
    _merge_acronyms(groups, local_to_group)
    _merge_qualified_places(groups, local_to_group)
    findings += _merge_misspelt_places(groups, local_to_group, info)
    _fold_districts(groups, local_to_group)
    _add_outlets(groups, arts)
    _merge_prefixes(groups, local_to_group, "OUTLET")
    _merge_acronyms(groups, local_to_group)
    cooc = _cooccurrence(arts, local_to_group)
    ages = _stated_ages(arts, local_to_group)
    roles = _stated_roles(arts, local_to_group)
    offices: dict[str, set[tuple[str, str]]] = defaultdict(set)  # office -> its holders
    for gkey, words in roles.items():
        for w in words & OFFICES:
            offices[w].add(gkey)
    for a, ae in arts:
        _resolve(a, ae, groups, local_to_group, cooc, ages, roles, offices)
    ents = _entities(groups, local_to_group, arts, info)
    by_group = {k: _entity_id(groups[k].type, _canonical(groups[k], k, arts)) for k in groups}
    kept = {e.id for e in ents}
    local_map = {lk: by_group[gk] for lk, gk in local_to_group.items() if by_group[gk] in kept}
    return LinkResult(ents, findings, local_map)


def _entity_id(type_: str, name: str) -> str:
    return "e" + hashlib.sha1(f"{type_}\x1f{norm(name)}".encode()).hexdigest()[:10]


def _place_key(name: str) -> str:
    entry = lookup_place(name)
    return norm(entry.name if entry else name)


def _merge_people(groups: dict[tuple[str, str], _Group],
                  local_to_group: dict[tuple[str, str], tuple[str, str]],
                  singles: list[tuple[str, LocalEntity]]) -> None:
    """Surname-only and first-name-only people join the full name the corpus knows."""
    full = {k: g for k, g in groups.items() if k[0] == "PERSON"}
    by_part: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k, g in full.items():
        name = g.members[0][1].name
        first, surnames = short_forms(name)
        for s in surnames:
            by_part[s].append(k)
        if first:
            by_part[first].append(k)
    starts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k in groups:
        if k[0] in ("ORG", "PLACE", "OUTLET") and " " in k[1]:
            starts[k[1].split()[0]].append(k)
    for aid, e in singles:
        owners = by_part.get(e.name)
        if owners:
            best = max(owners, key=lambda k: full[k].mention_count())
            groups[best].add(aid, e)
            local_to_group[(aid, e.key)] = best
            continue
        org = sorted(starts.get(norm(e.name), []), key=lambda k: len(k[1]))
        if org and all(o[1].startswith(org[0][1]) for o in org):
            org = org[:1]  # "Greyholm" of "Greyholm Island" (and of "Greyholm Island Courier")
        if len(org) == 1:  # "Greyholm" of "Greyholm Island", tagged a person by NER
            groups[org[0]].add(aid, e)
            local_to_group[(aid, e.key)] = org[0]
            continue
        key = ("PERSON", norm(e.name))
        groups.setdefault(key, _Group("PERSON")).add(aid, e)
        local_to_group[(aid, e.key)] = key


def _move(groups: dict[tuple[str, str], _Group],
          local_to_group: dict[tuple[str, str], tuple[str, str]],
          src: tuple[str, str], dst: tuple[str, str]) -> None:
    g = groups.pop(src)
    groups[dst].absorb(g)
    for aid, e in g.members:
        local_to_group[(aid, e.key)] = dst


def _merge_subtitles(groups: dict[tuple[str, str], _Group],
                     local_to_group: dict[tuple[str, str], tuple[str, str]]) -> None:
    """'From the World of John Wick: Ballerina' joins 'Ballerina' when both are works."""
    for k in [k for k in groups if k[0] == "WORK" and ":" in k[1]]:
        sub = ("WORK", k[1].rsplit(":", 1)[1].strip())
        if sub in groups and sub != k:
            _move(groups, local_to_group, k, sub)


def _merge_prefixes(groups: dict[tuple[str, str], _Group],
                    local_to_group: dict[tuple[str, str], tuple[str, str]], type_: str) -> None:
    """A one-word name that starts (or, for outlets, ends) exactly one longer one
    of the same type is its short form: 'Corvane', 'the Ledger'."""
    by_word: dict[str, set[tuple[str, str]]] = defaultdict(set)  # first (or an outlet's last)
    for o in groups:
        if o[0] == type_ and " " in o[1]:
            by_word[o[1].split()[0]].add(o)
            if type_ == "OUTLET":
                by_word[o[1].split()[-1]].add(o)
    for k in [k for k in groups if " " not in k[1] and k[0] in (type_, "ORG", "PERSON")]:
        owners = [o for o in by_word.get(k[1], ()) if o in groups]
        if len(owners) == 1 and k in groups and (k[0] == type_ or groups[k].mention_count() < 3):
            _move(groups, local_to_group, k, owners[0])


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _merge_acronyms(groups: dict[tuple[str, str], _Group],
                    local_to_group: dict[tuple[str, str], tuple[str, str]]) -> None:
    """'CDW' joins 'Coastline Daily Wire' when exactly one name has those initials."""
    names = {k: g.members[0][1].name if g.members else next(iter(g.extra_aliases))
             for k, g in groups.items() if g.members or g.extra_aliases}
    by_initials: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for o, n in names.items():
        if " " in n:
            by_initials[_initials(n)].append(o)
    for k, name in list(names.items()):
        if k not in groups or " " in name or not (name.isupper() and 2 <= len(name) <= 6):
            continue
        owners = [o for o in by_initials.get(name, ()) if o != k and o in groups]
        if len(owners) == 1:
            _move(groups, local_to_group, k, owners[0])


def _merge_qualified_places(groups: dict[tuple[str, str], _Group],
                            local_to_group: dict[tuple[str, str], tuple[str, str]]) -> None:
    """'City of Port Anselm' is Port Anselm; 'Port Anselm City Hall' is City Hall."""
    places = {k[1] for k in groups if k[0] == "PLACE"}
    for k in [k for k in groups if k[0] == "PLACE"]:
        name = k[1]
        for prefix in ("city of ", "town of ", "village of ", "borough of "):
            if name.startswith(prefix) and ("PLACE", name[len(prefix):]) in groups:
                _move(groups, local_to_group, k, ("PLACE", name[len(prefix):]))
                break
        else:
            # the places the name starts with, longest first (the rest is then the
            # narrowest place): looked up at each space, not by scanning every place
            cut = len(name)
            while (cut := name.rfind(" ", 0, cut)) > 0:
                rest = name[cut:].strip()
                if name[:cut] in places and " " in rest and ("PLACE", rest) in groups:
                    _move(groups, local_to_group, k, ("PLACE", rest))
                    break


def _merge_misspelt_places(groups: dict[tuple[str, str], _Group],
                           local_to_group: dict[tuple[str, str], tuple[str, str]],
                           info: dict[str, ArticleRef]) -> list[Finding]:
    """A place named at most twice and an edit away from a known place (in the gazetteer
    or the corpus) is that place misspelt."""
    findings = []
    # The corpus's places by their deletion variants: near_miss only takes a place a
    # few edits away, and those share a variant, so only they are handed to it
    # (handing it every place made this step quadratic in the distinct places).
    near: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for k, g in groups.items():
        if k[0] == "PLACE" and g.members:
            for v in _deletions(norm(g.members[0][1].name)):
                near[v][k] = g.members[0][1].name
    for k in [k for k in groups if k[0] == "PLACE"]:
        g = groups[k]
        name = g.members[0][1].name
        if lookup_place(name) is not None or g.mention_count() > 2:
            continue
        variants = _deletions(norm(name))
        target = near_miss(name, {n for v in variants for k2, n in near.get(v, {}).items()
                                  if k2 != k})
        if target is None:
            continue
        dst = ("PLACE", _place_key(target))
        sources = sorted({info[aid].source for aid, _ in g.members})
        if dst not in groups:
            groups[dst] = _Group("PLACE")
            groups[dst].extra_aliases[target] = 0
        _move(groups, local_to_group, k, dst)
        for v in variants:
            near[v].pop(k, None)
        findings.append(Finding("spelling", target, f"'{name}' is likely a misspelling of "
                                f"'{target}'", sources))
    return findings


def _deletions(key: str) -> set[str]:
    """A name and every form of it with up to MISSPELLING_MAX_EDITS letters dropped: two
    names that many edits apart share one (a substitution drops a letter from each)."""
    out = {key}
    for _ in range(MISSPELLING_MAX_EDITS):
        out |= {v[:i] + v[i + 1:] for v in out for i in range(len(v))}
    return out


def _fold_districts(groups: dict[tuple[str, str], _Group],
                    local_to_group: dict[tuple[str, str], tuple[str, str]]) -> None:
    """A district named beside its city ("London's Soho") is folded into the city.

    The timeline's place is the city; the district stays as an alias.
    """
    for k in [k for k in groups if k[0] == "PLACE"]:
        entry = lookup_place(k[1])
        if entry is None or entry.type != "district" or not entry.part_of:
            continue
        city = ("PLACE", _place_key(entry.part_of))
        if city in groups and city != k:
            _move(groups, local_to_group, k, city)


def _add_outlets(groups: dict[tuple[str, str], _Group],
                 arts: list[tuple[ArticleRef, ArticleEntities]]) -> None:
    """The outlet of each article is an entity even when its text never names it."""
    for a, _ in arts:
        for name in (a.outlet, *a.other_outlets):
            if not name:
                continue
            entry = lookup_outlet(name)
            key = ("OUTLET", norm(entry.name if entry else name))
            g = groups.setdefault(key, _Group("OUTLET"))
            g.extra_aliases[name] = g.extra_aliases.get(name, 0) + 1


def _cooccurrence(arts: list[tuple[ArticleRef, ArticleEntities]],
                  local_to_group: dict[tuple[str, str], tuple[str, str]]
                  ) -> Counter[tuple[tuple[str, str], tuple[str, str]]]:
    """How many paragraphs name both of two groups."""
    c: Counter[tuple[tuple[str, str], tuple[str, str]]] = Counter()
    for a, ae in arts:
        by_para: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for e in ae.entities:
            for m in e.mentions:
                by_para[m[0]].add(local_to_group[(a.id, e.key)])
        for keys in by_para.values():
            for x in keys:
                for y in keys:
                    if x != y:
                        c[(x, y)] += 1
    return c


def _stated_ages(arts: list[tuple[ArticleRef, ArticleEntities]],
                 local_to_group: dict[tuple[str, str], tuple[str, str]]
                 ) -> dict[tuple[str, str], list[tuple[dt.date, int]]]:
    out: dict[tuple[str, str], list[tuple[dt.date, int]]] = defaultdict(list)
    for a, ae in arts:
        for f in ae.facts:
            if f.key == "age" and a.published and (a.id, f.subject) in local_to_group:
                out[local_to_group[(a.id, f.subject)]].append((a.published, int(f.value)))
    return out


def _stated_roles(arts: list[tuple[ArticleRef, ArticleEntities]],
                  local_to_group: dict[tuple[str, str], tuple[str, str]]
                  ) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, ae in arts:
        for f in ae.facts:
            if f.key == "role" and (a.id, f.subject) in local_to_group:
                out[local_to_group[(a.id, f.subject)]].add(str(f.value))
        for e in ae.entities:
            for form, kind in e.forms.items():
                if kind == "title" and (a.id, e.key) in local_to_group:
                    out[local_to_group[(a.id, e.key)]] |= {w.lower() for w in form.split()}
    return out


def _age_fits(known: list[tuple[dt.date, int]], day: dt.date | None, age: int) -> bool | None:
    """None when nothing is known; else whether `age` on `day` fits a stated age."""
    if not known or day is None:
        return None
    for when, value in known:
        years = (day - when).days / 365.25
        if abs(value + years - age) <= AGE_SLACK:
            return True
    return False


def _resolve(a: ArticleRef, ae: ArticleEntities, groups: dict[tuple[str, str], _Group],
             local_to_group: dict[tuple[str, str], tuple[str, str]],
             cooc: Counter[tuple[tuple[str, str], tuple[str, str]]],
             ages: dict[tuple[str, str], list[tuple[dt.date, int]]],
             roles: dict[tuple[str, str], set[str]],
             offices: dict[str, set[tuple[str, str]]]) -> None:
    """Each descriptor to the most salient candidate its gender, age and works allow.

    Descriptors with the strongest constraints go first; within a sentence two
    descriptors never stand for the same person.
    """
    def constraints(d: Descriptor) -> int:
        return (d.gender is not None) + (d.age is not None) + bool(d.works)

    taken: dict[tuple[int, int], set[tuple[str, str]]] = defaultdict(set)
    for d in sorted(ae.descriptors, key=lambda d: -constraints(d)):
        sentence = (d.para, d.start // 400)
        best, best_score = None, 0.0
        for key, salience in d.candidates:
            gkey = local_to_group.get((a.id, key))
            if gkey is None or gkey in taken[sentence] or gkey[0] != "PERSON":
                continue
            g = groups[gkey]
            score = float(salience)
            known_roles = roles.get(gkey, set())
            if d.head in known_roles or (d.role and d.role in known_roles):
                score += ROLE_BONUS
            elif d.head in OFFICES and known_roles & OFFICES:
                continue  # the spokesperson is not "the mayor"
            gender = g.gender()
            if d.gender and gender and gender != d.gender:
                continue
            if d.age is not None:
                fits = _age_fits(ages.get(gkey, []), a.published, d.age)
                if fits is False:
                    continue
                score += AGE_BONUS if fits else 0.0
            for w in d.works:
                wkey = local_to_group.get((a.id, w))
                if wkey is not None:
                    score += WORK_BONUS * math.log1p(cooc[(gkey, wkey)])
            if score > best_score:
                best, best_score = gkey, score
        if d.head in OFFICES:
            holders = [k for k in offices[d.head] if k not in taken[sentence]]
            if len(holders) == 1:  # the corpus knows one mayor: "the mayor" is her
                best = holders[0]
        if best is not None:
            groups[best].describe(a.id, d)
            taken[sentence].add(best)
            if d.age is not None and a.published:
                ages[best].append((a.published, d.age))
            roles[best].add(d.head)
            if d.head in OFFICES:
                offices[d.head].add(best)


def _canonical(g: _Group, gkey: tuple[str, str],
               arts: list[tuple[ArticleRef, ArticleEntities]]) -> str:
    forms = g.forms()
    for name, n in g.extra_aliases.items():
        forms[name] += n
    if g.type in ("OUTLET", "PLATFORM"):
        entry = lookup_outlet(next(iter(forms)) if forms else gkey[1])
        if entry and forms.get(entry.name, 0) > 0:
            return entry.name
    if g.type == "PLACE":
        for form in forms:
            place = lookup_place(form)
            if place is not None:
                return place.name
    named = {f for _, e in g.members for f, k in e.forms.items() if k == "name"}
    names = [f for f, n in forms.most_common() if (n and f in named) or f in g.extra_aliases]
    if g.type == "PERSON":
        # "Councillor Ben Aldous" is a mention of "Ben Aldous"
        kinds = {f: k for _, e in g.members for f, k in e.forms.items()}
        for t in [f for f, k in kinds.items() if k == "title"]:
            for f in [f for f, k in kinds.items() if k == "name" and t.endswith(" " + f)]:
                forms[f] += forms[t]
        full = [f for f, k in kinds.items() if k == "name" and " " in f]
        names = sorted(full, key=lambda f: -forms[f]) or names
    if not names:
        names = [f for f, _ in forms.most_common()]
    spelled = [f for f in names if not (f.isupper() and " " not in f)]
    # "Corvane" is short for "Corvane Marine Holdings", however often it is used.
    spelled = [f for f in spelled if not any(
        o != f and o.split()[:len(f.split())] == f.split() for o in spelled)] or spelled
    best = max(spelled or names, key=lambda f: (forms[f], len(f)))
    return best


def _entities(groups: dict[tuple[str, str], _Group],
              local_to_group: dict[tuple[str, str], tuple[str, str]],
              arts: list[tuple[ArticleRef, ArticleEntities]],
              info: dict[str, ArticleRef]) -> list[Entity]:
    facts: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    names = {k: _canonical(g, k, arts) for k, g in groups.items()}
    for a, ae in arts:
        for f in ae.facts:
            gkey = local_to_group.get((a.id, f.subject))
            if gkey is None:
                continue
            value: Any = f.value
            if f.key in ("director", "cast"):
                other = local_to_group.get((a.id, str(f.value)))
                if other is None:
                    continue
                value = names[other]
            facts[gkey].append(Fact(f.key, value, a.published, a.id, f.para, f.text))
    out: list[Entity] = []
    at: dict[str, int] = {}  # entity id -> its place in out
    for gkey, g in groups.items():
        name = names[gkey]
        aliases: dict[str, None] = {}
        mentions: list[Mention] = []
        for aid, e in g.members:
            for form in e.forms:
                aliases.setdefault(form)
            mentions += [Mention(aid, m[0], m[1], m[2], m[3], m[4]) for m in e.mentions]
        for alias in g.extra_aliases:
            aliases.setdefault(alias)
        for aid, d in g.descriptors:
            aliases.setdefault(d.text)
            mentions.append(Mention(aid, d.para, d.start, d.end, d.text, "descriptor"))
            published = info[aid].published
            if d.age is not None:
                facts[gkey].append(Fact("age", d.age, published, aid, d.para, d.text))
            if d.role:
                facts[gkey].append(Fact("role", d.role, published, aid, d.para, d.text))
        if not mentions and not g.extra_aliases:
            continue
        alias_list = tuple(a for a in aliases if a != name and a.strip())
        seen_facts: set[tuple[str, str, str]] = set()
        unique: list[Fact] = []
        for fact in facts.get(gkey, ()):
            k = (fact.key, str(fact.value), fact.article_id)
            if k not in seen_facts:
                seen_facts.add(k)
                unique.append(fact)
        facts[gkey] = unique
        eid = _entity_id(g.type, name)
        twin = at.get(eid)
        if twin is not None:  # two groups that came to the same name are one entity
            x = out[twin]
            out[twin] = dataclasses.replace(
                x, aliases=tuple(dict.fromkeys(x.aliases + alias_list)),
                mentions=x.mentions + tuple(mentions), facts=x.facts + tuple(facts[gkey]),
                mention_count=x.mention_count + len(mentions))
            continue
        at[eid] = len(out)
        out.append(Entity(eid, name, g.type, alias_list, tuple(sorted(
            mentions, key=lambda m: (m.article_id, m.para_index, m.start))),
            tuple(facts.get(gkey, ())), len(mentions),
            g.gender() if g.type == "PERSON" else None))
    out.sort(key=lambda e: (-len(e.mentions), e.name))
    return out
