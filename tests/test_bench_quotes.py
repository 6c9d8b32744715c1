"""The scorers of bench/quotes.py and bench/quotes_cofenet.py on tiny hand-made examples."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


bq = _load("quotes")
bc = _load("quotes_cofenet")


def att(lo: int, hi: int, *, source: tuple[int, int] | None = None, cue: str = "",
        quote: bool = True) -> object:
    return bq.Attribution(content=bq.chars([(lo, hi)]),
                          source=bq.chars([source] if source else []),
                          cue=bq.norm_cue(cue), quote=quote)


# --------------------------------------------------------------- storytrace protocol

def test_overlap_is_share_of_gold() -> None:
    assert bq.overlap(frozenset(range(10)), frozenset(range(5, 20))) == 0.5
    assert bq.overlap(frozenset(), frozenset(range(3))) == 0.0


def test_thresholds_lenient_exclusive_strict_inclusive() -> None:
    assert not bq.passes(0.3, "lenient") and bq.passes(0.31, "lenient")
    assert bq.passes(0.8, "strict") and not bq.passes(0.79, "strict")


def test_match_is_greedy_and_one_to_one() -> None:
    gold = [att(0, 10), att(10, 20)]
    # pred 0 covers both golds fully; pred 1 covers half of gold 1
    pred = [att(0, 20), att(15, 20)]
    pairs = bq.match(gold, pred)
    assert pairs == [(0, 0, 1.0), (1, 1, 0.5)]


def test_score_counts_hits_misses_false_alarms_by_level() -> None:
    gold = [att(0, 10, source=(30, 35), cue="Said"), att(40, 50), att(60, 70)]
    pred = [att(0, 9, source=(33, 40), cue="said"),  # 0.9: strict hit, right speaker and cue
            att(40, 44),  # 0.4: lenient hit only, both speakers empty
            att(100, 110)]  # nothing: false alarm
    c = bq.score_article(gold, pred)
    assert (c["quote.lenient.tp"], c["quote.lenient.fp"], c["quote.lenient.fn"]) == (2, 1, 1)
    assert (c["quote.strict.tp"], c["quote.strict.fp"], c["quote.strict.fn"]) == (1, 2, 2)
    assert c["quote.lenient.speaker"] == 2 and c["quote.lenient.cue"] == 2
    main, figs = bq.metrics(c)
    assert main["quote_f1_lenient"] == pytest.approx(2 / 3)
    assert main["quote_f1_strict"] == pytest.approx(1 / 3)
    assert main["speaker_accuracy"] == 1.0 and main["cue_accuracy"] == 1.0
    assert figs["quote_precision_lenient"] == pytest.approx(2 / 3)


def test_wrong_speaker_and_cue() -> None:
    gold = [att(0, 10, source=(20, 25), cue="told")]
    assert bq.score_article(gold, [att(0, 10, source=(26, 30), cue="told")])[
        "quote.lenient.speaker"] == 0
    assert bq.score_article(gold, [att(0, 10, cue="told")])["quote.lenient.speaker"] == 0
    assert bq.score_article(gold, [att(0, 10, source=(20, 21), cue="tell")])[
        "quote.lenient.cue"] == 0


def test_quote_subset_ignores_predictions_paired_outside_it() -> None:
    gold = [att(0, 10, quote=False), att(20, 30)]
    pred = [att(0, 10), att(20, 30)]
    c = bq.score_article(gold, pred)
    # pred 0 pairs with a gold attribution without quote marks: no hit, no false alarm
    assert (c["quote.lenient.tp"], c["quote.lenient.fp"], c["quote.lenient.fn"]) == (1, 0, 0)
    assert (c["all.lenient.tp"], c["all.lenient.fp"], c["all.lenient.fn"]) == (2, 0, 0)


def test_unpaired_prediction_without_quote_marks_is_a_false_alarm_only_in_all() -> None:
    gold = [att(0, 10)]
    reported = bq.Attribution(content=bq.chars([(50, 60)]), quote=False)
    c = bq.score_article(gold, [att(0, 10), reported])
    assert (c["quote.lenient.tp"], c["quote.lenient.fp"]) == (1, 0)
    assert (c["all.lenient.tp"], c["all.lenient.fp"]) == (1, 1)
    quoted = bq.Attribution(content=bq.chars([(50, 60)]), quote=True)
    assert bq.score_article(gold, [att(0, 10), quoted])["quote.lenient.fp"] == 1


def test_reported_statement_parts_are_tagged_around_the_cue() -> None:
    text = "Sales fell, she said, after the storm."
    offs = [(0, 5), (6, 10), (10, 11), (12, 15), (16, 20), (20, 21), (22, 27), (28, 31),
            (32, 37), (37, 38)]
    q = {"para": 0, "start": 0, "end": 37, "parts": [[0, 10], [22, 37]],
         "cue_span": [0, 16, 20], "speaker": [0, 12, 15, "she"]}
    claims = bc.quote_claims(q, {0: text}, [0], [offs], whole=True)
    labels = bc.tag(len(offs), claims[0])
    assert labels == ["B-content", "I-content", "O", "B-source", "B-cue", "O",
                      "B-content", "I-content", "I-content", "O"]


def test_partial_quote_is_tagged_as_its_clause_from_the_cue() -> None:
    text = 'She said it is "fine".'
    offs = [(0, 3), (4, 8), (9, 11), (12, 14), (15, 16), (16, 20), (20, 21), (21, 22)]
    q = {"para": 0, "start": 16, "end": 20, "partial": True, "cue_span": [0, 4, 8],
         "speaker": [0, 0, 3, "She"]}
    labels = bc.tag(len(offs), bc.quote_claims(q, {0: text}, [0], [offs])[0])
    assert labels == ["B-source", "B-cue", "B-content", "I-content", "I-content",
                      "I-content", "I-content", "O"]
    # no cue before it: the quoted words alone are no content span
    q2 = dict(q, cue_span=None)
    assert bc.tag(len(offs), bc.quote_claims(q2, {0: text}, [0], [offs])[0])[2:] == ["O"] * 6


def test_gold_without_content_is_left_out() -> None:
    gold = [bq.Attribution(content=frozenset()), att(0, 5)]
    c = bq.score_article(gold, [att(0, 5)])
    assert c["all.lenient.fn"] == 0 and c["all.lenient.tp"] == 1


def test_merged_split_quote_counts_only_its_quoted_parts() -> None:
    text = '"We will win," she said. "It is over."'
    assert bq.quoted_chars(text, 1, 37) == [(0, 14), (25, 38)]
    # a quote row of the first part only
    assert bq.quoted_chars(text, 1, 13) == [(0, 14)]


def test_paragraph_offsets_and_gold_from_a_record() -> None:
    text = 'Head line.\n\n"Yes," Ann said.\n\n  Last one.'
    paras = bq.paragraphs_of(text)
    assert [(off, t) for _, off, t in paras] == [(0, "Head line."), (12, '"Yes," Ann said.'),
                                                 (32, "Last one.")]
    assert [line for line, _, _ in paras] == [1, 3, 5]
    rec = {"text": text, "attributions": [
        {"source": [[19, 22]], "cue": [[23, 27]], "content": [[12, 18]],
         "content_has_quote_mark": True}]}
    (g,) = bq.gold_of(rec)
    assert g.cue == "said" and g.quote and min(g.content) == 12 and max(g.content) == 17


# --------------------------------------------------------------- CofeNet protocol

def test_spans_read_bio_like_cofenet() -> None:
    labels = ["B-source", "I-source", "B-cue", "I-content", "O", "B-content", "I-content",
              "B-content"]
    assert bc.spans(labels) == {"source": [(0, 2)], "cue": [(2, 3)],
                                "content": [(5, 7), (7, 8)]}


def test_exact_and_begin_match() -> None:
    gold = ["B-source", "B-cue", "B-content", "I-content", "I-content", "O"]
    pred = ["B-source", "B-cue", "B-content", "I-content", "O", "O"]
    c = bc.score_sequence(gold, pred)
    assert (c["source.exact.tp"], c["cue.exact.tp"]) == (1, 1)
    assert (c["content.exact.tp"], c["content.exact.fp"], c["content.exact.fn"]) == (0, 1, 1)
    assert (c["content.begin.tp"], c["content.begin.fp"], c["content.begin.fn"]) == (1, 0, 0)
    main, figs = bc.metrics(c)
    assert main == {"source_f1": 1.0, "cue_f1": 1.0, "content_f1": 0.0}
    assert figs["content_f1_begin"] == 1.0


def test_no_prediction_scores_zero_recall() -> None:
    c = bc.score_sequence(["B-cue", "O"], ["O", "O"])
    assert (c["cue.exact.tp"], c["cue.exact.fn"], c["cue.exact.fp"]) == (0, 1, 0)


def test_tag_gives_content_priority_and_separates_adjacent_spans() -> None:
    labels = bc.tag(7, [("source", 0, 3), ("content", 2, 4), ("content", 4, 5), ("cue", 5, 6)])
    assert labels == ["B-source", "I-source", "B-content", "I-content", "B-content", "B-cue",
                      "O"]


def test_detokenize_and_token_runs() -> None:
    toks = ["``", "It", "'s", "over", ",", "''", "Ann", "said", "--", "twice", "."]
    text, offs = bc.detokenize(toks)
    assert text == "“It's over,” Ann said — twice."
    assert [text[s:e] for s, e in offs][:6] == ["“", "It", "'s", "over", ",", "”"]
    # the quotation with its marks is tokens 0..5; a char span inside one token takes it whole
    assert bc.token_runs(offs, 0, 12) == [(0, 6)]
    assert bc.token_runs(offs, 14, 15) == [(6, 7)]


def test_a_quotation_left_open_at_a_sequence_end_goes_on_in_the_next() -> None:
    doc = bc.Document("x", [["He", "said", ":", "''"], ["Yes", ",", "''", "he", "said", "."]],
                      [["O"] * 4, ["O"] * 6])
    art, _ = bc.build(doc)
    # the first sequence's last mark opens; the second's first mark closes, not opens
    assert [p.text for p in art.paragraphs] == ["He said: “", "Yes,” he said."]


def test_an_opening_mark_left_in_the_sequence_before_is_content_there() -> None:
    texts = {1: "He said: “", 2: "Yes, we can.” And more."}
    offsets = [bc.detokenize(["He", "said", ":", "''"])[1],
               bc.detokenize(["Yes", ",", "we", "can", ".", "''", "And", "more", "."],
                             inside=True)[1]]
    q = {"para": 2, "start": 0, "end": 12, "partial": False}
    claims = bc.quote_claims(q, texts, [0, 0, 1], offsets)
    assert claims[0] == [("content", 3, 4)]
    assert claims[1] == [("content", 0, 6)]


def test_a_single_and_a_double_closing_mark_in_one_token_close_the_quotation() -> None:
    text, _ = bc.detokenize(["``", "It", "is", "`", "fine", "'''", "he", "said", "."])
    assert text == "“It is ‘fine’” he said."
    assert bc._misread_openers(["``", "a", "'''", "b", "."])[1] is False
