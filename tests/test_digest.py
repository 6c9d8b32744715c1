"""The big-story selection (storytrace.digest) on invented articles."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from storytrace import digest
from storytrace.digest import Doc, Params, Unit, select
from storytrace.models import Article, Paragraph

D = dt.date


def _doc(aid: str, outlet: str, published: dt.date, *paras: str) -> Doc:
    return Doc(aid, f"{aid}.txt", outlet, published,
               [Unit(t, 2 * n + 1, n) for n, t in enumerate(paras)])


def _by_date(out: list[digest.DateSummary]) -> dict[str, digest.DateSummary]:
    return {s.date: s for s in out}


def test_reprint_is_not_new_support() -> None:
    # 10 June: one report and a reprint of its paragraph (lightly edited, so only the
    # reuse stage's verdict can tell). 12 June: two independent reports.
    docs = _reprint_docs()
    recycled = {("b", 0)}
    out = _by_date(select(docs, 2, recycled=recycled))
    assert out["2024-06-12"].score > out["2024-06-10"].score
    assert out["2024-06-10"].articles == 1
    assert out["2024-06-12"].articles == 2
    top = select(docs, 1, recycled=recycled)
    assert [s.date for s in top] == ["2024-06-12"]
    # The same through a predicate.
    pred = select(docs, 1, recycled=lambda a, p: (a, p) in recycled)
    assert [s.date for s in pred] == ["2024-06-12"]


def test_word_for_word_copy_counts_once_without_reuse_stage() -> None:
    text = "Storm damage closed the quarry road on March 3, the mayor said."
    docs = [_doc("a", "Herald", D(2024, 3, 5), text),
            _doc("b", "Times", D(2024, 3, 6), text),
            _doc("c", "Post", D(2024, 3, 5), "The market reopened on March 4 after repairs."),
            _doc("d", "Gazette", D(2024, 3, 6), "Traders returned on March 4 as stalls reopened.")]
    out = _by_date(select(docs, 2))
    assert out["2024-03-03"].articles == 1
    assert out["2024-03-04"].articles == 2


def test_dates_ranked_by_distinct_support() -> None:
    docs = [
        # One article repeating a day three times…
        _doc("a", "Herald", D(2024, 5, 20),
             "The tower opened on May 2.", "Crowds came on May 2 to the tower.",
             "Since May 2 the tower has been busy."),
        # …against three articles from three outlets, one day each.
        _doc("b", "Times", D(2024, 5, 20), "The canal was drained on May 7 for repairs."),
        _doc("c", "Post", D(2024, 5, 21), "Engineers drained the canal on May 7."),
        _doc("d", "Gazette", D(2024, 5, 22), "After May 7, when the canal was drained, boats "
             "waited."),
    ]
    out = select(docs, 2)
    ranked = sorted(out, key=lambda s: -s.score)
    assert ranked[0].date == "2024-05-07"
    assert (ranked[0].articles, ranked[0].outlets) == (3, 3)
    assert [s.date for s in out] == sorted(s.date for s in out)  # date order


def test_sentences_carry_source_and_line() -> None:
    docs = [_doc("a", "Herald", D(2024, 4, 9), "Weather was mild.",
                 "The school roof collapsed on April 8 during a storm, injuring no one."),
            _doc("b", "Times", D(2024, 4, 10), "Nobody was hurt when the school roof fell in "
                 "on April 8, the head teacher said.")]
    (day,) = select(docs, 1, per_date=2)
    assert day.date == "2024-04-08"
    assert day.sentences
    for s in day.sentences:
        doc = next(d for d in docs if d.source == s.source)
        unit = next(u for u in doc.unit_list() if u.line == s.line)
        assert s.text == unit.text
    d = day.to_dict()
    assert set(d) == {"date", "score", "articles", "outlets", "sentences"}
    assert set(d["sentences"][0]) == {"text", "source", "line"}


def test_later_mentions_weigh_more_and_as_of() -> None:
    docs = [_doc("a", "Herald", D(2024, 2, 1), "The bridge opens on February 1."),
            _doc("b", "Times", D(2024, 2, 1), "The mill closes on February 1, owners said."),
            _doc("c", "Post", D(2024, 2, 9), "Since the bridge opened on February 1, "
                 "traffic has doubled.")]
    params = Params(later=2.0, published=0.0)
    out = _by_date(select(docs, 5, params=params))
    assert out["2024-02-01"].articles == 3
    early = select(docs, 5, as_of=D(2024, 2, 2), params=params)
    assert all(s.articles <= 2 for s in early)


def test_events_add_support() -> None:
    docs = [_doc("a", "Herald", D(2024, 7, 10), "The pier burned on July 3."),
            _doc("b", "Times", D(2024, 7, 10), "The orchard flooded on July 4.")]
    events = [{"earliest": "2024-07-04", "latest": "2024-07-04", "precision": "day",
               "sources": ["b.txt", "x.txt", "y.txt"]}]
    assert [s.date for s in select(docs, 1, events=events)] == ["2024-07-04"]


class _Store:
    """Just what from_store reads."""

    def __init__(self, articles: list[Article]) -> None:
        self._articles = articles

    def articles(self) -> list[Article]:
        return self._articles

    def story_of(self) -> dict[str, str]:
        return {a.id: "s1" for a in self._articles[:2]} | {
            a.id: "s2" for a in self._articles[2:]}

    def novelty(self) -> dict[tuple[str, int], tuple[str, float]]:
        return {(self._articles[1].id, 0): ("recycled", 1.0)}

    def events(self) -> list[dict[str, Any]]:
        return []


def test_from_store_json_ready() -> None:
    def art(src: str, day: dt.date, text: str) -> Article:
        return Article(id=src, source=src, published=day, outlet=src.split(".")[0],
                       paragraphs=(Paragraph(0, 3, text), Paragraph(1, 5, "Share this",
                                                                    kind="promo")))

    store = _Store([art("herald.txt", D(2024, 9, 3), "The beacon failed on September 2."),
                    art("times.txt", D(2024, 9, 4), "The beacon failed on September 2!"),
                    art("post.txt", D(2024, 9, 4), "The archive burned on September 1.")])
    out = digest.from_store(store, story="s1", top=1)
    assert [d["date"] for d in out] == ["2024-09-02"]
    assert out[0]["articles"] == 1  # the recycled copy is not support
    assert out[0]["sentences"][0] == {"text": "The beacon failed on September 2.",
                                      "source": "herald.txt", "line": 3}


def test_an_aside_about_something_else_counts_less() -> None:
    # Both days have one mention from one article of one outlet, published after it; the
    # 14 May mention is about the story (the ferry strike), the 15 May one is not.
    story = "The ferry crews went on strike over pay, the union said."
    docs = [_doc(c, f"Outlet {c}", D(2024, 5, 20), story) for c in "abcdef"]
    docs += [_doc("g", "Outlet g", D(2024, 5, 20), "The ferry crews began the strike over pay "
                  "on May 14, the union said."),
             _doc("h", "Outlet h", D(2024, 5, 20), story,
                  "Elsewhere a bakery won a prize for its bread on May 15.")]
    out = _by_date(select(docs, 2, per_date=0))
    assert out["2024-05-14"].score > out["2024-05-15"].score
    flat = _by_date(select(docs, 2, per_date=0, params=Params(date_topical=0.0)))
    assert flat["2024-05-14"].score == flat["2024-05-15"].score


def test_summary_leads_and_no_sentence_twice() -> None:
    # The opening line of an article published the day after tells the day's news undated;
    # an opening line that dates its news to another day is not used for this one; no
    # sentence sums up two days.
    docs = [_doc("a", "Herald", D(2024, 8, 2),
                 "Firefighters brought the fire under control overnight, officials said.",
                 "The warehouse blaze started on August 1 near the docks."),
            _doc("b", "Times", D(2024, 8, 2),
                 "The council met on July 30 to discuss the docks and the warehouse rules.",
                 "Crews fought the warehouse blaze on August 1 for twelve hours."),
            _doc("c", "Post", D(2024, 8, 3),
                 "Council members said on July 30 that the warehouse rules would change.")]
    out = _by_date(select(docs, 2, per_date=3))
    aug1 = {s.text for s in out["2024-08-01"].sentences}
    assert "Firefighters brought the fire under control overnight, officials said." in aug1
    assert not any("July 30" in t for t in aug1)
    used = [(s.source, s.line) for d in out.values() for s in d.sentences]
    assert len(used) == len(set(used))


def test_no_key_date_without_a_sentence() -> None:
    # 3 March is the best-supported day, but its only sentence also dates 4 March and
    # already sums up the more important 3 March; 5 March has a sentence of its own.
    both = "The dam cracked on March 3 and the valley was evacuated on March 4, police said."
    docs = [_doc(c, f"Outlet {c}", D(2024, 3, 10), both) for c in "abc"]
    docs += [_doc("d", "Outlet d", D(2024, 3, 10), "Engineers began draining the dam "
                  "reservoir on March 5 to ease the pressure.")]
    ranked = select(docs, 3, per_date=0)  # scores only: all three days
    assert [s.date for s in ranked] == ["2024-03-03", "2024-03-04", "2024-03-05"]
    score = {s.date: s.score for s in ranked}
    assert score["2024-03-03"] >= score["2024-03-04"] > score["2024-03-05"]  # ties: earlier
    out = select(docs, 2, per_date=1)
    assert [s.date for s in out] == ["2024-03-03", "2024-03-05"]
    assert all(s.sentences for s in out)
    assert "March 5" in out[1].sentences[0].text


def _reprint_docs() -> list[Doc]:
    return [
        _doc("a", "Harbour Herald", D(2024, 6, 20),
             "The ferry Lantern ran aground near the north pier on June 10, officials said."),
        _doc("b", "Valley Times", D(2024, 6, 21),
             "The ferry Lantern ran aground near the north pier on June 10, officials said on "
             "Friday."),
        _doc("c", "Island Post", D(2024, 6, 20),
             "Councillors voted on June 12 to suspend the winter timetable."),
        _doc("d", "Canal Gazette", D(2024, 6, 22),
             "A vote on June 12 suspended the timetable for the cold months, the council said."),
    ]


def test_reprint_is_not_new_support_with_the_trained_ranker() -> None:
    assert digest.ranker() is not None  # the shipped weights load
    recycled = {("b", 0)}
    model = Params(ranker="model")
    top = select(_reprint_docs(), 1, recycled=recycled, params=model)
    assert [s.date for s in top] == ["2024-06-12"]
    out = _by_date(select(_reprint_docs(), 2, recycled=recycled, params=model))
    assert out["2024-06-12"].score > out["2024-06-10"].score


def test_day_features_count_distinct_support() -> None:
    f = digest.day_features(_reprint_docs(), recycled={("b", 0)})
    june10, june12 = f[D(2024, 6, 10)], f[D(2024, 6, 12)]
    # log1p counts: one article (and one reprint) for 10 June, two articles for 12 June
    assert round(june10["articles"], 6) == round(math.log1p(1), 6)
    assert round(june10["reprints"], 6) == round(math.log1p(1), 6)
    assert round(june12["articles"], 6) == round(math.log1p(2), 6)
    assert june12["outlets"] > june10["outlets"]
    assert june12["rules"] > june10["rules"]


def test_weights_override_the_rules() -> None:
    # A ranker that prefers the earlier day in the span picks 10 June over 12 June.
    out = select(_reprint_docs(), 1, recycled={("b", 0)}, weights={"position": -1.0})
    assert [s.date for s in out] == ["2024-06-10"]
    assert digest.ranker_score({"a": 2.0, "b": 1.0}, {"a": 0.5, "bias": 1.0}) == 2.0


def test_a_reprint_adds_less_than_an_independent_report() -> None:
    # The same four articles; b's paragraph counted as a reprint (the reuse stage's verdict),
    # as an independent report, or absent. A reprint is no article or outlet of the day,
    # and adds less than the report would.
    docs = _reprint_docs()
    without = _by_date(select([d for d in docs if d.id != "b"], 2))["2024-06-10"]
    reprint = _by_date(select(docs, 2, recycled={("b", 0)}))["2024-06-10"]
    report = _by_date(select(docs, 2))["2024-06-10"]
    assert (reprint.articles, reprint.outlets) == (without.articles, without.outlets) == (1, 1)
    assert report.articles == 2
    assert without.score < reprint.score < report.score
    off = _by_date(select(docs, 2, recycled={("b", 0)}, params=Params(reprint=0.0)))
    assert off["2024-06-10"].score < reprint.score


def test_a_date_only_referred_back_to_can_weigh_less() -> None:
    doc = _doc("a", "Herald", D(2024, 3, 10), "The dam cracked on March 3.",
               "Two days later the valley was evacuated.")
    assert [(k, day.isoformat(), anchor) for k, day, anchor in digest.day_mentions(doc)] == [
        (0, "2024-03-03", "dct"), (1, "2024-03-05", "text")]
    full = _by_date(select([doc], 2, per_date=0))
    low = _by_date(select([doc], 2, per_date=0, params=Params(anaphoric=0.25)))
    assert low["2024-03-05"].score < full["2024-03-05"].score
    assert low["2024-03-03"].score == full["2024-03-03"].score
