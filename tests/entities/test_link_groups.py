"""Linked entities' running sums (mentions, gender votes) as members and descriptors join,
and the place merges that look names up instead of scanning every place."""

from __future__ import annotations

import datetime as dt

from storytrace.entities.link import _Group, link
from storytrace.entities.recognize import ArticleEntities, Descriptor, LocalEntity
from storytrace.models import ArticleRef


def _person(key: str, mentions: int, m: int, f: int) -> LocalEntity:
    return LocalEntity(key, "PERSON", "Mara Quill", 2, {"Mara Quill": "name"},
                       [[1, 0, 10, "Mara Quill", "name"]] * mentions, [m, f])


def _desc(gender: str | None) -> Descriptor:
    return Descriptor(2, 0, 11, "the actress", "actress", gender, None, "actress", [], [])


def test_sums_follow_members_absorbed_groups_and_descriptors() -> None:
    g, other = _Group("PERSON"), _Group("PERSON")
    g.add("a1", _person("k0", 2, 0, 1))
    other.add("a2", _person("k0", 3, 0, 2))
    g.absorb(other)
    assert g.mention_count() == 5 and len(g.members) == 2
    assert g.gender() == "f"  # 3 she against 0 he
    g.describe("a3", _desc("m"))
    assert g.mention_count() == 6 and g.gender() is None  # 3 against 3
    g.describe("a4", _desc("m"))
    assert g.gender() == "m"  # a descriptor counts 3: 6 against 3
    g.describe("a5", _desc(None))
    assert g.gender() == "m" and g.mention_count() == 8


def _places(*names: str) -> list[tuple[ArticleRef, ArticleEntities]]:
    """An article per name, each naming one place (three times when marked '*3')."""
    out = []
    for i, spec in enumerate(names):
        name, _, times = spec.partition("*")
        e = LocalEntity("k0", "PLACE", name, 2, {name: "name"},
                        [[1, 0, len(name), name, "name"]] * int(times or 1))
        out.append((ArticleRef(f"a{i}", f"s{i}", dt.date(2025, 4, 1 + i), None),
                    ArticleEntities([e])))
    return out


def test_a_place_before_a_facility_is_dropped_and_a_rare_misspelling_joins() -> None:
    r = link(_places("Port Anselm*3", "Harbour Hall*3", "Port Anselm Harbour Hall",
                     "Kelvara Sound*3", "Kelvora Sound", "Kelvara Point*3"))
    names = {e.name: e for e in r.entities}
    assert "Port Anselm Harbour Hall" in names["Harbour Hall"].aliases
    assert "Kelvora Sound" in names["Kelvara Sound"].aliases
    assert names["Kelvara Point"].mention_count == 3  # two letters off: its own place
    assert [f.kind for f in r.findings] == ["spelling"]


def test_the_letter_dropped_index_finds_every_one_edit_misspelling() -> None:
    # near_miss is handed only the places sharing a letter-dropped form with the
    # name: each kind of single edit must still reach it, and two edits must not.
    taken = {"Kelvora Sound": True, "Kelvarra Sound": True, "Kelvra Sound": True,
             "Kelvara Sounds": True, "elvara Sound": False,  # first letters differ
             "Kelavra Sound": False}  # a swap is two edits
    for name, joins in taken.items():
        r = link(_places("Kelvara Sound*3", name))
        names = {e.name: e for e in r.entities}
        assert (name in names["Kelvara Sound"].aliases) is joins, name
        assert len(r.findings) == joins, name
