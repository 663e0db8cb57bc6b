"""Projector batching and sharing (links, QR codes, handout)."""

from __future__ import annotations

import pytest

from ipm_model.live import Counts, publish_due
from ipm_model.share import (
    facilitator_url,
    handout_html,
    join_url,
    qr_img_tag,
    qr_png,
    qr_svg,
    results_url,
)


@pytest.mark.parametrize(
    ("shown", "joined", "finished", "forced", "expected"),
    [
        (None, 5, 2, False, False),  # below the minimum group size
        (None, 5, 3, False, True),  # first snapshot at the minimum
        (3, 8, 4, False, False),  # one more: would single someone out
        (3, 8, 5, False, False),
        (3, 8, 6, False, True),  # a batch of three
        (3, 8, 4, True, True),  # the facilitator decides
        (4, 8, 4, True, False),  # nothing new
        (6, 6, 2, False, False),  # reset below the minimum
        (6, 6, 3, False, True),  # reset: start again
    ],
)
def test_publish_due(shown, joined, finished, forced, expected):
    now = Counts(joined=joined, finished=finished)
    assert publish_due(shown, now, batch=3, min_group=3, forced=forced) is expected


def test_links():
    assert join_url("http://h:8501/", "DEMO") == "http://h:8501/?code=DEMO"
    assert join_url("http://h", "AB CD", "en") == "http://h/?code=AB+CD&lang=en"
    assert facilitator_url("https://x/app", "t-1") == "https://x/app/console?f=t-1"
    assert results_url("https://x", "a&b") == "https://x/results?r=a%26b"


def test_qr_img_tag_is_a_data_uri_with_alt_text():
    tag = qr_img_tag("http://h/?code=DEMO", alt='QR "code"')
    assert tag.startswith('<img class="ipm-qr" src="data:image/svg+xml')
    assert 'alt="QR &quot;code&quot;"' in tag


def test_qr_codes_are_made():
    svg = qr_svg("http://h/?code=DEMO", title="QR")
    assert svg.startswith('<svg role="img"') and "<title>QR</title>" in svg
    assert qr_png("http://h/?code=DEMO").startswith(b"\x89PNG")


def test_handout_escapes_everything_typed():
    page = handout_html(
        title="<script>alert(1)</script>",
        date="2026-01-01",
        code="DEMO",
        url="http://h/?code=DEMO&x=<b>",
        lang="nl",
    )
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "DEMO" in page and "<svg" in page
