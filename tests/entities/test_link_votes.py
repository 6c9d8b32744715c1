"""Entity type votes reduce across partitions as over the whole corpus (the batch's groupby)."""

from __future__ import annotations

import datetime as dt

from storytrace.entities.link import link, merge_vote_rows, type_votes, vote_rows
from storytrace.entities.recognize import ArticleEntities, LocalEntity
from storytrace.models import ArticleRef


def _art(aid: str, day: int, *ents: tuple[str, str, int]) -> tuple[ArticleRef, ArticleEntities]:
    """An article naming each (name, type, strength) once."""
    local = [LocalEntity(f"k{i}", type_, name, strength, {name: "name"},
                         [[1, 0, len(name), name, "name"]])
             for i, (name, type_, strength) in enumerate(ents)]
    return ArticleRef(aid, f"{aid}.txt", dt.date(2025, 3, day), None), ArticleEntities(local)


# "Deeper" is a film to two articles and a place to one: the votes tie (2 x 2 = 4 against
# 1 x 4); the type first seen wins the tie, so the order seen must survive any split.
# (A function: link retypes the local entities it is given.)
def _arts() -> list[tuple[ArticleRef, ArticleEntities]]:
    return [_art("a1", 1, ("Deeper", "PLACE", 2), ("Mara Quill", "PERSON", 2)),
            _art("a2", 2, ("Deeper", "WORK", 1), ("Mara Quill", "PERSON", 1)),
            _art("a3", 3, ("Deeper", "WORK", 1), ("Ostend", "PLACE", 1))]


ARTS = _arts()


def test_a_name_split_across_partitions_gets_the_votes_of_one() -> None:
    whole = vote_rows(ARTS)
    assert whole[("deeper", "WORK")][0] == 4 and whole[("deeper", "PLACE")][0] == 4
    for split in ([ARTS[:1], ARTS[1:]], [ARTS[2:], ARTS[:2]], [ARTS[1:2], ARTS[2:], ARTS[:1]]):
        merged = merge_vote_rows(vote_rows(p) for p in split)
        assert merged == whole
        votes = type_votes(merged)
        assert list(votes["deeper"]) == ["PLACE", "WORK"]  # first seen first: a1's
        assert votes["deeper"].most_common(1)[0][0] == "PLACE"
        assert votes["mara quill"] == {"PERSON": 6}


def test_link_with_summed_votes_equals_link_counting_them() -> None:
    merged = merge_vote_rows([vote_rows(ARTS[2:]), vote_rows(ARTS[:2])])
    got, expected = link(_arts(), votes=type_votes(merged)), link(_arts())
    assert [(e.id, e.type, e.name) for e in got.entities] == [
        (e.id, e.type, e.name) for e in expected.entities]
    assert {e.name: e.type for e in expected.entities}["Deeper"] == "PLACE"
    assert got.local_map == expected.local_map
