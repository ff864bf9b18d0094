"""The agent drill, with real network separation (`make drill`; about four minutes).

The app (`streamlit run server.py`) and a central `python -m probes` run here; the agent runs as a real
process inside a network namespace the test creates, and its two targets (a TCP service and a web server)
listen on that namespace's own loopback, which the central side cannot reach. The agent enrols and pushes,
and the wall shows the unit UP. Its link is cut for two minutes: the results wait in its outbox and are
delivered afterwards, none lost and none stored twice. Killed, its targets turn unknown with one alert for
the agent. A revoked credential is refused."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from core.agents import agents
from core.i18n import reason_text
from db.agents import Agent
from db.engine import session_scope
from db.monitoring import Alert, Heartbeat, State, TargetState
from tests.browser import chromium, log_in, running_app
from tests.monitoring import add_target
from tests.peers import netns
from tests.test_browser_monitoring import DONE, shot, start_worker

pytestmark = [pytest.mark.drill, pytest.mark.browser, pytest.mark.only_store("postgresql"), pytest.mark.timeout(600)]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TCP_PORT, WEB_PORT = 18022, 18080  # inside the namespace only
INTERVAL_S, PUSH_S = 10, 5
CUT_S = 120


def wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def states(store, ids) -> list[str]:
    with store.session() as s:
        return [s.get(TargetState, i).state for i in ids]


def beats(store, ids) -> list[Heartbeat]:
    with store.session() as s:
        return list(s.scalars(select(Heartbeat).where(Heartbeat.target_id.in_(ids)).order_by(Heartbeat.at)))


def refused_here(port: int) -> bool:
    """Nothing answers this port on the central side's loopback."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def tile(page, unit_id: int, state: str):
    return page.locator(f'[class*="st-key-walltile-"][class*="-{state.lower()}-{unit_id}"]')


def test_agent_in_its_own_network(env, store, city, admin, tmp_path):
    unit = city.units["KEL-KAUMAN"]  # a kelurahan under Klojen, whose targets only the agent can reach
    with netns(7) as space:
        services = [space.start([sys.executable, "-c", f"import socket,time\ns=socket.socket()\ns.setsockopt(1,2,1)\n"
                                 f"s.bind(('127.0.0.1',{TCP_PORT}))\ns.listen()\nwhile True: s.accept()[0].close()"]),
                    space.start([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(WEB_PORT)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        agent = None
        app_env = {**env, "MONEV_WORKER_IN_APP": "false"}
        worker = start_worker(app_env, tmp_path)
        try:
            assert refused_here(TCP_PORT) and refused_here(WEB_PORT)  # the centre cannot reach them
            with running_app(app_env, tmp_path, address=space.outside) as base:
                with session_scope(store.engine) as s:
                    code = agents.create_enrolment(session=s, viewer=admin, name="agen-klojen",
                                                   unit_ids=[city.units["KEC-KLOJEN"]])

                def start_agent():
                    log = open(tmp_path / "agent.log", "a")  # noqa: SIM115 - the process keeps it
                    return space.start([sys.executable, "-m", "probes.agent", "--server", base, "--state",
                                        str(tmp_path / "agent"), "--enrol", code],
                                       env={**os.environ, "PYTHONPATH": ROOT}, stdout=log, stderr=subprocess.STDOUT)

                agent = start_agent()
                agent_id = wait(lambda: _agent_id(store), 30, "enrolment")
                with session_scope(store.engine) as s:
                    s.get(Agent, agent_id).push_interval_s = PUSH_S
                ids = [add_target(store, admin, unit, name="server puskesmas", kind="tcp", host="127.0.0.1",
                                  port=TCP_PORT, interval_s=INTERVAL_S, agent_id=agent_id),
                       add_target(store, admin, unit, name="situs kelurahan", kind="http",
                                  host=f"http://127.0.0.1:{WEB_PORT}/", interval_s=INTERVAL_S, agent_id=agent_id)]
                agent.send_signal(signal.SIGTERM)  # restarted, it pulls its new targets at once
                agent.wait(15)
                agent = start_agent()
                wait(lambda: states(store, ids) == [State.UP, State.UP], 60, "the agent's targets UP")

                with chromium() as browser:
                    page = browser.new_page(viewport={"width": 1920, "height": 1080})
                    log_in(page, base, "admin")
                    page.goto(f"{base}/status")
                    page.locator(DONE).wait_for(timeout=30_000)
                    tile(page, unit, "UP").first.wait_for(timeout=30_000)  # the wall shows them UP
                    shot(page, "drill-agent-wall-up")

                    # Two minutes without a link: the agent goes on checking into its outbox.
                    before = len(beats(store, ids))
                    space.cut()
                    cut_at = time.monotonic()
                    wait(lambda: states(store, ids) == [State.UNKNOWN, State.UNKNOWN], 60, "silent → unknown")
                    with store.session() as s:
                        why = reason_text(s.get(TargetState, ids[0]).last_reason)
                    assert why == "Tidak diketahui — agen agen-klojen tidak melapor"
                    time.sleep(max(0.0, CUT_S - (time.monotonic() - cut_at)))
                    during = len(beats(store, ids))
                    space.restore()
                    expected = before + 2 * (CUT_S // INTERVAL_S) - 2  # at least, both targets, every interval
                    wait(lambda: len(beats(store, ids)) >= expected and states(store, ids) == [State.UP] * 2, 90,
                         "the buffered results delivered")
                    assert during == before  # nothing arrived while the link was down
                    for target_id in ids:
                        times = [b.at for b in beats(store, [target_id])]
                        assert len(times) == len(set(times))  # none stored twice
                        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
                        assert max(gaps) < 2 * INTERVAL_S, gaps  # none lost: no hole where the cut was
                    with store.session() as s:
                        row = s.get(Agent, agent_id)
                        assert row.refused == 0 and row.stored == s.scalar(
                            select(func.count()).select_from(Heartbeat).where(Heartbeat.target_id.in_(ids)))

                    # Killed: its targets turn unknown, and one alert is raised for the agent.
                    agent.kill()
                    agent.wait(10)
                    wait(lambda: states(store, ids) == [State.UNKNOWN, State.UNKNOWN], 60, "killed → unknown")
                    page.reload()
                    page.locator(DONE).wait_for(timeout=30_000)
                    tile(page, unit, "UNKNOWN").first.wait_for(timeout=30_000)
                    shot(page, "drill-agent-wall-unknown")
                with store.session() as s:
                    kinds = [(a.kind, a.target_id) for a in s.scalars(select(Alert).order_by(Alert.id))]
                assert kinds == [("agent_silent", None), ("agent_back", None), ("agent_silent", None)]

                # Revoked: the agent is refused and says so.
                with session_scope(store.engine) as s:
                    agents.revoke(session=s, viewer=admin, agent_id=agent_id)
                agent = start_agent()
                assert agent.wait(30) == 3
                assert "refused" in (tmp_path / "agent.log").read_text()
                assert len(beats(store, ids)) == row.stored  # nothing more stored
        finally:
            for process in [*services, worker, *([agent] if agent else [])]:
                if process.poll() is None:
                    process.kill()
            print((tmp_path / "agent.log").read_text()[-3000:] if (tmp_path / "agent.log").exists() else "")


def _agent_id(store):
    with store.session() as s:
        return s.scalar(select(Agent.id))

