"""Security headers: ui/headers.py's set, once, on every response, both from nginx
(deploy/nginx.conf.template) and from the app itself (`streamlit run app.py` serves the
st.App of app.py with its middleware); the app works in Chromium under that policy without a
single violation.

Through nginx: one replica on SQLite behind nginx rendered from the template (what
deploy/trial.py and production use); skipped without nginx locally, like the replica tests.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.request
from pathlib import Path

import pytest
import streamlit

from deploy.cluster import TEMPLATE, running_cluster
from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import DEFAULT_TIMEOUT_MS, answer, goto, join, wait_idle
from tests.browser.conftest import PORTRAIT, serve_app
from ui.headers import SECURITY_HEADERS, STREAMLIT_INLINE_SCRIPT

pytestmark = pytest.mark.browser

Q = default_questionnaire()
ADD_HEADER = re.compile(r'^\s*add_header ([\w-]+) "(.*)" always;$', re.MULTILINE)
# Collected in the page from its first script on: every blocked load or inline script.
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""


def test_the_nginx_template_sends_the_apps_headers():
    sent = dict(ADD_HEADER.findall(TEMPLATE.read_text(encoding="utf-8")))
    sent.pop("Set-Cookie")  # the route cookie (sticky sessions)
    assert sent == SECURITY_HEADERS
    hidden = re.findall(r"proxy_hide_header ([\w-]+);", TEMPLATE.read_text(encoding="utf-8"))
    assert set(hidden) == set(SECURITY_HEADERS)  # the replicas' own copies are not sent twice


def test_the_policy_allows_exactly_streamlits_inline_script():
    """After a Streamlit upgrade, update STREAMLIT_INLINE_SCRIPT to this hash."""
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), re.S)
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    ]
    assert hashes == [STREAMLIT_INLINE_SCRIPT]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("ipm-headers") / "ipm.db"
    store = Store(db)
    made = create_demo(store, Q)
    org = store.organisation(made.organisation_id)
    store.set_revealed(made.workshop.id, True)
    store.close()
    return {"db": db, "r": org["results_token"], "workshop": made.workshop}


@pytest.fixture(scope="module")
def app_server(request, chromium_path, nginx, demo) -> str:
    """One replica behind nginx rendered from the template (overrides the shared server)."""
    previous = getattr(request.config, "_ipm_server_log", None)
    with running_cluster(demo["db"], 1) as cluster:
        request.config._ipm_server_log = cluster.prefix / "logs" / "replica-1.log"
        yield cluster.url
    request.config._ipm_server_log = previous


@pytest.fixture(scope="module")
def direct(request, demo) -> str:
    """The app on its own, without a proxy: `streamlit run app.py` on the same database."""
    with serve_app(request, demo["db"], demo["db"].with_name("direct.log")) as url:
        yield url


@pytest.fixture(params=["nginx", "direct"])
def base_url(request) -> str:
    return request.getfixturevalue("app_server" if request.param == "nginx" else "direct")


@pytest.mark.parametrize("path", ["/", "/?code=DEMO", "/_stcore/health", "/nope/../x"])
def test_every_response_carries_each_header_once(base_url, path):
    try:
        response = urllib.request.urlopen(base_url + path, timeout=10)
    except urllib.error.HTTPError as error:  # an error page needs them too
        response = error
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_all(name) == [value], name


def test_the_app_works_under_the_policy_without_a_violation(browser, base_url, demo):
    context = browser.new_context(
        viewport=PORTRAIT, has_touch=True, locale="nl-NL", base_url=base_url
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(WATCH_CSP)
    try:
        join(page, chain=demo["workshop"].chains[0].name)
        answer(page, 0, "Mee eens", phase=1, answered_after=1)
        violations = page.evaluate("window.__csp")
        w = demo["workshop"]
        goto(page, f"/projector?f={w.facilitator_token}&w={w.id}", "begonnen ·")
        page.locator("img[src^='data:']").first.wait_for()  # the QR code
        violations += page.evaluate("window.__csp")
        goto(page, f"/results?r={demo['r']}", "Resultaten")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.locator("svg, canvas").first.wait_for()
        wait_idle(page)
        violations += page.evaluate("window.__csp")
    finally:
        context.close()
    assert violations == [], "\n".join(violations)
    assert not [m for m in console if "Content Security Policy" in m], console
