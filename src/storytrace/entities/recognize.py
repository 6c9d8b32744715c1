"""Per-article entity recognition: spaCy's NER corrected by gazetteers, quoted titles,
name structure and context, grouped into the article's own entities."""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from storytrace.entities.names import (
    PARTICLES,
    ascii_punct,
    is_person_like,
    norm,
    short_forms,
    split_title,
    strip_possessive,
)
from storytrace.gazetteer import OutletEntry, data_lines, outlets
from storytrace.nlp import ParsedArticle, plain

# Evidence strength of a typing decision; the corpus linker sums them across
# articles so that a title quoted once outweighs a careless NER label elsewhere.
STRONG, MEDIUM, WEAK = 3, 2, 1
QUOTED_TITLE_MAX_WORDS = 10
# Words before a single-word gazetteer name that make it an outlet ("told
# People", "according to Deadline") rather than a common word.
OUTLET_CUES = frozenset({"told", "tells", "telling", "to", "with", "via", "by", "from", "for",
                         "on", "in", "at"})
OUTLET_AFTER_CUES = frozenset({"reported", "reports", "said", "says", "wrote", "writes",
                               "confirmed", "revealed", "noted", "published", "'s", "’s"})
SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into",
                         "nor", "of", "on", "or", "the", "to", "with", "vs", "vs."}) | PARTICLES
_QUOTES = re.compile(r"“([^“”\n]{1,160})”|\"([^\"\n]{1,160})\"|‘([^‘’\n]{1,80})’(?!\w)")
# A preposition glued to a name by a missing space: "according toRadarOnline".
_GLUED = re.compile(r"^(to|of|by|in|on|at|for|from|with)([A-Z][\w.&'-]{2,})$")
_AGE_AFTER = re.compile(r"^,\s*(\d{1,3})\s*[,)]")
_YEAR_OLD = re.compile(r"\b(\d{1,3})-year-old\b")
ENT_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE",
             "WORK_OF_ART": "WORK"}
KIND_TYPES = {"outlet": "OUTLET", "show": "WORK", "platform": "PLATFORM"}


@functools.cache
def work_cues() -> frozenset[str]:
    return frozenset(data_lines("work_cues.txt"))


# Votes a first name's usual gender adds: a prior that two pronouns outweigh.
PRIOR_VOTES = 2


@functools.cache
def _first_names() -> dict[str, str]:
    try:
        lines = data_lines("first_names.tsv")
    except FileNotFoundError:
        return {}
    return dict(tuple(ln.split("\t")[:2]) for ln in lines[1:] if "\t" in ln)  # type: ignore[misc]


def first_name_gender(name: str) -> str | None:
    """'m' or 'f' when a first name is used for one gender only, else None."""
    return _first_names().get(name)


@functools.cache
def roles() -> dict[str, tuple[str, str]]:
    """Role noun -> (gender m/f/-, role fact)."""
    out = {}
    for line in data_lines("roles.tsv")[1:]:
        noun, gender, *rest = line.split("\t")
        out[noun] = (gender, rest[0] if rest else "")
    return out


@dataclass
class LocalEntity:
    """One entity as one article names it."""

    key: str
    type: str
    name: str
    strength: int = WEAK
    forms: dict[str, str] = field(default_factory=dict)  # surface form -> kind
    mentions: list[list[Any]] = field(default_factory=list)  # [para, start, end, text, kind]
    gender: list[int] = field(default_factory=lambda: [0, 0])  # votes (m, f)


@dataclass
class Descriptor:
    """A noun phrase standing for a person ("the 62-year-old superstar"), to be resolved."""

    para: int
    start: int
    end: int
    text: str
    head: str
    gender: str | None
    age: int | None
    role: str
    works: list[str]
    candidates: list[list[Any]]  # [local key, salience]


@dataclass
class LocalFact:
    subject: str  # local key
    key: str
    value: Any
    para: int
    text: str


