"""Synthetic news corpora of any size, from storytrace's own templates, for benchmarks and tests."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


def _names(text: str, sep: str = " ") -> tuple[str, ...]:
    return tuple(text.split(sep))


# Every name, place, organisation and outlet below is invented for storytrace.
FIRST = _names("Ada Amir Beatrix Callum Dana Elio Farah Gideon Hana Ivo Jolene Kofi Lena Mateo "
               "Nadia Oren Priya Quinn Rosa Silas Tamsin Ulric Vera Wendell Ximena Yusuf Zora "
               "Bram Celeste Dmitri Esme Felix Greta Hollis Ines Jasper")
LAST = _names("Abernathy Baptiste Calloway Delacroix Eastman Fairweather Galloway Hargrove Ibarra "
              "Jellicoe Kowalczyk Lindqvist Marchbanks Nakashima Okonkwo Pellegrino Quarles "
              "Rasmussen Szabo Thornbury Underhill Valdivia Whitcombe Yardley Zelenko Ashdown "
              "Brightwater Castellano Drummond Ellery Fennimore Goldberg Haddad Iwasaki Jovanovic "
              "Kincaid Lachance Mbeki Nordstrom Oyelaran Pomeroy Quintero Ravensworth Sorensen "
              "Tremblay Umarov Vasquez Wojcik Achterberg Blackwood")
PLACES = _names("Millbrook, Eastport, Harlow Springs, Port Tamsin, Cedarvale, Fenwick, Oakhollow, "
                "Gray Harbor, Redbank Falls, Silverlake, Thornfield, Westmarch, Brackenridge, "
                "Dunmore Bay, Kestrel Point, Larchmont Heights, Maple Crossing, Northwold, "
                "Pinecrest, Stonebridge", ", ")
OUTLETS = _names("The Ridgeway Sentinel, Lakeshore Daily, The Ashvale Herald, Northbound News, "
                 "Tri-County Ledger Online, The Evening Lantern, Coastal Observer Wire, "
                 "Prairie State Record, The Morning Beacon, Riverbend Dispatch", ", ")
SUFFIXES = ("Logistics", "Industries", "Holdings", "Foods", "Chemicals", "Freight", "Health")
JOBS = ("nurse", "bus driver", "retired teacher", "shop owner", "mechanic", "line cook",
        "electrician", "pharmacist", "warehouse worker", "carpenter")
FIELDS = ("public policy", "civil engineering", "environmental health", "labor economics",
          "emergency management", "urban planning")
TOWNS = ("river town", "port city", "farming community", "commuter suburb", "mill town")
REASONS = ("they were not authorized to speak publicly", "the investigation is ongoing",
           "they feared losing their job", "the talks are confidential")

# Per kind of story, its vocabulary; `{org}` and `{place}` are filled per story.
KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    "warehouse-fire": {
        "event": ("the fire at the {org} warehouse", "the {org} warehouse fire"),
        "lead": ("A fire tore through a warehouse run by {org} in {place} {rel}, sending smoke "
                 "across the east side and forcing {n} {affected} to leave their homes.",),
        "title": ("Fire guts {org} warehouse in {place}", "Questions mount after {place} fire",
                  "{place} fire: {affected} told to keep windows shut"),
        "affected": ("residents", "families", "night-shift workers"),
        "agency": ("the {place} Fire Department", "the state fire marshal's office"),
        "role": ("the city's fire chief", "a deputy fire marshal"),
        "action": ("put out the last hot spots", "reopen the streets around the site",
                   "account for every worker on the night shift"),
        "concern": ("the smoke from the roof", "air quality near the site", "the sprinklers"),
        "cause": ("an electrical fault", "a charging forklift battery", "stored solvents"),
    },
    "water-contamination": {
        "event": ("the contamination of the {place} water supply", "the {place} water crisis"),
        "lead": ("Tests of tap water in {place} found high levels of {cause} {rel}, and the "
                 "{org} plant upstream told {n} {affected} not to drink from the tap.",),
        "title": ("{place} told not to drink tap water", "Boil notice widens in {place}",
                  "Who knew what about the {place} water?"),
        "affected": ("households", "residents", "customers"),
        "agency": ("the county health department", "the {place} Water Authority"),
        "role": ("the county health director", "the head of the water authority"),
        "action": ("flush the pipes", "restore safe drinking water",
                   "get bottled water to every household"),
        "concern": ("the test results", "the age of the treatment plant", "lead in old pipes"),
        "cause": ("nitrates", "an industrial solvent", "coliform bacteria"),
    },
    "transit-strike": {
        "event": ("the strike at {org}", "the {place} transit strike"),
        "lead": ("Bus drivers and mechanics at {org} walked off the job in {place} {rel}, "
                 "stranding about {n} {affected} on the first morning of the strike.",),
        "title": ("{place} buses idle as strike begins", "Talks stall in {place} strike",
                  "Strike at {org} enters another week"),
        "affected": ("commuters", "riders", "students"),
        "agency": ("the state mediation board", "the {place} Transit Commission"),
        "role": ("the mediator in the talks", "the chair of the transit commission"),
        "action": ("get the buses running again", "reach a fair contract",
                   "bring both sides back to the table"),
        "concern": ("pay for mechanics", "the cost of overtime", "pension contributions"),
        "cause": ("a dispute over shift lengths", "a pay offer the union called an insult",
                  "a plan to contract out routes"),
    },
    "bridge-closure": {
        "event": ("the closure of the {place} bridge", "the {place} bridge closure"),
        "lead": ("Inspectors closed the main bridge into {place} {rel} after finding cracks "
                 "in two support beams, cutting off the quickest route for {n} {affected}.",),
        "title": ("{place} bridge closed after cracks found", "Detours as {place} bridge stays "
                  "shut", "Repair contract for {place} bridge goes to {org}"),
        "affected": ("drivers", "commuters", "delivery firms"),
        "agency": ("the state transportation department", "the county engineer's office"),
        "role": ("the county engineer", "a transportation department spokesperson"),
        "action": ("reopen at least one lane", "finish the repairs before winter",
                   "set up a free shuttle across the river"),
        "concern": ("the inspection schedule", "the detour through downtown",
                    "the repair contract with {org}"),
        "cause": ("corrosion", "decades of deferred maintenance", "overweight trucks"),
    },
    "plant-layoffs": {
        "event": ("the layoffs at {org}", "the closing of the {org} plant"),
        "lead": ("{org} said {rel} that it will close its plant in {place} and lay off {n} "
                 "{affected}, ending more than four decades of production in the town.",),
        "title": ("{org} to close {place} plant", "{place} braces for {org} layoffs",
                  "State offers aid as {org} plant winds down"),
        "affected": ("workers", "employees", "contract staff"),
        "agency": ("the state labor department", "the {place} economic development office"),
        "role": ("the state labor commissioner", "the mayor of {place}"),
        "action": ("find new jobs for every worker", "keep the plant open until the summer",
                   "find a buyer for the site"),
        "concern": ("severance pay", "the tax breaks {org} received", "health coverage"),
        "cause": ("falling orders", "a merger", "the cost of new equipment"),
    },
}

OFFICIAL_QUOTES = (
    "We are working around the clock to {action}.",
    "Our first priority is the {affected} who depend on us.",
    "We are not going to speculate about the cause until the review is finished.",
    "This should never have happened, and we intend to find out why it did.",
    "We expect to share more information {future}.",
    "It is too early to put a number on it, but the cost will be significant.",
    "We are cooperating fully with {agency}.",
    "I understand the frustration, and I share it.",
    "Every decision we make will be public, and so will the data behind it.",
    "We have brought in outside specialists to look at {concern}.",
)
PUBLIC_QUOTES = (
    "Nobody has told us anything about {concern}, and that is what worries people most.",
    "I have lived in {place} for {years} years and I have never seen anything like this.",
    "There are still a lot of questions about {concern}, and people deserve straight answers.",
    "Everyone here knows someone who has been affected.",
    "We had warned about {concern} for years.",
    "I just want to know when things will go back to normal.",
    "They keep saying next week, and then next week comes and nothing changes.",
    "My neighbors are scared, and the meetings so far have not helped.",
    "We found out from social media before anyone official called us.",
)
EXPERT_QUOTES = (
    "In my experience, {concern} is where problems like this usually start.",
    "The question is not whether this happens again, but when.",
    "Nobody should be surprised; the warning signs about {concern} were there.",
    "What matters now is that {agency} publishes the full data.",
    "Towns the size of {place} rarely have the staff to catch {cause} early.",
)
INDIRECT = (
    "investigators were looking closely at {cause}",
    "{n} {affected} had been affected so far",
    "the final bill could reach ${amount} million",
    "{agency} had received complaints about {concern} months earlier",
    "a preliminary report was expected {future}",
    "{org} had not yet answered several requests for records",
    "no decision would be made before {deadline}",
)
BODY = (
    "{Event} began on {start}, when {cause} set off a chain of problems that officials are "
    "still trying to untangle. Since then, {agency} has held {k} public briefings.",
    "By {weekday}, {agency} counted {n} {affected} affected, up from {m} in its first "
    "estimate. Officials put the cost at about ${amount} million, a figure they cautioned "
    "could still rise.",
    "{place}, a {town} of about {pop} people, has weathered hard times before, most recently "
    "in {year}, when {pct} percent of its {affected} were hit by a similar setback.",
    "A public meeting on {event} is scheduled for next {weekday} at the {place} community "
    "center. Organizers said they expect more than {m} people to attend.",
    "Records reviewed by {outlet} show that {org} was told about {concern} as early as "
    "{year}. The company did not say what, if anything, it did in response.",
    "{agency_cap} said it would publish its findings on {event} {future}. Until then, "
    "{affected} were urged to follow updates on its website and to report problems by phone.",
    "State lawmakers have asked for a hearing on {event}, and {k} of them wrote to {org} "
    "on {weekday} asking for a full account of {concern}.",
    "{org} said in a statement {rel} that it was reviewing {concern} and would act on any "
    "recommendation from {agency}. It declined to answer further questions.",
    "The {affected} hit hardest live in the older neighborhoods of {place}, where {concern} "
    "has long been a sore point. Several said they heard the news from neighbors.",
    "Insurance adjusters and state inspectors were seen at the {org} site {rel}. Neither group "
    "would say how long their work would take or when a report might be made public.",
    "Traffic in {place} was still backed up {rel}, and several businesses on the main street "
    "said they had lost as much as {pct} percent of their usual trade.",
    "The {place} school district said it would keep families informed, and the county opened "
    "a help line for {affected} with questions about {concern}.",
    "Local charities said they had raised ${pct},000 for {affected} since {start}, and a food "
    "bank near the town hall extended its hours through the end of the month.",
)
PROMOS = ("CLICK HERE TO SUBSCRIBE TO THE NEWSLETTER",
          "Sign up for the {outlet} morning newsletter to get the latest updates.",
          "Download the {outlet} app for breaking news alerts.")
SWAPS = (("officials", "authorities"), ("cost at about", "cost at roughly"), ("began", "started"),
         ("said", "says"), ("more than", "over"), ("public", "community"))
RELATED = ("{place} {affected} demand answers after {short}",
           "What we know so far about the {place} {short}",
           "{place} officials promise review of {short}")


@dataclass(frozen=True)
class Person:
    name: str
    desc: str


@dataclass
class Story:
    """One running story: a cast and numbers that stay put while articles about it accrue."""

    key: str
    kind: str
    place: str
    org: str
    agency: str
    people: list[Person]  # official, spokesperson, member of the public, expert
    start: dt.date
    day: int = 0
    affected: int = 0
    previous: int = 0
    amount: float = 0.0
    history: list[str] = field(default_factory=list)


def _date(d: dt.date) -> str:
    return f"{d:%B} {d.day}"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _new_story(rng: random.Random, k: int, base: dt.date, taken: set[tuple[str, str]]) -> Story:
    # Two stories of one kind in one town would read alike; avoid it while combinations last.
    free = [(p, c) for p in PLACES for c in sorted(KINDS) if (p, c) not in taken]
    place, kind = rng.choice(free or [(p, c) for p in PLACES for c in sorted(KINDS)])
    taken.add((place, kind))
    vocab = KINDS[kind]
    # Distinct surnames, so "Szabo said" names one person of the story only.
    lasts = rng.sample(LAST, 5)
    org = f"{lasts[0]} {rng.choice(SUFFIXES)}"
    fill = {"place": place, "org": org}
    descs = [rng.choice(vocab["role"]).format(**fill), f"a spokesperson for {org}",
             f"a {rng.randint(24, 79)}-year-old {rng.choice(JOBS)} who lives nearby",
             f"a professor of {rng.choice(FIELDS)} at {rng.choice(PLACES)} State University"]
    people = [Person(f"{rng.choice(FIRST)} {last}", d) for last, d in zip(lasts[1:], descs,
                                                                         strict=True)]
    slug = re.sub(r"[^a-z]+", "-", place.lower())
    n = rng.randint(40, 3000)
    # Articles start a day or three after the event they report.
    return Story(key=f"{slug}-{kind}-{k}", kind=kind, place=place, org=org,
                 agency=rng.choice(vocab["agency"]).format(**fill), people=people,
                 start=base + dt.timedelta(days=rng.randint(0, 120)), day=rng.randint(1, 3),
                 affected=n, previous=n * 3 // 5, amount=round(rng.uniform(0.5, 90.0), 1))


class _Writer:
    """Fills templates for one article of one story, dated `when`, printed by `outlet`."""

    def __init__(self, rng: random.Random, story: Story, when: dt.date, outlet: str) -> None:
        self.rng, self.story, self.when, self.outlet = rng, story, when, outlet
        self.introduced: set[str] = set()
        self.used: set[str] = set()
        self.last = ""

    def pick(self, pool: tuple[str, ...]) -> str:
        """A template not yet used in this article while any are left: no echoes."""
        left = ([t for t in pool if t not in self.used]
                or [t for t in pool if t != self.last] or list(pool))
        t = self.last = self.rng.choice(left)
        self.used.add(t)
        return t

    def said(self, pool: tuple[str, ...]) -> str:
        """A filled template not yet used in this article."""
        return self.fill(self.pick(pool))

    def rel(self, day: dt.date | None = None) -> str:
        """A past date as a reporter writes it: relative to the article's own date."""
        day = day or self.when - dt.timedelta(days=self.rng.randint(1, 6))
        k = (self.when - day).days
        if k == 0:
            return self.rng.choice(["today", "this morning"])
        same_week = day.isocalendar()[:2] == self.when.isocalendar()[:2]
        return self.rng.choice([f"on {day:%A}", f"on {day:%A}", "yesterday" if k == 1
                                else f"last {day:%A}"] + ["earlier this week"] * same_week)

    def future(self) -> str:
        nxt = self.when + dt.timedelta(days=self.rng.randint(2, 20))
        return self.rng.choice([f"next {nxt:%A}", f"by {_date(nxt)}", "within two weeks",
                                "by the end of the month", "later this week"])

    def fill(self, template: str) -> str:
        s, r, v = self.story, self.rng, KINDS[self.story.kind]
        base = {"place": s.place, "org": s.org}
        slots = {
            **base, "agency": s.agency, "agency_cap": _cap(s.agency), "outlet": self.outlet,
            "event": r.choice(v["event"]).format(**base), "short": s.kind.replace("-", " "),
            "affected": r.choice(v["affected"]), "action": r.choice(v["action"]),
            "concern": r.choice(v["concern"]).format(**base),
            "cause": r.choice(v["cause"]).format(**base),
            "n": f"{s.affected:,}", "m": f"{s.previous:,}", "amount": f"{s.amount:g}",
            "rel": self.rel(), "future": self.future(), "start": _date(s.start),
            "deadline": _date(self.when + dt.timedelta(days=r.randint(5, 40))),
            "weekday": f"{self.when - dt.timedelta(days=r.randint(0, 6)):%A}",
            "years": str(r.randint(3, 60)), "year": str(self.when.year - r.randint(1, 12)),
            "pct": str(r.randint(5, 60)), "pop": f"{r.randint(4, 250) * 1000:,}",
            "town": r.choice(TOWNS), "k": r.choice(["two", "three", "four", "five", "six"]),
        }
        slots["Event"] = _cap(slots["event"])
        return template.format(**slots)

    def who(self, p: Person) -> str:
        """Full name and description the first time, surname after."""
        if p.name in self.introduced:
            return p.name.split()[-1]
        self.introduced.add(p.name)
        return f"{p.name}, {p.desc},"

    def lead(self) -> str:
        if not self.story.history:  # the first report, dated from the event itself
            lead = self.rng.choice(KINDS[self.story.kind]["lead"])
            return self.fill(lead.replace("{rel}", self.rel(self.story.start)))
        return self.fill(self.rng.choice((
            "Officials in {place} said {rel} that {indirect}, the latest turn in {event}, "
            "which has unsettled the community since {start}.",
            "{Event} took a new turn {rel} when officials said {indirect}.",
            "{n} {affected} in {place} were still waiting for answers {rel} as {agency} "
            "kept examining {concern}.",
        )).replace("{indirect}", self.pick(INDIRECT)))

    def quote(self) -> str:
        """A quote with a cue before, after or around it, or reported speech."""
        r = self.rng
        k = r.randrange(len(self.story.people))
        pool = (OFFICIAL_QUOTES, OFFICIAL_QUOTES, PUBLIC_QUOTES, EXPERT_QUOTES)[k]
        p = self.story.people[k]
        q1 = self.said(pool)
        style = r.randrange(5)
        first = p.name not in self.introduced
        w = self.who(p)  # "Name, description," the first time, else "Surname"
        after = f"said {w[:-1]}" if first else f"{w} said"
        if style == 0:
            return f'"{q1[:-1]}," {after}.'
        if style == 1:
            return f'{w} told {r.choice(OUTLETS)}, "{q1} {self.said(pool)}"'
        if style == 2:
            return f'"{q1[:-1]}," {after}. "{self.said(pool)}"'
        if style == 3:
            return f'{w} said {self.said(INDIRECT)}. "{q1}"'
        return f"According to {w if first else w + ','} {self.said(INDIRECT)}."

    def anonymous(self) -> str:
        r = self.rng
        return self.fill(r.choice((
            "A person familiar with {event}, who spoke on condition of anonymity because "
            "{reason}, said {indirect}.",
            '"{q}," said one {org} employee, who asked not to be named because {reason}.',
            "Two officials in {place} with knowledge of the discussions said {indirect}. They "
            "requested anonymity because {reason}.",
            "According to a source close to {agency} in {place}, {indirect}.",
        )).replace("{indirect}", self.pick(INDIRECT)).replace("{reason}", r.choice(REASONS))
            .replace("{q}", self.pick(PUBLIC_QUOTES)[:-1]))


