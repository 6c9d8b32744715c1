import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace import nlp
from storytrace.clean import clean
from storytrace.entities import ArticleEntities, extract, link
from storytrace.entities.check import birth_window
from storytrace.entities.names import norm, short_forms, split_title
from storytrace.entities.places import lookup_place, near_miss
from storytrace.models import Article, ArticleRef

D1, D2 = dt.date(2025, 3, 1), dt.date(2025, 9, 1)
ONE = [
    "Mara Quill, 44, took over the Bay Post in 2019, and the paper has grown since.",
    "Quill told the Associated Press that the harbour plan was rushed.",
    "The 44-year-old editor said she would keep pressing the council.",
    "Mayor Tomas Brekke disagreed. The mayor said the plan was sound.",
    "The film \u201cSalt Harbour\u201d, directed by Ida Lund, opens next month.",
]
TWO = [
    "Brekke, 61, announced the sale on Monday.",
    "Quill, 45, called it \u201creckless\u201d and said she would appeal.",
    "The editor added that Lund would screen \u201cSalt Harbour\u201d at the town hall.",
]


def _parse(texts: list[str], day: dt.date, source: str) -> tuple[ArticleRef, ArticleEntities]:
    a = clean(Article.build(source=source, published=day,
                            paragraphs=[(2 * i + 1, t) for i, t in enumerate(texts)]))
    (parsed,) = nlp.parse([a])
    return ArticleRef(a.id, source, day, None), extract(parsed)


@pytest.fixture(scope="module")
def linked(nlp: Any) -> dict[str, Any]:
    arts = [_parse(ONE, D1, "one.txt"), _parse(TWO, D2, "two.txt")]
    return {e.name: e for e in link(arts).entities}


def test_people_with_short_forms_titles_and_descriptors(linked: dict[str, Any]) -> None:
    quill = linked["Mara Quill"]
    assert quill.type == "PERSON"
    assert {"quill", "the 44-year-old editor"} <= {a.lower() for a in quill.aliases}
    assert "Quill" not in linked  # a surname never becomes a second entity
    brekke = linked["Tomas Brekke"]
    assert {"Brekke", "Mayor Tomas Brekke", "The mayor"} <= set(brekke.aliases)
    assert "The editor" in quill.aliases  # the corpus knows Quill as the editor, not Lund
    assert "Brekke" not in linked  # NER's "organisation" Brekke is the mayor


def test_works_outlets_and_relations(linked: dict[str, Any]) -> None:
    film = linked["Salt Harbour"]
    assert film.type == "WORK"
    assert ("director", "Ida Lund") in {(f.key, f.value) for f in film.facts}
    assert linked["Associated Press"].type == "OUTLET"


def test_ages_over_time(linked: dict[str, Any]) -> None:
    ages = sorted((f.as_of, f.value) for f in linked["Mara Quill"].facts if f.key == "age")
    assert (D1, 44) in ages and (D2, 45) in ages


def test_round_trip_of_article_entities(nlp: Any) -> None:
    _, ae = _parse(ONE, D1, "one.txt")
    assert ArticleEntities.from_dict(ae.to_dict()) == ae


@pytest.mark.parametrize(("name", "first", "surnames"), [
    ("Ana Lind", "Ana", ["Lind"]),
    ("Maria de la Cruz", "Maria", ["de la Cruz", "De la Cruz"]),
    ("Juan Pablo Ortega", "Juan", ["Ortega", "Pablo Ortega"]),
])
def test_short_forms(name: str, first: str, surnames: list[str]) -> None:
    assert short_forms(name) == (first, surnames)


def test_names_and_titles() -> None:
    assert split_title("Judge Ida Lund") == ("Judge", "Ida Lund")
    assert split_title("Ida Lund") == ("", "Ida Lund")
    assert norm("\u201cMission: Impossible \u2013 Part One\u201d") == norm(
        '"Mission: Impossible - Part One"')


def test_places_and_misspellings() -> None:
    assert lookup_place("NYC").name == "New York City"  # type: ignore[union-attr]
    assert near_miss("Vernont", []) == "Vermont"
    assert near_miss("Portsmuth", ["Portsmouth"]) == "Portsmouth"
    assert near_miss("Oslo", []) is None  # known, and too short to call a misspelling


def test_birth_window() -> None:
    assert birth_window([(dt.date(2025, 3, 7), 36), (dt.date(2025, 5, 17), 37)]) == (
        dt.date(1988, 3, 8), dt.date(1988, 5, 17))
    assert birth_window([(dt.date(2025, 3, 7), 36), (dt.date(2025, 3, 9), 38)]) is None


def test_store_api_and_check(tmp_path: Path, nlp: Any) -> None:
    one = Article.build(source="one.txt", published=D1,
                        paragraphs=[(2 * i + 1, t) for i, t in enumerate(ONE)])
    two = Article.build(source="two.txt", published=dt.date(2025, 3, 5),
                        paragraphs=[(1, "Quill, 47, said the paper would fight on.")])
    with storytrace.open(tmp_path / "s.db") as st:
        st.ingest([one, two])
        (quill,) = st.entity("Quill")
        assert quill.name == "Mara Quill" and quill.mentions
        assert {m.kind for m in quill.mentions} >= {"name", "short", "descriptor"}
        found = {(f["kind"], f["entity"], f["level"]) for f in st.check()}
        assert ("age", "Mara Quill", "warning") in found  # 44 then 47 four days later
        assert any(e.name == "Mara Quill" for e in st.entities(type="person"))
        exported = st.export()["entities"]
        rec = next(e for e in exported if e["name"] == "Mara Quill")
        assert rec["attributes"]["age"][0]["source"] == "one.txt"
        assert rec["attributes"]["age"][0]["line"] == 1
