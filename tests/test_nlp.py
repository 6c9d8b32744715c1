import datetime as dt
from typing import Any

from storytrace import nlp
from storytrace.models import Article, Paragraph


def test_model_loads_once(nlp: Any) -> None:
    from storytrace import nlp as layer

    assert layer.load() is nlp
    assert layer.load_count == 1
    assert nlp.lang == "en" and "parser" in nlp.pipe_names


def test_sentences_are_offsets_inside_body_paragraphs(nlp: Any) -> None:
    paras = [
        Paragraph(0, 1, "Listen to this article!", "promo"),
        Paragraph(1, 3, "The board met on Monday. It voted to wait."),
        Paragraph(2, 5, "CAPTION TEXT", "caption"),
        Paragraph(3, 7, "\u201cWe need time,\u201d the chair said."),
    ]
    a = Article.build(source="x", published=dt.date(2025, 1, 1), paragraphs=paras)
    (parsed,) = nlp_parse([a])
    sents = parsed.sentences()
    assert {i for i, _, _ in sents} == {1, 3}
    spans = [a.paragraphs[i].text[s:e] for i, s, e in sents]
    assert spans == ["The board met on Monday.", "It voted to wait.",
                     "\u201cWe need time,\u201d the chair said."]


def nlp_parse(articles: list[Article]) -> list[nlp.ParsedArticle]:
    return list(nlp.parse(articles))
