import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from storytrace.clean import clean
from storytrace.ingest import read_inputs
from storytrace.models import Article
from tests.conftest import GOLD, SAMPLE

D = dt.date(2025, 3, 1)
BODY = "The council voted on Tuesday to keep the ferry running through the winter."


def kinds(*texts: str, title: str | None = None) -> list[str]:
    a = Article.build(source="t", published=D, title=title,
                      paragraphs=[(2 * i + 1, t) for i, t in enumerate(texts)])
    return [p.kind for p in clean(a).paragraphs]


@pytest.mark.parametrize(("line", "kind"), [
    ("You can now listen to Bay Post articles!", "promo"),
    ("CLICK HERE TO GET THE BAY POST APP", "promo"),
    ("Sign up for our morning newsletter to get the headlines first.", "promo"),
    ("Download the Bay Post app for breaking news alerts", "promo"),
    ("HARBOUR FEES TO DOUBLE AS BOARD APPROVES NEW BUDGET FOR SPRING", "related-link"),
    ("Read more: Harbour fees to double next spring", "related-link"),
    ("Looking ahead", "subheading"),
    ("Island Families Brace for Longer Winter Crossings", "subheading"),
    ("The ferry leaves the island terminal on a cold Monday morning", "caption"),
    ("Commuters wait at the pier on Monday. (Jane Doe/Getty Images)", "caption"),
    ("Bay Post's Ana Lind contributed to this report.", "byline"),
    ("Reporting by Ana Lind; Editing by Tom Brek", "byline"),
    ("Great turnout at the pier today #SaveTheFerry pic.twitter.com/abc123XYZ \u2014 "
     "Pier Friends (@pierfriends) March 2, 2025", "embed"),
    (BODY, "body"),
    ("\u201cWe will keep the boats running,\u201d the mayor said.", "body"),
    ("She added:", "body"),
])
def test_kind_of_one_line(line: str, kind: str) -> None:
    assert kinds(BODY, line, BODY, BODY)[1] == kind


def test_body_mentioning_newsletters_stays_body() -> None:
    long_body = ("Residents who sign up for the council newsletter received the notice a week "
                 "late, and several said they had no time to prepare objections before the "
                 "deadline, which fell on a public holiday when the office was closed to visitors.")
    assert kinds(BODY, long_body, BODY) == ["body", "body", "body"]


def test_byline_far_from_the_edges_is_body() -> None:
    mid = "Reporting by the council showed a drop in riders."
    assert kinds(BODY, BODY, BODY, BODY, mid, BODY, BODY, BODY, BODY)[4] == "body"


def test_headline_equal_to_title() -> None:
    assert kinds("Ferry Saved", BODY, title="Ferry saved")[0] == "headline"


def test_metadata_is_kept_not_thrown_away() -> None:
    a = Article.build(source="t", published=D, paragraphs=[
        (1, "NEW You can now listen to Bay Post articles!"),
        (3, BODY),
        (5, "Pier is packed this morning pic.twitter.com/Zx81 \u2014 Pier Friends "
            "(@pierfriends) March 2, 2025"),
        (7, BODY),
        (9, "Bay Post staff writer Ana Lind and Tom Brek contributed to this report."),
    ])
    c = clean(a)
    assert c.outlet == "Bay Post"
    assert c.contributors == ("Ana Lind", "Tom Brek")
    embed: Any = c.paragraphs[2].meta["embed"]
    assert embed["date"] == "2025-03-02" and embed["handle"] == "pierfriends"
    assert embed["platform"] == "X" and embed["text"].startswith("Pier is packed")


def test_outlet_short_form_is_canonical() -> None:
    a = Article.build(source="t", published=D, paragraphs=[
        (1, BODY), (3, "The Associated Press contributed to this report.")])
    c = clean(a)
    assert c.outlet == "Associated Press" and c.contributors == ()


def _gold_non_body(gold_path: Path) -> dict[str, dict[int, str]]:
    yaml = pytest.importorskip("yaml")
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    return {g["file"]: {int(k): v for k, v in g["non_body"].items()} for g in gold["articles"]}


def _check_against_gold(folder: Path, gold_path: Path) -> None:
    want = _gold_non_body(gold_path)
    arts = {a.source: clean(a) for a in read_inputs([folder]) if isinstance(a, Article)}
    assert set(want) <= set(arts)
    for name, non_body in want.items():
        got = {p.line: p.kind for p in arts[name].paragraphs}
        wrong = {ln: k for ln, k in got.items()
                 if (k == "body") == (ln in non_body) and not (ln == 1 and non_body.get(1))}
        assert not wrong, f"{name}: lines classified wrongly: {wrong}"
        # kinds, not just body/non-body, as the gold names them
        assert {ln: got.get(ln) for ln in non_body} == non_body, name


def test_sample_corpus_matches_its_gold() -> None:
    _check_against_gold(SAMPLE, SAMPLE / "gold.yaml")


def test_seeds_match_the_gold(seeds_dir: Path) -> None:
    _check_against_gold(seeds_dir, GOLD)


def test_wire_dateline_credits_the_outlet() -> None:
    a = Article.build(source="t", published=D, paragraphs=[
        (1, "HARBOUR CITY (AP) \u2014 The council voted on Tuesday to keep the ferry."),
        (3, BODY)])
    c = clean(a)
    assert c.paragraphs[0].kind == "body"
    assert c.paragraphs[0].meta["dateline"] == {"place": "HARBOUR CITY", "credit": "AP"}
    assert c.outlet == "Associated Press"


def test_syndicated_copy_names_its_first_publisher() -> None:
    a = Article.build(source="t", published=D, outlet="Bay Post", paragraphs=[
        (1, BODY), (3, BODY),
        (5, "This article was originally published by Harbour Wire and is republished "
            "with permission.")])
    c = clean(a)
    assert c.paragraphs[2].kind == "byline"
    assert c.outlet == "Bay Post" and c.meta["syndicated_from"] == "Harbour Wire"
    assert c.meta["outlets_named"] == ["Harbour Wire"]
