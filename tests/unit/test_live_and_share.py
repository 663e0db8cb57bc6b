"""Projector batching and sharing (links, QR codes, handout)."""

from __future__ import annotations

import pytest

from ipm_model.live import snapshot_size
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
    ("finished", "forced_at", "expected"),
    [
        (2, None, None),  # below the minimum group size
        (3, None, 3),  # first snapshot at the minimum
        (4, None, 3),  # one more: would single someone out
        (5, None, 3),
        (6, None, 6),  # a batch of three
        (8, None, 6),
        (9, None, 9),
        (4, 4, 4),  # the facilitator decides
        (5, 4, 4),  # ... and it stays until the next step passes it
        (6, 4, 6),
        (7, 7, 7),
        (3, 4, 3),  # fewer finished than when forced (a reset): the step rule
        (2, 2, None),  # never below the minimum
    ],
)
def test_snapshot_size(finished, forced_at, expected):
    assert snapshot_size(finished, batch=3, min_group=3, forced_at=forced_at) == expected


def test_snapshot_size_depends_only_on_the_count():
    """Screens that opened at different moments (or on other replicas) show the same."""
    sizes = {snapshot_size(n, batch=3, min_group=5) for n in (11, 12, 13)}
    assert sizes == {11}
    assert snapshot_size(14, batch=3, min_group=5) == 14
    assert snapshot_size(7, batch=0, min_group=5) == 7  # batch 0 behaves as 1


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
