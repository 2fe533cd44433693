"""The analysis pages in Chromium: the ECharts charts draw (served locally), the findings
read in Chinese, nothing overflows a 1366 px laptop or a phone."""
from __future__ import annotations

import os

import pytest

from tests.e2e.pages import sign_in
from tests.integration.test_analysis_pages import marked_event

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SCREENSHOTS")   # a folder to keep screenshots in, for looking at them


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_chief_sees_the_charts_and_the_findings(app, live_server, new_page, size):
    ev = marked_event()
    page = new_page(*size)
    sign_in(page, live_server.url, ev["chief"].username)
    page.goto(f"{live_server.url}/admin/analysis/mini")
    for chart in ("chart-totals", "chart-criteria", "chart-progress"):
        page.wait_for_selector(f"div[data-chart='{chart}'] svg")
    assert "6 次高于、0 次低于" in page.inner_text("#findings")
    # the award cut-offs are drawn on the distribution
    assert "一等奖" in page.inner_text("div[data-chart='chart-totals']")
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/analysis-trade-{size[0]}.png", full_page=True)
    assert not wide   # wide tables scroll inside their card, the page never sideways


def test_the_organiser_sees_participation_and_employers(app, live_server, new_page):
    ev = marked_event()
    page = new_page(1366, 768)
    sign_in(page, live_server.url, ev["organiser"].username)
    page.goto(f"{live_server.url}/admin/analysis/")
    page.wait_for_selector("div[data-chart='chart-trades'] svg")
    assert "测试工种" in page.inner_text("div[data-chart='chart-trades']")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/analysis-index.png", full_page=True)
