"""Paragraph kinds: body, or the page furniture around it, kept as metadata.

Rules are general and their vocabularies live in data files (promo.txt,
related.txt, byline.txt, embed.txt, caption.txt); shape rules are below with
the reason for each threshold.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from storytrace.gazetteer import lookup_outlet, patterns
from storytrace.ingest.dates import parse_published
from storytrace.models import Article, Paragraph

# Promos are one or two short calls to action (the longest seen are ~15
# words); a body paragraph that merely mentions a newsletter is longer.
PROMO_MAX_WORDS = 25
BYLINE_MAX_WORDS = 40
# Bylines sit at the top or the bottom of an article.
BYLINE_EDGE = 3
RELATED_MAX_WORDS = 30
CAPTION_MAX_WORDS = 60
# Headlines of other stories set in capitals: at least this many words and
# this share of capital letters; fewer words in capitals read as a sub-heading.
CAPS_MIN_WORDS = 5
CAPS_MIN_SHARE = 0.85
# A line with no closing punctuation is a heading or a caption, not prose.
UNPUNCTUATED_MAX_WORDS = 25
# Headings capitalise most words ("Ana de Armas and Tom Cruise's London
# Meeting Sparks Dating Rumors"); captions are sentences ("Ana revealed how ...").
# Headings capitalise (nearly) every content word; captions with several
# proper nouns reach about two thirds, so the bar sits above that.
TITLE_CASE_SHARE = 0.8
HEADING_MAX_WORDS = 4

_TERMINAL = tuple(".!?:;…,")
_CLOSERS = "\"'”’)]»"
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "de", "for", "from", "in", "of",
                "on", "or", "the", "to", "vs", "with", "la", "van", "von", "du", "del"}
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|&)\s*")
# "Reporting by A; additional reporting by B; Editing by C" names more people.
_MORE_NAMES = re.compile(
    r"(?:additional |further )?(?P<role>reporting|writing|research|editing|edited)\s+by\s+"
    r"(?P<names>[^;.]+)", re.IGNORECASE)
_PLACE_SUFFIX = re.compile(r"\s+(?:in|from)\s+[A-Z][\w .'’-]*$")
_ROLE = re.compile(
    r"\b(?:reporter|correspondent|writer|editor|journalist|producer|contributor|"
    r"columnist|critic)s?\b\s*", re.IGNORECASE)
_LOWER_TAIL = re.compile(r"(?:\s+[a-z][\w-]*)+$")
# A wire dateline opening the first paragraph: "PORT ANSELM (CDW) — City officials ..."
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .,'’-]{1,40}?)\s*\((?P<credit>[A-Za-z][\w .&'’-]{0,40})\)"
    r"\s*[—–-]{1,2}\s")
_PLATFORM_HINTS = (("twitter.com", "X"), ("x.com", "X"), ("(@", "X"), ("instagram", "Instagram"),
                   ("tiktok", "TikTok"), ("threads", "Threads"), ("facebook", "Facebook"),
                   ("youtube", "YouTube"), ("bsky", "Bluesky"))


def _words(text: str) -> list[str]:
    return text.split()


def _caps_share(text: str) -> float:
    letters = list(filter(str.isalpha, text))
    return sum(map(str.isupper, letters)) / len(letters) if letters else 0.0


def _title_case_share(words: list[str]) -> float:
    content = [w for w in words if w.strip(_CLOSERS + "\"'“‘(").lower() not in _SMALL_WORDS]
    if not content:
        return 0.0
    caps = sum(1 for w in content if w.lstrip("\"'“‘(")[:1].isupper() or w[:1].isdigit())
    return caps / len(content)


def _unpunctuated(text: str) -> bool:
    return not text.rstrip().rstrip(_CLOSERS).endswith(_TERMINAL)


def _search(name: str, text: str, flags: int = re.IGNORECASE) -> re.Match[str] | None:
    for pat in patterns(name, flags):
        m = pat.search(text)
        if m:
            return m
    return None


def _embed(text: str) -> dict[str, Any] | None:
    m = _search("embed.txt", text, 0)
    if m is None:
        return None
    groups = {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()}
    meta: dict[str, Any] = {"text": groups.get("text", text)}
    for key in ("author", "handle"):
        if key in groups:
            meta[key] = groups[key]
    if "date" in groups:
        try:
            meta["date"] = parse_published(groups["date"].replace(".", "")).isoformat()
        except ValueError:
            meta["date_text"] = groups["date"]
    low = text.lower()
    meta["platform"] = next((p for hint, p in _PLATFORM_HINTS if hint in low), None)
    return meta


def _names(raw: str) -> tuple[list[str], list[str]]:
    """People and outlets named in a byline's list of names.

    >>> _names("Bay Post staff writer Ana Lind in Oslo and Associated Press")
    (['Ana Lind'], ['Bay Post', 'Associated Press'])
    """
    people: list[str] = []
    outlets: list[str] = []
    for part in _NAME_SPLIT.split(raw):
        part = _PLACE_SUFFIX.sub("", part.strip(" .")).strip()
        role = _ROLE.search(part)
        if role:
            prefix = _LOWER_TAIL.sub("", part[: role.start()].strip()).strip()
            if prefix and (lookup_outlet(prefix) or prefix.istitle()):
                outlets.append(_outlet_name(prefix))
            part = part[role.end():].strip()
        if not part:
            continue
        entry = lookup_outlet(part)
        (outlets if entry else people).append(entry.name if entry else part)
    return people, outlets


def _byline(m: re.Match[str], text: str) -> dict[str, Any]:
    groups = m.groupdict()
    people, outlets = _names(groups["names"]) if groups.get("names") else ([], [])
    editors: list[str] = []
    for extra in _MORE_NAMES.finditer(text[m.start("names") if groups.get("names") else 0:]):
        found, more_outlets = _names(extra["names"])
        outlets += more_outlets
        target = editors if extra["role"].lower().startswith("edit") else people
        target += [n for n in found if n not in target and n not in people]
    if groups.get("outlet"):
        outlets.insert(0, _outlet_name(groups["outlet"]))
    info: dict[str, Any] = {"contributors": people, "outlets": outlets}
    if editors:
        info["editors"] = editors
    if groups.get("origin"):
        info["origin"] = _outlet_name(groups["origin"])
    return info


def _outlet_name(raw: str) -> str:
    """The gazetteer's name for an outlet, else the words as written (capitals tamed)."""
    raw = raw.strip()
    entry = lookup_outlet(raw)
    if entry:
        return entry.name
    return raw.title() if raw.isupper() and " " in raw else raw


