"""Probe agents: enrolment, credentials, scope, pushed results stored once through the state machine,
silence making targets unknown with one alert; over real HTTP (tests/routes.py) and a real agent process."""

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from core.agents import agents
from core.errors import PermissionDenied, ValidationError
from core.i18n import reason_text
from core.monitoring import status
from db.agents import Agent, AgentEnrolment
from db.engine import session_scope
from db.monitoring import Alert, Incident, State
from db.types import utcnow
from probes import silence
from probes import store as probe_store
from probes.agent import Agent as Agent_
from probes.agent import Server
from tests.monitoring import add_target, heartbeats, make_due, state
from tests.peers import closed_port, tcp_listener
from tests.routes import call, serving

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def code_for(store, admin, unit_ids, name="agen-klojen") -> str:
    with session_scope(store.engine) as s:
        return agents.create_enrolment(session=s, viewer=admin, name=name, unit_ids=unit_ids)


def enrolled(base, store, admin, unit_ids, name="agen-klojen") -> tuple[int, str]:
    status, body, _ = call(base, "POST", "/agent/v1/enrol", {"code": code_for(store, admin, unit_ids, name)})
    assert status == 200, body
    return body["agent_id"], body["credential"]


def assign(store, admin, unit_id, agent_id, **fields) -> int:
    return add_target(store, admin, unit_id, agent_id=agent_id, **{"port": 22, **fields})


def result(seq, target_id, status="UP", at=None, **extra) -> dict:
    return {"seq": seq, "target_id": target_id, "status": status, "at": (at or utcnow()).isoformat(),
            "latency_ms": 1.5, "reason": "", "details": {}, **extra}


def push(base, credential, items, backlog=0):
    return call(base, "POST", "/agent/v1/results", {"results": items, "backlog": backlog}, token=credential)


