"""The TimeML reader and TempEval-3 scorer of bench/timex.py on a tiny hand-made document."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_timex", ROOT / "bench" / "timex.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


bt = _load()

TML = (
    '<?xml version="1.0" ?>\n<TimeML><DOCID>X1</DOCID>\n'
    '<DCT><TIMEX3 tid="t0" type="DATE" value="2001-03-09" functionInDocument="CREATION_TIME">'
    "20010309</TIMEX3></DCT>\n<TEXT>\n"
    'The ferry <EVENT eid="e1" class="OCCURRENCE">sank</EVENT> '
    '<TIMEX3 tid="t1" type="DATE" value="2001-03-08">yesterday</TIMEX3> &amp; the crew\n'
    'waited <TIMEX3 tid="t2" type="DURATION" value="P3H">three hours</TIMEX3> before '
    '<TIMEX3 tid="t3" type="DATE" value="PRESENT_REF">now</TIMEX3>.\n'
    "</TEXT>\n</TimeML>"
)


def test_parse_tml_gives_dct_raw_text_and_offsets() -> None:
    doc = bt.parse_tml(TML, "x.tml")
    assert doc.dct == dt.date(2001, 3, 9)
    assert "<" not in doc.text and "& the crew" in doc.text
    assert [(g.text, g.type, g.value) for g in doc.gold] == [
        ("yesterday", "DATE", "2001-03-08"), ("three hours", "DURATION", "P3H"),
        ("now", "DATE", "PRESENT_REF")]
    for g in doc.gold:
        assert doc.text[g.start:g.end] == g.text


def test_scoring_strict_relaxed_type_and_value() -> None:
    doc = bt.parse_tml(TML, "x.tml")
    y, h, _ = doc.gold
    pred = [
        bt.Span(y.start, y.end, "DATE", "2001-03-08"),  # exact, right value
        bt.Span(h.start - 7, h.end, "DURATION", "PT3H"),  # overlaps only: relaxed, wrong value
        bt.Span(0, 3, "DATE", "XXXX"),  # spurious ("The")
    ]  # "now" is missed
    c = bt.score_doc(doc.gold, pred)
    assert (c["n_gold"], c["n_pred"], c["strict"], c["relaxed"], c["type"], c["value"]) == \
        (3, 3, 1, 2, 2, 1)
    m = bt.metrics(c)
    assert m["strict_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["relaxed_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["type_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["value_f1"] == pytest.approx(0.5 * 2 / 3, abs=1e-4)


def test_pairing_is_one_to_one() -> None:
    gold = [bt.Span(0, 10, "DATE", "a")]
    pred = [bt.Span(0, 4, "DATE", "a"), bt.Span(5, 10, "DATE", "a")]
    c = bt.score_doc(gold, pred)
    assert (c["relaxed"], c["n_pred"]) == (1, 2)


def test_align_maps_offsets_across_whitespace() -> None:
    mapping = bt.align("a  b\nc", "a b c")
    assert mapping is not None and mapping[3] == 2 and mapping[5] == 4
    assert bt.align("abc", "abd") is None


def test_halves_score_odd_and_even_documents_apart() -> None:
    doc = bt.parse_tml(TML, "x.tml")
    empty = bt.Doc("y.tml", doc.dct, doc.text, [])
    r = bt.halves([doc, empty], [list(doc.gold), [bt.Span(0, 3, "DATE", "XXXX")]])
    assert r["odd_docs"]["value_f1"] == 1.0
    assert r["even_docs"]["value_f1"] == 0.0 and r["even_docs"]["relaxed_precision"] == 0.0
