"""The public results page of a two-stage trade on a phone (390 x 844) and a tablet:
the final live first, the preliminary behind its tab, the employer readable, no sideways
scrolling (see tests/integration/_stages_setup.py for the marks)."""
import pytest

from tests.integration._stages_setup import build_two_stage


@pytest.mark.parametrize("size", [(390, 844), (820, 1180)])
def test_the_stage_tabs_switch_between_the_final_and_the_preliminary(live_server, new_page,
                                                                     size):
    ev = build_two_stage()
    page = new_page(*size)
    page.goto(f"{live_server.url}/results/mini")
    page.wait_for_selector("[data-status]:has-text('实时')")
    prelim = f"#stage-{ev['stage'].id}"
    assert page.is_visible("#stage-live") and not page.is_visible(prelim)
    assert page.inner_text("#stage-live tbody tr:first-child .name") == "测试选手3"
    page.click(f"[data-tab='stage-{ev['stage'].id}']")
    assert page.is_visible(prelim) and not page.is_visible("#stage-live")
    assert page.locator(f"{prelim} .went-on-badge").count() == 3
    assert page.url.endswith(f"#stage-{ev['stage'].id}")
    # the employer is read at arm's length: at least 15 px, and nothing scrolls sideways
    size_px = page.eval_on_selector(f"{prelim} .employer",
                                    "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size_px >= 15
    assert page.evaluate("document.documentElement.scrollWidth") == size[0]
    # a reload on the preliminary's address opens its tab
    page.reload()
    assert page.is_visible(prelim) and not page.is_visible("#stage-live")