def test_a_code_is_used_once_and_only_hashes_are_stored(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        code = code_for(store, admin, [klojen])
        status, body, _ = call(base, "POST", "/agent/v1/enrol", {"code": code.lower().replace("-", " ")})
        assert status == 200 and body["name"] == "agen-klojen" and body["credential"].startswith("mva_")
        again, refused, _ = call(base, "POST", "/agent/v1/enrol", {"code": code})
        assert again == 401 and refused["error"]["code"] == "agent.code_used"
        wrong, refused, _ = call(base, "POST", "/agent/v1/enrol?lang=en", {"code": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"})
        assert wrong == 401 and refused["error"]["message"] == "Unknown enrolment code."
    with store.engine.connect() as conn:  # neither the code nor the credential is anywhere in the store
        dump = " ".join(str(v) for table in ("agent", "agent_enrolment", "audit_log")
                        for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)
    assert code not in dump and body["credential"] not in dump
    assert agents.digest(body["credential"]) in dump


def test_an_expired_code_is_refused(env, store, city, admin):
    code = code_for(store, admin, [city.units["DINKES"]])
    with session_scope(store.engine) as s:
        s.execute(AgentEnrolment.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    with serving(store.engine) as base:
        status, body, _ = call(base, "POST", "/agent/v1/enrol", {"code": code})
    assert status == 401 and body["error"]["code"] == "agent.code_expired"


def test_only_an_admin_makes_codes_and_an_agent_covers_only_its_units(store, city, admin, operator_a, pimpinan):
    klojen, dinkes = city.units["KEC-KLOJEN"], city.units["DINKES"]
    for viewer in (operator_a, pimpinan):
        with pytest.raises(PermissionDenied), session_scope(store.engine) as s:
            agents.create_enrolment(session=s, viewer=viewer, name="x", unit_ids=[klojen])
    with session_scope(store.engine) as s:
        agents.enrol(session=s, code=agents.create_enrolment(session=s, viewer=admin, name="agen", unit_ids=[klojen]))
        agent_id = s.scalar(select(Agent.id))
    assign(store, admin, city.units["KEL-KAUMAN"], agent_id)  # a kelurahan under Klojen: covered
    with pytest.raises(ValidationError) as refused:
        assign(store, admin, dinkes, agent_id)
    assert refused.value.key == "agent.unit_outside"


def test_the_agent_pulls_only_its_targets_and_the_central_worker_leaves_them(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        mine = assign(store, admin, klojen, agent_id, name="router kelurahan", host="10.1.2.3", port=22)
        central = add_target(store, admin, klojen, name="situs kecamatan", port=80)
        status, body, head = call(base, "GET", "/agent/v1/targets", token=credential)
        assert status == 200 and [t["id"] for t in body["targets"]] == [mine]
        assert body["targets"][0]["host"] == "10.1.2.3" and body["push_interval_s"] == 10
        unchanged, _, _ = call(base, "GET", "/agent/v1/targets", token=credential, headers={"If-None-Match": head["etag"]})
        assert unchanged == 304
        nobody, body, _ = call(base, "GET", "/agent/v1/targets", token="mva_not-a-credential")
        assert nobody == 401 and body["error"]["code"] == "agent.credential_unknown"
    make_due(store)
    claimed = probe_store.claim(store.engine, worker="central", now=utcnow(), limit=100, lease=timedelta(seconds=30))
    assert [c.check.target_id for c in claimed] == [central]


def test_pushed_results_are_stored_once_through_the_state_machine(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        target = assign(store, admin, klojen, agent_id, fail_threshold=2)
        start = utcnow() - timedelta(minutes=5)
        batch = [result(n + 1, target, "DOWN", start + timedelta(minutes=n), reason="timeout") for n in range(3)]
        status, ack, _ = push(base, credential, batch, backlog=2)
        assert status == 200 and ack == {"ack": 3, "stored": 3, "duplicates": 0, "refused": []}
        status, ack, _ = push(base, credential, batch)  # the same batch again: its ack was lost on the way
        assert ack == {"ack": 3, "stored": 0, "duplicates": 3, "refused": []}
        status, ack, _ = push(base, credential, [*batch[1:], result(4, target, "UP", start + timedelta(minutes=4))],
                              backlog=7)
        assert ack["stored"] == 1 and ack["duplicates"] == 2 and ack["ack"] == 4
    assert [h.status for h in heartbeats(store, target)] == ["DOWN", "DOWN", "DOWN", "UP"]
    assert state(store, target).state == State.UP
    with store.session() as s:
        [incident] = s.scalars(select(Incident).where(Incident.target_id == target)).all()
        kinds = [a.kind for a in s.scalars(select(Alert).order_by(Alert.id))]
        agent = s.get(Agent, agent_id)
    assert incident.started_at == start and incident.ended_at == start + timedelta(minutes=4)
    assert kinds == ["down", "recovery"]  # the same alerts as a central worker's
    assert (agent.acked_seq, agent.stored, agent.backlog) == (4, 4, 7)  # the backlog as the agent last said


def test_results_outside_sane_times_or_for_other_targets_are_refused_with_a_reason(env, store, city, admin, caplog):
    klojen, dinkes = city.units["KEC-KLOJEN"], city.units["DINKES"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        other_id, _ = enrolled(base, store, admin, [dinkes], name="agen-dinkes")
        mine = assign(store, admin, klojen, agent_id)
        theirs = assign(store, admin, dinkes, other_id)
        central = add_target(store, admin, klojen, name="pusat", port=80)
        now = utcnow()
        caplog.set_level(logging.WARNING, "monev.agents")
        status, ack, _ = push(base, credential, [
            result(1, mine, at=now + timedelta(minutes=10)), result(2, mine, at=now - timedelta(days=8)),
            result(3, theirs), result(4, central), result(5, mine, status="MAYBE"), result(6, mine, at=now),
            result(7, mine, at=now - timedelta(minutes=1))])
    assert status == 200 and ack["ack"] == 7 and ack["stored"] == 1
    assert {r["seq"]: r["reason"] for r in ack["refused"]} == {
        1: "time_future", 2: "time_past", 3: "target_not_assigned", 4: "target_not_assigned", 5: "status_invalid",
        7: "time_before_last"}
    assert heartbeats(store, theirs) == [] and heartbeats(store, central) == []
    assert [h.at for h in heartbeats(store, mine)] == [now]
    assert "targets not its own" in caplog.text and "agen-klojen" in caplog.text


def test_a_silent_agent_makes_its_targets_unknown_with_one_alert(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        targets = [assign(store, admin, klojen, agent_id, name=f"t{n}") for n in range(3)]
        central = add_target(store, admin, klojen, name="pusat", port=80)
        seen = utcnow()
        push(base, credential, [result(n + 1, t, "DOWN" if n == 0 else "UP", seen) for n, t in enumerate(targets)])
        assert silence.sweep(store.engine, seen + timedelta(seconds=29)) == []  # 3 × 10 s not yet over
        assert silence.sweep(store.engine, seen + timedelta(seconds=31)) == ["agen-klojen"]
        assert silence.sweep(store.engine, seen + timedelta(seconds=90)) == []  # told once
        for target in targets:
            assert state(store, target).state == State.UNKNOWN
            assert reason_text(state(store, target).last_reason) == "Tidak diketahui — agen agen-klojen tidak melapor"
        assert state(store, central).state == State.UNKNOWN and state(store, central).last_reason == ""
        with store.session() as s:  # the wall's tile says why, in the reader's language
            [tile] = [u for u in status.unit_statuses(session=s, viewer=admin) if u.unit_id == klojen]
        assert tile.worst == State.UNKNOWN
        assert reason_text(tile.unknown_reason, "en") == "Unknown — agent agen-klojen is not reporting"
        with store.session() as s:
            alerts = [(a.kind, a.params["agent"]) for a in s.scalars(select(Alert).where(Alert.kind.like("agent%")))]
        assert alerts == [("agent_silent", "agen-klojen")]
        push(base, credential, [result(4, targets[1], "UP")])  # it reports again
        assert state(store, targets[1]).state == State.UP
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "agent_back")) == 1
            assert not s.get(Agent, agent_id).silent


def test_revoked_and_rotated_credentials_are_refused(env, store, city, admin):
    klojen = city.units["KEC-KLOJEN"]
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        target = assign(store, admin, klojen, agent_id)
        push(base, credential, [result(1, target)])
        with session_scope(store.engine) as s:
            code = agents.rotate(session=s, viewer=admin, agent_id=agent_id)
        status, body, _ = push(base, credential, [result(2, target)])
        assert status == 401
        status, body, _ = call(base, "POST", "/agent/v1/enrol", {"code": code})
        assert body["agent_id"] == agent_id and body["acked_seq"] == 1  # the same agent, its numbering kept
        assert push(base, body["credential"], [result(2, target)])[1]["stored"] == 1
        with session_scope(store.engine) as s:
            agents.revoke(session=s, viewer=admin, agent_id=agent_id)
        status, refused, _ = push(base, body["credential"], [result(3, target)])
        assert status == 401 and refused["error"]["code"] == "agent.revoked"
    assert len(heartbeats(store, target)) == 2
    assert silence.sweep(store.engine) == ["agen-klojen"]  # its targets turn unknown; no "silent" alert for it
    assert reason_text(state(store, target).last_reason, "en") == "Unknown — agent agen-klojen was revoked"


# Processes and HTTP, not the store: every other test here runs on both stores, the drill on PostgreSQL.
@pytest.mark.only_store("sqlite")
def test_the_agent_process_enrols_and_its_checks_arrive(env, store, city, admin, tmp_path):
    """`python -m probes.agent` against the routes: enrols with the code, pulls its target, checks a
    loopback listener with the same probe module as the central worker, and the target turns UP."""
    klojen = city.units["KEC-KLOJEN"]
    with tcp_listener() as port, serving(store.engine) as base:
        code = code_for(store, admin, [klojen])
        # The target is assigned before the agent starts, so its first pull brings it (no PULL_S wait).
        with session_scope(store.engine) as s:
            made = agents.enrol(session=s, code=code_for(store, admin, [klojen], name="agen-lain"))
        assign(store, admin, klojen, made.agent_id, port=closed_port())  # another agent's: never checked here
        proc = subprocess.Popen([sys.executable, "-m", "probes.agent", "--server", base, "--state",
                                 str(tmp_path / "agent"), "--enrol", code], env={**os.environ, "PYTHONPATH": ROOT},
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            agent_id = _wait(lambda: _agent_id(store, "agen-klojen"), 20)
            target = assign(store, admin, klojen, agent_id, port=port, interval_s=10)
            with session_scope(store.engine) as s:  # its next pull at once, and pushes every second
                s.execute(Agent.__table__.update().values(push_interval_s=1))
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
            proc = subprocess.Popen([sys.executable, "-m", "probes.agent", "--server", base, "--state",
                                     str(tmp_path / "agent"), "--enrol", code], env={**os.environ, "PYTHONPATH": ROOT},
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            _wait(lambda: state(store, target).state == State.UP, 20)
        finally:
            proc.terminate()
            log = proc.communicate(timeout=10)[0]
    assert "enrolment failed" not in log, log  # the code given again on restart is not used twice
    assert (tmp_path / "agent" / "credential").stat().st_mode & 0o077 == 0  # readable by the agent's user only


def test_the_outbox_keeps_results_until_the_server_acknowledges_them(env, store, city, admin, tmp_path):
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        made = agents.enrol(session=s, code=code_for(store, admin, [klojen]))
    target = assign(store, admin, klojen, made.agent_id)
    agent = Agent_(Server(f"http://127.0.0.1:{closed_port()}", timeout=2), tmp_path / "agent")
    agent.server.credential = made.credential
    agent.outbox.start_after(made.acked_seq)
    start = utcnow() - timedelta(minutes=30)
    for n in range(1500):  # two batches
        agent.outbox.add({"target_id": target, "at": (start + timedelta(seconds=n)).isoformat(), "status": "UP",
                          "latency_ms": 1.0, "reason": "", "details": {}})
    with pytest.raises(OSError):
        agent.push()  # the server cannot be reached: nothing leaves the outbox
    assert agent.outbox.size() == 1500
    with serving(store.engine) as base:
        agent.server.base = base
        assert agent.push() == 1500
    assert agent.outbox.size() == 0
    beats = heartbeats(store, target)
    assert len(beats) == 1500 and len({b.at for b in beats}) == 1500
    with store.session() as s:
        assert s.get(Agent, made.agent_id).acked_seq == agent.outbox.last()


def _agent_id(store, name):
    with store.session() as s:
        return s.scalar(select(Agent.id).where(Agent.name == name))


def _wait(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.only_store("sqlite")  # what server.py mounts; the routes' reads run on both stores above
def test_the_server_mounts_the_agent_api_and_open_data_routes(env, store, city, tmp_path):
    """server.py itself (streamlit run) answers the new routes beside the pages."""
    from tests.browser import running_app
    with running_app(env, tmp_path) as base:
        status, body, _ = call(base, "GET", "/api/openapi.json")
        assert status == 200 and "/api/v1/targets" in body["paths"]
        status, body, _ = call(base, "GET", "/api/v1/units")
        assert status == 401 and body["error"]["code"] == "token.unknown"
        status, body, _ = call(base, "POST", "/agent/v1/results", {"results": []}, token="mva_x")
        assert status == 401
        status, page, _ = call(base, "GET", "/publik/data")
        assert status == 200 and "Data terbuka" in page


def test_the_agents_page_shows_health_and_a_new_code_or_token_once(env, store, city, admin):
    from tests.apptest import assert_clean, frames, open_page

    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        made = agents.enrol(session=s, code=code_for(store, admin, [klojen], name="agen-kauman"))
    assign(store, admin, klojen, made.agent_id)
    at = open_page("admin", "admin_agents")
    assert_clean(at)
    table = frames(at)
    assert "agen-kauman" in table and "Melapor" in table and "Kec. Klojen" in table
    at.text_input(key="agent_new_name").input("agen-sukun")
    at.multiselect(key="agent_new_units").select(city.units["KEC-SUKUN"])
    at.button[[b.label for b in at.button].index("Buat kode pendaftaran")].click().run()
    assert_clean(at)
    [code] = [c.value for c in at.code if "-" in c.value and len(c.value) == 29]
    with session_scope(store.engine) as s:  # the code shown works, once
        assert agents.enrol(session=s, code=code).name == "agen-sukun"
    at.run()  # shown once: gone on the next run
    assert not [c for c in at.code if c.value == code]
    at.text_input(key="token_new_name").input("satu-data")
    at.button[[b.label for b in at.button].index("Buat token")].click().run()
    [secret] = [c.value for c in at.code if c.value.startswith("mvt_")]
    with store.session() as s:
        from core.org.tokens import viewer_for
        assert viewer_for(s, secret)[0].role.value == "pimpinan"


def test_a_target_import_keeps_the_agent_that_checks_a_target(env, store, city, admin):
    from tests.test_target_import import run

    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        made = agents.enrol(session=s, code=code_for(store, admin, [klojen]))
    target = assign(store, admin, klojen, made.agent_id, name="router kelurahan", interval_s=60)
    sheet = b"unit,nama,jenis,host,port,interval\nKEC-KLOJEN,router kelurahan,tcp,127.0.0.1,22,120\n"
    assert run(store, admin, sheet)["updated"] == 1
    with store.session() as s:
        from db.monitoring import Target
        row = s.get(Target, target)
    assert (row.interval_s, row.agent_id) == (120, made.agent_id)