def classify_paragraph(
    p: Paragraph, *, position: int, count: int, title: str | None
) -> tuple[str, dict[str, Any]]:
    """The kind of one paragraph and what it tells; `position` of `count` in the article."""
    text = p.text.strip()
    words = _words(text)
    n = len(words)
    if p.meta.get("html_tag") == "head":
        return ("headline" if position == 0 else "subheading"), {}
    if title and " ".join(text.split()).casefold() == " ".join(title.split()).casefold():
        return "headline", {}
    embed = _embed(text) if n <= 120 else None
    if embed is not None:
        return "embed", {"embed": embed}
    near_edge = position < BYLINE_EDGE or position >= count - BYLINE_EDGE
    if n <= BYLINE_MAX_WORDS and near_edge:
        m = _search("byline.txt", text)
        if m:
            return "byline", _byline(m, text)
    if n <= PROMO_MAX_WORDS:
        m = _search("promo.txt", text)
        if m:
            outlet = m.groupdict().get("outlet")
            return "promo", ({"outlet": _outlet_name(outlet)} if outlet else {})
    if n <= RELATED_MAX_WORDS and _search("related.txt", text):
        return "related-link", {}
    if n <= CAPTION_MAX_WORDS and _search("caption.txt", text):
        return "caption", {}
    if _caps_share(text) >= CAPS_MIN_SHARE and n >= 2:
        return ("related-link" if n >= CAPS_MIN_WORDS else "subheading"), {}
    if n <= UNPUNCTUATED_MAX_WORDS and _unpunctuated(text):
        if n <= HEADING_MAX_WORDS or _title_case_share(words) >= TITLE_CASE_SHARE:
            return ("headline" if position == 0 and not title else "subheading"), {}
        return "caption", {}
    return "body", {}


def clean(article: Article) -> Article:
    """The article with every paragraph's kind set, and bylines' and promos'
    names lifted into `contributors` and `outlet`.

    >>> import datetime as dt
    >>> a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=[
    ...     (1, "The council met on Tuesday."), (3, "CLICK HERE TO GET THE APP")])
    >>> [p.kind for p in clean(a).paragraphs]
    ['body', 'promo']
    """
    count = len(article.paragraphs)
    paras: list[Paragraph] = []
    contributors = list(article.contributors)
    named_outlets: list[str] = []
    others: list[str] = []
    for i, p in enumerate(article.paragraphs):
        kind, info = classify_paragraph(p, position=i, count=count, title=article.title)
        if kind == "body" and not any(q.kind == "body" for q in paras):
            m = _DATELINE.match(p.text)
            if m:
                info = {"dateline": {"place": m["place"].strip(), "credit": m["credit"]}}
                named_outlets.append(_outlet_name(m["credit"]))
        meta = {k: v for k, v in p.meta.items() if k != "html_tag"} | info
        paras.append(dataclasses.replace(p, kind=kind, meta=meta))
        contributors += [c for c in info.get("contributors", []) if c not in contributors]
        named_outlets += info.get("outlets", []) + ([info["outlet"]] if "outlet" in info else [])
        if "origin" in info:
            others.append(info["origin"])
    outlet = article.outlet or (named_outlets[0] if named_outlets else None)
    named = [o for o in dict.fromkeys(named_outlets + others) if o != outlet]
    meta = dict(article.meta) | ({"outlets_named": named} if named else {})
    if others:
        meta["syndicated_from"] = others[0]
    return dataclasses.replace(
        article, paragraphs=tuple(paras), contributors=tuple(contributors), outlet=outlet,
        meta=meta,
    )
