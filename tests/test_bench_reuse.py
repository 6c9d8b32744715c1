"""The reuse benchmark's planting and scoring helpers (bench/reuse.py) on made-up texts."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from tests.conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"




rb = load_bench("reuse")

_VOCAB = ("harbour ferry council budget winter island pier union fares timetable captain "
         "engine storm crew ticket village market bridge school mayor river lantern "
         "orchard quarry mill tower garden valley signal beacon archive meadow canal")
WORDS = _VOCAB.split()


def _sentence(rng: random.Random, quote: bool = False) -> str:
    """A made-up sentence of random words (so no 8-gram repeats by chance)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 13))]
    if quote:
        return f'The mayor said: "{" ".join(words).capitalize()} will be done."'
    return f"The {' '.join(words)} will be ready."


def _docs(n: int = 12, seed: int = 0) -> list[Any]:
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        paras = [rb.Para(f"d{k}#{i}", [_sentence(rng, quote=(i == 0)),
                                       *(_sentence(rng) for _ in range(2))])
                 for i in range(3)]
        docs.append(rb.Doc(f"d{k}", dt.date(2020, 1, 1) + dt.timedelta(days=2 * k),
                           "ferry" if k % 2 else "storm", paras))
    return docs


# --- documents -------------------------------------------------------------------------------

