"""The story benchmarks' scoring and helpers (bench/stories.py, bench/stream.py) on made-up data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"




ecb = load_bench("stories")
stream = load_bench("stream")


# --- B-cubed ---------------------------------------------------------------------------------

def test_b_cubed_perfect_clustering_scores_one() -> None:
    gold = {"a": "x", "b": "x", "c": "y"}
    assert ecb.b_cubed({"a": 7, "b": 7, "c": 8}, gold) == (1.0, 1.0, 1.0)


def test_b_cubed_all_singletons_has_full_precision() -> None:
    gold = {"a": "x", "b": "x", "c": "x", "d": "y"}
    p, r, f = ecb.b_cubed({"a": 1, "b": 2, "c": 3, "d": 4}, gold)
    assert p == 1.0
    assert r == pytest.approx((1 / 3 * 3 + 1) / 4)
    assert f == pytest.approx(2 * p * r / (p + r))


def test_b_cubed_one_big_cluster_has_full_recall() -> None:
    gold = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}
    p, r, _ = ecb.b_cubed(dict.fromkeys(gold, 0), gold)
    assert r == 1.0
    assert p == pytest.approx((2 * 2 / 5 + 3 * 3 / 5) / 5)


def test_b_cubed_worked_example() -> None:
    # gold {a,b,c} {d,e}; predicted {a,b} {c,d,e}
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    pred = {"a": "p", "b": "p", "c": "q", "d": "q", "e": "q"}
    p, r, f = ecb.b_cubed(pred, gold)
    assert p == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert f == pytest.approx(2 * p * r / (p + r))


def test_b_cubed_ignores_label_names_and_swaps_p_and_r_when_roles_swap() -> None:
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    pred = {"a": "p", "b": "p", "c": "q", "d": "q", "e": "q"}
    renamed = {k: {"p": 10, "q": 20}[v] for k, v in pred.items()}
    assert ecb.b_cubed(renamed, gold) == ecb.b_cubed(pred, gold)
    p, r, _ = ecb.b_cubed(pred, gold)
    p2, r2, _ = ecb.b_cubed(gold, pred)
    assert (p2, r2) == pytest.approx((r, p))


def test_b_cubed_needs_the_same_items() -> None:
    with pytest.raises(ValueError):
        ecb.b_cubed({"a": 1}, {"a": 1, "b": 1})
    assert ecb.b_cubed({}, {}) == (0.0, 0.0, 0.0)


def test_spread_of_runs() -> None:
    s = ecb.spread([0.8, 0.9, 1.0])
    assert s["mean"] == pytest.approx(0.9)
    assert s["sd"] == pytest.approx(0.1)
    assert (s["min"], s["max"]) == (0.8, 1.0)
    assert ecb.spread([0.5])["sd"] == 0.0


# --- building StoryDocs ----------------------------------------------------------------------

def test_detok_undoes_ptb_spacing() -> None:
    text = ("Quake hits -LRB- again -RRB- , officials say\n"
            "`` We do n't know , '' the mayor 's aide said .\n"
            "Lohan ’ s lawyer : “ fine ” .")
    assert ecb.detok(text).splitlines() == [
        "Quake hits (again), officials say",
        "\"We don't know,\" the mayor's aide said.",
        "Lohan’s lawyer: \"fine\".",
    ]


def test_entity_counts_keeps_named_types_and_links_surnames() -> None:
    ents = [("Tara Reid", "PERSON"), ("Reid", "PERSON"), ("Reid 's", "PERSON"),
            ("The Promises Treatment Center", "ORG"), ("MALIBU", "GPE"), ("33", "CARDINAL"),
            ("Tuesday", "DATE"), ("Cher", "PERSON")]
    assert ecb.entity_counts(ents) == {"tara reid": 3, "promises treatment center": 1,
                                       "malibu": 1, "cher": 1}


def test_entity_key_normalises_case_space_article_and_possessive() -> None:
    assert ecb.entity_key("The  White House's") == "white house"
    assert ecb.entity_key("Apple") == "apple"


# --- data and stream helpers -----------------------------------------------------------------

def _write_jsonl_gz(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n\n")
    return path


def test_read_jsonl_reads_plain_and_gzipped_files_of_a_folder(tmp_path: Path) -> None:
    _write_jsonl_gz(tmp_path / "b.jsonl.gz", [{"n": 2}, {"n": 3}])
    (tmp_path / "a.jsonl").write_text('{"n": 1}\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    assert [r["n"] for r in ecb.read_jsonl(ecb.jsonl_files(tmp_path))] == [1, 2, 3]
    with pytest.raises(SystemExit):
        ecb.jsonl_files(tmp_path / "missing")


def test_article_files_finds_the_timeline17_layout(tmp_path: Path) -> None:
    f = _write_jsonl_gz(tmp_path / "articles" / "x_cnn.jsonl.gz", [{"id": "x/1"}])
    assert stream.article_files(tmp_path) == [f]
    assert stream.article_files(f) == [f]


def test_stream_order_sorts_by_date_then_id_and_drops_empty_texts() -> None:
    recs = [{"id": "b/2", "date": "2011-02-01", "text": "b"},
            {"id": "a/9", "date": "2011-02-01", "text": "a"},
            {"id": "c/1", "date": "2010-12-31", "text": "c"},
            {"id": "d/1", "date": "2009-01-01", "text": ""}]
    assert [r["id"] for r in stream.stream_order(recs)] == ["c/1", "a/9", "b/2"]


def test_onepass_centroid_compares_with_the_centroid_not_the_first_member() -> None:
    np = pytest.importorskip("numpy")
    # b is close to a; c is far from a but close to the centroid of a and b
    v = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]])
    gram = v @ v.T
    labels = stream.onepass_centroid(gram, [0.75, 0.85])
    assert labels[0.75] == [0, 0, 0]  # cos(b, a) = 0.8; cos(c, a) = 0.6 but cos(c, a+b) = 0.82
    assert labels[0.85] == [0, 1, 1]  # b starts a story; c joins b at 0.96


def test_breakdown_counts_stories_per_topic() -> None:
    gold = {"a": "x", "b": "x", "c": "x", "d": "y"}
    pred = {"a": 0, "b": 0, "c": 1, "d": 1}
    b = stream.breakdown(pred, gold)
    assert b["topics"]["x"] == {"articles": 3, "stories": 2, "largest_story_share": 0.6667}
    assert b["topics"]["y"]["stories"] == 1
    assert b["largest_stories"][0]["size"] == 2
    assert b["singletons"] == 0


# --- whole runs on made-up documents ---------------------------------------------------------

_QUAKE = ("A strong earthquake struck {place} on Monday , killing {n} people and "
          "flattening homes , officials in {place} said .\nRescue teams searched the rubble .")
_RATE = ("The central bank of {place} raised interest rates on Thursday to cool inflation , "
         "governor {who} said .\nMarkets in {place} fell after the decision .")


def _ecb_rows() -> list[dict[str, Any]]:
    rows = []
    for k in range(3):
        rows.append({"doc_id": f"1_{k}ecb", "topic": 1, "subtopic": "ecb", "event_cluster": "1_ecb",
                     "text": _QUAKE.format(place="Chile", n=10 + k)})
        rows.append({"doc_id": f"2_{k}ecb", "topic": 2, "subtopic": "ecb", "event_cluster": "2_ecb",
                     "text": _RATE.format(place="Brazil", who="Alexandre Tombini")})
    return rows


@pytest.mark.nlp
def test_stories_benchmark_writes_the_contract_json(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    data = _write_jsonl_gz(tmp_path / "docs.jsonl.gz", _ecb_rows())
    out = tmp_path / "out.json"
    assert ecb.main(["--data", str(data), "--json", str(out)]) == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["benchmark"] == "stories"
    assert res["n_docs"] == 6
    assert set(res["metrics"]) == {"b3_f1_event", "b3_f1_topic"}
    assert all(0.0 <= v <= 1.0 for v in res["metrics"].values())
    assert set(res["baselines"]["tfidf_agglomerative"]) == {"b3_f1_event", "b3_f1_topic"}
    assert res["command"].startswith("python bench/stories.py --data")
    assert len(res["details"]["storytrace_shuffled"]["b3_f1_event_runs"]) == 5
    assert {"seconds", "data"} <= set(res)


@pytest.mark.nlp
def test_stream_benchmark_writes_the_contract_json(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    rows = []
    for k in range(4):
        rows.append({"id": f"q/{k}", "topic": "quake", "date": f"2010-03-0{k + 1}",
                     "text": _QUAKE.format(place="Chile", n=k)})
        rows.append({"id": f"r/{k}", "topic": "rates", "date": f"2010-03-0{k + 2}",
                     "text": _RATE.format(place="Brazil", who="Alexandre Tombini")})
    rows.append({"id": "r/empty", "topic": "rates", "date": "2010-03-01", "text": ""})
    _write_jsonl_gz(tmp_path / "articles" / "a.jsonl.gz", rows)
    out = tmp_path / "out.json"
    assert stream.main(["--data", str(tmp_path), "--json", str(out), "--limit", "6"]) == 0
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["benchmark"] == "stream"
    assert res["n_docs"] == 6
    assert set(res["metrics"]) == {"b3_f1"}
    assert set(res["baselines"]) == {"tfidf_agglomerative", "tfidf_onepass"}
    assert res["details"]["first_date"] == "2010-03-01"
