"""The timex stage on invented sentences: each expression class, years, anchoring, offsets."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from storytrace.timex import STAGE, Timex, tag

D = dt.date
DCT = D(2025, 5, 17)  # a Saturday


def one(text: str, phrase: str, dct: dt.date = DCT) -> Timex:
    """The timex whose text is `phrase`, failing with what was found instead."""
    found = tag(text, dct)
    hits = [t for t in found if t.text == phrase]
    assert hits, f"{phrase!r} not tagged in {text!r}; found {[t.text for t in found]}"
    return hits[0]


def test_stage_name_and_offsets_are_exact() -> None:
    text = "The ferry board met on Feb. 13.\n\nTwo weeks earlier, the mayor spoke for 30 minutes."
    found = tag(text, DCT)
    assert STAGE == "timex"
    assert [t.text for t in found] == ["Feb. 13", "Two weeks earlier", "30 minutes"]
    for t in found:
        assert text[t.start:t.end] == t.text
    assert [t.start for t in found] == sorted(t.start for t in found)


@pytest.mark.parametrize(("text", "phrase", "value", "precision"), [
    ("The council voted on Feb. 13, 2024 to sell the line.", "Feb. 13, 2024", "2024-02-13", "day"),
    ("The ferry sails again July 26 after repairs.", "July 26", "2025-07-26", "day"),
    ("Fans will queue at the June 3 premiere of the play.", "June 3", "2025-06-03", "day"),
    ("The harbour closed in March 2019 for good.", "March 2019", "2019-03", "month"),
    ("She gave a 2023 interview to a local paper.", "2023", "2023", "year"),
    ("The company was founded in 2012 by two sisters.", "2012", "2012", "year"),
    ("The poll was taken in the 1980s.", "the 1980s", "198", "decade"),
    ("Traffic fell last fall, officials said.", "last fall", "2024-FA", "season"),
    ("Revenue rose in the third quarter of 2024.", "the third quarter of 2024", "2024-Q3",
     "quarter"),
])
def test_explicit_dates_keep_their_precision(text: str, phrase: str, value: str,
                                             precision: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value, t.precision) == ("DATE", value, precision)


def test_a_month_stays_a_month() -> None:
    t = one("The deal was signed in May, the union said.", "May")
    assert (t.value, t.precision) == ("2025-05", "month")
    assert (t.earliest, t.latest) == (D(2025, 5, 1), D(2025, 5, 31))


def test_may_the_verb_is_not_a_month() -> None:
    assert [t.text for t in tag("The mayor may resign, and she might not.", DCT)] == []


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The ferry ran yesterday.", "yesterday", "2025-05-16"),
    ("Tickets go on sale tomorrow.", "tomorrow", "2025-05-18"),
    ("The captain resigned last week.", "last week", "2025-W19"),
    ("Fares rose this year.", "this year", "2025"),
    ("The line opened last month.", "last month", "2025-04"),
    ("The island had no shop two years ago.", "two years ago", "2023"),
    ("The ferry is now full.", "now", "PRESENT_REF"),
    ("The line will grow in the future.", "the future", "FUTURE_REF"),
])
def test_relative_to_the_publication_date(text: str, phrase: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.value, t.anchor) == (value, "dct")


def test_weekday_is_the_last_one_in_past_context_and_the_next_with_a_future_cue() -> None:
    past = one("The harbourmaster resigned on Wednesday.", "Wednesday")
    future = one("The council will vote on Wednesday.", "Wednesday")
    assert past.value == "2025-05-14"
    assert future.value == "2025-05-21"
    assert one("The mayor spoke on Saturday.", "Saturday").value == "2025-05-17"


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The couple met on Valentine's Day.", "Valentine's Day", "2025-02-14"),
    ("They dined the night before Valentine's Day.", "the night before Valentine's Day",
     "2025-02-13TNI"),
    ("The shop closed at Christmas.", "Christmas", "2024-12-25"),
    ("Fireworks lit the bay on New Year's Eve.", "New Year's Eve", "2024-12-31"),
    ("The ferry was full at Thanksgiving.", "Thanksgiving", "2024-11-28"),
    ("The festival will return on Labor Day.", "Labor Day", "2025-09-01"),
])
def test_holidays(text: str, phrase: str, value: str) -> None:
    assert one(text, phrase).value == value


@pytest.mark.parametrize(("text", "phrase", "typ", "value"), [
    ("He has captained the ferry for 30 years.", "30 years", "DURATION", "P30Y"),
    ("The strike lasted two weeks.", "two weeks", "DURATION", "P2W"),
    ("The repairs took about three months.", "about three months", "DURATION", "P3M"),
    ("Talks went on for years.", "years", "DURATION", "PXY"),
    ("Fares climbed over the past few months.", "the past few months", "DURATION", "PXM"),
    ("The ferry sails daily.", "daily", "SET", "P1D"),
    ("The market opens every Monday.", "every Monday", "SET", "XXXX-WXX-1"),
    ("The talk lasted an hour and a half.", "an hour and a half", "DURATION", "PT1H30M"),
])
def test_durations_and_sets(text: str, phrase: str, typ: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == (typ, value)


def test_an_age_is_not_a_duration() -> None:
    assert tag("The 62-year-old skipper waved.", DCT) == []


def test_since_marks_the_start_of_a_span() -> None:
    t = one("The shop has been closed since 2012.", "2012")
    assert (t.value, t.mod) == ("2012", "AFTER")


def test_year_inference_past_and_future() -> None:
    dct = D(2025, 2, 20)
    assert one("The ferry sank on Dec. 28.", "Dec. 28", dct).value == "2024-12-28"
    assert one("The new ferry will be launched June 6.", "June 6", dct).value == "2025-06-06"
    assert one("The old ferry was launched June 6.", "June 6", dct).value == "2024-06-06"
    # no cue: the nearest to the publication date
    assert one("Ferry fares: March 2 is the day.", "March 2", dct).value == "2025-03-02"
    assert one("The festival is scheduled for Nov. 3.", "Nov. 3", D(2025, 10, 1)).value == \
        "2025-11-03"


def test_anchoring_chain_follows_the_text() -> None:
    text = ("The ferry was sold on March 4. Two weeks earlier, the union had protested. "
            "A couple of days later, the mayor resigned. The next day, the council met. "
            "That day, fares rose. Yesterday the new owner spoke.")
    found = {t.text: t for t in tag(text, DCT)}
    assert found["March 4"].value == "2025-03-04"
    assert (found["Two weeks earlier"].value, found["Two weeks earlier"].anchor) == \
        ("2025-02-18", "text")
    assert found["A couple of days later"].value == "2025-02-20"
    assert found["The next day"].value == "2025-02-21"
    assert (found["That day"].value, found["That day"].anchor) == ("2025-02-21", "text")
    assert (found["Yesterday"].value, found["Yesterday"].anchor) == ("2025-05-16", "dct")


def test_following_week_and_weeks_later_are_relative_to_the_text() -> None:
    text = ("The island voted on Jan. 10, 2025. The following week, the sale closed. "
            "Weeks later it reopened.")
    found = {t.text: t for t in tag(text, DCT)}
    assert found["The following week"].value == "2025-W03"
    assert found["The following week"].anchor == "text"
    weeks = found["Weeks later"]
    assert weeks.anchor == "text"
    assert weeks.earliest is not None and weeks.earliest > D(2025, 1, 10)


def test_at_the_time_takes_the_text_date() -> None:
    text = "The bridge opened on April 2, 2019. At the time, the ferry still ran."
    t = one(text, "the time")
    assert (t.value, t.anchor) == ("2019-04-02", "text")


def test_birthday_month_is_a_month() -> None:
    t = one("She will celebrate her 40th birthday in April.", "April", D(2025, 2, 1))
    assert (t.type, t.value, t.precision) == ("DATE", "2025-04", "month")


def test_future_release_date() -> None:
    t = one("The sequel will be released June 6, the studio said.", "June 6")
    assert (t.value, t.earliest, t.latest) == ("2025-06-06", D(2025, 6, 6), D(2025, 6, 6))


def test_mods_narrow_the_days() -> None:
    t = one("The vote came in late November.", "late November", D(2025, 12, 10))
    assert (t.value, t.mod) == ("2025-11", "END")
    assert t.earliest is not None and t.earliest >= D(2025, 11, 20)


@pytest.mark.shared
def test_seed_dates_fall_in_the_story_span(seeds_dir: Path) -> None:
    """Resolved days of the seed articles' explicit and weekday dates lie in Feb-July 2025."""
    checked = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        m = re.match(r"\s*date (\d{4}-\d\d-\d\d)", raw)
        assert m, f"{path.name}: no date line"
        for t in tag(raw[m.end():], dt.date.fromisoformat(m.group(1))):
            if t.precision == "day" and t.anchor != "none" and t.type == "DATE":
                assert t.earliest is not None
                assert D(2025, 1, 15) <= t.earliest <= D(2025, 8, 31), (path.name, t)
                checked += 1
    assert checked >= 3


