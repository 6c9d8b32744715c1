"""Name strings: normal forms for matching, and the short forms a full name goes by."""

from __future__ import annotations

import functools
import re

from storytrace.gazetteer import data_lines

# Lower-case name particles that belong to the surname ("de Armas", "van Gogh").
PARTICLES = frozenset({"de", "da", "di", "del", "della", "van", "von", "der", "den", "le", "la",
                       "du", "dos", "das", "bin", "al", "el", "ibn", "ter", "ten", "st."})
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u00a0": " "})
# Names met recently; an article asks for the key of the same few spans many times.
NORM_CACHE = 1 << 16
_POSSESSIVE = re.compile(r"(?:'s|'|’s|’)$")


_PAIRS = tuple((chr(k), str(v)) for k, v in _TRANS.items())


def ascii_punct(s: str) -> str:
    """Curly quotes and dashes to ASCII, so variants of one title compare equal.

    The same as `s.translate(_TRANS)`, ten times quicker: each character maps to
    one ASCII character, so replacing them one kind after another gives the same;
    an ASCII string (Python knows it is) has none of them.

    >>> ascii_punct("It’s — now")
    "It's - now"
    """
    if s.isascii():
        return s
    for a, b in _PAIRS:
        s = s.replace(a, b)
    return s


@functools.lru_cache(maxsize=NORM_CACHE)
def norm(s: str) -> str:
    """The matching key of a name: ASCII punctuation, case-folded, no leading 'the'.

    >>> norm("The  Mission: Impossible — The Final Reckoning")
    'mission: impossible - the final reckoning'
    """
    s = " ".join(ascii_punct(s).split()).casefold()
    s = re.sub(r"^the\s+", "", s)
    return s.strip(" \"'.,;:")


def strip_possessive(s: str) -> str:
    """'Cruise's' -> 'Cruise'; "de Armas'" -> 'de Armas'."""
    return _POSSESSIVE.sub("", s.strip())


@functools.cache
def titles() -> frozenset[str]:
    return frozenset(data_lines("titles.txt"))


def split_title(name: str) -> tuple[str, str]:
    """('Mayor', 'Helen Marchetti') from 'Mayor Helen Marchetti'; ('', name) if untitled."""
    words = name.split()
    for n in (2, 1):
        if len(words) > n + 1 and " ".join(words[:n]) in titles():
            return " ".join(words[:n]), " ".join(words[n:])
    return "", name


def short_forms(full: str) -> tuple[str | None, list[str]]:
    """First name and surname forms of a full personal name.

    >>> short_forms("Ana de Armas")
    ('Ana', ['de Armas', 'De Armas'])
    >>> short_forms("Manuel Anido Cuesta")
    ('Manuel', ['Cuesta', 'Anido Cuesta'])
    """
    words = [w for w in full.split() if w.lower() not in SUFFIXES]
    if len(words) < 2:
        return None, []
    first = words[0] if len(words[0].rstrip(".")) > 1 else None
    for i, w in enumerate(words[1:], 1):
        if w.lower() in PARTICLES:
            surname = " ".join(words[i:])
            return first, [surname, surname[0].upper() + surname[1:]]
    surnames = [words[-1]]
    if len(words) >= 3 and words[-2][:1].isupper() and len(words[-2]) > 2:
        surnames.append(" ".join(words[-2:]))
    return first, surnames


def is_person_like(text: str) -> bool:
    """Two to four capitalised words, particles allowed: the shape of a personal name."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    caps = [w for w in words if w.lower() not in PARTICLES]
    return len(caps) >= 2 and all((w[:1].isupper() and w[1:2] != w[1:2].upper()) or len(w) == 2
                                  for w in caps)
