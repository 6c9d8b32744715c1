"""A cheap lookahead of the first characters any match of a pattern must begin with.

A rule's pattern is tried at every position of a text; most positions fail
only after a long alternation. Prefixing the pattern with `(?=[..][..][..])`,
the characters each of its first positions can hold, makes those positions
fail at once and leaves the matches as they were (the lookahead consumes
nothing and holds wherever the pattern can match):

>>> lead(r"\\bnow|right\\s+now")
'(?=[nr][io][gw])'
"""

from __future__ import annotations

import importlib
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # the stdlib's own reading of a pattern
_c: Any = importlib.import_module("re._constants")

# Positions checked. On 150 generated articles the rules took, of their time
# without it: 0.70 with 2, 0.57 with 3, 0.50 with 4, no less with 5.
LEAD_CHARS = 4
MAX_DEPTH = 60  # past this the prefix stops: a pattern that repeats what can be empty

Prefixes = set[tuple[tuple[str, ...], bool]]  # (atoms so far, the sequence goes on after them)

_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    c = chr(code)
    if c.isascii() and c.isalnum():
        return c
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _atom(op: Any, av: Any) -> str | None:
    """The class text of one consumed character, None when it can be any character."""
    if op is _c.LITERAL:
        return _char(av)
    if op is not _c.IN:
        return None
    parts = []
    for iop, iav in av:
        if iop is _c.LITERAL:
            parts.append(_char(iav))
        elif iop is _c.RANGE:
            parts.append(_char(iav[0]) + "-" + _char(iav[1]))
        elif iop is _c.CATEGORY and iav in _CATEGORIES:
            parts.append(_CATEGORIES[iav])
        else:  # NEGATE and what else a class can hold: no cheap test
            return None
    return "".join(parts)


def _item(op: Any, av: Any, k: int, depth: int) -> Prefixes:
    if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
        return {((), True)}
    if op in (_c.LITERAL, _c.IN):
        a = _atom(op, av)
        return {((a,), True)} if a is not None else {((), False)}
    if op is _c.SUBPATTERN:
        return _seq(list(av[3]), k, depth)
    if op is _c.BRANCH:
        return set().union(*(_seq(list(alt), k, depth) for alt in av[1]))
    return {((), False)}


def _seq(items: list[Any], k: int, depth: int = 0) -> Prefixes:
    """The prefixes (of at most k atoms) of what `items` can match."""
    if not items:
        return {((), True)}
    if k == 0 or depth > MAX_DEPTH:
        return {((), False)}
    (op, av), rest = items[0], items[1:]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        # x{lo,hi} is x x{lo-1,hi-1}, or nothing when lo is 0
        lo, hi, sub = av
        out: Prefixes = _seq(rest, k, depth + 1) if lo == 0 else set()
        if hi != 0:
            again = (op, (max(lo - 1, 0), hi if hi is _c.MAXREPEAT else hi - 1, sub))
            out |= _seq([(_c.SUBPATTERN, (None, 0, 0, sub)), again, *rest], k, depth + 1)
        return out
    out = set()
    for t, more in _item(op, av, k, depth + 1):
        if more and len(t) < k:
            out |= {(t + u, m) for u, m in _seq(rest, k - len(t), depth + 1)}
        else:
            out.add((t[:k], False))
    return out


def lead(pattern: str, k: int = LEAD_CHARS) -> str:
    """A lookahead that holds wherever `pattern` can match, '' when there is none to give."""
    prefixes = [t for t, _ in _seq(list(_parser.parse(pattern)), k)]
    n = min((len(t) for t in prefixes), default=0)
    if n == 0:
        return ""
    return "(?=" + "".join("[" + "".join(sorted({t[j] for t in prefixes})) + "]"
                           for j in range(n)) + ")"


def first_letters(pattern: str) -> set[str] | None:
    """The lower-case ASCII letters or digits a match of `pattern` can start with; None
    when it can start with anything else.

    >>> sorted(first_letters(r"(?:earlier|later)\\s+today"))
    ['e', 'l']
    """
    out = set()
    for t, _ in _seq(list(_parser.parse(pattern)), 1):
        if len(t) != 1 or len(t[0]) != 1:
            return None
        out.add(t[0].lower())
    return out


def _not_after_word(items: list[Any]) -> bool:
    """Whether `items` can only match where no word character comes right before."""
    if not items:
        return False
    op, av = items[0]
    if op is _c.SUBPATTERN:
        return _not_after_word(list(av[3]))
    if op is _c.BRANCH:
        return all(_not_after_word(list(alt)) for alt in av[1])
    if op is _c.ASSERT_NOT and av[0] == -1:  # (?<![..\w..]): one character, \w among them
        sub = list(av[1])
        return (len(sub) == 1 and sub[0][0] is _c.IN
                and (_c.CATEGORY, _c.CATEGORY_WORD) in sub[0][1]
                and not any(op is _c.NEGATE for op, _ in sub[0][1]))
    return False


def word_start_only(pattern: str) -> bool:
    """Whether every match of `pattern` starts where no word character precedes.

    Such a rule need only be tried at the start of a word (or of anything else
    not after a word), so it can be run on a list of those places instead of
    at every character of the text.

    >>> word_start_only(r"(?<![\\w$])\\d+|(?<![\\w])now"), word_start_only(r"(?:mid-)?\\d+")
    (True, False)
    >>> word_start_only(r"(?<![^\\w])x")
    False
    """
    return _not_after_word(list(_parser.parse(pattern)))


def first_class(pattern: str) -> str | None:
    """A character class every match of `pattern` starts with, None when there is none.

    >>> first_class(r"(?<!\\w)(?:ab|\\d)c")
    '[\\\\da]'
    """
    prefixes = [t for t, _ in _seq(list(_parser.parse(pattern)), 1)]
    if not prefixes or any(len(t) != 1 for t in prefixes):
        return None
    return "[" + "".join(sorted({t[0] for t in prefixes})) + "]"


def _consumed(items: list[Any], out: list[str | None]) -> None:
    for op, av in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue
        if op in (_c.LITERAL, _c.IN):
            out.append(_atom(op, av))
        elif op is _c.SUBPATTERN:
            _consumed(list(av[3]), out)
        elif op is _c.BRANCH:
            for alt in av[1]:
                _consumed(list(alt), out)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            _consumed(list(av[2]), out)
        else:  # any character, a back reference ...: it may take anything
            out.append(None)


def consumed_class(pattern: str) -> str | None:
    """A class of every character `pattern` can take, None when it may take any.

    >>> consumed_class(r"(?<![\\w,])ab?|\\d")
    '[\\\\dab]'
    """
    out: list[str | None] = []
    _consumed(list(_parser.parse(pattern)), out)
    if not out or any(a is None for a in out):
        return None
    return "[" + "".join(sorted({a for a in out if a})) + "]"


def openings(pattern: str, k: int = LEAD_CHARS) -> str:
    """The first characters a match of `pattern` can have, as an alternation: narrower
    than `lead`, which lets each position hold what any of them holds there.

    >>> openings(r"ab|cd", 2), lead(r"ab|cd", 2)
    ('(?:[a][b]|[c][d])', '(?=[ac][bd])')
    """
    prefixes = sorted({t for t, _ in _seq(list(_parser.parse(pattern)), k)})
    if not prefixes or any(not t for t in prefixes):
        return ""
    return "(?:" + "|".join("".join("[" + a + "]" for a in t) for t in prefixes) + ")"
