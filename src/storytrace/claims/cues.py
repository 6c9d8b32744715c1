"""The claim stage's vocabularies, read once from the data files (see data/README.md)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from storytrace.gazetteer import data_lines


@dataclass(frozen=True)
class Phrase:
    """A word sequence of a frame; `pos` constrains a one-word phrase to a part of speech."""

    words: tuple[str, ...]
    pos: str = ""


@dataclass(frozen=True)
class Frame:
    """A kind of state of affairs ("romance", "acquisition") and how texts word it."""

    id: str
    template: str
    phrases: tuple[Phrase, ...]
    contrast: frozenset[str]
    opposite: tuple[Phrase, ...]
    about: str = "org"  # pair | person | org

    @property
    def pair(self) -> bool:
        """A frame about two people together: a report must name two, else the text
        around supplies them ("the pair", "they")."""
        return self.about == "pair"

    @property
    def types(self) -> frozenset[str]:
        """Entity types that are the frame's participants."""
        if self.about == "org":
            return frozenset({"ORG", "PLACE"})
        return frozenset({"PERSON", "WORK"})


def _phrases(cell: str) -> tuple[Phrase, ...]:
    out = []
    for p in cell.split("|"):
        p = p.strip()
        if not p:
            continue
        text, _, pos = p.partition(":")
        out.append(Phrase(tuple(text.split()), pos))
    return tuple(out)


@functools.cache
def frames() -> tuple[Frame, ...]:
    rows = [ln.split("\t") for ln in data_lines("claim_frames.tsv")][1:]
    out = []
    for r in rows:
        r = r + [""] * (6 - len(r))
        out.append(Frame(r[0], r[1], _phrases(r[2]),
                         frozenset(w.strip() for w in r[3].split("|") if w.strip()),
                         _phrases(r[4]), r[5] or "org"))
    return tuple(out)


@functools.cache
def words(name: str) -> frozenset[str]:
    """One-word entries of a cue list (lower case)."""
    return frozenset(w for w in data_lines(name) if " " not in w)


@functools.cache
def phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """Multi-word entries of a cue list, as word tuples."""
    return tuple(tuple(w.split()) for w in data_lines(name) if " " in w)


def hedges() -> frozenset[str]:
    return words("claim_hedges.txt")


def speculation() -> frozenset[str]:
    return words("claim_speculation.txt")


def denials() -> frozenset[str]:
    return words("claim_denials.txt")


def confirmations() -> frozenset[str]:
    return words("claim_confirmation.txt")


def exclusives() -> frozenset[str]:
    return words("claim_exclusives.txt")


@functools.cache
def evidence() -> dict[str, str]:
    rows = [ln.split("\t") for ln in data_lines("claim_evidence.tsv")][1:]
    return {r[0]: r[1] for r in rows if len(r) >= 2}


@functools.cache
def anonymous_heads() -> frozenset[str]:
    return frozenset(data_lines("anonymous_sources.txt"))


@functools.cache
def report_verbs() -> frozenset[str]:
    """Verbs whose subject is the source of what their clause says."""
    base = set(data_lines("report_verbs.txt")) | set(data_lines("speech_verbs.txt"))
    return frozenset(base | {"claim", "insist", "deny", "confirm", "announce", "reject",
                             "dismiss", "suggest", "believe", "think", "rule", "argue",
                             "maintain", "allege", "reveal", "share", "warn"})
