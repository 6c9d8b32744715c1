import datetime as dt
import platform
import subprocess
import sys
import uuid
from typing import Any

import pytest

from storytrace import nlp
from storytrace.models import Article, Paragraph


def test_model_loads_once(nlp: Any) -> None:
    from storytrace import nlp as layer

    assert layer.load() is nlp
    assert layer.load_count == 1
    assert nlp.lang == "en" and "parser" in nlp.pipe_names


def test_sentences_are_offsets_inside_body_paragraphs(nlp: Any) -> None:
    paras = [
        Paragraph(0, 1, "Listen to this article!", "promo"),
        Paragraph(1, 3, "The board met on Monday. It voted to wait."),
        Paragraph(2, 5, "CAPTION TEXT", "caption"),
        Paragraph(3, 7, "\u201cWe need time,\u201d the chair said."),
    ]
    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=paras)
    (parsed,) = nlp_parse([a])
    sents = parsed.sentences()
    assert {i for i, _, _ in sents} == {1, 3}
    spans = [a.paragraphs[i].text[s:e] for i, s, e in sents]
    assert spans == ["The board met on Monday.", "It voted to wait.",
                     "\u201cWe need time,\u201d the chair said."]


def nlp_parse(articles: list[Article]) -> list[nlp.ParsedArticle]:
    return list(nlp.parse(articles))


def test_char_span_and_text_agree_with_spacy(nlp: Any) -> None:
    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=[
        (1, "The board met on Monday.  It voted, 5-2, to wait."), (2, "Then it left.")])
    (parsed,) = nlp_parse([a])
    assert parsed.text == parsed.doc.text
    assert parsed.token_texts == [t.text for t in parsed.doc]
    assert parsed.token_lowers == [t.lower_ for t in parsed.doc]
    assert parsed.token_idx == [t.idx for t in parsed.doc]
    n = len(parsed.text)
    for start in range(-1, n + 1):
        for end in range(start - 1, min(n, start + 12) + 2):
            for mode in ("expand", "contract"):
                span = parsed.doc.char_span(start, end, alignment_mode=mode) \
                    if start < end else None
                want = None if span is None else (span.start, span.end)
                got = parsed.char_span(start, end, mode) if start < end else None
                assert got == want, (start, end, mode)
                if span is not None:
                    assert parsed.span_text(*got) == span.text


def test_newlines_tell_line_breaks_between_tokens(nlp: Any) -> None:
    from storytrace.quotes.find import _breaks

    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=[
        (1, "The board met.\nIt voted."), (2, "Then it left.")])
    (parsed,) = nlp_parse([a])
    n = len(parsed.doc)
    assert parsed.newlines[-1] == 2  # the line break and the paragraphs' joiner
    for lo in range(n + 1):
        for hi in range(lo, n + 1):
            assert _breaks(parsed.doc, lo, hi, parsed.newlines) == _breaks(parsed.doc, lo, hi)


def test_strings_survive_a_clear_between_filling_and_reading(monkeypatch: Any) -> None:
    # The dict of string ids is shared by the process's threads (a Dask worker
    # of several threads): one at the cap clears it while another fills it.
    monkeypatch.setattr(nlp, "_STRINGS", {})

    class Store:
        def __getitem__(self, h: int) -> str:
            if h == 3:
                nlp._STRINGS.clear()  # as another thread at the cap does
            return f"w{h}"

    assert nlp._strings(Store(), [1, 2, 3, 1]) == ["w1", "w2", "w3", "w1"]


def test_strings_kept_stay_under_the_cap(monkeypatch: Any) -> None:
    monkeypatch.setattr(nlp, "_STRINGS", {})
    monkeypatch.setattr(nlp, "_STRINGS_KEPT", 100)

    class Store:
        def __getitem__(self, h: int) -> str:
            return str(h)

    for i in range(1000):  # a long run meeting new words all the time
        ids = list(range(i * 30, i * 30 + 30))
        assert nlp._strings(Store(), ids) == [str(h) for h in ids]
        assert len(nlp._STRINGS) <= 100 + 30


def test_span_text_slices_as_the_doc_does(nlp: Any) -> None:
    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=[
        (1, " The board met.  It voted "), (2, "Then it left.")])
    (parsed,) = nlp_parse([a])
    n = len(parsed.doc)
    for first in range(-n - 2, n + 3):
        for end in range(-n - 2, n + 3):
            assert parsed.span_text(first, end) == parsed.doc[first:end].text, (first, end)


def test_char_span_of_empty_and_reversed_ranges_as_spacy(nlp: Any) -> None:
    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=[
        (1, "The board met.  It voted "), (2, "Then it left.")])
    (parsed,) = nlp_parse([a])
    n = len(parsed.text)
    for start in range(-1, n + 2):
        for end in range(start - 3, start + 1):  # empty or reversed: spaCy's own answer
            for mode in ("expand", "contract"):
                try:
                    span = parsed.doc.char_span(start, end, alignment_mode=mode)
                    want: object = None if span is None else (span.start, span.end)
                except Exception as e:
                    want = type(e)
                try:
                    got: object = parsed.char_span(start, end, mode)
                except Exception as e:
                    got = type(e)
                assert got == want, (start, end, mode)


def test_transient_words_forgets_only_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below nlp.STRINGS_KEPT new words stay known (they parse faster next time);
    past it a block's new words are forgotten at its end."""
    strings = nlp.load().vocab.strings
    kept, dropped = (f"Zq{uuid.uuid4().hex[:12]}" for _ in range(2))
    with nlp.transient_words():
        list(nlp.load().pipe([f"The {kept} sailed."]))
    monkeypatch.setattr(nlp, "STRINGS_KEPT", len(strings))
    with nlp.transient_words():
        list(nlp.load().pipe([f"The {dropped} sailed."]))
        assert dropped in strings
    assert kept in strings and dropped not in strings


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_tune_malloc_says_whether_glibc_took_the_settings() -> None:
    # in a process of its own: the settings would stay in this one
    code = ("from storytrace import nlp\n"
            "print(nlp.tune_malloc())\n"
            "nlp.MALLOC_SETTINGS = {1: 2**20}  # refused: fast bins above glibc's largest\n"
            "print(nlp.tune_malloc())\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["True", "False"], r.stderr


def test_importing_the_package_leaves_numpy_unloaded() -> None:
    """So the console script can set numpy's BLAS threads before it loads."""
    r = subprocess.run([sys.executable, "-c", "import sys, storytrace\n"
                        "assert storytrace.Settings\n"
                        "print('numpy' in sys.modules)"],
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "False", r.stderr
