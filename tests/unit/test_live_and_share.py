"""Projector batching and sharing (links, QR codes, handout)."""

from __future__ import annotations

import pytest

from ipm_model.disclosure import disclosed_size, waiting_for
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
    ("finished", "minimum", "expected"),
    [
        (2, 3, None),  # below the minimum group size
        (3, 3, 3),  # first snapshot at the minimum
        (4, 3, 3),  # one more: would single someone out
        (5, 3, 3),
        (6, 3, 6),  # a batch of three
        (8, 3, 6),
        (9, 3, 9),
        (9, 5, 5),  # steps are never smaller than the minimum group
        (10, 5, 10),
        (0, 1, None),
    ],
)
def test_disclosed_size(finished, minimum, expected):
    assert disclosed_size(finished, minimum) == expected


def test_disclosed_size_depends_only_on_the_count():
    """Screens that opened at different moments (or on other replicas) show the same."""
    assert {disclosed_size(n, 5) for n in (10, 11, 12, 13, 14)} == {10}
    assert disclosed_size(15, 5) == 15


def test_waiting_for_counts_to_the_next_step():
    assert waiting_for(1, 3) == 2
    assert waiting_for(4, 3) == 2
    assert waiting_for(6, 3) == 3
    assert disclosed_size(7, 5, batch=0) == 5  # steps never below the minimum


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
