"""Real Chromium tablets through nginx in front of two replicas on one PostgreSQL database.

What the websocket simulator cannot show: a browser keeps nginx's route cookie, opens
Streamlit's websocket through nginx (Streamlit checks Origin against Host), stays on its
replica across a reload, and the facilitator's projector on the other replica counts it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deploy.cluster import ROUTE_COOKIE, running_cluster
from ipm_model.demo import create_demo
from ipm_model.questionnaire import default_questionnaire
from ipm_model.storage.store import Store
from tests.browser.browser_helpers import (
    DEFAULT_TIMEOUT_MS,
    answer,
    goto,
    join,
    progress,
    wait_idle,
)
from tests.browser.conftest import PORTRAIT

pytestmark = [pytest.mark.replicas, pytest.mark.timeout(240)]

Q = default_questionnaire()
LABEL = {o.code: o.label.get("nl") for o in Q.options}
COUNTS = re.compile(r"(\d+) begonnen · (\d+) klaar")


def _tablet(browser, base_url: str, errors: list[str]):
    context = browser.new_context(
        viewport=PORTRAIT, has_touch=True, locale="nl-NL", base_url=base_url
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return context, page


def _route(context) -> str:
    routes = [c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE]
    assert len(routes) == 1, context.cookies()
    return routes[0]


def test_tablets_stick_through_nginx_and_the_other_replica_projects_them(
    browser,
    nginx,
    pg_url,
):
    store = Store(pg_url)
    workshop = create_demo(store, Q, history=False).workshop
    errors: list[str] = []
    with running_cluster(pg_url, 2) as cluster:
        # Tablets join through nginx until one is on each replica (each has its own route).
        tablets = []
        for attempt in range(8):
            context, page = _tablet(browser, cluster.url, errors)
            join(page, chain=workshop.chains[attempt % len(workshop.chains)].name)
            answer(page, 0, LABEL["4"], phase=1, answered_after=1)
            tablets.append((context, page))
            served = cluster.upstreams_by_route()
            on = {next(iter(served[_route(c)])) for c, _ in tablets if _route(c) in served}
            if len(on) == 2:
                break
        by_route = cluster.upstreams_by_route()
        assert all(len(by_route[_route(c)]) == 1 for c, _ in tablets), by_route
        replicas_used = {next(iter(by_route[_route(c)])) for c, _ in tablets}
        assert len(replicas_used) == 2, by_route

        # A reload keeps the tablet on its replica and its answer on screen.
        context, page = tablets[0]
        before = by_route[_route(context)]
        page.reload()
        wait_idle(page, progress(1, 1))
        assert cluster.upstreams_by_route()[_route(context)] == before

        # The projector, opened directly on replica 1, counts the tablets of both replicas.
        first = cluster.replicas[0]
        proj_context, projector = _tablet(browser, first.url, errors)
        goto(projector, f"/projector?f={workshop.facilitator_token}&w={workshop.id}", "begonnen ·")
        counts = projector.locator(".ipm-counts")
        expect(counts).to_have_text(COUNTS)
        joined = int(COUNTS.search(counts.inner_text()).group(1))
        assert joined == len(tablets)

        # One more tablet joins (through nginx, on whichever replica): counted within the
        # projector's refresh (5 s) plus its 1 s cache.
        context, page = _tablet(browser, cluster.url, errors)
        join(page, chain=workshop.chains[0].name)
        tablets.append((context, page))
        expect(counts).to_have_text(
            re.compile(rf"{len(tablets)} begonnen · 0 klaar"), timeout=12_000
        )
        for context, _ in [*tablets, (proj_context, None)]:
            context.close()
        for replica in cluster.replicas:
            log = replica.log.read_text(encoding="utf-8", errors="replace")
            assert "Traceback (most recent call last)" not in log, log[-3000:]
    store.close()
    assert errors == []
