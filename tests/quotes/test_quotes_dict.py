import dataclasses

from storytrace.quotes import ArticleQuotes, LocalQuote


def test_to_dict_is_asdict_without_shared_lists() -> None:
    q = LocalQuote(para=1, start=2, end=9, text="abc", partial=False,
                   speaker=[1, 0, 4, "Mara"], speaker_kind="name", cue="say",
                   cue_span=[1, 10, 14], parts=[[2, 4], [6, 9]])
    r = LocalQuote(para=3, start=0, end=5, text="x", partial=True)
    aq = ArticleQuotes([q], [[1, 5, "outlet:bay-post"]], [r, q])
    d = aq.to_dict()
    assert d == dataclasses.asdict(aq)
    assert list(d) == ["quotes", "venues", "reports"]
    assert list(d["quotes"][0]) == [f.name for f in dataclasses.fields(LocalQuote)]
    d["quotes"][0]["parts"][0][0] = 99
    d["quotes"][0]["speaker"][0] = 99
    d["venues"][0][0] = 99
    assert q.parts == [[2, 4], [6, 9]] and q.speaker[0] == 1 and aq.venues[0][0] == 1
    assert ArticleQuotes.from_dict(aq.to_dict()) == aq
