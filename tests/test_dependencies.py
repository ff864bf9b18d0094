"""Dependencies: a kelurahan's router behind its kecamatan's uplink. While the parent is DOWN its failing
dependents are UNREACHABLE, open no incident and send no alert, and the wall shows one root-cause tile; once
the parent is UP they alert as before. Cycles and parents outside the setter's scope are refused, in the
form's core and in the import; agent pushes follow the same rule."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.alerts import notify
from core.errors import ImportRejected, NotFound, ValidationError
from core.i18n import t
from core.monitoring import dependencies, status, target_import, targets, uptime
from core.monitoring.states import PROBLEMS
from db.engine import session_scope
from db.monitoring import Alert, Incident, RollupMinute, State, Target
from db.types import utcnow
from probes import store as probe_store
from probes.kinds.base import Check
from probes.worker import ProbeWorker
from tests.monitoring import JAKARTA, add_target, rounds, state
from tests.peers import closed_port, listen_on, recording_server
from tests.test_alerts import TOKEN, add_channel, settings


def set_parent(store, admin, target_id, parent_id):
    with session_scope(store.engine) as s:
        target = targets.get_target(session=s, viewer=admin, target_id=target_id)
        data = targets.TargetCreate(**{**target.model_dump(include=set(targets.TargetCreate.model_fields)),
                                       "parent_id": parent_id})
        targets.update_target(session=s, viewer=admin, target_id=target_id, data=data)


def uplink_with_two_routers(store, admin, city):
    """Kec. Klojen's uplink (DOWN after one failure) and two kelurahan routers behind it (after two)."""
    ports = [closed_port() for _ in range(3)]
    uplink = add_target(store, admin, city.units["KEC-KLOJEN"], name="Uplink Klojen", port=ports[0],
                        fail_threshold=1)
    routers = [add_target(store, admin, city.units[code], name=f"Router {code}", port=port, fail_threshold=2,
                          parent_id=uplink)
               for code, port in (("KEL-KAUMAN", ports[1]), ("KEL-ORO-ORO-DOWO", ports[2]))]
    return uplink, routers, ports