def _edit(rng: random.Random, text: str) -> str:
    """A light rewrite of a reprinted paragraph: one number, one word or the last sentence."""
    options = [re.sub(r"\b\d[\d,]*\b", lambda m: f"{int(m[0].replace(',', '')) + 1:,}", text,
                      count=1)]
    options += [text.replace(a, b, 1) for a, b in SWAPS if a in text]
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    if '"' not in text and len(sentences) > 1:
        options.append(" ".join(sentences[:-1]))
    changed = [o for o in options if o != text]
    return rng.choice(changed) if changed else text


def _article(rng: random.Random, story: Story, i: int, seed: int) -> dict[str, str]:
    """One article of `story`: fresh paragraphs, some reprinted from earlier ones, furniture."""
    if story.history:
        story.day += rng.choice([0, 1, 1, 1, 2, 3, 5])
        story.previous = story.affected
        story.affected += rng.randint(0, max(5, story.affected // 10))
        story.amount = round(story.amount * rng.uniform(1.0, 1.3), 1)
    when = story.start + dt.timedelta(days=story.day)
    outlet = rng.choice(OUTLETS)
    w = _Writer(rng, story, when, outlet)
    target = rng.randint(350, 600)
    fresh = [w.lead()]
    body = list(fresh)
    reprints = rng.sample(story.history, min(len(story.history), rng.choice([0, 1, 1, 2, 2, 3])))
    words = len(body[0].split())
    # Each background template at most once per article, so no article repeats itself.
    templates, anonymous = rng.sample(BODY, len(BODY)), rng.randint(0, 2)
    for _ in range(200):
        if words >= target:
            break
        r = rng.random()
        if reprints and r < 0.3:
            para = reprints.pop()
            para = para if rng.random() < 0.6 else _edit(rng, para)
        else:
            if r < 0.4 and anonymous:
                para, anonymous = w.anonymous(), anonymous - 1
            elif r < 0.7 or not templates:
                para = w.quote()
            else:
                para = w.fill(templates.pop())
            fresh.append(para)
        if para in body:
            continue
        body.append(para)
        words += len(para.split())
    story.history = (story.history + fresh)[-40:]
    paras = list(body)
    if rng.random() < 0.5:
        paras.insert(rng.randint(2, max(2, len(paras) - 2)), w.fill(rng.choice(PROMOS)))
    if rng.random() < 0.5:
        paras.insert(rng.randint(3, max(3, len(paras) - 2)), w.fill(rng.choice(RELATED)).upper())
    if rng.random() < 0.6:
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))]
        credit = " and ".join(names)
        if rng.random() < 0.3:
            credit = f"{outlet}'s {credit}"
        paras.append(f"{credit} contributed to this report.")
    domain = re.sub(r"[^a-z]+", "", outlet.lower().removeprefix("the ")) + ".example"
    ident = f"synth-{seed}-{i:06d}"
    return {
        "id": ident,
        "url": f"https://{domain}/{when:%Y/%m/%d}/{story.key}/{ident}",
        "published": when.isoformat(),
        "outlet": outlet,
        "title": w.fill(rng.choice(KINDS[story.kind]["title"])),
        "text": "\n\n".join(paras),
    }


def generate(n: int, *, seed: int = 0, stories: int | None = None) -> Iterator[dict[str, str]]:
    """`n` JSON-ready article records, clustered into `stories` running stories.

    The same `n`, `seed` and `stories` always give the same records, so a
    benchmark's corpus can be rebuilt instead of shipped.
    """
    if n <= 0:
        return
    rng = random.Random(seed)
    count = stories if stories is not None else max(1, round(math.sqrt(n)))
    base = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 365))
    taken: set[tuple[str, str]] = set()
    cast = [_new_story(rng, k, base, taken) for k in range(max(1, min(count, n)))]
    for i in range(n):
        # Each story is covered at its own rate, so some run long and others peter out.
        story = rng.choices(cast, weights=[1 + (k % 4) for k in range(len(cast))])[0]
        yield _article(rng, story, i, seed)


def write_jsonl(path: str | Path, n: int, *, seed: int = 0) -> Path:
    """Write `generate(n, seed=seed)` as JSON Lines, one article per line; return the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as f:
        for rec in generate(n, seed=seed):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path
