"""Claim identity and stance from text alone, for headlines and other short reports
that come without a parse: content words, cue counts, and a greedy grouping."""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence

from storytrace.claims import cues
from storytrace.gazetteer import stopwords

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Cosine of IDF-weighted content words for a text to join a claim's texts; picked
# on the Emergent development side and kept high: a missed merge shows a claim
# twice, a wrong one hides a story.
# B3 F1 on the shared side, one pass: 0.15: 0.766, 0.2: 0.813, 0.25: 0.802, 0.3: 0.763;
# with 4 rounds of refinement: 0.18: 0.803, 0.2: 0.818, 0.22: 0.824, 0.25: 0.804.
SAME_CLAIM = 0.22


def words(text: str) -> list[str]:
    """Lower-case content words, crudely stemmed ("pooping" -> "poop")."""
    stop = stopwords()
    out = []
    for w in _WORD.findall(text.lower().replace("\u2019", "'")):
        w = w.split("'")[0]
        if len(w) < 3 or w in stop:
            continue
        for suf in ("ing", "ed", "es", "s"):
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
        out.append(w)
    return out


def cue_counts(text: str) -> dict[str, int]:
    """How many hedge, speculation, denial and confirmation words a text has."""
    toks = _WORD.findall(text.lower())
    return {name: sum(t in vocab for t in toks) for name, vocab in (
        ("hedge", cues.hedges()), ("speculation", cues.speculation()),
        ("denial", cues.denials()), ("confirmation", cues.confirmations()))}


# Rounds of moving each text to the group it is now most like, after the first pass
# (B3 F1 on the shared side at 0.22: 2 rounds 0.820, 4 rounds 0.824, 6 rounds 0.824).
REFINE = 4


# Days between a text and the nearest text of a group for it to join the group, when
# the texts' days are known: a claim's reports come in a burst (Emergent's shared side:
# half its claims have all reports logged within one day, 90 % within 9 days), and the
# same words weeks away from every report of a claim are most often another claim.
WINDOW = 14.0


def group_texts(texts: Sequence[str], threshold: float = SAME_CLAIM,
                rounds: int = REFINE, days: Sequence[float] | None = None,
                window: float = WINDOW) -> list[int]:
    """A claim number per text: each text joins the group whose centroid it is most like,
    if above `threshold`, else starts its own (one pass, in the order given); then
    `rounds` times each text moves to the centroid it is most like, if above
    `threshold` (an early text that opened a group before the others came).

    With `days` (a day number per text, e.g. days since an epoch) a text joins only a
    group with a text within `window` days of its own."""
    when = list(days) if days is not None else [0.0] * len(texts)
    members: list[list[float]] = []  # each group's days, sorted

    def near(g: int, day: float) -> bool:
        if days is None:
            return True
        ds = members[g]
        k = bisect.bisect_left(ds, day)
        return any(0 <= j < len(ds) and abs(ds[j] - day) <= window for j in (k - 1, k))

    docs = [Counter(words(t)) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    vecs = []
    for d in docs:
        v = {w: (1 + math.log(c)) * idf[w] for w, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    cents: list[dict[str, float]] = []
    sizes: list[int] = []
    index: dict[str, set[int]] = {}
    out = []
    for v, day in zip(vecs, when, strict=True):
        cand = set().union(*(index.get(w, set()) for w in v)) if v else set()
        best, score = -1, threshold
        for g in cand:
            if not near(g, day):
                continue
            c = cents[g]
            norm = math.sqrt(sum(x * x for x in c.values())) or 1.0
            s = sum(x * c.get(w, 0.0) for w, x in v.items()) / norm
            if s >= score:
                best, score = g, s
        if best < 0:
            cents.append(dict(v))
            sizes.append(1)
            members.append([])
            best = len(cents) - 1
        else:
            c = cents[best]
            for w, x in v.items():
                c[w] = c.get(w, 0.0) + x
            sizes[best] += 1
        for w in v:
            index.setdefault(w, set()).add(best)
        bisect.insort(members[best], day)
        out.append(best)
    for _ in range(rounds):
        norms = [math.sqrt(sum(x * x for x in c.values())) or 1.0 for c in cents]
        moved = []
        for i, v in enumerate(vecs):
            cand = set().union(*(index.get(w, set()) for w in v)) if v else set()
            best, score = out[i], threshold
            for g in sorted(cand):
                if g != out[i] and not near(g, when[i]):
                    continue
                s = sum(x * cents[g].get(w, 0.0) for w, x in v.items()) / norms[g]
                if s > score:
                    best, score = g, s
            moved.append(best)
        out = moved
        cents = [{} for _ in cents]
        members = [[] for _ in cents]
        for g, day in zip(out, when, strict=True):
            bisect.insort(members[g], day)
        index = {}
        for v, g in zip(vecs, out, strict=True):
            for w, x in v.items():
                cents[g][w] = cents[g].get(w, 0.0) + x
                index.setdefault(w, set()).add(g)
    # number the groups in order of first appearance
    order: dict[int, int] = {}
    return [order.setdefault(g, len(order)) for g in out]
