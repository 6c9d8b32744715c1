"""Per-article claim reports: sentences that assert, deny, hedge or speculate about a
state of affairs of `data/claim_frames.tsv`, with the stance, the source's phrase and
the people, works and organisations the state of affairs is about.

Everything is read off the spaCy parse of the sentence, along the path from the
frame's phrase up to the sentence root: a denial verb or a negation on that
path denies ("denied that the city is negotiating to sell", "were not
romantically involved"), unless a verb that forbids cancels it ("barring any
sale without a public vote" wants the vote); a speculation word on it speculates ("fueling
speculation that they were romantically involved"); a confirmation word
supports, and a hedge with it makes the support apparent ("seems to confirm");
the subject of the nearest reporting verb on the path, or "according to X", is
the source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from storytrace.claims import cues, learned
from storytrace.claims.text import words
from storytrace.gazetteer import tsv_rows
from storytrace.nlp import ParsedArticle, plain

# A contrast word counts as a denial when it follows an exclusive word within
# this many tokens: "strictly professional", "just talking about a possible project".
CONTRAST_WINDOW = 6
_GROUP_WORDS = frozenset({"pair", "duo", "couple", "two", "they", "both", "trio", "lovebirds"})
_VENUE = re.compile(r"\b(?:told|tells|telling|to|with|according to|by|in|on)\s+(?:the\s+)?[\"“‘]?$",
                    re.IGNORECASE)
_CREDIT = re.compile(r"\s*according\s*to", re.IGNORECASE)
_QUANTITY_NEXT = frozenset({"of", "other", "more", "days", "weeks", "months", "years", "times",
                            "hours", "minutes"})
_NEG_WORDS = frozenset({"not", "n't", "never", "no", "nobody", "none", "without", "neither",
                        "nor", "nothing"})
# Dependency relations through which a denial verb denies the clause below it
# ("denied that ...", "rejected suggestions that ..."); "refused to block the
# sale" (xcomp) and "denied X, ruling that ..." (advcl) do not.
_DENY_DEPS = frozenset({"ccomp", "dobj", "nsubjpass", "nsubj", "pobj", "attr", "prep"})
PERSONISH = frozenset({"PERSON"})
# Whether a report sentence no cue word decides gets its stance from the headline
# model (claims.learned) instead of the rules' default, support.
LEARNED = False
# Verbs that forbid what their object names: "barring any sale without a public vote"
# asks for the vote (two negations), it does not deny it.
_FORBID = frozenset({"bar", "ban", "block", "forbid", "prohibit", "prevent", "stop", "outlaw",
                     "veto", "halt"})
# Prepositions of the setting of an event, not of its parties ("at the Harbour Road café").
_SETTING_PREPS = frozenset({"at", "in", "on", "near", "during", "after", "before", "since",
                            "outside", "inside", "across"})


@dataclass
class LocalReport:
    """One claim report as the article prints it; offsets within its paragraph."""

    para: int
    start: int  # the sentence
    end: int
    text: str
    frame: str
    trigger: str
    trig_start: int
    trig_end: int
    stance: str  # support | deny | speculate | neutral
    apparent: bool = False  # a hedged confirmation: "seems to confirm"
    hedged: bool = False
    source_kind: str = "article"  # named | anonymous | article
    source_text: str | None = None
    source_key: str | None = None  # local entity key of the source, if any
    via: str | None = None
    via_key: str | None = None
    evidence: str = "report"  # sighting | document | insider | statement | report
    participants: list[str] = field(default_factory=list)  # local entity keys
    work: str | None = None  # local key of a WORK entity
    from_context: bool = False  # participants taken from the sentences before
    background: bool = False  # about the past ("once ruled out a sale")
    embedded: bool = False  # the suggestion a denial rejects
    anaphoric: bool = False  # "the sale", "the deal": a state of affairs named before
    roles: dict[str, str] = field(default_factory=dict)  # seller/buyer -> local entity key
    theme: str | None = None  # what changes hands: "Greyholm ferry line"
    # the article's headline toward the claim, by the headline model (claims.learned),
    # when the headline shares a content word with the report: support | deny | speculate
    headline_stance: str | None = None


def _match(tokens: list[Any], lows: list[str], phrase: cues.Phrase, i: int) -> bool:
    n = len(phrase.words)
    if i + n > len(tokens):
        return False
    if lows[i:i + n] != list(phrase.words):
        return False
    if n == 1:
        t = tokens[i]
        if phrase.pos and t.pos_ != phrase.pos:
            return False
        nxt = tokens[i + 1].lower_ if i + 1 < len(tokens) else ""
        if nxt in _QUANTITY_NEXT or t.dep_ in ("nummod", "quantmod"):
            return False
    return True


def _depth(t: Any) -> int:
    n = 0
    while t.head.i != t.i and n < 40:
        t, n = t.head, n + 1
    return n


def _head(tokens: list[Any], i0: int, i1: int) -> Any:
    inside = {t.i for t in tokens[i0:i1]}
    return next((t for t in tokens[i0:i1] if t.head.i not in inside or t.head.i == t.i),
                tokens[i0])


@functools.cache
def _phrase_index() -> dict[str, list[tuple[int, str, cues.Phrase]]]:
    """Every frame's phrases and opposites by their first word, with the frame's place."""
    index: dict[str, list[tuple[int, str, cues.Phrase]]] = {}
    for k, fr in enumerate(cues.frames()):
        for how, plist in (("phrase", fr.phrases), ("opposite", fr.opposite)):
            for ph in plist:
                if ph.words:
                    index.setdefault(ph.words[0], []).append((k, how, ph))
    return index


def match_frame(tokens: list[Any], lows: list[str] | None = None
                ) -> tuple[cues.Frame, int, int, str] | None:
    """The first frame the tokens word: (frame, first token, end token, how).

    `how` is "phrase", "opposite" (the phrase states the contrary) or "contrast"
    (an exclusive word and a contrast word: "strictly professional"). Of several
    phrases of the frame, the one nearest the root of the sentence ("After months
    of dating speculation, the outing seems to confirm the pair's budding romance").
    `lows` are the tokens' lower-case forms, when the caller has them.
    """
    excl = cues.exclusives()
    if lows is None:
        lows = [t.lower_ for t in tokens]  # read once: every frame looks at every word
    # exclusive words ("strictly"); "not only ... but also" widens, it does not narrow
    narrowing = [i for i, low in enumerate(lows)
                 if low in excl and not (i and lows[i - 1] in ("not", "n't"))]
    # A phrase is tried only where its first word stands (every frame's every
    # phrase at every token was most of the ingest time), and only the phrases
    # whose first word the sentence has are looked at.
    at: dict[str, list[int]] = {}
    for i, low in enumerate(lows):
        at.setdefault(low, []).append(i)
    index = _phrase_index()
    found: dict[int, list[tuple[int, int, int, str]]] = {}
    for low, places in at.items():
        for k, how, ph in index.get(low, ()):
            for i in places:
                if _match(tokens, lows, ph, i):
                    found.setdefault(k, []).append(
                        (_depth(_head(tokens, i, i + len(ph.words))), i, i + len(ph.words), how))
    frames = cues.frames()
    for k in range(len(frames)) if narrowing else sorted(found):
        fr = frames[k]
        hits = found.get(k, [])
        if fr.contrast:
            for i in narrowing:
                for j in range(i + 1, min(len(tokens), i + 1 + CONTRAST_WINDOW)):
                    if lows[j] in fr.contrast or tokens[j].lemma_.lower() in fr.contrast:
                        hits.append((_depth(tokens[j]), j, j + 1, "contrast"))
                        break
        if hits:
            _, i0, i1, how = min(hits)
            if how == "phrase":
                # "a special work relationship": a contrast word on the phrase itself
                head = _head(tokens, i0, i1)
                if any(c.dep_ in ("compound", "amod") and (
                        c.lower_ in fr.contrast or c.lemma_.lower() in fr.contrast)
                       for c in head.children):
                    how = "contrast"
            return fr, i0, i1, how
    return None


def _path(t: Any) -> list[Any]:
    out = [t]
    while out[-1].head.i != out[-1].i and len(out) < 40:
        out.append(out[-1].head)
    return out


def _in(t: Any, vocab: frozenset[str]) -> bool:
    return t.lower_ in vocab or (t.pos_ in ("VERB", "NOUN") and t.lemma_.lower() in vocab)


_PERSON_PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "we", "us", "i",
                              "me", "you", "his", "their", "who", "whom", "himself",
                              "herself", "themselves", "each", "other", "one"})
# Objects a pair frame's verb can take without naming a person ("proposed marriage").
_PAIR_OBJECTS = frozenset({"marriage", "knot", "ways", "it", "quits", "relationship"})


@functools.cache
def _role_nouns() -> frozenset[str]:
    return frozenset(r[0].lower() for r in tsv_rows("roles.tsv", 3)) | _GROUP_WORDS | {
        "man", "woman", "people", "person", "girl", "boy", "friend", "wife", "husband",
        "partner", "actor", "actress", "star", "couple", "family"}


def _personish(t: Any, person_at: list[tuple[int, int]]) -> bool:
    """Does the phrase headed by `t` stand for people: a pronoun, "the pair", a role
    noun ("the actress") or a span holding a person's name?"""
    if t.lower_ in _PERSON_PRONOUNS or t.lemma_.lower() in _role_nouns():
        return True
    lo, hi = t.left_edge.idx, t.right_edge.idx + len(t.right_edge.text)
    return any(lo <= a and b <= hi for a, b in person_at)


def about_people(fr: cues.Frame, head: Any, person_at: list[tuple[int, int]]) -> bool:
    """Whether the phrase of a pair or person frame is about people at all: "no deal
    has been proposed", "engaged in talks", "a good working relationship with the
    city" name the words of a romance or an engagement, not the state of affairs."""
    if fr.about == "org":
        return True
    if head.lower_ == "engaged" and any(
            c.dep_ == "prep" and c.lower_ in ("in", "with", "on", "by") for c in head.children):
        return False
    for c in head.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN") and \
                not _personish(c, person_at):
            return False
        if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.lemma_.lower() not in _PAIR_OBJECTS \
                and not _personish(c, person_at):
            return False
        if c.dep_ == "prep" and c.lower_ in ("with", "between") and fr.pair:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and not _personish(obj, person_at):
                return False
    return True


# Verbs of a sale by who gives (seller as subject, buyer after "to") and by who takes
# (buyer as subject, seller after "from").
_GIVE = frozenset({"sell", "hand", "transfer", "sale"})
_TAKE = frozenset({"buy", "acquire", "take", "purchase", "bid", "acquisition", "takeover"})


_TALKS = frozenset({"talk", "talks", "negotiation", "negotiations", "plan", "plans", "deal",
                    "agreement", "offer", "bid", "discussion", "discussions"})


def _theme(t: Any, text: str, base: int) -> str:
    """A noun phrase as written, without its determiner, possessor or what follows its
    head: "Greyholm ferry line", "century-old ferry line"."""
    start = t.left_edge.i
    for c in t.children:
        if c.dep_ in ("poss", "det", "predet") and c.i < t.i:
            start = max(start, c.right_edge.i + 1)
    doc = t.doc
    while start < t.i and doc[start].dep_ in ("case", "punct", "det"):
        start += 1
    return text[doc[start].idx - base: t.idx + len(t.text) - base]


def roles_of(head: Any) -> tuple[dict[str, Any], Any]:
    """(role -> token, theme token) of a sale worded by `head`: who sells, who buys, what."""
    verb = head
    if head.lemma_.lower() not in _GIVE | _TAKE and head.head.lemma_.lower() in _GIVE | _TAKE:
        verb = head.head  # "take over": the particle's verb
    lemma = verb.lemma_.lower()
    if lemma not in _GIVE | _TAKE:
        return {}, None
    give = lemma in _GIVE
    roles: dict[str, Any] = {}
    theme = None
    x = verb
    subj = None
    for _ in range(4):  # "agreed to sell": the subject of the verb it depends on
        subj = next((c for c in x.children if c.dep_ in ("nsubj", "agent")), None)
        if subj is not None and subj.lower_ in ("which", "who", "that") and x.dep_ == "relcl":
            subj = x.head  # "Corvane, which agreed to buy the line"
        if subj is not None or x.head.i == x.i:
            break
        if x.dep_ == "pcomp" and x.head.head.lemma_.lower() in _TALKS:
            x = x.head.head  # "held talks about selling": who holds them sells
            continue
        if x.dep_ not in ("xcomp", "conj", "relcl", "advcl", "dobj"):
            break
        if x.dep_ == "dobj" and x.lemma_.lower() not in _TALKS:
            break
        x = x.head
    if subj is not None and verb.pos_ in ("VERB", "AUX"):
        roles["seller" if give else "buyer"] = subj
    for c in verb.children:
        if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "of" and verb.pos_ == "NOUN"):
            obj = c if c.dep_ == "dobj" else next(
                (g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                theme = obj
                owner = next((g for g in obj.children if g.dep_ == "poss"), None)
                if owner is not None and owner.pos_ == "PROPN":
                    roles.setdefault("seller", owner)
    # "to Corvane", "from the city": on the verb, or hung on what is sold by the parse
    for c in [*verb.children, *(theme.children if theme is not None else [])]:
        if c.dep_ == "prep" and c.lower_ in ("to", "from"):
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and (c.lower_ == "to") == give:
                roles.setdefault("buyer" if give else "seller", obj)
    return roles, theme


def stance_of(tokens: list[Any], head: Any, how: str) -> dict[str, Any]:
    """Stance of the sentence toward the frame whose phrase hangs from `head`."""
    path = _path(head)
    deny_words = cues.denials()
    neg = 1 if how in ("opposite", "contrast") else 0
    spec = hedged = confirm = question = False
    deny_at = spec_at = question_at = -1
    for k, x in enumerate(path):
        below = path[k - 1] if k else None
        for c in x.children:
            if below is not None and c.i == below.i:
                continue
            if c.dep_ == "neg" or (c.dep_ in ("det", "advmod", "nsubj", "nsubjpass")
                                   and c.lower_ in _NEG_WORDS):
                neg += 1
                deny_at = k
            if c.dep_ in ("aux", "advmod", "amod") and c.lower_ in cues.hedges():
                hedged = True
            if c.dep_ == "amod" and c.lower_ in cues.speculation():
                spec = True
            if c.dep_ in ("mark", "advmod") and c.lower_ in ("whether", "if", "how"):
                question = True
                question_at = k
        if k == 0:
            continue
        # "the power to sell without a referendum" denies; "barring any sale without a
        # public vote" forbids the absence, so names the vote as wanted, not as denied
        without = x.lower_ in _NEG_WORDS and x.dep_ == "prep" and not _forbidden(x)
        if without or (_in(x, deny_words) and x.lower_ not in _NEG_WORDS and below is not None
                       and below.dep_ in _DENY_DEPS):
            neg += 1
            deny_at = k
        if _in(x, cues.speculation()):
            spec = True
            spec_at = k
        if _in(x, cues.hedges()):
            hedged = True
        if _in(x, cues.confirmations()):
            confirm = True
    text = " ".join(t.lower_ for t in tokens)
    if any(" ".join(p) in text for p in cues.phrases("claim_denials.txt")):
        neg = max(neg, 1)
    if any(t.lower_ in ("false", "untrue", "baseless", "hoax", "nonsense") for t in tokens):
        neg = max(neg, 1)
    if question and deny_at >= question_at:
        stance = "neutral"  # "is not asked whether selling the ferry is wise"
    elif neg % 2:
        stance = "deny"
    elif question:
        stance = "neutral"
    elif spec or (tokens and tokens[-1].text == "?"):
        stance = "speculate"
    elif confirm:
        stance = "support"
    elif hedged:
        stance = "speculate"
    elif head.pos_ == "NOUN" and how == "phrase" and head.dep_ not in ("nsubj", "nsubjpass"):
        stance = "neutral"  # "called any sale reckless": the claim named, not asserted
    else:
        stance = "support"
    cued = bool(neg or question or spec or confirm or hedged) or stance != "support" or (
        bool(tokens) and tokens[-1].text == "?")
    return {"stance": stance, "apparent": confirm and hedged and stance == "support",
            "cued": cued,
            "hedged": hedged, "embedded": 0 <= spec_at < deny_at,
            "hedge_only": stance == "speculate" and not spec and tokens[-1].text != "?"}


def headline_stance(title: str | None, fr: cues.Frame, sentence: str) -> str | None:
    """The headline's stance toward a report's claim, by the model trained on headlines
    (on the report sentences themselves it did worse than the rules: see `LEARNED`);
    none when the headline shares no content word with the sentence (another topic)."""
    if not title or not set(words(title)) & set(words(sentence)):
        return None
    return learned.PRODUCT[learned.weights().predict(claim_text(fr), title)]


def claim_text(fr: cues.Frame) -> str:
    """The frame's claim as plain words ("are in a romantic relationship"), the claim
    the headline model compares a sentence with."""
    t = fr.template.split("|")[0].replace("{be}", "are").replace("{have}", "have")
    return " ".join(re.sub(r"\{\w+\}", " ", t).split())


def _forbidden(prep: Any) -> bool:
    """Is the clause a "without" phrase hangs on the object of a verb that forbids it
    ("barring any sale without ...", "prevent the city from selling without ...")?"""
    x = prep.head
    for _ in range(4):
        if x.head.i == x.i:
            return False
        up = x.head
        if x.dep_ in ("dobj", "nsubjpass", "pobj", "pcomp", "xcomp", "prep", "acl") and \
                up.pos_ in ("VERB", "AUX", "ADP") and up.lemma_.lower() in _FORBID:
            return True
        if x.dep_ not in ("pobj", "pcomp", "prep"):
            return False
        x = up
    return False


def _source(tokens: list[Any], head: Any) -> tuple[Any, Any, Any]:
    """(speaker subtree root, via token, reporting verb) for the frame's phrase."""
    verbs = cues.report_verbs()
    speaker = via = verb = None
    for x in _path(head)[1:]:
        if x.pos_ in ("VERB", "AUX") and x.lemma_.lower() in verbs:
            subj = next((c for c in x.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ not in ("it", "there", "that", "which"):
                if speaker is not None and subj.pos_ != "PRON":
                    # "Aldous said he would ask for ...": "he" is the one who said it
                    speaker, verb = subj, x
                elif speaker is not None:
                    break
                else:
                    speaker, verb = subj, x
                for c in x.children:
                    if c.dep_ in ("dative", "dobj") and c.pos_ == "PROPN":
                        via = c
                    if c.dep_ == "prep" and c.lower_ in ("to", "with"):
                        via = next((g for g in c.children if g.dep_ == "pobj"), via)
                if speaker.pos_ != "PRON" or not any(
                        u.pos_ in ("VERB", "AUX") and u.lemma_.lower() in verbs
                        for u in _path(x)[1:]):
                    break
    if speaker is None:
        # a parse that hangs "a source told In Touch that ..." wrongly: the noun
        # right before a reporting verb that comes before the phrase
        for i, t in enumerate(tokens):
            if t.i >= head.i:
                break
            if t.pos_ == "VERB" and t.lemma_.lower() in verbs and i:
                prev = tokens[i - 1]
                if prev.pos_ in ("NOUN", "PROPN", "PRON") and prev.dep_ != "pobj":
                    speaker, verb = prev, t
    for i, t in enumerate(tokens[:-1]):
        if t.lower_ == "according" and tokens[i + 1].lower_ == "to":
            obj = next((g for g in tokens[i + 1].children if g.dep_ == "pobj"), None)
            if obj is None:
                continue
            if speaker is None:
                speaker = obj
            elif via is None and obj.pos_ == "PROPN":
                via = obj  # an outlet or a person; "according to a copy of the charter" is none
    return speaker, via, verb


def _span(t: Any) -> tuple[int, int]:
    return t.left_edge.idx, t.right_edge.idx + len(t.right_edge.text)


def find(parsed: ParsedArticle, results: dict[str, Any] | None = None) -> list[LocalReport]:
    """Claim reports of one article, in text order."""
    a = parsed.article
    doc = parsed.doc
    if doc is None:
        return []
    ents = ((results or {}).get("entities") or {}).get("entities", [])
    # (paragraph, start, end, key, type) of every entity mention, in text order
    mentions = sorted((m[0], m[1], m[2], e["key"], e["type"]) for e in ents
                      for m in e.get("mentions", []))
    para_pos = {p.index: k for k, p in enumerate(a.body)}
    ev = cues.evidence()
    anon = cues.anonymous_heads()
    out: list[LocalReport] = []
    for para, s, e in parsed.sentences():
        k = para_pos.get(para)
        if k is None:
            continue
        base = parsed.starts[k]
        span = parsed.char_span(base + s, base + e)
        if span is None or span[0] == span[1]:
            continue
        tokens = parsed.tokens[span[0]:span[1]]
        hit = match_frame(tokens, parsed.token_lowers[span[0]:span[1]])
        if hit is None:
            continue
        span_text = parsed.span_text(*span)
        fr, i0, i1, how = hit
        head = _head(tokens, i0, i1)
        person_at = [(base + ms, base + me) for p, ms, me, _key, typ in mentions
                     if p == para and typ == "PERSON"]
        if not about_people(fr, head, person_at):
            continue
        st = stance_of(tokens, head, how)
        speaker, via, verb = _source(tokens, head)

        def local(t: Any, base: int = base) -> tuple[int, int]:
            lo, hi = _span(t)
            return lo - base, hi - base

        def ents_in(lo: int, hi: int, types: frozenset[str], para: int = para
                    ) -> list[tuple[str, str]]:
            return [(key, typ) for p, ms, me, key, typ in mentions
                    if p == para and lo <= ms and me <= hi and typ in types]

        if st["hedge_only"] and speaker is not None and speaker.pos_ == "PROPN":
            st["stance"] = "support"  # "reportedly ..., according to Deadline": Deadline says so
        if LEARNED and not st["cued"]:
            # no cue word decided, so the rules call it a bare assertion: the headline
            # model (trained on Emergent) reads the sentence's wording instead
            st["stance"] = learned.PRODUCT[learned.weights().predict(claim_text(fr),
                                                                     span_text)]
        rep = LocalReport(para, s, e, span_text, fr.id, " ".join(t.text for t in tokens[i0:i1]),
                          tokens[i0].idx - base, tokens[i1 - 1].idx + len(tokens[i1 - 1]) - base,
                          st["stance"], st["apparent"], st["hedged"], embedded=False,
                          headline_stance=headline_stance(a.title, fr, span_text))
        skip: list[tuple[int, int]] = []
        if speaker is not None:
            lo, hi = local(speaker)
            if verb is not None and speaker.left_edge.i <= verb.i <= speaker.right_edge.i:
                hi = speaker.idx + len(speaker.text) - base  # a parse that hangs all on it
            skip.append((lo, hi))
            rep.source_text = a.body[k].text[lo:hi]
            named = ents_in(lo, hi, frozenset({"PERSON", "ORG", "OUTLET", "PLACE"}))
            if named:
                rep.source_kind, rep.source_key = "named", named[0][0]
            elif speaker.lemma_.lower() in anon or speaker.lower_ in anon:
                rep.source_kind = "anonymous"
            elif speaker.pos_ == "PRON":
                rep.source_kind = "article"  # the quote stage may know who "he" is
                rep.source_text = speaker.text
            else:
                rep.source_kind = "named" if speaker.pos_ == "PROPN" else "anonymous"
        ptext = a.body[k].text
        for p, ms, me, key, typ in mentions:
            if p == para and s <= ms < e and typ in ("OUTLET", "PLATFORM") and \
                    _VENUE.search(ptext[max(0, ms - 30):ms]) and key != rep.source_key:
                rep.via, rep.via_key, via = ptext[ms:me], key, None
                skip.append((ms, me))
                break
        if via is None and rep.via is None and rep.source_kind == "anonymous" and \
                k + 1 < len(a.body):
            # "According to sources close to the actor, ..." then "According to RadarOnline,
            # ...": the next paragraph credits the outlet the sources spoke to
            nxt = a.body[k + 1]
            if _CREDIT.match(nxt.text):
                for p, ms, me, key, typ in mentions:
                    if p == nxt.index and typ in ("OUTLET", "PLATFORM") and ms <= 30:
                        rep.via, rep.via_key = nxt.text[ms:me], key
                        break
        if via is not None:
            lo, hi = local(via)
            skip.append((lo, hi))
            rep.via = a.body[k].text[lo:hi]
            got = ents_in(lo, hi, frozenset({"OUTLET", "PLATFORM", "ORG", "PERSON"}))
            rep.via_key = got[0][0] if got else None
        # what the report rests on
        # the frame's own words are what is claimed, not what it rests on ("a public vote")
        low = " ".join("_" if i0 <= n < i1 else t.lower_ for n, t in enumerate(tokens))
        kinds = [kind for word, kind in ev.items() if f" {word} " in f" {low} "]
        if "sighting" in kinds:
            rep.evidence = "sighting"
        elif "document" in kinds:
            rep.evidence = "document"
        elif rep.source_kind == "anonymous":
            rep.evidence = "insider"
        elif rep.source_kind == "named":
            rep.evidence = "statement"
        rep.background = any(t.lower_ == "once" and t.dep_ == "advmod" for t in tokens)
        # who the state of affairs is about: the clause of the phrase, widened until
        # it names enough; the source and the outlet are not participants
        types = fr.types | {"WORK"}
        need = 2 if fr.pair else 1
        region = head
        found: list[tuple[str, str]] = []
        grouped = False
        while True:
            if any(c.dep_ in ("nsubj", "nsubjpass", "poss") and c.lemma_.lower() in _GROUP_WORDS
                   for c in [region, *region.children]):
                grouped = fr.pair  # "they were romantically involved": the pair named before
                if grouped:
                    found = [f for f in found if f[1] == "WORK"]
                    lo, hi = local(region)
                    found += [(key, typ) for key, typ in ents_in(lo, hi, frozenset({"WORK"}))]
                    break
            lo, hi = local(region)
            if fr.about == "org":
                # parties, not settings: "at the Harbour Road café" names no party
                for x in region.subtree:
                    if x.dep_ == "prep" and x.lower_ in _SETTING_PREPS:
                        skip.append(local(x))
            found = [(key, typ) for key, typ in ents_in(lo, hi, types)
                     if not any(a_ <= _start_of(mentions, para, key, lo) < b_
                                for a_, b_ in skip)]
            people = {key for key, typ in found if typ != "WORK"}
            if len(people) >= need or region.head.i == region.i:
                break
            region = region.head
            while region.head.i != region.i and region.pos_ not in ("VERB", "AUX"):
                region = region.head
        if rep.source_key:
            found = [f for f in found if f[0] != rep.source_key]
        rep.participants = list(dict.fromkeys(key for key, typ in found if typ != "WORK"))
        rep.work = next((key for key, typ in found if typ == "WORK"), None)
        if not fr.pair and not rep.participants:
            # "There are no negotiations to sell the ferry": the parties of the article's
            # last report of the frame that names them, else whom the article is about
            named_before = [o for o in out if o.frame == fr.id and o.participants
                            and not o.from_context]
            if named_before:
                rep.participants = list(named_before[-1].participants)
                rep.from_context = True
        if not fr.pair and not rep.participants:
            before = [key for p, ms, _me, key, typ in mentions
                      if typ in fr.types and (p, ms) < (para, s) and key != rep.source_key]
            tally: dict[str, int] = {}
            for key in before:
                tally[key] = tally.get(key, 0) + 1
            rep.participants = sorted(tally, key=lambda x: -tally[x])[:2]
            rep.from_context = bool(rep.participants)
        if fr.pair:
            rep.participants = [] if grouped else rep.participants[:2]
            if len(rep.participants) < 2:
                # the people the article has named most so far, the latest first on a tie
                before = [key for p, ms, _me, key, typ in mentions
                          if typ == "PERSON" and (p, ms) < (para, s)
                          and key not in rep.participants and key != rep.source_key]
                count: dict[str, int] = {}
                last: dict[str, int] = {}
                for n, key in enumerate(before):
                    count[key] = count.get(key, 0) + 1
                    last[key] = n
                for key in sorted(count, key=lambda x: (-count[x], -last[x])):
                    if len(rep.participants) >= 2:
                        break
                    rep.participants.append(key)
                    rep.from_context = True
                if grouped and len(rep.participants) < 2:  # the opening sentence
                    own = [key for key, typ in ents_in(s, e, PERSONISH)
                           if key not in rep.participants and key != rep.source_key]
                    rep.participants += own[:2 - len(rep.participants)]
        if fr.about == "org":
            roles, theme = roles_of(head)
            for role, tok in roles.items():
                lo, hi = local(tok)
                keys = [key for key, _t in ents_in(lo, hi, fr.types)]
                if keys:
                    rep.roles[role] = keys[0]
            if theme is not None:
                rep.theme = _theme(theme, a.body[k].text, base)
                # what is sold is no party: "the Kell Valley tramway"
                inside = {key for key, _t in ents_in(theme.left_edge.idx - base,
                                                     theme.idx + len(theme.text) - base,
                                                     fr.types)}
                owner = rep.roles.get("seller")
                rep.participants = [p for p in rep.participants if p not in inside
                                    or p == owner]
            if rep.roles and rep.from_context:  # the parties the parse gives come first
                rep.participants, rep.from_context = [], False
            rep.participants = list(dict.fromkeys([*rep.participants, *rep.roles.values()]))
        if fr.pair and len(rep.participants) == 1 and rep.source_key and \
                rep.source_key not in rep.participants and any(
                    t.lower_ in ("her", "his", "she", "he", "my", "i", "me")
                    for t in head.subtree):
            # "Vossberg confirmed her romance with Okafor": the source is one of the pair
            rep.participants.insert(0, rep.source_key)
        if len(rep.participants) < (2 if fr.pair else 1):
            continue  # the template needs them: "are engaged" with one person is no claim
        rep.anaphoric = rep.from_context or any(
            c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "its", "their")
            for c in head.children)
        out.append(rep)
        if st["embedded"] and verb is not None:
            # "X rejected suggestions from Y that P": Y's suggestion is a report too
            sug = next((x for x in _path(head) if _in(x, cues.speculation())), None)
            agent = None
            if sug is not None:
                for c in sug.children:
                    if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                        agent = next((g for g in c.children if g.dep_ == "pobj"), None)
            emb = LocalReport(**{**asdict(rep), "stance": "speculate", "embedded": True,
                                 "source_kind": "article", "source_text": None,
                                 "source_key": None, "via": None, "via_key": None,
                                 "evidence": "report"})
            if agent is not None:
                lo, hi = local(agent)
                emb.source_text = a.body[k].text[lo:hi]
                named = ents_in(lo, hi, frozenset({"PERSON", "ORG", "OUTLET"}))
                emb.source_kind = "named" if named else "anonymous"
                emb.source_key = named[0][0] if named else None
                emb.evidence = "statement" if named else "insider"
            out.append(emb)
    return out


def _start_of(mentions: list[tuple[int, int, int, str, str]], para: int, key: str,
              lo: int) -> int:
    """Where the first mention of `key` at or after `lo` starts in the paragraph."""
    return next((ms for p, ms, _me, k, _t in mentions if p == para and k == key and ms >= lo),
                -1)


def find_dict(parsed: ParsedArticle, ctx: Any = None, results: dict[str, Any] | None = None
              ) -> list[dict[str, Any]]:
    """The per-article step as the pipeline stores it; reads the entity stage's result."""
    return [plain(r) for r in find(parsed, results)]
