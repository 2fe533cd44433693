"""A contestant finds their heat on a phone (issue 18's look-up at 390 px): the answer
was a six-column table whose headings broke one character per line; each heat is now a
block of labelled lines (table.stack) that fits the screen."""
import pytest

from tests.integration.test_tickets import seated_event

pytestmark = pytest.mark.e2e


def test_the_look_up_answer_fits_a_phone(live_server, new_page):
    ev = seated_event(blind=False)
    person = ev["entries"][0].contestant
    page = new_page(390, 844)
    page.goto(f"{live_server.url}/lookup")
    page.fill('input[name="id_number"]', person.id_number)
    page.fill('input[name="name"]', person.name)
    page.click('button[type="submit"]')
    page.wait_for_selector("#found table")
    page.screenshot(path="/tmp/lookup-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    labels = page.eval_on_selector_all(
        "#found tbody tr:first-child td",
        "tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels[0] == '"工种："' and len(labels) == 6 and "none" not in labels, labels
    assert "第1场" in page.inner_text("#found")
