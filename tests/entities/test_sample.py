"""The entity stage on the project's own corpus: a different story, names and outlets."""

from pathlib import Path
from typing import Any

import pytest

import storytrace
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Any:
    st = storytrace.open(tmp_path_factory.mktemp("sample") / "s.db")
    report = st.ingest([SAMPLE])
    assert len(report.added) == 10 and not report.errors
    yield st
    st.close()


def _by_name(st: Any) -> dict[str, Any]:
    return {e.name: e for e in st.entities()}


def test_no_name_becomes_two_entities(sample: Any) -> None:
    ents = _by_name(sample)
    aliases = {a for e in ents.values() for a in e.aliases}
    for short in ("Hale", "Marchetti", "Kettering", "Pryce", "Corvane", "Greyholm"):
        assert short in aliases and short not in ents, short


def test_people_descriptors_and_titles(sample: Any) -> None:
    ents = _by_name(sample)
    assert {"the mayor", "Mayor Helen Marchetti"} <= set(ents["Helen Marchetti"].aliases)
    assert "the 58-year-old executive" in ents["Gideon Hale"].aliases
    assert "the union leader" in ents["Rosa Kettering"].aliases
    assert "the mayor" not in ents["Owen Pryce"].aliases  # the spokesperson is not the mayor


def test_outlets_the_corpus_names(sample: Any) -> None:
    ents = _by_name(sample)
    assert ents["The Harbour Ledger"].type == "OUTLET"
    assert "Ledger" in ents["The Harbour Ledger"].aliases
    assert "CDW" in ents["Coastline Daily Wire"].aliases  # wire dateline credit + syndication


def test_hale_turns_59(sample: Any) -> None:
    (hale,) = [f for f in sample.check() if f["entity"] == "Gideon Hale"]
    assert hale["level"] == "info" and "58" in hale["message"] and "59" in hale["message"]


def test_sample_gold(sample: Any, tmp_path: Path) -> None:
    """Figures on our own annotations: the README's table shows them."""
    yaml = pytest.importorskip("yaml")
    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text(encoding="utf-8"))
    names = {e.name.lower() for e in sample.entities()}
    found = sum(g["name"].lower() in names for g in gold["entities"])
    assert found / len(gold["entities"]) >= 0.9