def test_event_relative_expression_stays_unresolved_and_breaks_the_chain() -> None:
    text = ("They flew the day before her birthday. Two weeks earlier, they sailed. "
            "On March 3, they dined. The next day, they left.")
    found = {t.text: t for t in tag(text, DCT)}
    assert (found["the day before"].anchor, found["the day before"].earliest) == ("none", None)
    assert found["Two weeks earlier"].anchor == "none"
    assert found["March 3"].value == "2025-03-03"
    assert (found["The next day"].value, found["The next day"].anchor) == ("2025-03-04", "text")


def test_next_to_is_not_a_future_cue() -> None:
    t = one("He walked next to her in April.", "April", D(2025, 7, 30))
    assert t.value == "2025-04"


def test_the_tense_cue_nearest_the_date_decides() -> None:
    # "will" opens the clause, but "was rescued" sits next to the month.
    t = one("The aunt who will look after him since he was rescued in late November spoke.",
            "late November", D(2025, 4, 5))
    assert t.value == "2024-11"
    t = one("The pier, which was damaged in a storm, will reopen in late November.",
            "late November", D(2025, 4, 5))
    assert t.value == "2025-11"


def test_an_abbreviation_ends_no_sentence() -> None:
    # Split at "Gen.", the weekday would lose its future cue.
    t = one("The envoy will meet Gen. Okafor on Thursday.", "Thursday", D(2025, 2, 10))
    assert t.value == "2025-02-13"


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("Acme said third-quarter profit rose to $5 million from $4 million a year ago.",
     "a year ago", "2024-Q3"),
    ("Acme said third-quarter profit was $5 million, compared with year-earlier net of $4 "
     "million.", "year-earlier", "2024-Q3"),
    ("Acme's third-quarter sales rose 4%. In the year-ago period, Acme lost money.",
     "the year-ago period", "2024-Q3"),
    ("Acme's third-quarter sales rose 4%, after $3 million in the 2024 quarter.",
     "the 2024 quarter", "2024-Q3"),
    ("Ferry fares rose 4% from a year ago.", "a year ago", "2024"),
])
def test_a_year_ago_in_an_earnings_report_is_the_reported_quarter(
        text: str, phrase: str, value: str) -> None:
    assert one(text, phrase, D(2025, 11, 2)).value == value


