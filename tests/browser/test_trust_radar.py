"""The radar with 90 % interval bars and the peer benchmark stays readable on a tablet.

Also writes screenshots next to the test database (the session's app_dir) for a person to
look at.
"""

from __future__ import annotations

import pytest

from tests.browser.browser_helpers import assert_no_exception, goto

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(820, 1180), (1180, 820)])
def test_radar_with_bands_and_benchmark_is_readable_on_a_tablet(
    browser, app_server, results_token, app_dir, width, height
):
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=True, base_url=app_server
    )
    page = context.new_page()
    try:
        goto(page, f"/results?r={results_token}", "Resultaten")
        page.get_by_text("De korte balken langs de assen").first.wait_for()
        page.get_by_text("Grijze balk: de middelste helft").first.wait_for()
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        graphic = chart.locator("svg, canvas").first
        graphic.wait_for(state="visible")
        chart.scroll_into_view_if_needed()
        box = graphic.bounding_box()
        assert box is not None and box["width"] >= 380 and box["height"] >= 380
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Every phase label is drawn inside the chart, none cut off at an edge (1 px slack:
        # "Versnellen" ends exactly at the right edge).
        labels = chart.locator("svg text")
        if labels.count():
            for name in ("Inzicht", "Versnellen", "Groeien", "Borgen"):
                label = labels.filter(has_text=name).first.bounding_box()
                assert label is not None
                right = label["x"] + label["width"]
                assert box["x"] - 1 <= label["x"] and right <= box["x"] + box["width"] + 1
        assert_no_exception(page)
        graphic.screenshot(path=str(app_dir / f"radar-{width}x{height}.png"))
        page.screenshot(path=str(app_dir / f"results-{width}x{height}.png"))
    finally:
        context.close()
