"""Cue spans: the words of a quotation's or statement's cue, as PolNeAR marks them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storytrace.quotes.find import _Doc

# Words right before a cue that PolNeAR counts in it: "has said", "is calling",
# "also noted", "will tell", "did not say".
CUE_LEFT_DEPS = frozenset(("aux", "auxpass", "neg", "advmod"))
# Links climbed from a cue to the verb it goes on from, and how many at most.
CUE_CLIMB_DEPS = frozenset(("xcomp", "pcomp", "prep", "acomp"))
CUE_CLIMB_STEPS = 3
# Verbs a cue goes on from in a "to" clause the parse makes adverbial: "went on to say".
CUE_GO_ON = frozenset(("go", "continue", "move", "proceed"))
# At most this many words from the verb a cue goes on from to the cue itself.
CUE_CLIMB_TOKENS = 6
# Speech verbs whose object is the one spoken to: "told CNN", "warned voters".
ADDRESSEE_VERBS = frozenset(("tell", "warn", "inform", "assure", "remind", "notify", "advise",
                             "brief"))
# At most this many words between a cue and its content run the cue on.
CUE_REACH_TOKENS = 8
# What ends a cue run on before its content: punctuation, quotation marks.
CUE_STOPS = frozenset((",", ";", ":", "(", ")", "—", "–", "-", "--", "“", "\"", "”", "‘", "'"))


def cue_span(d: _Doc, cue: Any, quote_start: int, end: int = 0, reach: bool = False
             ) -> list[Any]:
    """[para, start, end] of the cue's words: "according to", "said:" before its quote;
    `end` is a token the cue runs to at least ("called for"). With `reach`, the cue
    runs on to what it introduces, as PolNeAR's cues do: "said Friday that …",
    "called for …", "went on to say that …" (not "told CNN that …": an addressee
    is no part of the cue)."""
    end = max(end, cue.i + 1)
    doc = d.tokens  # the article's tokens, made once (`doc[k]` makes one per call)
    if cue.lower_ == "according" and end < len(doc) and doc[end].lower_ == "to":
        end += 1
    if reach and cue.idx < quote_start and cue.lemma_.lower() not in ADDRESSEE_VERBS:
        end = _reach(cue, end, quote_start, doc)
    if end < len(doc) and doc[end].text == ":" and doc[end].idx < quote_start:
        end += 1
    verb = _cue_verb(cue) if reach else cue
    first = verb
    while first.i > 0:  # "has also said", "is calling": the words that go with the verb
        prev = doc[first.i - 1]
        if prev.dep_ not in CUE_LEFT_DEPS or verb.i not in (
                prev.head.i, prev.head.head.i if prev.head.dep_ in CUE_LEFT_DEPS else -1):
            break  # "is once again questioning": "once" goes with "again"
        first = prev
    para, off = d.locate(first.idx)
    last = doc[end - 1]
    return [para, off, off + (last.idx + len(last.text) - first.idx)]


def _cue_verb(cue: Any) -> Any:
    """The verb a cue goes on from, which PolNeAR's cue starts with: "went on [to say]",
    "stopped short of [calling]", "issued a statement [calling]"; the cue if none."""
    node = cue
    for _ in range(CUE_CLIMB_STEPS):
        head = node.head
        if node.dep_ == "acl" and head.dep_ in ("dobj", "attr") and head.head.pos_ == "VERB":
            head = head.head  # "filed legal papers opposing"
        elif node.dep_ not in CUE_CLIMB_DEPS and not (
                node.dep_ == "advcl" and head.lemma_.lower() in CUE_GO_ON
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)):
            break  # "went on [to explain]" is parsed as a clause of its own
        if not (0 < cue.i - head.i <= CUE_CLIMB_TOKENS) or any(
                t.is_punct for t in cue.doc[head.i + 1:cue.i]):
            break
        node = head
    while node.i < cue.i and node.pos_ not in ("VERB", "AUX"):
        node = cue.doc[node.i + 1]  # start at a verb: "[was] able to brag", not "short of"
    return node


def _reach(cue: Any, end: int, content_start: int, tokens: Sequence[Any] | None = None
           ) -> int:
    """The end token of a cue run on over a date ("said Friday"), a particle ("pointed
    out") or the preposition its content hangs on ("called for", "pointed to"); `end`
    when other words lie between the cue and its content. A verb the cue goes on
    with goes too: "tried to convince", "continued to call for". `tokens` are the
    doc's tokens made once, when at hand."""
    doc = cue.doc if tokens is None else tokens
    heads = {cue.i}
    k = end
    while k < len(doc) and doc[k].idx < content_start and k - end < CUE_REACH_TOKENS:
        t = doc[k]
        if (t.ent_type_ in ("DATE", "TIME") and t.dep_ not in ("nsubj", "nsubjpass")) \
                or t.dep_ == "prt" or (t.dep_ == "prep" and all(
                    c.idx >= content_start for c in t.children)):
            k += 1
            continue
        if (t.dep_ == "xcomp" and t.head.i in heads) or (
                t.dep_ == "aux" and t.head.dep_ == "xcomp" and t.head.head.i in heads):
            heads.add(t.i if t.dep_ == "xcomp" else t.head.i)
            k += 1
            continue
        break
    for j in range(k, len(doc)):
        t = doc[j]
        if t.idx >= content_start:
            break
        if not (t.text in CUE_STOPS or t.dep_ == "mark" or t.is_space):
            return end  # other words before the content: not the cue's
    return k