def test_the_weekend_is_the_last_or_the_coming_one() -> None:
    monday = D(2025, 2, 10)
    t = one("Officials met over the weekend to talk.", "the weekend", monday)
    assert (t.type, t.value, t.earliest, t.latest) == ("DATE", "2025-W06-WE", D(2025, 2, 8),
                                                      D(2025, 2, 9))
    t = one("The crew will meet over the weekend.", "the weekend", monday)
    assert t.value == "2025-W07-WE"


def test_years_old_is_an_age() -> None:
    assert tag("Ms. Okafor, 52 years old, will retire.", DCT) == []
    assert one("Ms. Okafor waited 52 years for it.", "52 years").value == "P52Y"


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("In nineteen ninety-six a ferry sank.", "nineteen ninety-six", "1996"),
    ("It was January nineteen ninety-seven.", "January nineteen ninety-seven", "1997-01"),
    ("Recall the winter of nineteen ninety-four.", "the winter of nineteen ninety-four",
     "1994-WI"),
    ("The goal for the year two thousand was dropped.", "the year two thousand", "2000"),
])
def test_spelled_out_years(text: str, phrase: str, value: str) -> None:
    assert one(text, phrase).value == value


def test_two_thousand_alone_is_an_amount() -> None:
    assert [t.text for t in tag("Two thousand people came.", DCT)] == []


def test_a_rejected_match_gives_way_to_the_shorter_ones_it_covered() -> None:
    # "last Oct." is no month (a cut abbreviation), so "Oct. 23" is tried.
    assert one("He was shot last Oct. 23 at home.", "Oct. 23").value == "2024-10-23"
    # No offset before an event clause: "twenty years" is a duration (TimeBank's reading).
    t = one("It was twenty years after the first crews were chosen that she flew.",
            "twenty years")
    assert (t.type, t.value) == ("DURATION", "P20Y")


