"""The timeline as one self-contained HTML file: the page's template, its CSS inlined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from storytrace.events import period

HERE = Path(__file__).parent


def timeline_html(events: list[dict[str, Any]], *, title: str = "Timeline",
                  as_of: str | None = None) -> str:
    """Render the timeline page with no links to a server: styles inline, no scripts."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]))
    months: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        key = period(e)
        months.setdefault(key, []).append(e)
    css = (HERE / "static" / "style.css").read_text(encoding="utf-8")
    html = env.get_template("timeline.html").render(
        months=months, as_of=as_of or "", entity="", story="", stories=[], ids={},
        count=len(events), inline_css=css, base="", title=title)
    return html
