"""End to end: the server on loopback, its pages in headless Chromium (Debian's `chromium`,
driven by Playwright). Screenshots go to bench/screenshots/ for the README."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import storytrace
from tests.conftest import ROOT, SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "bench" / "screenshots"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from storytrace.web import create_app

    db = tmp_path_factory.mktemp("e2e") / "s.db"
    with storytrace.open(db) as st:
        st.ingest([SAMPLE])
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_timeline_and_article_in_a_real_browser(server: str) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(server + "/")
        assert page.locator("h1").inner_text() == "Timeline"
        months = page.locator("section.month h2").all_inner_texts()
        assert "2025-03" in months and months == sorted(months)
        assert page.locator("li.event").count() >= 10
        assert page.locator(".conflict").count() >= 1
        page.screenshot(path=str(SHOTS / "timeline.png"), full_page=False)

        # "As of" redraws the timeline with what had been published by then.
        page.fill("input[name=as_of]", "2025-03-20")
        page.wait_for_url("**as_of=2025-03-20**")
        assert "2025-10" not in page.locator("section.month h2").all_inner_texts()

        # From an event's source link to the article, at that paragraph.
        page.goto(server + "/")
        link = page.locator("li.event .sources a").first
        target = link.get_attribute("href") or ""
        link.click()
        page.wait_for_url("**/articles/**")
        assert page.locator("ol.paragraphs li.para").count() >= 5
        assert target.split("#")[-1].startswith("line-")
        assert page.locator(f"#{target.split('#')[-1]}").count() == 1
        page.screenshot(path=str(SHOTS / "article.png"), full_page=False)

        # A phone-width page keeps everything readable (no horizontal scroll).
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(server + "/")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        phone.screenshot(path=str(SHOTS / "timeline-phone.png"), full_page=False)
        browser.close()
