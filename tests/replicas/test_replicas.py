"""Two app replicas behind nginx on one PostgreSQL database (issue 7).

Each test starts its own replicas and nginx on free 127.0.0.1 ports (deploy/cluster.py) on a
fresh PostgreSQL schema holding the demo workshop DEMO, drives simulated tablets through
nginx (bench/workshop_sim.py: each tablet loads the page, keeps nginx's ipm_route cookie and
opens its websocket with it), and stops every process at the end, also on failure. Which
replica served a tablet is read from nginx's access log (route cookie and upstream address
per request). Skipped without nginx or PostgreSQL, except on CI (CI=true), where that fails.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from bench.stclient import StreamlitSession
from bench.workshop_sim import AppRun, SimConfig, Target, check_database, run_workshop
from deploy.cluster import ROUTE_COOKIE, Cluster, log_tail, running_cluster
from ipm_model.demo import create_demo
from ipm_model.live import REFRESH_SECONDS
from ipm_model.model import Workshop
from ipm_model.questionnaire import default_questionnaire, role_kind
from ipm_model.storage.store import Store
from tests.fault.helpers import Tablet

pytestmark = [pytest.mark.replicas, pytest.mark.timeout(180)]

Q = default_questionnaire()
TABLETS = 10
EXTRA_TABLETS = 4  # another batch, should all tablets land on one replica (p ~ 0.2 %)
COUNTS = re.compile(r"(\d+) begonnen · (\d+) klaar")
ASYNC_TIMEOUT_S = 120.0


def demo_workshop(db: str) -> Workshop:
    """The demo organisation and its open workshop DEMO (without history) in ``db``."""
    store = Store(db)
    try:
        return create_demo(store, Q, history=False).workshop
    finally:
        store.close()


def participation(db: str, workshop_id: int) -> tuple[int, int]:
    """(joined, finished) of a workshop, as stored."""
    store = Store(db)
    try:
        frame = store.participation(workshop_id)
    finally:
        store.close()
    return int(frame["joined"].sum()), int(frame["finished"].sum())


@contextmanager
def cluster_logs_on_failure(cluster: Cluster) -> Iterator[None]:
    """Print the tail of every replica log and nginx's error log when the test fails."""
    try:
        yield
    except BaseException:
        for replica in cluster.replicas:
            print(f"--- replica {replica.index} log ({replica.log}):\n{log_tail(replica.log)}")
        print(f"--- nginx error log:\n{log_tail(cluster.nginx.error_log)}")
        raise


def run_async(coro):
    return asyncio.run(asyncio.wait_for(coro, ASYNC_TIMEOUT_S))


# -- the projector, as a browser keeps it open ---------------------------------------------------


@dataclass
class Projector:
    """The facilitator's projector page on one replica, refreshed like the browser does it:
    the live fragment is rerun every REFRESH_SECONDS (its ``run_every``)."""

    session: StreamlitSession = field(default_factory=StreamlitSession)
    ticks: list[tuple[float, int, int]] = field(default_factory=list)  # started, joined, done
    errors: list[str] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def open(self, replica_url: str, w: Workshop) -> None:
        query = f"f={w.facilitator_token}&w={w.id}"
        result = await self.session.connect(replica_url, query, page="projector")
        assert result.ok, f"projector page failed: {result.status} {result.exceptions}"
        assert self.counts() == (0, 0), f"projector before the workshop: {self.counts()}"
        assert list(self.session.auto_reruns.values()) == [REFRESH_SECONDS]
        self._task = asyncio.create_task(self._refresh())

    def counts(self) -> tuple[int, int] | None:
        for node in self.session.nodes.values():
            if node.element_type == "html":
                found = COUNTS.search(node.proto.body)
                if found:
                    return int(found.group(1)), int(found.group(2))
        return None

    async def _refresh(self) -> None:
        (fragment_id,) = self.session.auto_reruns
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            started = time.monotonic()
            result = await self.session.rerun(fragment_id=fragment_id, is_auto_rerun=True)
            if not result.ok:
                self.errors.append(f"refresh: status {result.status}, {result.exceptions}")
            counts = self.counts()
            if counts is None:
                self.errors.append("refresh: no counts on the projector")
                continue
            self.ticks.append((started, *counts))

    async def first_refresh_after(self, moment: float) -> tuple[float, int, int]:
        """The first refresh that started after ``moment`` (waits for it)."""
        deadline = time.monotonic() + 3 * REFRESH_SECONDS
        while time.monotonic() < deadline:
            later = [tick for tick in self.ticks if tick[0] > moment]
            if later:
                return later[0]
            assert self._task is not None and not self._task.done(), self.errors
            await asyncio.sleep(0.2)
        raise AssertionError(f"no projector refresh after the workshop: {self.errors}")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.session.close()