@pytest.mark.parametrize(("text", "phrase", "value"), [
    # DCT Saturday 2025-05-17
    ("The crew could sail as soon as Tuesday, the owner said.", "Tuesday", "2025-05-20"),
    ("The new timetable, effective June 1, was printed.", "June 1", "2025-06-01"),
    ("The offer had been due to expire Friday.", "Friday", "2025-05-16"),
    ("Sailors were planning to protest on Monday.", "Monday", "2025-05-19"),
    ("They said they would fight Wednesday's ruling.", "Wednesday", "2025-05-14"),
    # a future cue far from the date no longer throws it almost a year ahead
    ("On April 8, divers, wondering how it would be seen, searched the wreck.", "April 8",
     "2025-04-08"),
])
def test_tense_cues_next_to_the_date(text: str, phrase: str, value: str) -> None:
    assert one(text, phrase).value == value


@pytest.mark.parametrize(("text", "phrase", "typ", "value"), [
    ("The fleet began to shrink in mid-1996.", "mid-1996", "DATE", "1996"),
    ("She is a 20th century sailor.", "20th century", "DATE", "19"),
    ("Under the current timetable, boats leave at nine.", "current", "DATE", "PRESENT_REF"),
    ("Prices at the then current rate were high.", "then current", "DATE", "PAST_REF"),
    ("Over the years the pier has sunk.", "the years", "DURATION", "PXY"),
    ("A hearing is set for the week of March 6.", "the week of March 6", "DATE", "2025-W10"),
])
def test_more_timeml_expressions(text: str, phrase: str, typ: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == (typ, value)


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The judge sat at midday.", "midday", "2025-05-17T12:00"),
    ("On May 2 the tide was low. By mid afternoon it had turned.", "mid afternoon",
     "2025-05-02TAF"),
    ("Shares were up at mid-afternoon yesterday.", "mid-afternoon yesterday", "2025-05-16TAF"),
    ("The ferry leaves at 4 in the morning.", "4 in the morning", "2025-05-17T04:00"),
])
def test_parts_of_day_without_a_weekday(text: str, phrase: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == ("TIME", value)


def test_a_generic_night_is_no_time() -> None:
    assert [t.text for t in tag("Owls hunt at night.", DCT)] == []


@pytest.mark.parametrize(("text", "phrase", "typ", "value"), [
    ("Voters go to the polls on Election Day.", "Election Day", "DATE", "2025-11-04"),
    ("The post-1959 fleet was small.", "post-1959", "DATE", "1959"),
    ("The March vote was close.", "March", "DATE", "2025-03"),
    ("The port will one day be a park.", "one day", "DATE", "FUTURE_REF"),
])
def test_named_days_prefixed_years_and_vague_future(text: str, phrase: str, typ: str,
                                                    value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == (typ, value)


def test_a_title_and_an_ordinal_are_no_durations() -> None:
    assert tag("He told CBS's 60 Minutes it would be a second betrayal.", DCT) == []
    assert one("It took a second or two.", "a second").value == "PT1S"


def test_the_day_before_a_date_is_one_expression() -> None:
    t = one("The day before last Tuesday's hearing, he flew in.", "The day before last Tuesday")
    assert (t.value, t.precision) == ("2025-05-12", "day")
    t = one("They met the day after May 2, 2024.", "the day after May 2, 2024")
    assert t.value == "2024-05-03"


def test_a_holiday_takes_the_nearer_year_and_its_week() -> None:
    # Easter 2025 is April 20: six days ahead beats a year back, even in a past sentence.
    t = one("Pilgrims prayed as Easter week began.", "Easter week", D(2025, 4, 14))
    assert (t.value, t.precision) == ("2025-W16", "week")


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("Acme said third-quarter profit rose. This quarter's loss included a charge.",
     "This quarter", "2025-Q3"),
    ("The cut could come as early as next year's first quarter.", "next year's first quarter",
     "2026-Q1"),
])
def test_quarters_named_by_the_report_or_by_a_year(text: str, phrase: str, value: str) -> None:
    assert one(text, phrase, D(2025, 11, 2)).value == value


