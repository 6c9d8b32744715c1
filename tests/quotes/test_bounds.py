"""Boundary candidates of reported statements and the model's choice among them."""

from typing import Any

from storytrace.quotes import bounds


def _cands(nlp: Any, text: str, clause: str) -> tuple[Any, list[tuple[int, int, list[str]]]]:
    doc = nlp(text)
    cue = next(t for t in doc if t.lemma_ == "say")
    s = doc.char_span(text.index(clause), text.index(clause) + len(clause))
    assert s is not None
    return doc, bounds.candidates(doc, cue, s.start, s.end, (0, len(doc)))


def test_candidates_start_with_the_rules_span_and_offer_the_sentence_end(nlp: Any) -> None:
    text = "Brekke said the fares would fall, which pleased the council."
    doc, cands = _cands(nlp, text, "the fares would fall")
    assert doc[cands[0][0]:cands[0][1]].text == "the fares would fall"
    spans = {doc[s:e].text for s, e, _ in cands}
    assert "the fares would fall, which pleased the council" in spans
    assert all("cue=before" in f for _, _, f in cands)


def test_that_is_offered_both_ways(nlp: Any) -> None:
    text = "Brekke said that the fares would fall."
    doc, cands = _cands(nlp, text, "that the fares would fall")
    spans = {doc[s:e].text for s, e, _ in cands}
    assert {"that the fares would fall", "the fares would fall"} <= spans


def test_choose_takes_the_best_scoring_candidate(nlp: Any, monkeypatch: Any) -> None:
    text = "Brekke said the fares would fall, which pleased the council."
    doc, _ = _cands(nlp, text, "the fares would fall")
    cue = doc[1]
    lo, hi = 2, 6
    monkeypatch.setattr(bounds, "model", lambda: {"e=sent": 5.0})
    s, e = bounds.choose(doc, cue, lo, hi, (0, len(doc)))
    assert doc[s:e].text == "the fares would fall, which pleased the council"
    monkeypatch.setattr(bounds, "model", lambda: {"e=rule": 5.0, "s=rule": 5.0})
    assert bounds.choose(doc, cue, lo, hi, (0, len(doc))) == (lo, hi)


def _spans(nlp: Any, text: str, clause: str, lemma: str) -> set[str]:
    doc = nlp(text)
    cue = next(t for t in doc if t.lemma_ == lemma)
    s = doc.char_span(text.index(clause), text.index(clause) + len(clause))
    assert s is not None
    return {doc[a:b].text for a, b, _ in bounds.candidates(doc, cue, s.start, s.end,
                                                           (0, len(doc)))}


def test_the_full_stop_and_a_cut_before_the_setting_are_offered(nlp: Any) -> None:
    spans = _spans(nlp, "Brekke said the fares would fall on Friday.",
                   "the fares would fall on Friday", "say")
    assert {"the fares would fall on Friday.", "the fares would fall"} <= spans


def test_the_complement_without_the_one_addressed_is_offered(nlp: Any) -> None:
    spans = _spans(nlp, "Brekke urged the council to cut the fares.",
                   "the council to cut the fares", "urge")
    assert "to cut the fares" in spans