# -- helpers on the simulated workshop ----------------------------------------------------------


def errors_of(run: AppRun) -> dict[str, str]:
    return {kind: run.rec.samples.get(kind, "") for kind in run.rec.errors}


def tablets_per_replica(cluster: Cluster, runs: list[AppRun]) -> dict[str, list[str]]:
    """Replica address -> routes of the tablets it served; asserts that each tablet stuck
    to one replica, and that its websocket carried its cookie (a websocket without the
    cookie gets a new route from nginx, not the tablet's)."""
    upstreams = cluster.upstreams_by_route()
    websocket_routes = {r.route for r in cluster.requests() if r.is_websocket and r.status == 101}
    served: dict[str, list[str]] = {r.address: [] for r in cluster.replicas}
    for run in runs:
        for tablet in run.participants:
            route = tablet.route
            assert route, f"tablet {tablet.index} got no ipm_route cookie"
            assert route in websocket_routes, f"tablet {tablet.index}: no websocket with its route"
            replicas = upstreams.get(route, set())
            assert len(replicas) == 1, f"tablet {tablet.index} went to {replicas or 'nowhere'}"
            served[replicas.pop()].append(route)
    return served


async def wait_for_log(cluster: Cluster, routes: set[str], timeout: float = 10.0) -> None:
    """nginx logs a websocket request when it closes: wait until all of them are there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logged = {r.route for r in cluster.requests() if r.is_websocket}
        if routes <= logged:
            return
        await asyncio.sleep(0.1)


# -- the tests ---------------------------------------------------------------------------------


def test_tablets_stick_to_two_replicas_and_the_projector_counts_them_all(nginx, pg_url):
    """10 tablets through nginx: no error, no lost answer, each tablet on one replica, both
    replicas used; the projector on replica 1 counts the tablets of replica 2 too."""
    workshop = demo_workshop(pg_url)
    with running_cluster(pg_url, replicas=2) as cluster, cluster_logs_on_failure(cluster):
        first, second = cluster.replicas
        through_nginx = Target((cluster.url,), cluster.cpu_seconds, load_page=True)

        async def workshop_day() -> tuple[list[AppRun], tuple[float, int, int], list[str]]:
            projector = Projector()
            try:
                await projector.open(first.url, workshop)  # directly on replica 1
                runs = [await run_workshop(through_nginx, SimConfig(TABLETS, phases=1), Q)]
                # Consistent hashing spreads random routes evenly; should all tablets
                # nevertheless have landed on one replica, send a few more.
                while len(runs) < 4:
                    routes = {p.route for run in runs for p in run.participants if p.route}
                    await wait_for_log(cluster, routes)
                    if all(tablets_per_replica(cluster, runs).values()):
                        break
                    extra = SimConfig(EXTRA_TABLETS, phases=1, seed=len(runs) + 1)
                    first_index = TABLETS + EXTRA_TABLETS * (len(runs) - 1)
                    runs.append(
                        await run_workshop(through_nginx, extra, Q, first_index=first_index)
                    )
                shown = await projector.first_refresh_after(time.monotonic())
                return runs, shown, projector.errors
            finally:
                await projector.close()

        runs, shown, projector_errors = run_async(workshop_day())
        tablets = [p for run in runs for p in run.participants]

        # Every step of every tablet worked, through nginx.
        for run in runs:
            assert errors_of(run) == {}
        assert all(p.token and p.finished and p.result_seen for p in tablets)

        # Nothing lost: every acknowledged answer is in PostgreSQL with its value.
        db = check_database(pg_url, tablets)
        assert db.ok, db
        # Each tablet answered every statement of phase 1 that its role is shown.
        store = Store(pg_url)
        try:
            people = [store.participant_by_token(p.token) for p in tablets]
        finally:
            store.close()
        phase = Q.phases[0].id
        shown_first = [len(Q.phase_statements(phase, role_kind(p.role, p.partner))) for p in people]
        assert db.acknowledged == sum(shown_first)
        assert db.finished_stored == len(tablets)

        # Sticky: each tablet's requests all went to one replica, and both replicas had some.
        served = tablets_per_replica(cluster, runs)
        assert sorted(served) == sorted([first.address, second.address])
        assert served[first.address] and served[second.address], served

        # The projector on replica 1 shows everyone, also those on replica 2, at its first
        # refresh after the last tablet finished (it refreshes every REFRESH_SECONDS).
        assert projector_errors == []
        _, joined, finished = shown
        assert (joined, finished) == participation(pg_url, workshop.id)
        assert (joined, finished) == (len(tablets), len(tablets))


def route_replica(cluster: Cluster, route: str | None) -> str | None:
    """The replica (address) that answered the last logged request with this route."""
    served = [r.upstream for r in cluster.requests() if r.route == route and r.upstream != "-"]
    return served[-1] if served else None


async def tablet_on(cluster: Cluster, address: str, tries: int = 12) -> Tablet:
    """A tablet that joined through nginx and landed on the replica at ``address``."""
    for _ in range(tries):
        tablet = Tablet()
        await tablet.join(cluster.url)
        if route_replica(cluster, tablet.session.cookie(ROUTE_COOKIE)) == address:
            return tablet
        await tablet.close()
    raise AssertionError(f"no tablet landed on {address} in {tries} tries")


def test_a_replica_going_down_fails_over_to_the_other_one(nginx, pg_url):
    """Replica 2 is killed: a participant who was on it reloads their personal link and
    continues on replica 1 with their answers; new tablets all work on replica 1."""
    demo_workshop(pg_url)
    with running_cluster(pg_url, replicas=2) as cluster, cluster_logs_on_failure(cluster):
        survivor, lost = cluster.replicas

        async def participant_moves() -> tuple[str, dict[str, str], dict, tuple | None]:
            tablet = await tablet_on(cluster, lost.address)
            route = tablet.session.cookie(ROUTE_COOKIE)
            statements = Q.phases[0].statements
            given = {s.id: code for s, code in zip(statements[:3], ("4", "dk", "2"), strict=True)}
            for statement_id, code in given.items():
                assert (await tablet.answer(statement_id, code)).ok
            lost.kill()
            await tablet.close()
            # The tablet reloads its personal link with its cookies: nginx cannot reach the
            # lost replica and passes it on to the survivor, where the scan continues.
            again = Tablet()
            for cookie in tablet.session.cookies:
                again.session.cookies.set_cookie(cookie)
            try:
                await again.resume(cluster.url, tablet.token)
                shown = again.shown_answers(0)
                progress = again.progress()
                assert (await again.answer(statements[3].id, "5")).ok
            finally:
                await again.close()
            assert again.session.cookie(ROUTE_COOKIE) == route
            return tablet.token, {**given, statements[3].id: "5"}, shown, progress

        token, answered, shown, progress = run_async(participant_moves())
        statements = Q.phases[0].statements
        # Back on phase 1 with the three answers given before the replica went down.
        assert progress == (1, 3)
        assert shown == {s.id: answered.get(s.id) for s in statements[:3]} | {
            s.id: None for s in statements[3:]
        }
        store = Store(pg_url)
        try:
            stored = store.answers(store.participant_by_token(token).id)
        finally:
            store.close()
        assert stored == answered
        tried_both = f"upstream={lost.address}, {survivor.address}"
        assert any(tried_both in line for line in access_lines(cluster))

        # New tablets through nginx join, answer and finish on the survivor, losing nothing.
        run = run_async(
            run_workshop(Target((cluster.url,), load_page=True), SimConfig(6, phases=1, seed=7), Q)
        )
        assert errors_of(run) == {}
        db = check_database(pg_url, run.participants)
        assert db.ok and db.finished_stored == 6, db
        run_async(wait_for_log(cluster, {p.route for p in run.participants if p.route}))
        served = tablets_per_replica(cluster, [run])
        assert len(served[survivor.address]) == 6 and not served[lost.address], served


def access_lines(cluster: Cluster) -> list[str]:
    try:
        return cluster.nginx.access_log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
