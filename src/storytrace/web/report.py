"""The timeline as one self-contained HTML file: the page's template, its CSS inlined."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, select_autoescape

from storytrace.events import period

HERE = Path(__file__).parent

# The timeline page with the story's key dates (storytrace.digest) above its events.
_REPORT = """{% extends "timeline.html" %}
{% block content %}
{% if key_dates %}
<section class="key-dates">
  <h1>Key dates</h1>
  <ol class="events">{% for d in key_dates %}
    <li><strong>{{ d.date }}</strong> ({{ d.articles }} articles, {{ d.outlets }} outlets)
      <ul>{% for s in d.sentences %}
        <li>{{ s.text }} <span class="src">[{{ s.source }}:{{ s.line }}]</span></li>{% endfor %}
      </ul>
    </li>{% endfor %}
  </ol>
</section>
{% endif %}
{{ super() }}
{% endblock %}
"""


def timeline_html(events: list[dict[str, Any]], *, title: str = "Timeline",
                  as_of: str | None = None,
                  key_dates: list[dict[str, Any]] | None = None) -> str:
    """Render the timeline page with no links to a server: styles inline, no scripts.

    `key_dates` is the big-story selection (`storytrace.digest.from_store`, the
    `timeline` of a story in the export), shown above the events.
    """
    env = Environment(loader=ChoiceLoader([DictLoader({"report.html": _REPORT}),
                                           FileSystemLoader(HERE / "templates")]),
                      autoescape=select_autoescape(["html"]))
    months: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        key = period(e)
        months.setdefault(key, []).append(e)
    css = (HERE / "static" / "style.css").read_text(encoding="utf-8")
    html = env.get_template("report.html").render(
        months=months, as_of=as_of or "", entity="", story="", stories=[], ids={},
        count=len(events), inline_css=css, base="", title=title, key_dates=key_dates or [])
    return html
