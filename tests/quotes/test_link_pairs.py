"""Quote origins from an engine's pairs: the same pairs, and origins, as the block loop."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from storytrace.quotes.link import (
    TINY_WORDS,
    _origins,
    _words,
    candidate_pairs,
    quote_keys,
    same_words,
    text_class,
)

# Reprinted, trimmed, re-punctuated and re-bracketed reports, a reworded one, short and
# tiny ones, and quotes that only share common words.
QUOTES = [
    ("q01", "We will rebuild every school that the flood destroyed, and we will do it this year."),
    ("q02", "We will rebuild every school that the flood destroyed"),
    ("q03", "we will rebuild every school [the flood] destroyed -- and we will do it this year"),
    ("q04", "We'll rebuild every school that the floods destroyed, and we'll do it this year!"),
    ("q05", "The budget is a disgrace to this city and to everyone who lives here."),
    ("q06", "a disgrace to this city"),
    ("q07", "disgrace"),
    ("q08", "This disgraceful budget"),
    ("q09", "It is what it is, and we are going to do what we have to do."),
    ("q10", "it is what it is and we are going to do what we have to do"),
    ("q11", "The council has not spent a single dollar of the relief money on housing."),
    ("q12", "The council hasn't spent a single dollar of the relief money on housing, "
            "not one, and the families are still waiting."),
    ("q13", "We are going to the city council on Tuesday to ask for the money."),
    ("q14", "rebuild every school"),
    ("q15", "Our colours honour the labour of our neighbours."),
    ("q16", "our colors honor the labor of our neighbors"),
]


def _accepted(quotes: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """What the block loop would join if every quote had one speaker, minus pairs of
    a tiny quote (origins compare those with their block at load)."""
    out = set()
    for (a, ta), (b, tb) in combinations(sorted(quotes), 2):
        if min(len(_words(ta)), len(_words(tb))) > TINY_WORDS and (
                same_words(ta, tb) or same_words(tb, ta)):
            out.add((a, b))
    return out


def expand(pairs: list[tuple[str, str, bool, bool]], quotes: list[tuple[str, str]]
           ) -> set[tuple[str, str]]:
    """Pairs of text classes as the pairs of quotes they stand for."""
    members: dict[str, list[str]] = {}
    for q, t in sorted(quotes):
        members.setdefault(text_class(t), []).append(q)
    out = set()
    for a, b, forward, _ in pairs:
        if a == b:
            out |= {(x, y) for x, y in combinations(members[a], 2) if forward}
        else:
            out |= {(min(x, y), max(x, y)) for x in members[a] for y in members[b]}
    return out


def test_the_keys_find_every_pair_the_block_loop_accepts() -> None:
    found = candidate_pairs(t for _, t in QUOTES)
    expected = _accepted(QUOTES)
    assert {("q01", "q02"), ("q01", "q03"), ("q01", "q04"), ("q09", "q10"), ("q11", "q12"),
            ("q15", "q16")} <= expected
    assert expand(found, QUOTES) >= expected
    text = {text_class(t): t for _, t in QUOTES}
    assert len(text) == len(QUOTES) - 1  # q09 and q10 are the same words
    for a, b, forward, backward in found:  # every pair written was checked both ways
        assert forward == same_words(text[a], text[b])
        assert backward == same_words(text[b], text[a])


def test_a_short_quote_asks_with_its_middle_word_and_a_long_one_with_its_rarest() -> None:
    assert quote_keys(["every", "school", "that"], {}, 100)[0] == ["scho"]  # stems
    assert quote_keys(["disgrace"], {}, 100)[0] == []
    words = _words(QUOTES[10][1])
    counts = {w[:4]: 50 for w in words} | {"reli": 1, "hous": 2, "doll": 3}
    query, contains = quote_keys(words, counts, 10)
    assert {"reli", "hous", "doll"} <= set(query) and set(contains) == {w[:4] for w in words}
    assert "coun" not in query  # common (50 quotes), past the rarest ones needed


def _rows(speakers: dict[str, str | None]) -> list[dict[str, Any]]:
    return [{"id": q, "text": t, "speaker_id": speakers.get(q), "via": None, "said": None,
             "occasion": None, "_group": (q, 0), "_explicit": False}
            for q, t in QUOTES]


def test_origins_from_pairs_equal_the_block_loop() -> None:
    speakers = {q: ("e1" if i % 3 else "e2") for i, (q, _) in enumerate(QUOTES)}
    speakers["q06"] = speakers["q07"] = speakers["q08"] = speakers["q05"]
    loop, engine = _rows(speakers), _rows(speakers)
    _origins(loop)
    _origins(engine, candidate_pairs(t for _, t in QUOTES))
    assert [r["origin"] for r in engine] == [r["origin"] for r in loop]
    origin = {r["id"]: r["origin"] for r in loop}
    assert origin["q07"] == origin["q08"] == origin["q05"]  # "disgrace" in "disgraceful"
    assert origin["q01"] != origin["q02"]  # one speaker each: never joined


def test_pairs_across_speaker_blocks_are_not_joined() -> None:
    rows = _rows({"q01": "e1", "q02": "e2"})
    a, b = sorted(text_class(QUOTES[i][1]) for i in (0, 1))
    _origins(rows, [(a, b, True, True)])
    assert rows[0]["origin"] != rows[1]["origin"]


def test_reprints_of_one_text_join_within_a_speaker_only() -> None:
    text = "We will rebuild every school that the flood destroyed."
    rows = [{"id": f"r{i}", "text": text, "speaker_id": s, "via": None, "said": None,
             "occasion": None, "_group": (f"r{i}", 0), "_explicit": False}
            for i, s in enumerate(["e1", "e2", "e1", "e2", "e1"])]
    loop = [dict(r) for r in rows]
    _origins(loop)
    _origins(rows, candidate_pairs([text]))
    assert [r["origin"] for r in rows] == [r["origin"] for r in loop]
    assert len({r["origin"] for r in rows}) == 2
