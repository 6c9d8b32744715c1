"""Events: dated happenings from invented articles, merged across articles with sources,
conflicts kept, relative dates chained, and the timeline as of a day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace.cli import app
from storytrace.models import Article
from tests.conftest import SAMPLE


def article(source: str, day: str, *paragraphs: str, outlet: str = "The Test Gazette") -> Article:
    return Article.build(source=source, published=dt.date.fromisoformat(day),
                         paragraphs=[(2 * i + 1, p) for i, p in enumerate(paragraphs)],
                         outlet=outlet)


A = article(
    "a.txt", "2024-09-20",
    "Harriet Vossberg and Milan Okafor were spotted having dinner at the Copper Kettle "
    "restaurant in Lisbon on Sept. 14, diners said.",
    "Two days later, Vossberg and Okafor were seen boarding a ferry to Porto together.",
    "Vossberg starred in the 2019 film \"Salt Roads\" before moving into directing.",
)
B = article(
    "b.txt", "2024-09-25",
    "Harriet Vossberg and Milan Okafor had dinner at the Copper Kettle restaurant in "
    "Lisbon on Sept. 15, according to a waiter who served them.",
    "The director will screen her new documentary in Madrid on Oct. 3.",
    outlet="Daily Courier of Tests",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> storytrace.Corpus:
    db = tmp_path_factory.mktemp("ev") / "s.db"
    st = storytrace.open(db)
    st.ingest([A, B])
    return st


def _on(events: list[dict], day: str) -> list[dict]:
    return [e for e in events if e["earliest"] <= day <= e["latest"]]


def test_one_happening_told_twice_is_one_event_with_its_conflict(corpus: storytrace.Corpus
                                                                 ) -> None:
    events = corpus.timeline()
    dinner = [e for e in events if "Copper Kettle" in " ".join(v["text"] for v in e["evidence"])]
    assert len(dinner) == 1
    e = dinner[0]
    assert e["sources"] == ["a.txt", "b.txt"]
    assert e["date"] == "2024-09-14"  # the first report's date; the other is a conflict
    assert len(e["conflicts"]) == 1 and "b.txt" in e["conflicts"][0] and "2024-09-15" in \
        e["conflicts"][0]
    assert set(e["participants"]) >= {"Harriet Vossberg", "Milan Okafor"}
    assert e["place"] == "Lisbon"


def test_relative_date_chains_on_the_date_before_it(corpus: storytrace.Corpus) -> None:
    ferry = _on(corpus.timeline(), "2024-09-16")
    assert ferry and "ferry" in ferry[0]["summary"]
    assert ferry[0]["precision"] == "day"


def test_a_title_year_is_not_an_event_and_the_future_is(corpus: storytrace.Corpus) -> None:
    events = corpus.timeline()
    assert not [e for e in events if e["date"] == "2019"]
    screening = _on(events, "2024-10-03")
    assert screening and screening[0]["kind"] == "premiere"


def test_as_of_shows_only_what_was_published(corpus: storytrace.Corpus) -> None:
    before = corpus.timeline(as_of="2024-09-21")
    dinner = _on(before, "2024-09-14")
    assert dinner and dinner[0]["sources"] == ["a.txt"] and not dinner[0]["conflicts"]
    assert not _on(before, "2024-10-03")


def test_entity_filter_takes_aliases(corpus: storytrace.Corpus) -> None:
    mine = corpus.timeline(entity="Okafor")
    assert mine and all("Milan Okafor" in e["participants"] for e in mine)
    assert len(mine) < len(corpus.timeline())


def test_export_and_cli_show_the_events(corpus: storytrace.Corpus) -> None:
    exported = corpus.export()["events"]
    assert [e["date"] for e in exported] == [e["date"] for e in corpus.timeline()]
    assert all(e["evidence"] and e["evidence"][0]["line"] for e in exported)
    path = corpus.store.path
    r = CliRunner().invoke(app, ["timeline", "--db", str(path), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["id"] == "v1"
    r = CliRunner().invoke(app, ["timeline", "--db", str(path), "--format", "markdown"])
    assert r.exit_code == 0 and "## 2024-09" in r.stdout and "a.txt:1" in r.stdout
    r = CliRunner().invoke(app, ["timeline", "--db", str(path), "--format", "csv"])
    assert r.exit_code != 0


def test_seeds_timeline_reads_as_the_story(seeds_dir: Path, tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([seeds_dir])
        events = st.timeline()
    dated = [e["earliest"] for e in events if e["earliest"] >= "2025-01-01"]
    assert dated == sorted(dated) and dated[0] >= "2025-02-01" and dated[-1] <= "2025-07-31"
    soho = [e for e in events if e["date"] == "2025-02-13"]
    assert len(soho) == 1 and len(soho[0]["sources"]) >= 3 and soho[0]["conflicts"]


def test_sample_corpus_keeps_its_conflicting_dates(tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([SAMPLE])
        events = st.timeline()
    assert any(e["conflicts"] for e in events)
    # "Three weeks earlier" is counted from the hearing the sentence before dates.
    suit = [e for e in events if "filed suit" in e["summary"]]
    assert suit and suit[0]["earliest"] == "2025-06-06"


def test_top_dates_of_a_story(corpus: storytrace.Corpus) -> None:
    dates = corpus.digest(top=2)
    assert 1 <= len(dates) <= 2
    assert all(d["sentences"] and d["sentences"][0]["source"] for d in dates)
    path = corpus.store.path
    r = CliRunner().invoke(app, ["timeline", "--db", str(path), "--top", "2", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["date"] == dates[0]["date"]
    assert CliRunner().invoke(app, ["timeline", "--db", str(path), "--top", "0"]).exit_code != 0


def _brute_merge(items: list) -> list:
    """The merge with every group whose dates still meet asked, no index."""
    from storytrace.events import _absorb, _Group, _rank

    items = sorted(items, key=lambda i: (i.lo, _rank(i.m), i.published or dt.date.min, i.source))
    groups: list = []
    for it in items:
        best = None
        for gi, g in enumerate(groups):
            if g.hi >= it.lo and g.lo <= it.hi and g.votes(it):
                best = gi
        if best is None:
            groups.append(_Group(it))
        else:
            groups[best].add(it)
    _absorb(groups)
    return [g.members for g in groups if not g.absorbed]


def _item(k: int, day: str, text: str, words: list[str], people: tuple[str, ...] = (),
          orgs: tuple[str, ...] = ()) -> object:
    from storytrace.events import Mention, _Item

    d = dt.date.fromisoformat(day)
    m = Mention(0, 0, 1, 0, len(text), text, day, day, "day", day, day, "doc", "say",
                "happening", words=words)
    return _Item(m, f"a{k}", f"s{k}.txt", d, 1, list(people), [], d, d, frozenset(orgs))


def test_a_chain_of_links_is_not_one_event() -> None:
    from storytrace.events import merge

    # A~B (ferry strike) and B~C (budget vote) share words; A and C share none.
    a = _item(1, "2025-03-05", "Ferry crews went on strike on March 5.",
              ["ferry", "crew", "strike"])
    b = _item(2, "2025-03-05", "On March 5 ferry crews struck as the council voted the budget.",
              ["ferry", "crew", "strike", "council", "vote", "budget"])
    c = _item(3, "2025-03-05", "The council voted the budget on March 5.",
              ["council", "vote", "budget"])
    groups = merge([a, b, c])
    assert len(groups) == 2
    assert not any({i.article for i, _ in g} >= {"a1", "a3"} for g in groups)


def test_days_of_a_running_story_stay_apart_and_a_misdated_report_joins() -> None:
    from storytrace.events import merge

    words = ["ferry", "crew", "strike", "harbour"]
    story = [_item(k, f"2025-03-0{1 + k // 3}", "Ferry crews struck at the harbour.", words,
                   ("rosa",)) for k in range(9)]  # three reports on each of three days
    off = _item(20, "2025-03-04", "Ferry crews struck at the harbour.", words, ("rosa",))
    groups = merge([*story, off])
    days = [{i.lo for i, flag in g if not flag} for g in groups]
    assert len(groups) == 3 and all(len(d) == 1 for d in days)
    assert [flag for g in groups for i, flag in g if i.article == "a20"] == [True]


def test_other_organisations_are_other_happenings() -> None:
    from storytrace.events import merge

    words = ["fine", "regulator", "safety"]
    a = _item(1, "2024-05-02", "Regulators fined Corvane Marine on May 2 over safety.", words,
              orgs=("corvane",))
    b = _item(2, "2024-05-02", "Regulators fined Bayline Freight on May 2 over safety.", words,
              orgs=("bayline",))
    c = _item(3, "2024-05-02", "Corvane Marine was fined by regulators over safety on May 2.",
              words, orgs=("corvane",))
    assert sorted(sorted(i.article for i, _ in g) for g in merge([a, b, c])) == [
        ["a1", "a3"], ["a2"]]


def test_a_month_holds_the_day_of_the_same_act_by_the_same_person() -> None:
    from storytrace.events import Mention, _Item, merge

    def item(k: int, lo: str, hi: str, prec: str, trigger: str, kind: str, text: str,
             words: list[str]) -> _Item:
        m = Mention(0, 0, 1, 0, len(text), text, lo, lo, prec, lo, hi, "doc", trigger, kind,
                    words=words)
        return _Item(m, f"a{k}", f"s{k}.txt", dt.date(2025, 5, 21), 1, ["marchetti"], [],
                     dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))

    month = item(1, "2025-04-01", "2025-04-30", "month", "announce", "statement",
                 "Marchetti, who announced the agreement in April after weeks of denials, left.",
                 ["announce", "agreement", "week", "denial", "leave", "chamber"])
    day = item(2, "2025-04-22", "2025-04-22", "day", "announce", "statement",
               "The city will sell its ferry line, Mayor Marchetti announced yesterday.",
               ["city", "sell", "ferry", "line", "mayor", "announce"])
    told = item(3, "2025-04-22", "2025-04-22", "day", "say", "statement",
                "Marchetti said at a news conference on Tuesday.", ["news", "conference"])
    # the month's report does not vote on the day's: it says less of the day
    assert [sorted(i.article for i, _ in g) for g in merge([month, day, told])] == [
        ["a1", "a2", "a3"]]


def test_merge_skips_only_comparisons_that_cannot_match() -> None:
    import random

    from storytrace.events import Mention, _Item, merge

    rnd = random.Random(7)
    words, people = ["ferry", "strike", "vote", "court", "fire"], ["p1", "p2", "p3"]
    items = []
    for k in range(300):
        day = dt.date(2025, 1, 1) + dt.timedelta(rnd.randrange(40))
        span = rnd.choice([0, 0, 0, 6, 30])
        prec = "day" if span == 0 else "week" if span == 6 else "month"
        m = Mention(0, 0, 1, 0, 1, "", "", day.isoformat(), prec, day.isoformat(),
                    (day + dt.timedelta(span)).isoformat(), rnd.choice(["text", "doc"]),
                    "say", rnd.choice(["meeting", "happening"]),
                    words=rnd.sample(words, rnd.randrange(3)))
        items.append(_Item(m, f"a{k % 60}", f"s{k % 60}", dt.date(2025, 3, 1), k,
                           rnd.sample(people, rnd.randrange(2)),
                           rnd.sample(["lisbon", "porto"], rnd.randrange(2)),
                           day, day + dt.timedelta(span)))

    def key(groups: list) -> list:
        return [[(i.article, i.line, flag) for i, flag in g] for g in groups]

    got = merge(items)
    assert key(got) == key(_brute_merge(items))
    assert 5 < len(got) < 290  # some mentions merged, not all into one
    # no group holds two days that no member's dates join
    for g in got:
        same = [i for i, flag in g if not flag]
        assert max(i.lo for i in same) <= min(i.hi for i in same)
