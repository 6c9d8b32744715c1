"""The batch path (bucket_rows -> bucket_links -> top_candidates, split in partitions)
gives the single-process LSH's candidates, tie-breaks and all."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import storytrace
from storytrace import synth
from storytrace.clean import clean
from storytrace.models import Article
from storytrace.reuse import (
    EARLIEST,
    MAX_CANDIDATES,
    PREVIOUS,
    Frame,
    Spans,
    _candidates,
    _collect,
    bucket_links,
    bucket_rows,
    find,
    order_key,
    relink,
    top_candidates,
)
from tests.conftest import SAMPLE

Arts = list[tuple[Article, Spans]]
Cands = dict[tuple[str, int], list[tuple[str, int]]]


def single(arts: Arts) -> Cands:
    c = _collect(arts)
    art = np.frombuffer(c.art_of, dtype=np.int32).astype(np.int64)
    got = _candidates(c.units, art, len(c.keys))
    return {c.keys[t]: [c.keys[f] for f in fs] for t, fs in got.items()}


def concat(frames: list[Frame]) -> Frame:
    return {c: np.concatenate([f[c] for f in frames]) for c in frames[0]}


def split(frame: Frame, by: np.ndarray[Any, Any], parts: int) -> list[Frame]:
    """Rows of one `by` value always in the same part, as a shuffle on it leaves them."""
    _, group = np.unique(by, return_inverse=True)
    part = (group.reshape(-1) * 7919) % parts
    return [{c: v[part == p] for c, v in frame.items()} for p in range(parts)]


def batched(arts: Arts, parts: int, seed: int = 0) -> Cands:
    """The batch pipeline without Dask: partitions of articles in shuffled order, rows
    shuffled on `key`, links on `to_article`."""
    shuffled = arts[:]
    random.Random(seed).shuffle(shuffled)
    rows = concat([bucket_rows(shuffled[p::parts]) for p in range(parts)])
    links = concat([bucket_links(f) for f in split(rows, rows["key"], parts)])
    tops = [top_candidates(f) for f in split(links, links["to_article"], parts)]
    out: Cands = {}
    for top in tops:
        for ta, tp, fa, fp in zip(top["to_article"], top["to_para"], top["from_article"],
                                  top["from_para"], strict=True):
            out.setdefault((ta, int(tp)), []).append((fa, int(fp)))
    return out


def check(arts: Arts) -> Cands:
    assert arts == sorted(arts, key=lambda x: order_key(x[0])), "store order expected"
    want = single(arts)
    assert want, "no candidates at all: the corpus proves nothing"
    for parts in (1, 3, 5):
        assert batched(arts, parts, seed=parts) == want
    pairs, novelty = find(arts)
    top = top_candidates(bucket_links(bucket_rows(arts)))
    assert find(arts, candidates=top) == (pairs, novelty)
    assert find(arts, candidates=want) == (pairs, novelty)
    return want


def stored(tmp_path: Path, inputs: list[Path], parse: bool) -> Arts:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest(inputs, parse=parse)
        return [(a, st.store.sentences(a.id)) for a in st.articles()]


def test_sample_corpus(tmp_path: Path) -> None:
    check(stored(tmp_path, [SAMPLE], parse=False))


def test_relink_verifies_a_batch_runs_candidates(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([SAMPLE], parse=False)
        arts = [(a, st.store.sentences(a.id)) for a in st.articles()]
        top = top_candidates(bucket_links(bucket_rows(arts)))
        with st.store.transaction():
            pairs = relink(st.store)
            assert pairs and relink(st.store, top) == pairs


@pytest.mark.shared
@pytest.mark.nlp
def test_seeds_with_their_parse(seeds_dir: Path, tmp_path: Path) -> None:
    arts = stored(tmp_path, [seeds_dir], parse=True)
    assert any(spans for _, spans in arts)
    check(arts)


def test_synthetic_corpus_with_full_buckets_and_candidate_lists() -> None:
    arts: list[Article] = []
    for rec in synth.generate(120, seed=3):
        arts.append(clean(Article.build(
            source=rec["id"], published=dt.date.fromisoformat(rec["published"]),
            paragraphs=[(i + 1, t) for i, t in enumerate(rec["text"].split("\n\n"))])))
    arts.sort(key=order_key)
    want = check([(a, []) for a in arts])
    # the caps and tie-breaks are exercised: full candidate lists, crowded buckets
    assert max(len(v) for v in want.values()) == MAX_CANDIDATES
    rows = bucket_rows([(a, []) for a in arts])
    _, size = np.unique(rows["key"], return_counts=True)
    assert size.max() > EARLIEST + PREVIOUS + 1


def test_empty_and_unknown() -> None:
    empty = bucket_rows([])
    assert empty["key"].dtype == np.uint64 and len(empty["key"]) == 0
    assert len(top_candidates(bucket_links(empty))["to_article"]) == 0
    a = Article.build(source="a.txt", published=dt.date(2025, 3, 1),
                      paragraphs=[(1, "The harbour board voted to keep the ferry running.")])
    with pytest.raises(ValueError, match="pass find"):
        find([(a, [])], candidates={(a.id, 0): [("elsewhere", 0)]})


def test_pandas_and_arrow_tables_in_and_out(tmp_path: Path) -> None:
    """What a Dask partition and a Parquet file hand over (arrow-backed strings)."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    arts = stored(tmp_path, [SAMPLE], parse=False)
    rows = pd.DataFrame(bucket_rows(arts))
    links = pd.DataFrame(bucket_links(rows))
    top = pd.DataFrame(top_candidates(links))
    assert len(top) and top.equals(pd.DataFrame(top_candidates(bucket_links(bucket_rows(arts)))))
    want = find(arts)
    assert find(arts, candidates=top) == want
    assert find(arts, candidates=pa.Table.from_pandas(top, preserve_index=False)) == want
