"""Projector batching and sharing (links, QR codes, handout)."""

from __future__ import annotations

import pytest

from ipm_model.live import snapshot_size
from ipm_model.share import (
    PublicUrlError,
    facilitator_url,
    handout_html,
    is_loopback_url,
    join_url,
    network_addresses,
    parse_public_url,
    qr_img_tag,
    qr_png,
    qr_svg,
    results_url,
    url_with_host,
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
        ("  https://scan.example.org/ketenscan/ ", "https://scan.example.org/ketenscan"),
        ("HTTP://Scan.Example.org", "http://scan.example.org"),
        ("http://[fd00::5]:8501/", "http://[fd00::5]:8501"),
    ],
)
def test_public_url_is_normalised(raw, expected):
    assert parse_public_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "192.168.1.20:8501",
        "ftp://example.org",
        "http://",
        "http://example.org:99999",
        "http://example.org/?code=X",
        "http://example.org/#x",
        "http://user:pw@example.org",
        "javascript:alert(1)",
    ],
)
def test_bad_public_url_is_refused_with_a_reason(raw):
    with pytest.raises(PublicUrlError, match="http|host|port|valid|user|#"):
        parse_public_url(raw)


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8501", True),
        ("http://LOCALHOST.:8501/x", True),
        ("http://app.localhost", True),
        ("http://127.0.0.1:8501", True),
        ("http://127.1.2.3", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("http://192.168.1.20:8501", False),
        ("https://scan.example.org", False),
        ("http://localhost-laptop.lan", False),
        ("", False),
    ],
)
def test_loopback_addresses_are_recognised(url, loopback):
    assert is_loopback_url(url) is loopback


def test_network_addresses_never_lists_loopback_and_sends_nothing(monkeypatch):
    infos = [
        (2, 1, 6, "", ("127.0.1.1", 0)),
        (2, 1, 6, "", ("192.168.1.20", 0)),
        (2, 2, 17, "", ("192.168.1.20", 0)),
        (10, 1, 6, "", ("fe80::1%eth0", 0, 0, 2)),
        (10, 1, 6, "", ("fd00::5", 0, 0, 0)),
        (2, 1, 6, "", ("10.0.0.7", 0)),
    ]
    monkeypatch.setattr("socket.gethostname", lambda: "laptop")
    monkeypatch.setattr("socket.getaddrinfo", lambda host, port: infos)

    def no_traffic(*args, **kwargs):
        raise AssertionError("network_addresses must not open sockets")

    monkeypatch.setattr("socket.socket", no_traffic)
    assert network_addresses() == ["10.0.0.7", "192.168.1.20", "fd00::5"]


def test_network_addresses_is_empty_when_the_name_does_not_resolve(monkeypatch):
    def fail(host, port):
        raise OSError("no such host")

    monkeypatch.setattr("socket.getaddrinfo", fail)
    assert network_addresses() == []


def test_url_with_host_keeps_port_and_path():
    assert url_with_host("http://localhost:8501/app", "192.168.1.20") == (
        "http://192.168.1.20:8501/app"
    )
    assert url_with_host("http://localhost:8501", "fd00::5") == "http://[fd00::5]:8501"