@dataclass
class ArticleEntities:
    """What the entity stage found in one article; the corpus linker reads these."""

    entities: list[LocalEntity] = field(default_factory=list)
    descriptors: list[Descriptor] = field(default_factory=list)
    facts: list[LocalFact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(plain(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleEntities:
        return cls([LocalEntity(**e) for e in d.get("entities", [])],
                   [Descriptor(**x) for x in d.get("descriptors", [])],
                   [LocalFact(**f) for f in d.get("facts", [])])


@dataclass
class _Cand:
    start: int
    end: int
    text: str
    type: str
    strength: int
    canonical: str | None = None  # gazetteer name


class _Article:
    """Offsets and tokens of one parsed article, with helpers shared by the steps."""

    def __init__(self, parsed: ParsedArticle) -> None:
        self.parsed = parsed
        self.doc = parsed.doc
        self.tokens = parsed.tokens
        self.token_texts = parsed.token_texts
        self.token_idx = parsed.token_idx
        self.text: str = parsed.text
        self.starts = list(parsed.starts)
        self.para_index = list(parsed.para_index)
        self.sent_bounds = parsed.sent_bounds
        self.sent_starts = [s for s, _ in parsed.sent_chars]

    def locate(self, off: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, off) - 1
        return self.para_index[i], off - self.starts[i]

    def sent_of(self, off: int) -> int:
        return bisect.bisect_right(self.sent_starts, off) - 1


def _is_title_case(text: str) -> bool:
    words = [w for w in re.split(r"[\s:]+", text) if w]
    if not words or len(words) > QUOTED_TITLE_MAX_WORDS or not words[0][:1].isupper():
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS and w[:1].isalnum()]
    caps = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit())
    return bool(content) and caps / len(content) >= 0.75


def _has_cue(art: _Article, start: int, end: int) -> bool:
    """A work cue word in the same sentence as the span."""
    s = art.sent_of(start)
    lo = art.sent_starts[s]
    hi = art.sent_starts[s + 1] if s + 1 < len(art.sent_starts) else len(art.text)
    words = re.findall(r"[a-z-]+", art.text[lo:hi].lower())
    return any(w in work_cues() for w in words)


def _quoted_titles(art: _Article) -> list[_Cand]:
    out = []
    for m in _QUOTES.finditer(art.text):
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        inner = m.group(g)
        stripped = inner.strip().rstrip(",.;").strip()
        if not stripped or stripped[-1] in "?!" or not _is_title_case(stripped):
            continue
        start = m.start(g) + (len(inner) - len(inner.lstrip()))
        end = start + len(stripped)
        single = len(stripped.split()) == 1
        if single and not _has_cue(art, start, end):
            continue
        out.append(_Cand(start, end, stripped, "WORK", STRONG))
    return out


@functools.lru_cache(maxsize=16)
def _key_prefixes(keys: frozenset[str]) -> frozenset[str]:
    """Every prefix of every key, "" included."""
    return frozenset(k[:n] for k in keys for n in range(len(k) + 1))


@functools.cache
def _outlet_prefixes() -> frozenset[str]:
    return _key_prefixes(frozenset(outlets()))


@functools.lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    """A word's matching key, as a key's first word; an article repeats its capitalised words."""
    return norm(strip_possessive(word))


def _gazetteer(art: _Article, known_outlets: dict[str, str]) -> list[_Cand]:
    """Gazetteer names among the capitalised words, longest span first.

    A span's key starts with its first word's key, so a word whose key starts
    no key (most capitalised words) is passed over without trying its six spans.
    """
    table = outlets()
    extra = {k: v for k, v in known_outlets.items() if k not in table}
    heads, extra_heads = _outlet_prefixes(), _key_prefixes(frozenset(extra))

    def lookup(key: str) -> OutletEntry | None:
        found = table.get(key)
        if found is None and key in extra:
            return OutletEntry(extra[key], "outlet", (), "")
        return found

    doc, toks, texts, idx = art.doc, art.tokens, art.token_texts, art.token_idx
    size = len(texts)
    def ends(k: int) -> bool:
        """Spans end on neither punctuation (but "!") nor space: read only where a
        key may start, a few words of an article."""
        t = toks[k]
        return not ((t.is_punct and texts[k] != "!") or t.is_space)

    out: list[_Cand] = []
    i = 0
    while i < size:
        word = texts[i]
        first = word[:1]
        if first.isupper() or first.isdigit():
            glued = None
        elif word.islower():  # no capital: no name glued to a preposition ("toGreyholm")
            i += 1
            continue
        else:
            glued = _GLUED.match(word)
            if not glued:
                i += 1
                continue
        if glued and (entry := lookup(norm(glued.group(2)))):
            start = idx[i] + len(glued.group(1))
            out.append(_Cand(start, idx[i] + len(word), glued.group(2),
                             KIND_TYPES.get(entry.kind, "OUTLET"), STRONG, entry.name))
            i += 1
            continue
        # norm drops a leading "the", so "The" may start any key
        head = _word_key(word)
        if (head not in heads and head not in extra_heads
                and ascii_punct(word).casefold() != "the"):
            i += 1
            continue
        for n in range(min(6, size - i), 0, -1):
            last = i + n - 1
            if not ends(last):
                continue
            # the text of doc[i:i + n]
            text = strip_possessive(art.text[idx[i]:idx[last] + len(texts[last])])
            found = lookup(norm(text))
            if found is None or not text:
                continue
            entry = found
            if n == 1 and not _outlet_context(doc, i):
                break
            start = idx[i]
            # keep "the" out of the span, and a possessive
            out.append(_Cand(start, start + len(text), text, KIND_TYPES.get(entry.kind, "OUTLET"),
                             STRONG, entry.name))
            i += n - 1
            break
        i += 1
    return out


def _outlet_context(doc: Any, i: int) -> bool:
    """Single-word outlet names need a cue unless capitalised mid-sentence and long enough."""
    tok = doc[i]
    before = {t.lower_ for t in doc[max(0, i - 3):i]}
    after = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    cue = bool(before & OUTLET_CUES) or after in OUTLET_AFTER_CUES
    if len(tok.text) <= 3 and not (tok.text.isupper() and len(tok.text) == 3):
        return cue and tok.text.isupper()
    return cue or (not tok.is_sent_start and tok.text[:1].isupper())


def _cue_titles(art: _Article) -> list[_Cand]:
    """Unquoted titles right after a work cue: 'the upcoming film Deeper'."""
    toks = art.tokens
    cues = work_cues()
    out = []
    for i, low in enumerate(art.parsed.token_lowers):
        if low not in cues:
            continue
        tok = toks[i]
        if tok.pos_ != "NOUN" or tok.i + 1 >= len(toks):
            continue
        j = tok.i + 1
        words: list[Any] = []
        while j < len(toks):
            t = toks[j]
            joiner = t.lower_ in SMALL_WORDS or t.text in (":", "-", "–", "—")
            if t.text[:1].isupper() or (words and (t.text[:1].isdigit() or joiner)):
                words.append(t)
            else:
                break
            j += 1
        while words and not (words[-1].text[:1].isupper() or words[-1].text[:1].isdigit()):
            words.pop()
        if words:
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            text = art.text[start:end]
            if not is_person_like(text) and not any(
                    t.ent_type_ in ("DATE", "TIME", "CARDINAL", "GPE") for t in words):
                out.append(_Cand(start, end, text, "WORK", MEDIUM))
    return out


_LEAD_THE = re.compile(r"^(?:the|The)\s+|^[\"“‘']+")
_HOLIDAY = re.compile(r"^(?:'s|’s) (?:Day|Eve)\b")


def _clean_ent(art: _Article, ent: Any) -> tuple[int, int, str] | None:
    start = ent.start_char
    text = art.text[start:ent.end_char]  # ent.text, without making its tokens
    m = _LEAD_THE.match(text)
    while m:
        start += m.end()
        text = text[m.end():]
        m = _LEAD_THE.match(text)
    text = strip_possessive(text).rstrip(" \"”’',.;:")
    if not text or text.endswith("-") or not text[:1].isupper():
        return None
    after = art.text[start + len(text):start + len(text) + 6]
    if _HOLIDAY.match(after):
        return None  # a holiday ("Valentine's Day"), not a person
    return start, start + len(text), text


def _ner(art: _Article) -> list[_Cand]:
    out = []
    for ent in art.doc.ents:
        kind = ENT_TYPES.get(ent.label_)
        if kind is None:
            continue
        cleaned = _clean_ent(art, ent)
        if cleaned is None:
            continue
        start, end, text = cleaned
        if kind == "WORK" and not _is_title_case(text):
            continue
        strength = MEDIUM if len(text.split()) >= 2 else WEAK
        if kind == "WORK":
            strength = WEAK
            if is_person_like(text):
                kind = "PERSON"
        out.append(_Cand(start, end, text, kind, strength))
    return out


def _overlaps(a: _Cand, taken: list[_Cand]) -> bool:
    return any(a.start < b.end and b.start < a.end for b in taken)


class _Builder:
    """Groups candidate spans into the article's entities."""

    def __init__(self, art: _Article) -> None:
        self.art = art
        self.entities: dict[str, LocalEntity] = {}
        self.by_form: dict[tuple[str, str], str] = {}  # (type, norm form) -> key
        # Spans found directly (gazetteer, quoted titles): mentions even where
        # the text around them defeats a plain search ("toRadarOnline").
        self.seeds: list[tuple[int, int, LocalEntity, str]] = []

    def add(self, type_: str, name: str, strength: int, form: str | None = None,
            kind: str = "name") -> LocalEntity:
        k = (type_, norm(name))
        key = self.by_form.get(k)
        if key is None:
            key = f"L{len(self.entities)}"
            self.entities[key] = LocalEntity(key, type_, name, strength)
            self.by_form[k] = key
        ent = self.entities[key]
        ent.strength = max(ent.strength, strength)
        ent.forms.setdefault(form or name, kind)
        return ent

    def alias(self, ent: LocalEntity, form: str, kind: str) -> None:
        ent.forms.setdefault(form, kind)
        self.by_form.setdefault((ent.type, norm(form)), ent.key)


def _person_parts(builder: _Builder, persons: list[_Cand]) -> None:
    """Full names anchor people; surnames and first names join them."""
    full = [c for c in persons if len(split_title(c.text)[1].split()) >= 2]
    anchors: dict[str, LocalEntity] = {}
    for c in full:
        title, name = split_title(c.text)
        ent = builder.add("PERSON", name, c.strength)
        if title:
            builder.alias(ent, c.text, "title")
        anchors[norm(name)] = ent
    surname_of: dict[str, list[LocalEntity]] = {}
    first_of: dict[str, list[LocalEntity]] = {}
    for ent in list(anchors.values()):
        first, surnames = short_forms(ent.name)
        for s in surnames:
            surname_of.setdefault(s, []).append(ent)
        if first:
            first_of.setdefault(first, []).append(ent)
    builder.surname_of = surname_of  # type: ignore[attr-defined]
    builder.first_of = first_of  # type: ignore[attr-defined]
    # Every surname, and every first name that is not also a common word, is
    # looked for in the text, so mentions NER missed ("de Armas", "Ana") count.
    for s, owners in surname_of.items():
        if len(owners) == 1:
            builder.alias(owners[0], s, "short")
    vocab = builder.art.doc.vocab
    for f, owners in first_of.items():
        if len(owners) == 1 and len(f) > 2 and not vocab[f.lower()].is_stop:
            builder.alias(owners[0], f, "short")
    for c in persons:
        if c in full:
            continue
        short_of = surname_of.get(c.text) or first_of.get(c.text)
        if short_of:
            builder.alias(short_of[0], c.text, "short")
        else:
            builder.add("PERSON", c.text, c.strength)


def _known(art: _Article, known_people: KnownNames) -> list[_Cand]:
    """Names the corpus already knows, found even where NER misses them here: full
    names, and surnames that are not common words ("Quill went on the radio")."""
    out = []
    toks, texts, idx, text = art.tokens, art.token_texts, art.token_idx, art.text
    surnames = set(known_people.get(SURNAMES, []))
    for i, word in enumerate(texts):  # the cached texts: no token attribute read per word
        for name in known_people.get(word, ()):
            if text.startswith(name, idx[i]):
                end = idx[i] + len(name)
                if end == len(text) or not text[end].isalnum():
                    out.append(_Cand(idx[i], end, name, "PERSON", MEDIUM))
    for i, word in enumerate(texts):
        if word in surnames and len(word) > 3 and not toks[i].is_stop and (
                toks[i + 1].pos_ in ("VERB", "AUX", "PUNCT", "PART")
                if i + 1 < len(toks) else True):
            c = _Cand(idx[i], idx[i] + len(word), word, "PERSON", WEAK)
            if not _overlaps(c, out):
                out.append(c)
    return out


KnownNames = dict[str, list[str]]  # first word -> full names starting with it
SURNAMES = "\x00surnames"  # key of the known surnames in a KnownNames


def known_names(names: Iterable[str]) -> KnownNames:
    """Index full personal names by their first word, for `extract`."""
    out: KnownNames = {}
    for n in names:
        if " " in n:
            out.setdefault(n.split()[0], []).append(n)
            out.setdefault(SURNAMES, []).append(n.split()[-1])
    return out


def people_in(parsed: ParsedArticle) -> set[str]:
    """Full names spaCy tags as people in an article (shared across a batch)."""
    if parsed.doc is None:
        return set()
    text = parsed.text
    out = set()
    for e in parsed.doc.ents:
        if e.label_ != "PERSON":
            continue
        name = strip_possessive(text[e.start_char:e.end_char])  # e.text, without making tokens
        if (is_person_like(split_title(name)[1]) and norm(name) not in outlets()
                and text[max(0, e.start_char - 1):e.start_char] not in ('"', "“", "‘")):
            out.add(split_title(name)[1])
    return out


def extract(parsed: ParsedArticle, known_people: KnownNames | None = None,
            known_outlets: dict[str, str] | None = None) -> ArticleEntities:
    """The article's entities, descriptors and facts (see `link` for the corpus view).

    `known_people` are full names found elsewhere in the corpus (or its batch),
    looked for here too: NER misses names in some sentences it finds in others.
    """
    if parsed.doc is None or not parsed.article.body:
        return ArticleEntities()
    art = _Article(parsed)
    strong = _quoted_titles(art)
    taken = list(strong)
    for c in _gazetteer(art, known_outlets or {}):
        if not _overlaps(c, taken):
            taken.append(c)
    for c in _cue_titles(art):
        if not _overlaps(c, taken):
            taken.append(c)
    ner = [c for c in _ner(art) if not _overlaps(c, taken)]
    for c in _known(art, known_people or {}):
        if _overlaps(c, taken) or any(n.start <= c.start and c.end <= n.end
                                      and n.type == "PERSON" for n in ner):
            continue  # already found, or inside a longer name NER found
        ner = [n for n in ner if not (n.start < c.end and c.start < n.end)] + [c]

    b = _Builder(art)
    works = {norm(c.text) for c in taken if c.type == "WORK"}
    for c in taken:
        ent = b.add(c.type, c.canonical or c.text, c.strength, form=c.text)
        b.seeds.append((c.start, c.end, ent, "name"))
    persons = [c for c in ner if c.type == "PERSON" and norm(c.text) not in works]
    # A name NER typed as an organisation or place but shaped like a person's,
    # whose surname is also a person mention, is that person ("Keanu Reeves").
    person_tokens = {w for c in persons for w in c.text.split()}
    for c in ner:
        if c.type != "PERSON" and is_person_like(c.text) and c.text.split()[-1] in person_tokens:
            persons.append(_Cand(c.start, c.end, c.text, "PERSON", c.strength))
    _person_parts(b, persons)
    surname_of = b.surname_of  # type: ignore[attr-defined]
    first_of = b.first_of  # type: ignore[attr-defined]
    others = [c for c in ner if c not in persons and c.type != "PERSON"]
    for c in sorted(others, key=lambda c: -len(c.text.split())):
        if norm(c.text) in works:
            continue
        owners = surname_of.get(c.text) or first_of.get(c.text)
        if owners:
            b.alias(owners[0], c.text, "short")
            continue
        prefix_of = _prefix_owner(b, c)
        if prefix_of is not None:
            b.alias(prefix_of, c.text, "short")
            continue
        b.add(c.type, c.text, c.strength)
    # single-word "persons" that are the first word of an organisation or place
    for ent in [e for e in b.entities.values() if e.type == "PERSON" and " " not in e.name]:
        owner = _prefix_owner(b, _Cand(0, 0, ent.name, "PERSON", WEAK))
        if owner is not None:
            for form, kind in ent.forms.items():
                b.alias(owner, form, "short" if kind == "name" else kind)
            del b.entities[ent.key]
    _subtitles(b)
    _scan_mentions(b)
    _titled_forms(b)
    _gender_votes(b)
    from storytrace.entities.describe import descriptors, facts

    result = ArticleEntities(entities=[e for e in b.entities.values() if e.mentions])
    from storytrace.entities.describe import definite_references

    definite_references(art, result.entities)
    result.descriptors = descriptors(art, result.entities)
    result.facts = facts(art, result.entities)
    return result


def _prefix_owner(b: _Builder, c: _Cand) -> LocalEntity | None:
    """The organisation or place whose name starts with this single word ('Corvane')."""
    if " " in c.text:
        return None
    owners = [e for e in b.entities.values() if e.type in ("ORG", "PLACE", "OUTLET")
              and " " in e.name and e.name.split()[0] == c.text]
    return owners[0] if len(owners) == 1 else None


def _subtitles(b: _Builder) -> None:
    """'From the World of John Wick: Ballerina' is also called 'Ballerina' when the text says so."""
    text = b.art.text
    for ent in [e for e in b.entities.values() if e.type == "WORK"]:
        for form in list(ent.forms):
            if ":" not in form:
                continue
            sub = form.rsplit(":", 1)[1].strip()
            if not sub or not sub[:1].isupper():
                continue
            other = b.by_form.get(("WORK", norm(sub)))
            alone = re.search(rf"(?<![\w:] )(?<!\w){re.escape(sub)}(?!\w)", text.replace(form, ""))
            if other is not None and other != ent.key:
                target = b.entities[other]
                for f, k in ent.forms.items():
                    b.alias(target, f, k)
                del b.entities[ent.key]
                break
            if alone:
                b.alias(ent, sub, "short")


def _scan_mentions(b: _Builder) -> None:
    """Every occurrence of every form, longest first, so NER misses are still counted."""
    text = b.art.text
    forms: list[tuple[str, LocalEntity, str]] = []
    for ent in b.entities.values():
        for form, kind in ent.forms.items():
            if kind != "descriptor":
                forms.append((form, ent, kind))
                if ascii_punct(form) != form:
                    forms.append((ascii_punct(form), ent, kind))
    forms.sort(key=lambda f: -len(f[0]))
    taken: list[tuple[int, int]] = []
    used = bytearray(len(text))  # characters inside a taken span
    empty: list[int] = []  # where empty spans were taken

    def overlaps(s: int, e: int) -> bool:
        if s >= e:
            return any(s < te and ts < e for ts, te in taken)
        return used.find(1, s, e) >= 0 or any(s < t < e for t in empty)

    def take(s: int, e: int) -> None:
        taken.append((s, e))
        if s < e:
            used[s:e] = b"\x01" * (e - s)
        else:
            empty.append(s)

    for s, e, ent, kind in b.seeds:
        if ent.key in b.entities and not overlaps(s, e):
            take(s, e)
            para, off = b.art.locate(s)
            ent.mentions.append([para, off, off + (e - s), text[s:e], kind])
    for form, ent, kind in forms:
        for s, e in _occurrences(text, form):
            if overlaps(s, e):
                continue
            take(s, e)
            para, off = b.art.locate(s)
            ent.mentions.append([para, off, off + (e - s), text[s:e], kind])
    for ent in b.entities.values():
        ent.mentions.sort()


def _occurrences(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Where `form` stands as a whole name: what `(?<![\\w@#-])FORM(?![\\w-])` finds.

    A regex that starts with a lookbehind tries it at every character, and an
    article has a few dozen forms to find; str.find jumps to the candidates.
    """
    if not form:
        yield from (m.span() for m in re.finditer(r"(?<![\w@#-])(?![\w-])", text))
        return
    size, n = len(text), len(form)
    at = text.find(form)
    while at >= 0:
        end = at + n
        before = text[at - 1] if at else " "
        after = text[end] if end < size else " "
        if (not (before.isalnum() or before in "_@#-")
                and not (after.isalnum() or after in "_-")):
            yield at, end
            at = text.find(form, end)
        else:
            at = text.find(form, at + 1)


def _titled_forms(b: _Builder) -> None:
    """'Mayor Helen Marchetti', 'city spokesperson Owen Pryce': the titled form is an alias."""
    art = b.art
    for e in [e for e in b.entities.values() if e.type == "PERSON"]:
        for para, off, _end, text, kind in list(e.mentions):
            if kind != "name":
                continue
            start = art.starts[art.para_index.index(para)] + off
            span = art.parsed.char_span(start, start + len(text))
            if span is None or span[0] == 0:
                continue
            toks = art.tokens[max(0, span[0] - 8):span[0]]
            if toks[-1].idx + len(toks[-1].text) + 1 != start:
                continue
            j = len(toks) - 1
            head = toks[j]
            if not (head.text in _title_words() or (head.lemma_.lower() in roles()
                                                   and head.tag_ in ("NN", "NNS", "NNP"))):
                continue
            while j > 0 and toks[j - 1].tag_ in ("NN", "NNP", "JJ") and toks[j - 1].dep_ in (
                    "compound", "amod", "nmod") and toks[j - 1].lower_ != "the":
                j -= 1
            form = art.text[toks[j].idx:start + len(text)]
            if form.split()[0].lower() not in ("the", "a", "an"):
                b.alias(e, form, "title")


@functools.cache
def _title_words() -> frozenset[str]:
    from storytrace.entities.names import titles

    return frozenset(t for t in titles() if " " not in t)


def _gender_votes(b: _Builder) -> None:
    """He/she in the sentences where a person is the only one named."""
    art = b.art
    people = [e for e in b.entities.values() if e.type == "PERSON"]
    by_sent: dict[int, set[str]] = {}
    for e in people:
        for para, off, *_ in e.mentions:
            doc_off = art.starts[art.para_index.index(para)] + off
            by_sent.setdefault(art.sent_of(doc_off), set()).add(e.key)
    lows, idx = art.parsed.token_lowers, art.token_idx
    for i, keys in by_sent.items():
        if len(keys) != 1:
            continue
        (key,) = keys
        # Pronouns outside quotations, in this sentence and, when it names
        # nobody, the next: inside quotes "he" is someone the speaker talks about.
        lo, hi = art.sent_bounds[i][0], art.sent_bounds[min(
            i + (1 if i + 1 in by_sent else 2), len(art.sent_bounds)) - 1][1]
        words = Counter(w for w, at in zip(lows[lo:hi], idx[lo:hi], strict=True)
                        if w in _PRONOUNS and not _in_quote(art.text, at))
        m = sum(words[w] for w in _PRONOUNS[:4])
        f = sum(words[w] for w in _PRONOUNS[4:])
        if bool(m) != bool(f):  # both: two people in play, no evidence
            b.entities[key].gender[0] += m
            b.entities[key].gender[1] += f
    for e in people:
        prior = first_name_gender(e.name.split()[0])
        if prior == "m":
            e.gender[0] += PRIOR_VOTES
        elif prior == "f":
            e.gender[1] += PRIOR_VOTES


_PRONOUNS = ("he", "him", "his", "himself", "she", "her", "hers", "herself")


def _in_quote(text: str, off: int) -> bool:
    """Whether `off` lies inside a quotation of its paragraph."""
    start = text.rfind("\n", 0, off) + 1
    before = text[start:off]
    curly = before.count("“") > before.count("”")
    return curly or before.count('"') % 2 == 1
