"""The synthetic corpus generator: deterministic, well-formed, clustered, ingestible."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

import storytrace
from storytrace import synth

FIELDS = {"id", "url", "published", "outlet", "title", "text"}


def _story(rec: dict[str, str]) -> str:
    # The url path is /YYYY/MM/DD/<story key>/<id>.
    return rec["url"].split("/")[-2]


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    assert list(synth.generate(12, seed=7)) == list(synth.generate(12, seed=7))
    assert list(synth.generate(12, seed=7)) != list(synth.generate(12, seed=8))


def test_count_and_fields() -> None:
    recs = list(synth.generate(25, seed=1))
    assert len(recs) == 25
    assert list(synth.generate(0)) == []
    assert len({r["id"] for r in recs}) == 25
    for r in recs:
        assert set(r) == FIELDS
        assert all(isinstance(v, str) and v for v in r.values())
        dt.date.fromisoformat(r["published"])
        paras = r["text"].split("\n\n")
        assert len(paras) > 5 and all(p.strip() for p in paras)
        assert 300 <= len(r["text"].split()) <= 750


def test_articles_cluster_into_stories() -> None:
    recs = list(synth.generate(40, seed=2, stories=4))
    by_story = Counter(_story(r) for r in recs)
    assert len(by_story) == 4
    assert by_story.most_common(1)[0][1] >= 10


def test_paragraphs_recur_within_a_story() -> None:
    seen: defaultdict[str, set[str]] = defaultdict(set)  # paragraph -> stories printing it
    counts: Counter[str] = Counter()
    for r in synth.generate(30, seed=3):
        for p in set(r["text"].split("\n\n")):
            counts[p] += 1
            seen[p].add(_story(r))
    recurring = [p for p, c in counts.items() if c > 1 and len(p.split()) > 20]
    assert len(recurring) >= 5
    # A reprinted paragraph stays inside its story.
    assert all(len(seen[p]) == 1 for p in recurring)


def test_quotes_anonymous_sources_and_furniture_present() -> None:
    text = "\n\n".join(r["text"] for r in synth.generate(40, seed=4))
    assert '," said ' in text and " told " in text
    assert "anonymity" in text or "not to be named" in text
    assert "contributed to this report." in text
    assert "CLICK HERE TO SUBSCRIBE TO THE NEWSLETTER" in text or "newsletter" in text


def test_write_jsonl_ingests_cleanly(tmp_path: Path) -> None:
    path = synth.write_jsonl(tmp_path / "a.jsonl", 30, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and all(set(json.loads(ln)) == FIELDS for ln in lines)
    with storytrace.open(tmp_path / "s.db") as st:
        report = st.ingest([path], parse=False)
    assert len(report.added) == 30
    assert report.errors == []
