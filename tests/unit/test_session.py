"""The session cookie: signing and checking (ipm_model/session.py), and its store tables."""

from __future__ import annotations

import threading

import pytest

from ipm_model.session import (
    EXPIRED,
    FORGED,
    Claim,
    SessionRefused,
    local_path,
    make_cookie,
    password_fingerprint,
    read_cookie,
    token_digest,
)

KEY = b"k" * 32
NOW = 1_800_000_000.0
ADMIN = Claim("admin", 0, password_fingerprint("pw", KEY))
LINK = Claim("f", 7, token_digest("tok"), epoch=2)


def refused(value: str, key: bytes = KEY, hours: float = 12, now: float = NOW) -> str:
    with pytest.raises(SessionRefused) as caught:
        read_cookie(value, key, hours, now=now)
    return caught.value.reason


def test_a_cookie_reads_back_its_claims_and_times():
    value = make_cookie((ADMIN, LINK), KEY, 12, now=NOW)
    cookie = read_cookie(value, KEY, 12, now=NOW + 11.9 * 3600)
    assert cookie.claims == (ADMIN, LINK)
    assert cookie.issued_at == NOW and cookie.expires_at == NOW + 12 * 3600
    assert "pw" not in value and "tok" not in value  # no password, no link token


@pytest.mark.parametrize("hours_later", [12, 12.01, 1000])
def test_an_expired_cookie_is_refused(hours_later):
    value = make_cookie((ADMIN,), KEY, 12, now=NOW)
    assert refused(value, now=NOW + hours_later * 3600) == EXPIRED


def test_a_shorter_lifetime_set_later_applies_to_cookies_given_out():
    value = make_cookie((ADMIN,), KEY, 12, now=NOW)
    assert refused(value, hours=2, now=NOW + 3 * 3600) == EXPIRED


def test_a_cookie_of_another_key_is_refused():
    assert refused(make_cookie((ADMIN,), b"other key", 12, now=NOW)) == FORGED


def _swap(value: str, index: int, part: str) -> str:
    parts = value.split(".")
    parts[index] = part
    return ".".join(parts)


def test_a_tampered_cookie_is_refused():
    value = make_cookie((LINK,), KEY, 12, now=NOW)
    longer = make_cookie((LINK,), KEY, 1000, now=NOW)
    assert refused(_swap(value, 1, longer.split(".")[1])) == FORGED  # payload of another
    assert refused(_swap(value, 2, value.split(".")[2][:-2] + "AA")) == FORGED
    assert refused(_swap(value, 0, "v2")) == FORGED


@pytest.mark.parametrize(
    "value", ["", None, "garbage", "v1..", "v1.e30.", "a.b.c.d", "v1.%%%.x", "v1." + "A" * 5000]
)
def test_garbage_is_refused_as_forged(value):
    assert refused(value) == FORGED


def test_a_signed_payload_with_an_unknown_kind_is_refused():
    assert refused(make_cookie((Claim("root", 0, "x"),), KEY, 12, now=NOW)) == FORGED


def test_the_password_fingerprint_follows_password_and_key():
    assert password_fingerprint("pw", KEY) == password_fingerprint("pw", KEY)
    assert password_fingerprint("pw2", KEY) != password_fingerprint("pw", KEY)
    assert password_fingerprint("pw", b"other") != password_fingerprint("pw", KEY)


def test_subjects_name_what_log_out_everywhere_ends():
    assert ADMIN.subject == "admin"
    assert LINK.subject == "f:7"
    assert Claim("r", 3, "x").subject == "r:3"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/console?lang=en", "/console?lang=en"),
        ("/", "/"),
        ("//evil.example/x", "/login"),
        ("https://evil.example/", "/login"),
        ("/\\evil.example", "/login"),
        ("javascript:alert(1)", "/login"),
        ("/x\r\nSet-Cookie: a=b", "/login"),
        ("", "/login"),
        (None, "/login"),
    ],
)
def test_redirects_stay_on_this_site(target, expected):
    assert local_path(target, "/login") == expected


# -- the store's session tables (both back-ends) ---------------------------------------------


def test_installation_secret_is_made_once(store):
    first = store.installation_secret("session-signing-key")
    assert len(first) == 64
    assert store.installation_secret("session-signing-key") == first
    assert store.installation_secret("other") != first


def test_log_out_everywhere_raises_only_its_subjects_epochs(store):
    assert store.session_epochs(["admin", "f:1"]) == {"admin": 0, "f:1": 0}
    store.raise_session_epochs(["admin"])
    store.raise_session_epochs(["admin", "r:2"])
    assert store.session_epochs(["admin", "f:1", "r:2"]) == {"admin": 2, "f:1": 0, "r:2": 1}
    assert store.session_epochs([]) == {}


def test_a_nonce_gives_its_cookie_once(store):
    nonce = store.create_session_nonce("cookie-value", 3600, now=NOW)
    assert store.take_session_nonce(nonce, now=NOW + 1) == ("cookie-value", 3600)
    assert store.take_session_nonce(nonce, now=NOW + 2) is None
    assert store.take_session_nonce("unknown") is None
    assert store.take_session_nonce("x" * 500) is None


def test_a_nonce_expires(store):
    nonce = store.create_session_nonce("cookie-value", 3600, now=NOW)
    assert store.take_session_nonce(nonce, now=NOW + store.SESSION_NONCE_TTL_S + 1) is None


def test_two_requests_with_one_nonce_get_one_cookie(store):
    nonce = store.create_session_nonce("cookie-value", 3600)
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.take_session_nonce(nonce)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, results)) == ["('cookie-value', 3600)", "None", "None", "None"]
