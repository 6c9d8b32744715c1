"""Schemathesis: generated requests for every operation of the OpenAPI schema; the server
must never answer with a 5xx, whatever the query."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

import storytrace
from storytrace.models import Article
from storytrace.web import create_app

_DB = Path(tempfile.mkdtemp(prefix="storytrace-schema-")) / "s.db"
with storytrace.open(_DB) as _st:
    _st.ingest([Article.build(
        source="a.txt", published=dt.date(2024, 9, 20), outlet="The Test Gazette",
        paragraphs=[(1, "Harriet Vossberg met Milan Okafor in Lisbon on Sept. 14, "
                        "witnesses said.")])], parse=False)

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_DB, token="s3cret"))


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_error(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": "Bearer s3cret"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.query,
                                         response.text[:300])
