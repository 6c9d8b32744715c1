"""Claims: stance, source and grouping on invented articles; status rules; the sample
corpus's rumour -> denial -> confirmation; the seeds' romance claim over time."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace.claims.status import Vote, history, status
from storytrace.cli import app
from storytrace.models import Article
from tests.conftest import SAMPLE


def article(source: str, day: str, *paragraphs: str, outlet: str = "The Test Gazette") -> Article:
    return Article.build(source=source, published=dt.date.fromisoformat(day),
                         paragraphs=[(2 * i + 1, p) for i, p in enumerate(paragraphs)],
                         outlet=outlet)


A = article(
    "a.txt", "2024-02-01",
    "Harriet Vossberg and Milan Okafor were spotted having dinner in Lisbon, fueling "
    "speculation that they are dating.",
    "However, a source told The Daily Planet that the dinner was strictly professional.",
    "Vossberg and Okafor are reportedly working together on the upcoming film \"Salt Roads,\" "
    "according to Variety.",
)
B = article(
    "b.txt", "2024-03-01",
    "A representative for Vossberg denied that she and Okafor are dating.",
    "Milan Okafor is not in a relationship with Harriet Vossberg, his spokesperson said.",
    outlet="Daily Courier of Tests",
)
C = article(
    "c.txt", "2024-04-01",
    "Harriet Vossberg confirmed her romance with Milan Okafor in an interview on Monday.",
    outlet="Daily Courier of Tests",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> storytrace.Corpus:
    st = storytrace.open(tmp_path_factory.mktemp("cl") / "s.db")
    st.ingest([A, B, C])
    return st


def _romance(claims: list[dict]) -> dict:
    found = [c for c in claims if "romantic" in c["statement"]]
    assert len(found) == 1, [c["statement"] for c in claims]
    return found[0]


def test_wordings_of_one_romance_are_one_claim_with_each_stance(corpus: storytrace.Corpus
                                                                ) -> None:
    c = _romance(corpus.claims())
    assert "Harriet Vossberg" in c["statement"] and "Milan Okafor" in c["statement"]
    by_source = [(r["source"], r["stance"]) for r in c["reports"]]
    assert ("a.txt", "speculate") in by_source
    assert ("a.txt", "deny") in by_source  # "strictly professional"
    assert ("b.txt", "deny") in by_source
    assert ("c.txt", "support") in by_source


def test_anonymous_source_and_outlet_are_kept(corpus: storytrace.Corpus) -> None:
    c = _romance(corpus.claims())
    deny = next(r for r in c["reports"] if r["source"] == "a.txt" and r["stance"] == "deny")
    assert deny["anonymous"] and deny["via"] == "The Daily Planet"
    assert deny["evidence"] == "insider"


def test_status_goes_rumour_denial_confirmation(corpus: storytrace.Corpus) -> None:
    c = _romance(corpus.claims())
    assert [s["status"] for s in c["status"]] == ["rumored", "denied", "confirmed"]
    assert [s["from"] for s in c["status"]] == ["2024-02-01", "2024-03-01", "2024-04-01"]
    assert c["deniers"] and c["supporters"]  # disagreement kept


def test_as_of_weighs_only_what_was_out(corpus: storytrace.Corpus) -> None:
    c = _romance(corpus.claims(as_of="2024-02-15"))
    assert [s["status"] for s in c["status"]] == ["rumored"]
    assert {r["source"] for r in c["reports"]} == {"a.txt"}


def test_a_reported_collaboration_names_its_work_and_source(corpus: storytrace.Corpus) -> None:
    work = [c for c in corpus.claims() if "Salt Roads" in c["statement"]]
    assert len(work) == 1
    r = work[0]["reports"][0]
    assert r["stance"] == "support" and r["attributed_to"] == "Variety"  # "reportedly", credited


def test_cli_and_export_show_claims(corpus: storytrace.Corpus) -> None:
    db = corpus.store.path
    r = CliRunner().invoke(app, ["claims", "--db", str(db), "--as-of", "2024-03-15"])
    assert r.exit_code == 0 and "denied" in r.stdout and "b.txt" in r.stdout
    r = CliRunner().invoke(app, ["claims", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["reports"]
    assert corpus.export()["claims"]


def v(day: str, source: str, tier: str, stance: str, via: str | None = None) -> Vote:
    return Vote(day, source, tier, stance, via)


def test_one_anonymous_source_is_never_confirmed() -> None:
    assert status([v("2024-01-01", "a", "anonymous", "support", "X")]) == "rumored"
    assert status([v("2024-01-01", "a", "anonymous", "support", "X"),
                   v("2024-01-02", "b", "anonymous", "support", "Y")]) == "apparently confirmed"


def test_named_weighs_more_than_seen_and_anonymous() -> None:
    votes = [v("2024-01-01", "a", "anonymous", "support", "X"),
             v("2024-01-02", "p", "seen", "support"),
             v("2024-01-03", "n", "named", "deny")]
    assert [h["status"] for h in history(votes)] == ["rumored", "apparently confirmed",
                                                      "denied"]


def test_a_denial_after_a_confirmation_is_disputed() -> None:
    votes = [v("2024-01-01", "n", "named", "support"), v("2024-01-02", "m", "named", "deny")]
    assert status(votes) == "disputed"
    assert status([v("2024-01-01", "m", "named", "deny"),
                   v("2024-01-02", "n", "named", "support")]) == "confirmed"
    assert status([v("2024-01-01", "s", "seen", "speculate")]) == "rumored"
    assert status([v("2024-01-01", "s", "seen", "neutral")]) == "reported"


def test_sample_sale_goes_rumour_denial_confirmation_and_copies_count_once(tmp_path: Path
                                                                           ) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([SAMPLE])
        claims = st.claims()
    sale = next(c for c in claims if c["frame"] == "acquisition")
    steps = [s["status"] for s in sale["status"]]
    assert steps[:3] == ["rumored", "denied", "confirmed"]
    first: dict[str, dict] = {}
    for r in sale["reports"]:
        first.setdefault(r["source"], r)
    assert first["01_harbour-ledger.txt"]["stance"] == "speculate"
    assert first["01_harbour-ledger.txt"]["anonymous"]
    assert first["06_harbour-ledger.txt"]["stance"] == "support"
    assert first["06_harbour-ledger.txt"]["attributed_to"] == "Helen Marchetti"
    # the syndicated copy (03 reprints 02) is listed, marked, and not counted
    copies = [r for c in claims for r in c["reports"] if r["source"] == "03_northgate-post.txt"
              and r["copy_of"]]
    assert copies and all(not r["counted"] for r in copies)
    assert all(r["copy_of"]["source"] == "02_coastline-daily-wire.txt" for r in copies)
    crews = next(c for c in claims if c["frame"] == "job-cuts")
    assert {"speculate", "deny"} <= {r["stance"] for r in crews["reports"]}
    assert "Gideon Hale" in crews["deniers"]


def test_seeds_romance_claim_over_time(seeds_dir: Path, tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([seeds_dir])
        early = st.claims(as_of="2025-04-01")
        late = st.claims(as_of="2025-07-30")
    romance = next(c for c in early if "romantic" in c["statement"] and "Tom Cruise" in
                   c["statement"] and "Ana de Armas" in c["statement"])
    assert romance["status"][-1]["status"] == "rumored"
    deniers = [r for r in romance["reports"] if r["stance"] == "deny"]
    assert deniers and all(r["anonymous"] for r in deniers)
    romance = next(c for c in late if "romantic" in c["statement"] and "Tom Cruise" in
                   c["statement"] and "Ana de Armas" in c["statement"])
    assert romance["status"][-1]["status"] == "apparently confirmed"
    assert romance["status"][-1]["from"] == "2025-07-30"
    deeper = [c for c in late if "Deeper" in c["statement"]]
    assert deeper and len(deeper[0]["reports"]) >= 3


def test_headlines_of_one_claim_group_together_and_others_apart() -> None:
    from storytrace.claims.text import group_texts

    g = group_texts(["Orchid Bank to buy Kestrel Mutual for $2 billion",
                     "Kestrel Mutual agrees to $2 billion sale to Orchid Bank",
                     "Giant squid spotted off the coast of Tasmania",
                     "Report: Orchid Bank in talks to buy Kestrel Mutual?"])
    assert g[0] == g[1] == g[3] and g[2] != g[0]


D = article(
    "d.txt", "2024-05-01",
    "Norbury Council has held private talks about selling the Kell Valley tramway to "
    "Pellmore Transit Group, according to two people familiar with the talks.",
    "Council spokesperson Idris Penhallow said no deal has been proposed.",
    "Pellmore Transit Group chief executive Marta Quillfeather said the company had a good working "
    "relationship with the council.",
    "Unions are engaged in talks with the council about pensions.",
    outlet="The Test Gazette",
)
E = article(
    "e.txt", "2024-06-01",
    "Pellmore Transit Group agreed on Tuesday to buy the Kell Valley tramway from Norbury Council "
    "for $12 million, council leader Bryony Castellan announced.",
    "The sale still needs the approval of the regional board.",
    "\"Nobody asked whether selling the tramway is wise,\" said Castellan.",
    "Milan Okafor is making every effort to woo Harriet Vossberg, a friend said.",
    outlet="Daily Courier of Tests",
)


@pytest.fixture(scope="module")
def sale(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    st = storytrace.open(tmp_path_factory.mktemp("cl2") / "s.db")
    st.ingest([D, E])
    return st.claims()


def test_frame_words_in_other_senses_make_no_claim(sale: list[dict]) -> None:
    frames = {c["frame"] for c in sale}
    assert "engagement" not in frames  # "no deal has been proposed", "engaged in talks"
    # "a good working relationship with the council" is no romance of the executive
    assert not any("Marta Quillfeather" in c["statement"] for c in sale)


def test_reports_of_one_sale_are_one_claim_with_seller_and_buyer(sale: list[dict]) -> None:
    sales = [c for c in sale if c["frame"] == "acquisition"]
    assert len(sales) == 1, [c["statement"] for c in sales]
    c = sales[0]
    # seller from "Norbury Council has held talks about selling", buyer from "to ..."; the
    # place in the name of what is sold ("Kell Valley tramway") is no party
    assert c["statement"].startswith("Norbury Council is selling the Kell Valley tramway to ")
    assert "Transit Group" in c["statement"]
    assert [s["status"] for s in c["status"]] == ["rumored", "confirmed"]
    stances = {(r["source"], r["stance"]) for r in c["reports"]}
    assert ("d.txt", "speculate") in stances and ("e.txt", "support") in stances
    # "whether selling the tramway is wise" asks, it does not deny
    assert not any(r["stance"] == "deny" and "wise" in r["text"] for r in c["reports"])


def test_an_effort_to_woo_is_speculation_and_statements_agree(sale: list[dict]) -> None:
    romance = [c for c in sale if c["frame"] == "romance"]
    assert romance and romance[0]["reports"][0]["stance"] == "speculate"
    assert romance[0]["statement"].endswith("are in a romantic relationship")


def test_statement_templates_agree_in_number() -> None:
    from storytrace.claims.link import Report, _statement

    def rep(*people: str) -> Report:
        return Report("a", "a.txt", "2024-01-01", 1, 0, "", "resignation", "resign",
                      "support", None, False, None, "article", "report", False, False,
                      list(people), None)

    names = {"p1": "Ada Brennock", "p2": "Tobias Wren"}
    text, _ = _statement("resignation", [rep("p1")], names)
    assert text == "Ada Brennock is stepping down"
    text, _ = _statement("breakup", [rep("p1", "p2")], names)
    assert text == "Ada Brennock and Tobias Wren have split up"


def test_anonymous_sources_are_credited_to_the_outlet_the_next_paragraph_names(
        tmp_path: Path) -> None:
    f = article(
        "f.txt", "2024-07-01",
        "According to people close to the couple, singer Emma Lawson is dating actor "
        "Daniel Whitaker.",
        "According to Us Weekly, the two were seen leaving a Lisbon restaurant.",
    )
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([f])
        c = _romance(st.claims())
    r = c["reports"][0]
    assert r["anonymous"] and r["via"] == "Us Weekly"


def test_a_vote_asked_for_is_no_denial_and_makes_no_claim_of_its_own(tmp_path: Path) -> None:
    from storytrace.claims.link import place

    g = article(
        "g.txt", "2024-08-01",
        "Norbury Council plans to sell the Kell Valley tramway to Pellmore Transit Group.",
        "Councillor Ada Brennock said she would ask for a formal motion barring any sale "
        "without a public vote.",
        "A judge ruled that a state law gives the council the power to sell the tramway "
        "without a referendum.",
    )
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([g])
        reports = [r for r in place(st.store) if r.frame == "vote-right"]
        claims = st.claims()
    asked = [r for r in reports if "Brennock" in r.text]
    assert asked and all(r.stance != "deny" for r in asked)
    # "she" is the councillor who said it; "a public vote" is what is asked, no document
    assert all(r.attributed_to == "Ada Brennock" and r.evidence == "statement" for r in asked)
    ruled = [r for r in reports if "judge" in r.text]
    assert [r.stance for r in ruled] == ["deny"]
    votes = [c for c in claims if c["frame"] == "vote-right"]
    assert all(not any("Brennock" in r["text"] for r in c["reports"])
               or len(c["reports"]) > 1 for c in votes)


def test_sample_has_one_charter_claim_and_no_claim_from_a_councillors_motion(
        tmp_path: Path) -> None:
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([SAMPLE])
        claims = st.claims()
    votes = [c for c in claims if c["frame"] == "vote-right"]
    assert len(votes) == 1, [c["statement"] for c in votes]
    assert not any(r["source"] == "04_greyholm-island-courier.txt" for r in votes[0]["reports"])
    assert {"support", "deny"} <= {r["stance"] for r in votes[0]["reports"]}


def test_the_same_words_weeks_apart_from_every_report_are_another_claim() -> None:
    from storytrace.claims.text import WINDOW, group_texts

    texts = ["Orchid Bank to buy Kestrel Mutual", "Orchid Bank agrees to buy Kestrel Mutual",
             "Orchid Bank to buy Kestrel Mutual, again", "Orchid Bank buys Kestrel Mutual"]
    assert len(set(group_texts(texts))) == 1
    days = [0.0, 2.0, 2.0 + 3 * WINDOW, 2.0 + WINDOW]  # the last is near the second
    g = group_texts(texts, days=days)
    assert g[0] == g[1] == g[3] and g[2] != g[0]