def test_group_sentences_keeps_order_in_runs_of_two_to_four() -> None:
    sents = [f"s{i}" for i in range(23)]
    groups = rb.group_sentences(sents, random.Random(5))
    assert [s for g in groups for s in g] == sents
    assert all(2 <= len(g) <= 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4


def test_make_doc_detokenises_and_groups() -> None:
    text = ("`` We will stay , '' she said .\nThe pier -LRB- north -RRB- is closed .\n"
            "Fares rise 5 % in May .\n")
    doc = rb.make_doc("x/1", dt.date(2020, 1, 1), "t", text, seed=0)
    sents = [s for p in doc.paras for s in p.sents]
    assert sents == ['"We will stay," she said.', "The pier (north) is closed.",
                     "Fares rise 5% in May."]
    assert [p.key for p in doc.paras] == [f"x/1#{i}" for i in range(len(doc.paras))]


# --- planting helpers ------------------------------------------------------------------------

def test_edit_changes_words_but_keeps_most_of_the_text() -> None:
    sents = ["Officials said the bridge will be closed for more than a week.",
             "The company has promised to help, and people began to queue."]
    for seed in range(20):
        out = rb.edit(sents, random.Random(seed))
        assert out != sents and len(out) == len(sents)
        before, after = rb.shingles(" ".join(sents)), rb.shingles(" ".join(out))
        assert len(before & after) / len(after) >= 0.4
        assert rb._norm(" ".join(out)) != rb._norm(" ".join(sents))  # a word changed


def test_quote_is_kept_and_its_frame_rewritten() -> None:
    text = 'He said: "We will not leave this town until the job is done." Then he left.'
    quote = rb.quotation(text)
    assert quote == "We will not leave this town until the job is done."
    for seed in range(10):
        new = rb.rebuild_quote(quote, random.Random(seed))
        assert "We will not leave this town until the job is done" in new
        assert "He said" not in new


def test_printed_flags_sentences_repeated_in_another_paragraph() -> None:
    rng = random.Random(1)
    shared, own = _sentence(rng), _sentence(rng)
    docs = [rb.Doc("a", dt.date(2020, 1, 1), "", [rb.Para("a#0", [shared]),
                                                   rb.Para("a#1", [own])]),
            rb.Doc("b", dt.date(2020, 1, 2), "", [rb.Para("b#0", [shared.upper()])])]
    printed = rb.Printed(docs)
    assert printed.once([own]) and not printed.once([shared])


def test_plant_makes_later_copies_of_each_kind_and_leaves_the_input_alone() -> None:
    docs = _docs()
    before = [[p.key for p in d.paras] for d in docs]
    out, plants = rb.plant(docs, per_kind=2, rng=random.Random(0))
    assert [[p.key for p in d.paras] for d in docs] == before
    assert sorted(p.kind for p in plants) == sorted(rb.KINDS * 2)
    assert len({p.source.split("#")[0] for p in plants}) == len(plants)  # one per article
    paras = {p.key: (d, p) for d in out for p in d.paras}
    assert len(paras) == sum(len(d.paras) for d in out)  # keys are unique
    source_of = {p.key: (d, p) for d in docs for p in d.paras}
    for g in plants:
        src_doc, src = source_of[g.source]
        doc, new = paras[g.key]
        assert doc.key == g.doc and doc.date > src_doc.date
        assert (g.where == "copy") == doc.copy
        if g.kind == "verbatim" and not g.mixed:
            assert new.sents == src.sents
        if g.kind == "trimmed" and not g.mixed:
            assert new.sents in (src.sents[1:], src.sents[:-1])
        if g.kind == "quote":
            assert rb.quotation(src.text)[:-1] in new.text
    assert out == sorted(out, key=lambda d: (d.date, d.key))


def test_fillers_come_from_later_articles_of_other_topics() -> None:
    docs = _docs(40, seed=2)
    out, plants = rb.plant(docs, per_kind=3, rng=random.Random(4))
    paras = {p.key: (d, p) for d in out for p in d.paras}
    where = {s: (d, p) for d in docs for p in d.paras for s in p.sents}
    mixed = [g for g in plants if g.mixed]
    assert mixed
    for g in mixed:
        doc, new = paras[g.key]
        src_doc = where[next(iter(paras[g.source][1].sents))][0]
        fillers = [s for s in new.sents if s in where and where[s][0] is not src_doc]
        assert fillers
        for s in fillers:
            fdoc = where[s][0]
            assert fdoc.date > doc.date and fdoc.topic != src_doc.topic


# --- scoring ---------------------------------------------------------------------------------

def _plants() -> list[Any]:
    return [rb.Plant("p0", "a#0", "verbatim", False, "copy", "c0"),
            rb.Plant("p1", "b#1", "edited", True, "insert", "h"),
            rb.Plant("p2", "c#2", "quote", False, "copy", "c2")]


def test_score_counts_only_pairs_into_planted_paragraphs() -> None:
    pairs = [("a#0", "p0"), ("a#0", "p0"),  # a duplicate counts once
             ("z#9", "p1"),  # wrong source
             ("a#0", "b#1"), ("x#0", "y#0")]  # between originals: not counted
    s = rb.score(pairs, _plants())
    assert s["all"]["pairs"] == 2 and s["all"]["correct"] == 1
    assert s["all"]["precision"] == 0.5 and s["all"]["recall"] == round(1 / 3, 4)
    assert s["verbatim"]["recall"] == 1.0 and s["edited"]["recall"] == 0.0
    assert s["edited.mixed"]["gold"] == 1 and s["all.insert"]["found"] == 0
    kinds = sorted((e["error"], e["kind"]) for e in s["errors"])
    assert kinds == [("false_pair", "edited"), ("missed_linked_elsewhere", "edited"),
                     ("missed_no_pair", "quote")]


def test_lenient_precision_accepts_echoes_of_the_source() -> None:
    pairs = [("a#0", "p0"), ("old#3", "p0"), ("z#9", "p0")]
    s = rb.score(pairs, _plants(), echo=lambda frm, to, src: frm == "old#3")
    assert s["verbatim"]["precision"] == round(1 / 3, 4)
    assert s["verbatim"]["precision_lenient"] == round(2 / 3, 4)
    assert s["verbatim"]["echo"] == 1


def test_is_echo_looks_at_what_is_shared() -> None:
    rng = random.Random(3)
    src, other, new = _sentence(rng), _sentence(rng), _sentence(rng)
    assert rb.is_echo(f"{src} {other}", f"{src} {new}", src)  # an earlier printing
    assert not rb.is_echo(f"{new} {other}", f"{src} {new}", src)  # shares only new words
    assert not rb.is_echo(other, src, src)  # shares nothing


def test_empty_prediction_scores_zero_not_an_error() -> None:
    s = rb.score([], _plants())
    assert s["all"]["precision"] == 0.0 and s["all"]["recall"] == 0.0
    assert s["quote"]["gold"] == 1


# --- end to end on made-up texts -------------------------------------------------------------

def test_find_and_the_baseline_on_planted_made_up_texts() -> None:
    docs, plants = rb.plant(_docs(), per_kind=2, rng=random.Random(0))
    arts, where = rb.build(docs)
    pairs, _ = rb.find(arts)
    s = rb.score([(where[p.frm], where[p.to]) for p in pairs], plants)
    assert s["verbatim"]["recall"] == 1.0 and s["trimmed"]["recall"] == 1.0
    assert s["all"]["precision"] == 1.0

    order = {a.id: k for k, (a, _) in enumerate(arts)}
    texts = {p.key: p.text for d in docs for p in d.paras}
    units = [(order[aid], key, texts[key]) for (aid, _), key in where.items()]
    base, count = rb.datasketch_plain(units)
    assert count == len(base)
    assert rb.score(base, plants)["verbatim"]["recall"] == 1.0
    assert rb.datasketch_plain(units, keep=False) == ([], count)


def test_sentence_spans_cover_each_sentence() -> None:
    docs = _docs(2)
    arts, _ = rb.build(docs, spans=True)
    a, spans = arts[0]
    for para, s, e in spans:
        assert a.paragraphs[para].text[s:e] in docs[0].paras[para].sents


def test_growth_exponent() -> None:
    rows = [{"system": "x", "size": "10k", "paragraphs": 10_000, "seconds": 2.0},
            {"system": "x", "size": "100k", "paragraphs": 100_000, "seconds": 20.0},
            {"system": "x", "size": "1m", "error": "over the time limit"}]
    assert rb.growth(rows, "x") == [("10k->100k", 1.0)]


def test_memory_growth_exponent_and_quadratic_growth() -> None:
    rows = [{"system": "x", "size": "a", "paragraphs": 1_000, "seconds": 1.0, "peak_mb": 10.0},
            {"system": "x", "size": "b", "paragraphs": 10_000, "seconds": 100.0,
             "peak_mb": 100.0}]
    assert rb.growth(rows, "x") == [("a->b", 2.0)]
    assert rb.growth(rows, "x", "peak_mb") == [("a->b", 1.0)]


def test_profile_counts_repeated_sentences() -> None:
    from storytrace import Article

    a = Article.build(source="a", published=dt.date(2024, 5, 1), paragraphs=[
        (1, "The orchard flooded overnight. The mill kept turning."),
        (2, "The orchard flooded overnight."),
        (3, 'A keeper said: "The beacon stays lit." The orchard flooded overnight.')])
    p = rb.profile([a])
    assert p["paragraphs"] == 3 and p["sentences"] == 5
    assert p["max_printings"] == 3 and p["repeated_share"] == round(2 / 5, 4)


def test_synthetic_scale_corpus_is_not_trivially_unique() -> None:
    # the generated corpora reprint sentences (stories recycle their own paragraphs,
    # boilerplate recurs), so the scale runs exercise the candidate fan-out bound
    p = rb.profile(rb.synth_articles(600, seed=0))
    assert p["paragraphs"] >= 600
    assert 0.1 < p["repeated_share"] < 0.9 and p["max_printings"] >= 5
