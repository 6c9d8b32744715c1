"""A linked entity's running sums (mentions, gender votes) as members and descriptors join."""

from __future__ import annotations

from storytrace.entities.link import _Group
from storytrace.entities.recognize import Descriptor, LocalEntity


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
