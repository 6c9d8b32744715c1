import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from tests.conftest import SAMPLE, SCORER, write

runner = CliRunner()
COMMANDS = ["ingest", "export", "articles", "show", "stats", "entities", "entity", "check",
            "quotes", "quote", "diff", "new", "stories", "timeline", "search", "serve", "report",
            "claims", "batch", "load"]


def run(*args: str | Path) -> tuple[int, str, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0 and "Example:" in out


def test_ingest_text_and_views(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    write(tmp_path / "in" / "a.txt", " date 2025-03-01 NEW You can now listen to Bay Post "
          "articles!\n\nThe ferry runs again.\n\nFERRY FARES TO RISE AS BOARD SIGNS NEW DEAL\n")
    write(tmp_path / "in" / "b.txt", "No date in this one.\n\nSecond paragraph.\n")
    code, out, err = run("ingest", tmp_path / "in", "--db", db, "--no-parse")
    assert code == 0
    assert "added 1, unchanged 0, errors 1" in out
    assert f"{tmp_path / 'in' / 'b.txt'}: no date line" in err
    code, out, _ = run("ingest", tmp_path / "in" / "b.txt", "--db", db, "--date", "2025-03-02",
                       "--outlet", "Bay Post", "--no-parse")
    assert code == 0 and "added 1" in out
    code, out, _ = run("articles", "--db", db)
    assert "a.txt" in out and "b.txt" in out and "Bay Post" in out
    code, out, _ = run("show", "a.txt", "--db", db)
    assert code == 0 and "promo" in out and "related-link" in out and "The ferry runs" in out
    code, out, _ = run("stats", "--db", db)
    assert code == 0 and "articles" in out and " 2" in out
    code, _, err = run("show", "zzz.txt", "--db", db)
    assert code == 2 and "zzz.txt: no stored article" in err


def test_exit_status_when_nothing_could_be_ingested(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    write(tmp_path / "empty.txt", "")
    code, _, err = run("ingest", tmp_path / "empty.txt", tmp_path / "missing.txt",
                       "--db", db, "--no-parse")
    assert code == 1
    assert err.count("error:") == 2 and "empty file" in err and "no such file" in err


def test_bad_date_option(tmp_path: Path) -> None:
    code, _, err = run("ingest", tmp_path, "--date", "March 3", "--db", tmp_path / "s.db")
    assert code == 2 and "expected YYYY-MM-DD" in err


def test_store_that_is_not_a_store(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.db", "plain text")
    code, _, err = run("stats", "--db", bad)
    assert code == 2 and "not a storytrace store" in err


def test_export_has_every_key(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("ingest", SAMPLE / "01_harbour-ledger.txt", "--db", db, "--no-parse")
    out_file = tmp_path / "e.json"
    code, _, _ = run("export", "--db", db, "--format", "json", "--out", out_file)
    assert code == 0
    data = json.loads(out_file.read_text())
    assert data["schema"] == 1
    assert set(data) >= {"articles", "entities", "quotes", "events", "claims", "reuse"}
    (a,) = data["articles"]
    assert a["source"] == "01_harbour-ledger.txt" and a["published"] == "2025-03-05"
    assert {p["kind"] for p in a["paragraphs"]} >= {"body", "promo", "caption", "byline"}
    code, _, err = run("export", "--db", db, "--format", "xml")
    assert code == 2 and "expected 'json'" in err


@pytest.mark.nlp
def test_seeds_twice_then_clean_score(seeds_dir: Path, tmp_path: Path) -> None:
    """The acceptance check of the foundation, as a user runs it."""
    db, out_file = tmp_path / "s.db", tmp_path / "e.json"
    seeds = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert run("ingest", *seeds, "--db", db)[0] == 0
    first = run("stats", "--db", db)[1]
    code, out, _ = run("ingest", *seeds, "--db", db)
    assert code == 0 and "added 0, unchanged 5" in out
    stats = run("stats", "--db", db)[1]
    assert [ln for ln in stats.splitlines() if "runs" not in ln] == [
        ln for ln in first.splitlines() if "runs" not in ln]
    assert run("export", "--db", db, "--format", "json", "--out", out_file)[0] == 0
    if not SCORER.exists():
        pytest.skip(f"seed scorer not found at {SCORER}")
    pytest.importorskip("yaml")
    for section in ("clean", "entities", "quotes", "reuse"):
        r = subprocess.run([sys.executable, str(SCORER), str(out_file), "--section", section],
                           capture_output=True, text=True, check=False)
        assert r.returncode == 0, r.stdout + r.stderr
    assert "accuracy 1.00" in subprocess.run(
        [sys.executable, str(SCORER), str(out_file), "--section", "clean"],
        capture_output=True, text=True, check=False).stdout
    # storytrace check: both leads' ages change consistently; "Vernont" is flagged
    code, out, _ = run("check", "--db", db)
    flat = " ".join(out.split())
    assert code == 0 and "'Vernont' is likely a misspelling of 'Vermont'" in flat
    assert "Tom Cruise: ages 62 on 2025-03-07, 62 on 2025-05-17, 63 on 2025-07-30 are" in flat
    assert "ok age: Ana de Armas: ages 36 on 2025-03-07" in flat and "consistent" in flat
    code, out, _ = run("entity", "Cruise", "--db", db)
    assert code == 0 and "Tom Cruise (PERSON" in out and "age" in out
    code, out, _ = run("entities", "--db", db, "--type", "WORK")
    assert code == 0 and "Ballerina" in out
    code, out, _ = run("quotes", "--db", db, "--speaker", "de Armas", "--via", "USA Today")
    assert code == 0 and out.count("USA Today") >= 5  # 000, 002 and 004 report it
    (origin,) = set(re.findall(r"\bo[0-9a-f]{10}\b", out))  # one utterance, one origin
    code, out, _ = run("quote", origin, "--db", db)
    assert code == 0 and "first reported 2025-03-07 in 004_4bb767ab6d875cd4.txt" in out
    assert "000_4c17318b5345151c.txt" in out and "002_e4af036511934173.txt" in out
    code, out, _ = run("diff", "001_5d4b11e6275e9b65.txt", "--db", db)
    assert code == 0 and "= " in out and "← 000_4c17318b5345151c.txt:5" in out
    code, out, _ = run("new", "--since", "2025-05-20", "--db", db)
    assert code == 0 and "001_5d4b11e6275e9b65.txt" in out and "000_4c17" not in out


@pytest.mark.nlp
@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="reads glibc's own single-thread flag")
def test_the_console_script_ingests_in_a_process_without_a_second_thread(
        tmp_path: Path) -> None:
    """spaCy parses slower in a process that has ever had a second thread: the
    console script keeps numpy's BLAS to one thread and draws progress without
    rich's refresh thread."""
    src = write(tmp_path / "a.txt", " date 2025-03-04 The harbour board said on Monday "
                "that the ferry would sail again in April.\n")
    code = (
        "import ctypes, sys\n"
        f"sys.argv = ['storytrace', 'ingest', {str(src)!r}, '--db', {str(tmp_path / 's.db')!r}]\n"
        "from storytrace._console import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    status = e.code\n"
        "flag = ctypes.c_char.in_dll(ctypes.CDLL(None), '__libc_single_threaded').value\n"
        "print('RESULT', status, flag == b'\\x01')\n")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=300)
    assert "RESULT" in r.stdout, r.stderr
    assert r.stdout.split("RESULT")[1].split() == ["0", "True"], r.stdout + r.stderr
