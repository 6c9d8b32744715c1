"""The exported headline stance model (storytrace.claims.learned) against scikit-learn,
on made-up headlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.claims import learned, stance

HEADS = ["Quillmark denies   it will buy Pellow mill", "Report: Quillmark to buy Pellow?",
         "Quillmark confirms Pellow deal — 'it's done'", "Ostrander won't sell, sources say",
         "Pellow mill sold to Quillmark", "Is Quillmark buying Pellow? Not so fast"]
CLAIMS = ["Quillmark will buy the Pellow mill"] * 3 + ["Ostrander will sell the mill"] + \
    ["Quillmark will buy the Pellow mill"] * 2
LABELS = ["against", "observing", "for", "against", "for", "against"]


def test_ngrams_match_scikit_learn_analyzers() -> None:
    text = pytest.importorskip("sklearn.feature_extraction.text")
    for h in HEADS:
        assert learned.word_ngrams(h) == text.TfidfVectorizer(
            ngram_range=(1, 2)).build_analyzer()(h)
        assert learned.char_ngrams(h) == text.TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()(h)


def test_exported_weights_give_scikit_learn_scores() -> None:
    pytest.importorskip("sklearn")
    rows = stance.fit_export(CLAIMS, HEADS, LABELS, min_weight=0.0)
    w = learned.Weights(rows)
    assert w.labels == ("against", "for", "observing")
    # the file's rounding aside, the plain scorer learns the training labels back
    assert [w.predict(c, h) for c, h in zip(CLAIMS, HEADS, strict=True)] == LABELS
    p = w.proba(CLAIMS[0], HEADS[0])
    assert sum(p.values()) == pytest.approx(1.0) and max(p, key=p.__getitem__) == "against"


def test_shipped_weights_load_and_read_a_plain_denial() -> None:
    w = learned.weights()
    assert set(w.labels) == {"for", "against", "observing"}
    assert w.predict("Marrowby festival cancelled after storm",
                     "Marrowby festival not cancelled, organisers say it is a hoax") == "against"


def test_a_file_without_classes_is_refused() -> None:
    with pytest.raises(ValueError):
        learned.Weights([["bias", "0", "0", "0"]])


def test_a_headline_on_the_claim_gets_a_stance_and_another_topic_none() -> None:
    import importlib

    from storytrace.claims import cues

    find = importlib.import_module("storytrace.claims.find")
    romance = next(f for f in cues.frames() if f.id == "romance")
    sentence = "Vossberg and Okafor are not romantically involved, a representative said."
    assert find.claim_text(romance) == "are in a romantic relationship"
    assert find.headline_stance("Harbour fares rise again", romance, sentence) is None
    assert find.headline_stance("Vossberg and Okafor deny romance rumors", romance,
                                sentence) == "deny"
    assert find.headline_stance("Are Vossberg and Okafor dating?", romance,
                                sentence) == "speculate"



def test_a_titled_articles_reports_carry_the_headlines_stance(tmp_path: Path) -> None:
    import json

    import storytrace

    rec = {"id": "t1", "published": "2024-03-01", "outlet": "The Test Gazette",
           "title": "Vossberg and Okafor deny romance rumors",
           "text": "A representative for Harriet Vossberg denied that she and Milan Okafor "
                   "are dating."}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    with storytrace.open(tmp_path / "c.db") as corpus:
        corpus.ingest([tmp_path / "a.jsonl"])
        reports = [r for c in corpus.export()["claims"] for r in c["reports"]]
    assert reports and all(r["headline_stance"] == "deny" for r in reports)
    assert reports[0]["stance"] == "deny"  # the sentence's own stance is still the rules'