def test_names_are_no_time_expressions() -> None:
    text = 'She told USA Today and ABC\'s "This Week" about it. Today, the ferry sails.'
    assert [t.text for t in tag(text, DCT)] == ["Today"]


def test_a_later_quarter_told_in_the_past_is_last_years() -> None:
    jan = D(1998, 1, 26)
    assert one("Profits fell 18% in the fourth quarter, AT&T said.", "the fourth quarter",
               jan).value == "1997-Q4"
    assert one("Profits will rise in the fourth quarter.", "the fourth quarter",
               jan).value == "1998-Q4"


def test_since_then_is_no_time_expression() -> None:
    text = "The bridge opened on April 2, 2019. Since then, 40 ferries have been sold."
    assert [t.text for t in tag(text, DCT)] == ["April 2, 2019"]


def test_a_participle_after_be_is_no_past_cue() -> None:
    # "will be paid": the future cue decides, "paid" after "be" is no past tense
    t = one("The dividend will be paid in January.", "January", D(1989, 6, 1))
    assert t.value == "1990-01"


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("The agency has given the family until 9 a.m. Tuesday to sign.", "9 a.m. Tuesday",
     "2025-05-20T09:00"),
    ("The loan is to be paid down by February, the bank said.", "February", "2026-02"),
    ("Members had filed their reports by Wednesday.", "Wednesday", "2025-05-14"),
    ("Until Thursday, they had not called him a suspect.", "Thursday", "2025-05-15"),
])
def test_a_deadline_is_ahead_unless_its_clause_is_past(text: str, phrase: str,
                                                       value: str) -> None:
    assert one(text, phrase).value == value


def test_a_weekday_without_tense_cues_is_the_nearer_one() -> None:
    # DCT Saturday 17 May: Monday is 2 days ahead, 5 back; Thursday 2 back, 5 ahead
    assert one("Leaders meet separately Monday with the envoy.", "Monday").value == "2025-05-19"
    assert one("Leaders meet separately Thursday with the envoy.",
               "Thursday").value == "2025-05-15"


def test_a_year_earlier_than_nine_months_is_a_year() -> None:
    text = ("Third-quarter profit rose 5%. For the nine months, Acme earned $2 billion, "
            "up from $1.7 billion a year earlier.")
    assert one(text, "a year earlier", D(1989, 10, 26)).value == "1988"
    text = "Third-quarter profit rose to $5 million from $4 million a year earlier."
    assert one(text, "a year earlier", D(1989, 10, 26)).value == "1988-Q3"


@pytest.mark.parametrize(("text", "phrase", "typ", "value"), [
    ("For the year, pet food volume was flat.", "the year", "DATE", "1989"),
    ("Sales for the full year were $6.6 billion.", "the full year", "DATE", "1989"),
    ("Revenue was $76 million for the year ended March 31.", "the year", "DURATION", "P1Y"),
])
def test_the_year_of_a_report(text: str, phrase: str, typ: str, value: str) -> None:
    t = one(text, phrase, D(1989, 11, 2))
    assert (t.type, t.value) == (typ, value)


def test_the_year_ago_results_are_no_year() -> None:
    found = tag("The year-ago results were restated.", D(1989, 11, 2))
    assert [t.text for t in found] == ["year-ago"]


def test_the_latest_period_is_the_reported_quarter() -> None:
    dct = D(1989, 11, 1)
    text = ("Third-quarter net rose 5%. The latest period had profit of $4 million. "
            "In the 1988 period, it earned $3 million.")
    assert one(text, "The latest period", dct).value == "1989-Q3"
    assert one(text, "the 1988 period", dct).value == "1988-Q3"
    text = "In the first nine months, net was $306 million, against a loss in the 1988 period."
    assert one(text, "the 1988 period", dct).value == "1988"


def test_into_the_summer_is_a_season() -> None:
    t = one("Demand stayed weak well into the summer.", "the summer", D(1989, 10, 26))
    assert t.value == "1989-SU"


def test_a_year_earlier_than_a_month_is_a_year() -> None:
    text = "Wages rose 0.3% in January, 3.8 percent higher than a year earlier."
    assert one(text, "a year earlier", D(1998, 2, 6)).value == "1997"


def test_now_opening_a_sentence_with_a_comma_is_a_turn_of_argument() -> None:
    text = "The plan failed. Now, he says, it looks different. Now the ferry is full."
    assert [(t.text, t.start) for t in tag(text, DCT)] == [("Now", text.rfind("Now"))]