def count(store, model, **where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_while_the_parent_is_down_failing_dependents_open_no_incident_and_send_no_alert(store, admin, city):
    with recording_server() as (url, chat):
        add_channel(store, admin, kind="telegram", address="-100123", secret=TOKEN)
        uplink, routers, _ = uplink_with_two_routers(store, admin, city)
        rounds(ProbeWorker(store.engine, zone=JAKARTA, name="w"), store, 3)
        assert notify.deliver_due(store.engine, settings(telegram_api=url))["sent"] == 1
    assert state(store, uplink).state == State.DOWN and count(store, Incident, target_id=uplink) == 1
    for router in routers:
        assert state(store, router).state == State.UNREACHABLE
        assert count(store, Incident, target_id=router) == 0 and count(store, Alert, target_id=router) == 0
    [message] = chat.requests  # one alert: the uplink's
    assert "Uplink Klojen" in message["json"]["text"]
    with store.session() as s:  # its users still count the time as unavailable
        down = s.scalar(select(func.sum(RollupMinute.down_s)).where(RollupMinute.target_id == routers[0]))
    assert down >= 3 * 60


def test_the_wall_shows_one_root_cause_tile_counting_the_dependents(store, admin, city):
    uplink, routers, _ = uplink_with_two_routers(store, admin, city)
    rounds(ProbeWorker(store.engine, zone=JAKARTA, name="w"), store, 3)
    with store.session() as s:
        wall = status.wall(session=s, viewer=admin)
        hit = dependencies.affected(session=s, viewer=admin, target_id=uplink)
    tiles = [u for u in wall.units if u.worst in PROBLEMS]
    assert [(u.unit_id, u.affected) for u in tiles] == [(city.units["KEC-KLOJEN"], 2)]
    assert wall.totals[State.UNREACHABLE] == 2 and wall.totals[State.DOWN] == 1
    assert [(i.target, i.affected) for i in wall.incidents] == [("Uplink Klojen", 2)]
    assert sorted(a.id for a in hit) == sorted(routers)
    assert t("deps.affected", n=12) == "12 target terdampak" and t("deps.affected", "en", n=1) == "1 target affected"


def test_when_the_parent_is_up_again_dependents_still_failing_alert_at_their_next_check(store, admin, city):
    uplink, routers, ports = uplink_with_two_routers(store, admin, city)
    worker = ProbeWorker(store.engine, zone=JAKARTA, name="w")
    opened, during = [], []

    def between(i):
        if i == 3:  # round 4: the uplink answers again; the routers are checked in the same round
            during.extend(state(store, r).state for r in routers)
            opened.append(listen_on(ports[0]))
    rounds(worker, store, 5, between=between)
    opened[0].close()
    assert during == [State.UNREACHABLE, State.UNREACHABLE]
    assert state(store, uplink).state == State.UP
    for router in routers:
        assert state(store, router).state == State.DOWN
        [incident] = incidents = _incidents(store, router)
        assert incident.ended_at is None and len(incidents) == 1
        with store.session() as s:
            assert [a.kind for a in s.scalars(select(Alert).where(Alert.target_id == router))] == ["down"]


def _incidents(store, target_id):
    with store.session() as s:
        return list(s.scalars(select(Incident).where(Incident.target_id == target_id)))


def _result(target_id, unit_id, at, status, threshold=2):
    claimed = probe_store.Claimed(Check(target_id, "tcp", "127.0.0.1", 9, 1, {}), unit_id, 60, threshold, at, {})
    return probe_store.Result(claimed, at, status, None if status == State.DOWN else 1.0, "x", {})


def test_a_dependent_checked_just_after_its_parent_recovered_opens_its_incident_at_once(store, admin, city):
    """The rule in the writer, one batch: the parent's UP at 10:00:01 is what the dependent at 10:00:02 sees."""
    klojen, kauman = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"]
    uplink = add_target(store, admin, klojen, name="Uplink", port=9, fail_threshold=1)
    router = add_target(store, admin, kauman, name="Router", port=9, fail_threshold=2, parent_id=uplink)
    start = utcnow() - timedelta(minutes=10)
    down = [_result(uplink, klojen, start, State.DOWN, 1)]
    down += [_result(router, kauman, start + timedelta(minutes=n, seconds=1), State.DOWN) for n in range(3)]
    probe_store.write(store.engine, down, zone=JAKARTA, windows=[], now=utcnow())
    assert state(store, router).state == State.UNREACHABLE and not _incidents(store, router)
    back = start + timedelta(minutes=5)
    probe_store.write(store.engine, [_result(router, kauman, back + timedelta(seconds=1), State.DOWN),
                                     _result(uplink, klojen, back, State.UP, 1)], zone=JAKARTA, windows=[], now=utcnow())
    assert state(store, router).state == State.DOWN
    [incident] = _incidents(store, router)
    assert incident.started_at == start + timedelta(seconds=1)  # from the first failure of its run


def test_a_dependent_waits_while_its_parent_is_only_pending(store, admin, city):
    klojen, kauman = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"]
    uplink = add_target(store, admin, klojen, name="Uplink", port=9, fail_threshold=3)
    router = add_target(store, admin, kauman, name="Router", port=9, fail_threshold=1, parent_id=uplink)
    at = utcnow() - timedelta(minutes=5)
    probe_store.write(store.engine, [_result(uplink, klojen, at, State.DOWN, 3),
                                     _result(router, kauman, at + timedelta(seconds=1), State.DOWN, 1)],
                      zone=JAKARTA, windows=[], now=utcnow())
    assert state(store, uplink).state == State.PENDING
    assert state(store, router).state == State.PENDING and not _incidents(store, router)


def test_an_incident_open_before_the_parent_failed_stays_the_dependents_own(store, admin, city):
    klojen, kauman = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"]
    uplink = add_target(store, admin, klojen, name="Uplink", port=9, fail_threshold=1)
    router = add_target(store, admin, kauman, name="Router", port=9, fail_threshold=1, parent_id=uplink)
    later = add_target(store, admin, kauman, name="Switch", port=9, fail_threshold=1, parent_id=uplink)
    at = utcnow() - timedelta(minutes=5)
    probe_store.write(store.engine, [_result(router, kauman, at, State.DOWN, 1),
                                     _result(uplink, klojen, at + timedelta(seconds=1), State.DOWN, 1),
                                     _result(router, kauman, at + timedelta(minutes=1), State.DOWN, 1),
                                     _result(later, kauman, at + timedelta(minutes=1), State.DOWN, 1)],
                      zone=JAKARTA, windows=[], now=utcnow())
    assert state(store, router).state == State.DOWN and len(_incidents(store, router)) == 1
    assert state(store, later).state == State.UNREACHABLE and not _incidents(store, later)


def test_a_target_cannot_become_its_own_ancestor(store, admin, city):
    unit = city.units["DINKES"]
    a, b, c = (add_target(store, admin, unit, name=name, port=22) for name in "abc")
    set_parent(store, admin, b, a)
    set_parent(store, admin, c, b)
    for target, parent, key in ((a, c, "deps.cycle"), (a, b, "deps.cycle"), (a, a, "deps.parent_self")):
        with pytest.raises(ValidationError) as refused:
            set_parent(store, admin, target, parent)
        assert (refused.value.key, refused.value.field) == (key, "parent_id")
    with store.session() as s:
        assert s.get(Target, a).parent_id is None


def test_a_parent_must_be_visible_to_whoever_sets_it_and_affected_targets_follow_scope(
        store, admin, city, operator_a, operator_b):
    klojen, dinkes = city.units["KEC-KLOJEN"], city.units["DINKES"]
    outside = add_target(store, admin, dinkes, name="Firewall Dinkes", port=22)
    with store.session() as s:
        with pytest.raises(ValidationError) as refused:
            dependencies.check_parent(s, operator_a, target_id=None, parent_id=outside)
        assert refused.value.key == "deps.parent_unknown"
        dependencies.check_parent(s, operator_b, target_id=None, parent_id=outside)  # in its own unit
        with pytest.raises(ValidationError):
            dependencies.check_parent(s, admin, target_id=None, parent_id=10**6)
    uplink = add_target(store, admin, klojen, name="Uplink", port=9, fail_threshold=1)
    mine = add_target(store, admin, city.units["KEL-KAUMAN"], name="Router", port=9, fail_threshold=1,
                      parent_id=uplink)
    theirs = add_target(store, admin, dinkes, name="Puskesmas", port=9, fail_threshold=1, parent_id=uplink)
    at = utcnow() - timedelta(minutes=2)
    probe_store.write(store.engine, [_result(uplink, klojen, at, State.DOWN, 1),
                                     _result(mine, city.units["KEL-KAUMAN"], at + timedelta(seconds=1), State.DOWN, 1),
                                     _result(theirs, dinkes, at + timedelta(seconds=1), State.DOWN, 1)],
                      zone=JAKARTA, windows=[], now=utcnow())
    with store.session() as s:
        assert [a.id for a in dependencies.affected(session=s, viewer=operator_a, target_id=uplink)] == [mine]
        assert len(dependencies.affected(session=s, viewer=admin, target_id=uplink)) == 2
        with pytest.raises(NotFound):
            dependencies.affected(session=s, viewer=operator_b, target_id=uplink)
        assert dependencies.root_cause(session=s, viewer=operator_b, target_id=theirs) is None  # not its to see
        assert dependencies.root_cause(session=s, viewer=admin, target_id=theirs).id == uplink
        assert [u.affected for u in status.wall(session=s, viewer=operator_a).units if u.affected] == [1]
        assert dependencies.affected_counts(session=s, viewer=operator_a) == {uplink: 1}
        assert dependencies.affected_counts(session=s, viewer=admin) == {uplink: 2}
        assert dependencies.affected_counts(session=s, viewer=operator_b) == {}  # the root is not its to see


CSV_HEAD = "unit,nama,jenis,host,port,induk\n"


def _import(store, admin, body: str, dry_run=False):
    table = target_import.read_targets(body.encode(), "targets.csv")
    with session_scope(store.engine) as s:
        return target_import.import_targets(session=s, viewer=admin, table=table, dry_run=dry_run)


def test_the_import_sets_parents_by_name_or_unit_code_even_for_rows_further_down(store, admin, city):
    _import(store, admin, CSV_HEAD + "KEL-KAUMAN,Router Kauman,tcp,127.0.0.1,22,KEC-KLOJEN/Uplink Klojen\n"
                                     "KEC-KLOJEN,Switch,tcp,127.0.0.1,22,Uplink Klojen\n"
                                     "KEC-KLOJEN,Uplink Klojen,tcp,127.0.0.1,22,\n")
    with store.session() as s:
        by_name = {t.name: t for t in s.scalars(select(Target))}
        rows = {r["name"]: r["parent"] for r in targets.export_rows(session=s, viewer=admin)}
    uplink = by_name["Uplink Klojen"].id
    assert by_name["Router Kauman"].parent_id == by_name["Switch"].parent_id == uplink
    assert rows == {"Router Kauman": "KEC-KLOJEN/Uplink Klojen", "Switch": "Uplink Klojen", "Uplink Klojen": ""}
    # The export reads back unchanged; a file without the column leaves the parents as they are.
    again = CSV_HEAD + "".join(f"{code},{name},tcp,127.0.0.1,22,{parent}\n" for code, name, parent in (
        ("KEL-KAUMAN", "Router Kauman", rows["Router Kauman"]), ("KEC-KLOJEN", "Switch", "Uplink Klojen"),
        ("KEC-KLOJEN", "Uplink Klojen", "")))
    assert dict(_import(store, admin, again)) == {"created": 0, "updated": 0, "unchanged": 3}
    _import(store, admin, "unit,nama,jenis,host,port\nKEC-KLOJEN,Switch,tcp,127.0.0.1,23\n")
    with store.session() as s:
        assert s.scalar(select(Target.parent_id).where(Target.name == "Switch")) == uplink


def test_the_import_refuses_a_cycle_or_an_unknown_parent_naming_row_and_column_and_writes_nothing(store, admin, city):
    body = CSV_HEAD + ("DINKES,A,tcp,127.0.0.1,22,B\n"
                       "DINKES,B,tcp,127.0.0.1,22,A\n"
                       "DINKES,C,tcp,127.0.0.1,22,KEC-KLOJEN/Tidak Ada\n")
    with pytest.raises(ImportRejected) as refused:
        _import(store, admin, body)
    problems = refused.value.problems
    assert sorted((p.row, p.column, p.key) for p in problems) == [
        (2, "induk", "deps.import_cycle"), (3, "induk", "deps.import_cycle"),
        (4, "induk", "deps.import_parent_unknown")]
    assert "'KEC-KLOJEN/Tidak Ada' tidak ditemukan" in problems[0].message("id")
    assert count(store, Target) == 0
    # An existing chain the file would close is refused too.
    _import(store, admin, CSV_HEAD + "DINKES,A,tcp,127.0.0.1,22,\nDINKES,B,tcp,127.0.0.1,22,A\n")
    with pytest.raises(ImportRejected):
        _import(store, admin, CSV_HEAD + "DINKES,A,tcp,127.0.0.1,22,B\n")
    with store.session() as s:
        assert s.scalar(select(Target.parent_id).where(Target.name == "A")) is None


def test_agent_pushes_of_dependents_behind_a_dead_parent_open_no_incident(env, store, city, admin):
    from tests.routes import serving
    from tests.test_agents import enrolled, push, result

    klojen, kauman = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"]
    uplink = add_target(store, admin, klojen, name="Uplink", port=9, fail_threshold=1)
    at = utcnow() - timedelta(minutes=5)
    probe_store.write(store.engine, [_result(uplink, klojen, at, State.DOWN, 1)], zone=JAKARTA, windows=[],
                      now=utcnow())
    with serving(store.engine) as base:
        agent_id, credential = enrolled(base, store, admin, [klojen])
        router = add_target(store, admin, kauman, name="Router", port=22, fail_threshold=2, agent_id=agent_id,
                            parent_id=uplink)
        batch = [result(n + 1, router, "DOWN", at + timedelta(minutes=n + 1), reason="timeout") for n in range(3)]
        status_code, ack, _ = push(base, credential, batch)
        assert status_code == 200 and ack["stored"] == 3
    assert state(store, router).state == State.UNREACHABLE
    assert not _incidents(store, router) and count(store, Alert, target_id=router) == 0
    with store.session() as s:  # counted as unavailable all the same
        report = uptime.window_view(session=s, viewer=admin, zone=JAKARTA, preset="24h", parts=("report",)).report
    assert next(r for r in report if r.unit_id == kauman).figure.down_s > 0


def test_the_target_form_sets_a_parent_and_says_why_a_cycle_is_refused(env, city, store, admin):
    from tests.apptest import open_page

    unit = city.units["KEC-KLOJEN"]
    uplink = add_target(store, admin, unit, name="Uplink", port=22)
    router = add_target(store, admin, unit, name="Router", port=22)

    def edit(target_id, parent_id):
        at = open_page("admin", "admin_targets")
        at.session_state["admin_targets_tab"] = "Ubah / nonaktifkan"
        at.run()
        at.selectbox(key="target_edit_pick").set_value(target_id).run()
        at.selectbox(key=f"target_edit_{target_id}_parent").set_value(parent_id)
        [b for b in at.button if b.proto.is_form_submitter][0].click().run()
        return at

    at = edit(router, uplink)
    assert not at.exception and not at.error
    with store.session() as s:
        assert s.get(Target, router).parent_id == uplink
    at = edit(uplink, router)
    assert "sudah bergantung pada target ini" in " ".join(e.value for e in at.error)
    with store.session() as s:
        assert s.get(Target, uplink).parent_id is None
