import datetime as dt
from pathlib import Path

import storytrace
from storytrace.models import Article
from storytrace.reuse import find, shingles

P1 = "The harbour board voted on Tuesday to keep the island ferry running through the winter."
P2 = "Fares will rise by ten percent in March, which will be the first rise since 2019."
P3 = "Union leaders said they would watch the timetable closely over the coming months."
P2_EDIT = ("Fares will rise by ten percent in March \u2014 which is set to be the first rise "
           "since 2019.")
NEW = "A new pier for the ferry opened on Friday after two years of building work nearby."


def _art(source: str, day: int, texts: list[str]) -> Article:
    return Article.build(source=source, published=dt.date(2025, 3, day),
                         paragraphs=[(2 * i + 1, t) for i, t in enumerate(texts)])


def test_reprints_edits_and_mixed_paragraphs() -> None:
    first = _art("a.txt", 1, [P1, P2, P3])
    later = _art("b.txt", 5, [NEW, P2_EDIT, P1 + " " + NEW.replace("pier", "jetty"), P3])
    pairs, novelty = find([(first, []), (later, [])])
    got = {(p.frm[1], p.to[1]) for p in pairs if p.to[0] == later.id}
    assert got == {(1, 1), (0, 2), (2, 3)}
    kinds = [novelty[(later.id, i)][0] for i in range(4)]
    assert kinds == ["new", "recycled", "partly", "recycled"]
    assert all(novelty[(first.id, i)][0] == "new" for i in range(3))


def test_earlier_never_recycles_later() -> None:
    a, b = _art("a.txt", 1, [P1]), _art("b.txt", 2, [P1])
    pairs, novelty = find([(a, []), (b, [])])
    assert [(p.frm[0], p.to[0]) for p in pairs] == [(a.id, b.id)]
    assert novelty[(a.id, 0)][0] == "new" and novelty[(b.id, 0)][0] == "recycled"


def test_shingles_ignore_typography() -> None:
    assert shingles("It\u2019s right \u2014 there") == shingles("it's right - there")


def test_export_fills_reuse_and_novelty(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([_art("a.txt", 1, [P1, P2]), _art("b.txt", 2, [NEW, P2])], parse=False)
        data = st.export()
    (pair,) = data["reuse"]
    assert pair["from"] == {"source": "a.txt", "line": 3}
    assert pair["to"] == {"source": "b.txt", "line": 3} and pair["similarity"] == 1.0
    b = next(x for x in data["articles"] if x["source"] == "b.txt")
    assert [p["novelty"] for p in b["paragraphs"]] == ["new", "recycled"]
    assert b["paragraphs"][1]["reused_from"] == [{"source": "a.txt", "line": 3,
                                                  "similarity": 1.0}]
    assert b["originality"] == 0.5 or 0.4 < b["originality"] < 0.6


def test_sentence_splitter_splits_after_a_closing_quote() -> None:
    from storytrace.reuse import split_sentences

    text = 'The mayor said: "We will rebuild the pier." Crews began work at dawn.'
    assert split_sentences(text) == ['The mayor said: "We will rebuild the pier."',
                                     "Crews began work at dawn."]
    assert split_sentences('"Not yet," she said. It rained.') == ['"Not yet," she said.',
                                                                 "It rained."]


def test_a_sentence_in_many_paragraphs_gives_linear_pairs() -> None:
    from storytrace.reuse import MAX_SOURCES

    boiler = "The lighthouse keeper declined to answer any further questions about the lamp."
    n = 60
    arts = [_art(f"a{k}.txt", 1 + k % 28,
                 [f"{boiler} Item {k}."])
            for k in range(n)]
    arts.sort(key=lambda a: (a.published, a.source))
    pairs, novelty = find([(a, []) for a in arts])
    # every later paragraph names a few sources, never all of its earlier copies
    assert 0 < len(pairs) <= MAX_SOURCES * n
    per_to: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for p in pairs:
        per_to.setdefault(p.to, []).append(p.frm)
    assert max(len(v) for v in per_to.values()) <= MAX_SOURCES
    # and the first printing is among them
    first = (arts[0].id, 0)
    assert all(first in v for v in per_to.values())
    assert novelty[first] == ("new", 0.0)
    assert novelty[(arts[-1].id, 0)][0] == "recycled"


def test_short_generic_sentences_make_no_pair() -> None:
    a = _art("a.txt", 1, ["Thanks very much for watching."])
    b = _art("b.txt", 2, ["Thanks very much for watching."])
    pairs, novelty = find([(a, []), (b, [])])
    assert pairs == [] and novelty[(b.id, 0)][0] == "new"


def test_a_passage_rebuilt_around_the_same_quotation() -> None:
    quote = "We will keep every ferry sailing until the new pier is finished next spring"
    src = _art("a.txt", 1, [
        f'At a crowded meeting in the old town hall, where residents had queued since noon, '
        f'the harbour master told the council: "{quote}." The council then moved on to the '
        f"budget for the coming year and the repair of the sea wall."])
    later = _art("b.txt", 4, [
        "Snow closed the coastal road for most of the morning.",
        f'"{quote}," Orla Brennick said on Friday. Ticket sales at the kiosk fell sharply '
        "in the week after the storm, and the cafe by the slipway closed its doors early."])
    pairs, novelty = find([(src, []), (later, [])])
    assert [(p.frm, p.to) for p in pairs] == [((src.id, 0), (later.id, 1))]
    assert novelty[(later.id, 0)][0] == "new"
    assert novelty[(later.id, 1)][0] in ("new", "partly")


def test_no_earlier_article_no_pair_and_unrelated_text_no_pair() -> None:
    a = _art("a.txt", 1, [P1, P3])
    b = _art("b.txt", 2, [NEW, "Shops along the quay will stay open later during the festival."])
    pairs, _ = find([(a, []), (b, [])])
    assert pairs == []


def test_a_quotation_over_two_sentences_counts_in_both() -> None:
    quote = ("The pier will stay open all winter. Nobody on this island will be left "
             "without a boat to the mainland")
    src = _art("a.txt", 1, [f'Speaking after a long session, the ferry captain said: "{quote}," '
                            "before the council turned to the cost of new lamps."])
    later = _art("b.txt", 3, [f'"{quote}," Tomas Verlaine told the radio station on Sunday.'])
    pairs, novelty = find([(src, []), (later, [])])
    assert [p.to for p in pairs] == [(later.id, 0)]
    assert novelty[(later.id, 0)][0] in ("partly", "recycled")
    assert pairs[0].similarity > 0.6
