"""`storytrace claim ID` on the sample corpus: one claim with its sides and every report
(date, source, stance, attribution, evidence, paragraph, copies counted once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storytrace
from storytrace.claims.view import attribution, counting, excerpt, resolve
from storytrace.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("claim") / "s.db"
    with storytrace.open(path) as st:
        st.ingest([SAMPLE])
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


def _sale(db: Path, *extra: str) -> dict:
    code, out, _ = run("claims", "--db", db, "--format", "json", *extra)
    assert code == 0
    return next(c for c in json.loads(out) if c["frame"] == "acquisition")


def test_claim_has_help_with_an_example() -> None:
    code, out, _ = run("claim", "--help")
    assert code == 0 and "Example:" in out


def test_table_shows_status_sides_and_every_report_in_order(db: Path) -> None:
    sale = _sale(db)
    code, out, _ = run("claim", sale["id"], "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{sale['id']}  {sale['statement']}"
    assert lines[1].startswith("status: confirmed  (history: rumored (2025-03-05) -> "
                               "denied (2025-03-06) -> confirmed (2025-04-23)")
    supported = next(ln for ln in lines if ln.startswith("supported by: "))
    denied = next(ln for ln in lines if ln.startswith("denied by: "))
    assert "Helen Marchetti" in supported and "Owen Pryce" in denied
    rows = [ln for ln in lines if ln[:5].strip().rstrip(".").isdigit()]
    assert len(rows) == len(sale["reports"])
    dates = [ln.split()[1] for ln in rows]
    assert dates == sorted(dates) and dates[0] == "2025-03-05"
    # the first report: anonymous sources ("people familiar with the talks"), speculating
    assert "01_harbour-ledger.txt:1  speculate  anonymous source" in rows[0]
    # each report is followed by its paragraph, trimmed
    at = lines.index(rows[0])
    assert lines[at + 1].strip().startswith("“Port Anselm officials have held private talks")


def test_a_syndicated_copy_is_marked_and_counted_once(db: Path) -> None:
    sale = _sale(db)
    _, out, _ = run("claim", sale["id"], "--db", db)
    copies = [ln for ln in out.splitlines() if "03_northgate-post.txt" in ln and "  deny  " in ln]
    assert copies
    assert all("recycled copy of 02_coastline-daily-wire.txt:" in ln and "counted once" in ln
               for ln in copies)
    originals = [ln for ln in out.splitlines() if "02_coastline-daily-wire.txt:3  deny" in ln]
    assert originals and all(ln.endswith("  counted") for ln in originals)
    assert all("Owen Pryce" in ln for ln in originals)


def test_json_adds_attribution_paragraph_and_counting(db: Path) -> None:
    sale = _sale(db)
    code, out, _ = run("claim", sale["id"], "--db", db, "--format", "json")
    assert code == 0
    c = json.loads(out)
    assert c["id"] == sale["id"] and c["statement"] == sale["statement"]
    assert [r["line"] for r in c["reports"]] == [r["line"] for r in sale["reports"]]
    by_kind = {r["voice"]: r for r in c["reports"]}
    assert by_kind["anonymous"]["attribution"].startswith("anonymous source")
    assert by_kind["named"]["attribution"] == by_kind["named"]["attributed_to"] or \
        by_kind["named"]["attribution"].startswith(by_kind["named"]["attributed_to"] + ", to ")
    assert by_kind["article"]["attribution"].startswith("the article's own voice")
    for r in c["reports"]:
        assert r["paragraph"] and len(r["paragraph"]) <= 244
        assert (r["counting"].startswith("recycled copy")) == bool(r["copy_of"])
    # the paragraph is the report's own: its sentence is in view
    marchetti = next(r for r in c["reports"] if r["source"] == "06_harbour-ledger.txt"
                     and r["stance"] == "support")
    assert marchetti["text"][:40] in marchetti["paragraph"]


def test_markdown_is_a_heading_and_a_table_row_per_report(db: Path) -> None:
    sale = _sale(db)
    code, out, _ = run("claim", sale["id"], "--db", db, "--format", "markdown")
    assert code == 0
    assert out.startswith(f"## {sale['id']}: {sale['statement']}\n")
    rows = [ln for ln in out.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert len(rows) == len(sale["reports"])
    assert all(ln.count(" | ") == 7 for ln in rows)  # a '|' in the text is escaped


def test_as_of_shows_the_claim_as_it_stood(db: Path) -> None:
    sale = _sale(db, "--as-of", "2025-03-10")
    code, out, _ = run("claim", sale["id"], "--db", db, "--as-of", "2025-03-10")
    assert code == 0
    assert out.splitlines()[1].startswith("status: denied ")
    assert "06_harbour-ledger.txt" not in out


def test_unknown_and_ambiguous_ids_fail_in_one_line(db: Path) -> None:
    code, out, err = run("claim", "c999", "--db", db)
    assert code == 2 and not out
    assert err.strip().count("\n") == 0
    assert err.startswith("error: c999: no claim has this id") and "storytrace claims" in err
    code, _, err = run("claim", "c", "--db", db)
    assert code == 2 and "claims match (c1, c2" in err and "give the full id" in err
    code, _, err = run("claim", "c1", "--db", db, "--format", "yaml")
    assert code == 2 and "expected table, markdown or json" in err
    code, _, err = run("claim", "c1", "--db", db.with_name("missing.db"))
    assert code == 2 and "no such store" in err


def test_resolve_prefers_an_exact_id_then_a_unique_prefix() -> None:
    claims = [{"id": "c1"}, {"id": "c12"}, {"id": "c2"}]
    assert resolve(claims, "c1")["id"] == "c1"
    assert resolve(claims, "C12")["id"] == "c12"
    with pytest.raises(LookupError, match="2 claims match"):
        resolve([{"id": "c12"}, {"id": "c13"}], "c1")
    assert resolve([{"id": "c12"}, {"id": "c2"}], "c1")["id"] == "c12"


def test_attribution_counting_and_excerpt() -> None:
    assert attribution({"voice": "named", "attributed_to": "Owen Pryce", "via": "Variety"}
                       ) == "Owen Pryce, to Variety"
    assert attribution({"voice": "anonymous", "anonymous": True, "via": None}
                       ) == "anonymous source (outlet not named)"
    assert counting({"stance": "neutral", "counted": False, "copy_of": None}
                    ) == "not counted: neutral mention"
    para = "First words here. " * 30 + "The report itself. " + "After words. " * 30
    got = excerpt(para, "The report itself.", limit=100)
    assert "The report itself." in got and got.startswith("… ") and got.endswith(" …")
    assert len(got) <= 104