def test_the_time_of_an_event_is_no_time_expression() -> None:
    assert tag("NATO had 12 members at the time of its founding.", DCT) == []
    text = "The bridge opened on April 2, 2019. At the time, it was the longest."
    assert one(text, "the time").value == "2019-04-02"


def test_a_second_day_of_the_month_after_and() -> None:
    found = tag("Leaders meet at the summit on April 24 and 25.", D(1999, 2, 10))
    assert [(t.text, t.value) for t in found] == [("April 24", "1999-04-24"), ("25", "1999-04-25")]
    found = tag("On June 2 and 30 people died.", D(1999, 7, 1))
    assert [t.text for t in found] == ["June 2"]


def test_the_past_before_a_count_and_or_so_before_ago() -> None:
    found = tag("Marches were held for the past three summers.", DCT)
    assert "the past" not in [t.text for t in found]
    t = one("Then, a week or so ago, the general chose a day.", "a week or so ago")
    assert (t.type, t.value) == ("DATE", "2025-W19")


def test_a_delay_sets_a_later_deadline_whatever_its_tense() -> None:
    dct = D(2000, 3, 30)  # a Thursday
    t = one("Officials postponed until Tuesday morning any action on the permit.",
            "Tuesday morning", dct)
    assert t.value == "2000-04-04TMO"
    assert one("Members had filed their reports by Wednesday.", "Wednesday", dct).value == \
        "2000-03-29"


def test_a_month_told_in_the_past_is_the_last_one() -> None:
    text = "In January, a clinic bombing in the city killed a guard."
    assert one(text, "January", D(1998, 10, 25)).value == "1998-01"
    # an -ed adjective after "a still" is no past tense: "would be paid" decides
    text = "The split would be paid on a still unspecified date in January."
    assert one(text, "January", D(1989, 10, 26)).value == "1990-01"


def test_until_then_is_the_deadline_just_named() -> None:
    text = ("Conversion rights will terminate on Nov. 30. Until then, Acme said the stock "
            "remains convertible, as it had been.")
    assert one(text, "then", D(1989, 10, 30)).value == "1989-11-30"


@pytest.mark.parametrize(("text", "phrase", "value"), [
    ("Earnings will be lower for the last half of 1989.", "the last half of 1989", "1989-H2"),
    ("Sales rose in the first half of 1990.", "the first half of 1990", "1990-H1"),
    ("Sales rose in the last quarter of next year.", "the last quarter of next year", "1990-Q4"),
])
def test_halves_and_quarters_of_a_named_year(text: str, phrase: str, value: str) -> None:
    assert one(text, phrase, D(1989, 10, 26)).value == value


def test_this_past_weekend_is_one_expression() -> None:
    dct = D(2013, 3, 14)  # a Thursday
    assert one("This past weekend, protesters marched.", "This past weekend", dct).value == \
        "2013-W10-WE"
    assert one("This coming week he flies.", "This coming week", dct).value == "2013-W12"


def test_a_rate_needs_its_amount_in_the_same_sentence() -> None:
    found = tag("The law took effect Jan. 1. A week after the vote, he quit.", D(2013, 3, 14))
    assert [(t.text, t.type) for t in found][1] == ("A week", "DURATION")
    assert one("It costs $2 million a year.", "a year").type == "SET"


def test_an_amount_with_a_thousands_comma() -> None:
    t = one("For the first time in 1,000 years, a pope resigned.", "1,000 years")
    assert (t.type, t.value) == ("DURATION", "P1000Y")


def test_rule_starts_shared_between_rules_and_stops_picked_from_marks() -> None:
    from storytrace.timex import _allowed, _stop_chars

    folded = "on may 5, the may day parade; then june"
    stops = [i for i, ch in enumerate(folded) if ch in ",;"]
    seen: dict[str, list[tuple[int, int]]] = {}
    first = _allowed(("may",), stops, folded, seen)
    assert first == _allowed(("may",), stops, folded) == [(0, 6), (9, 17)]
    assert seen == {"may": [(3, 6), (14, 17)]}
    assert _allowed(("june", "may"), stops, folded, seen) == _allowed(("june", "may"), stops,
                                                                        folded)
    assert _stop_chars("[,;]") == frozenset(",;")
