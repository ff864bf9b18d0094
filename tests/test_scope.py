"""Scope below the pages: every core function that takes a viewer keeps an skpd user inside their units."""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from sqlalchemy import select

import core
from core import access, audit
from core.errors import ImportRejected, NotFound, PermissionDenied
from core.evaluation import assessment, evidence, leadership, owners, readiness, report
from core.inventory import summary
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.monitoring import (
    availability,
    incidents,
    maintenance,
    response,
    status,
    target_detail,
    target_import,
    targets,
    uptime,
)
from core.needs import budget, checks, rka, sipd
from core.needs.kind import NEED
from core.org import units, users
from core.org.units import UnitProfile, UnitRow
from core.org.users import UserCreate, UserUpdate
from core.publish import api
from core.records import listing, roundtrip
from core.records.save import Change
from core.review import actions as review_actions
from core.services import register, sla, voice
from core.tickets import complaints, tickets
from db.engine import session_scope
from db.tickets import Ticket
from db.types import utcnow
from tests.conftest import PASSWORD, UNIT_A
from tests.evaluation import answers, assess, evaluated_city, new_period
from tests.inventory import fill_every_unit
from tests.monitoring import JAKARTA, add_target
from tests.needs import NEXT_YEAR, add_needs, need_cells, needs_in_every_unit


def function(name: str):
    """The core function a name such as "org.units.create_unit" stands for."""
    module, fn = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"core.{module}"), fn)


def unit_ids_of(rows, attr="unit_id"):
    return {getattr(r, attr) for r in rows}


# Each read: how to call it, and which unit each returned row belongs to.
READS = {
    "monitoring.incidents.listing": (lambda s, v: incidents.listing(session=s, viewer=v, which="recent"),
                                     lambda rows: unit_ids_of(rows)),
    "monitoring.response.by": (lambda s, v: response.by(session=s, viewer=v, start=utcnow() - timedelta(days=1),
                                                        end=utcnow(), zone=JAKARTA, group="unit"),
                               lambda rows: {r.key for r in rows}),
    "org.units.list_units": (lambda s, v: units.list_units(session=s, viewer=v, include_inactive=True),
                         lambda rows: unit_ids_of(rows, "id")),
    "org.units.child_counts": (lambda s, v: units.child_counts(session=s, viewer=v), lambda rows: set(rows)),
    "org.users.list_users": (lambda s, v: users.list_users(session=s, viewer=v), lambda rows: unit_ids_of(rows)),
    "audit.list_audit": (lambda s, v: audit.list_audit(session=s, viewer=v), lambda rows: unit_ids_of(rows)),
    "audit.history": (lambda s, v: audit.history(session=s, viewer=v, lang="id"), lambda rows: unit_ids_of(rows)),
    "evaluation.readiness.readiness": (lambda s, v: readiness.readiness(session=s, viewer=v, period_id=s_period["id"],
                                                             zone=JAKARTA), lambda rows: unit_ids_of(rows)),
    "evaluation.leadership.overview": (lambda s, v: leadership.overview(session=s, viewer=v, period_id=s_period["id"],
                                                             zone=JAKARTA),
                            lambda view: unit_ids_of(view.rows) | {p["unit_id"] for items in view.problems.values()
                                                                   for p in items if "unit_id" in p}
                            | {s_cache_names[n] for items in view.problems.values() for p in items
                               for n in p.get("units", [])}),
    "services.register.list_services": (lambda s, v: register.list_services(session=s, viewer=v),
                                        lambda rows: {r.unit_id for r in rows}),
    "tickets.tickets.list_tickets": (lambda s, v: tickets.list_tickets(session=s, viewer=v, zone=JAKARTA),
                                     lambda rows: {r.ticket.unit_id for r in rows}),
    "services.sla.city_month": (lambda s, v: sla.city_month(session=s, viewer=v, month=utcnow().date().replace(day=1),
                                                            zone=JAKARTA),
                                lambda rows: {r.service.unit_id for r in rows}),
    "evaluation.evidence.sla_report": (lambda s, v: evidence.sla_report(
        session=s, viewer=v, month=utcnow().date().replace(day=1), service_id=None, fmt="xlsx", lang="id",
        zone=JAKARTA, org_name="")[1], lambda data: _report_units(data)),
    "evaluation.owners.progress": (lambda s, v: owners.progress(session=s, viewer=v, period_id=s_period["id"]),
                                   lambda rows: {r.owner_id for r in rows}
                                   | {s_cache_names[n] for r in rows for n in r.contributors}),
    "evaluation.report.build": (lambda s, v: report.build(session=s, viewer=v, period_id=s_period["id"], kind="xlsx", lang="id",
                                               zone=JAKARTA, org_name="Kota Uji"),
                     lambda data: _report_units(data)),
    "monitoring.uptime.unit_report": (lambda s, v: uptime.unit_report(session=s, viewer=v, start=utcnow() - timedelta(days=1),
                                                          end=utcnow(), zone=JAKARTA), lambda rows: unit_ids_of(rows)),
    "monitoring.uptime.daily": (lambda s, v: uptime.daily(session=s, viewer=v, start=utcnow() - timedelta(days=3),
                                               end=utcnow() + timedelta(days=1)), lambda rows: {u for u, _d, _p in rows}),
    "monitoring.uptime.calendar": (lambda s, v: uptime.calendar(session=s, viewer=v, start=utcnow() - timedelta(days=3),
                                                                end=utcnow() + timedelta(days=1), zone=JAKARTA, weekly=True),
                                   lambda rows: {u for u, _d, _p in rows}),
    "monitoring.uptime.incidents": (lambda s, v: uptime.incidents(session=s, viewer=v, start=utcnow() - timedelta(days=1),
                                                       end=utcnow() + timedelta(days=1)),
                         lambda rows: {i.unit_id for i, _n, _u in rows}),
    "monitoring.status.open_incidents": (lambda s, v: status.open_incidents(session=s, viewer=v), lambda rows: unit_ids_of(rows)),
    "monitoring.status.hourly": (lambda s, v: status.hourly(session=s, viewer=v, now=utcnow() + timedelta(minutes=1)),
                             lambda rows: set(rows)),
    "monitoring.status.unit_statuses": (lambda s, v: [u for u in status.unit_statuses(session=s, viewer=v) if u.targets],
                             lambda rows: unit_ids_of(rows)),
    "monitoring.targets.export_rows": (lambda s, v: targets.export_rows(session=s, viewer=v),
                            lambda rows: {s_cache_units[r["unit"]] for r in rows}),
    "monitoring.targets.target_rows": (lambda s, v: targets.target_rows(session=s, viewer=v), lambda rows: unit_ids_of(rows)),
    "monitoring.uptime.window_view": (lambda s, v: uptime.window_view(session=s, viewer=v, preset="24h", zone=JAKARTA),
                           lambda w: unit_ids_of(w.report) | {d[0] for d in w.days}
                           | {i.unit_id for i, _n, _u in w.incidents}),
    "monitoring.status.wall": (lambda s, v: status.wall(session=s, viewer=v, now=utcnow() + timedelta(minutes=1)),
                    lambda w: {u.unit_id for u in w.units if u.targets} | {i.unit_id for i in w.incidents}
                    | set(w.hours)),
    "monitoring.targets.list_targets": (lambda s, v: targets.list_targets(session=s, viewer=v),
                             lambda rows: {t.unit_id for t, _state in rows}),
    "monitoring.maintenance.list_windows": (lambda s, v: maintenance.list_windows(session=s, viewer=v),
                                 lambda rows: {w.unit_id or _unit_of_target(s_cache, w.target_id) for w in rows}),
    "records.listing.list_records": (lambda s, v: [r for kind in (DEVICE, STAFF, APPLICATION)
                                             for r in listing.list_records(session=s, viewer=v, kind=kind)],
                               lambda rows: {s_cache_units[r["unit"]] for r in rows}),
    "records.listing.lookup": (lambda s, v: [listing.lookup(session=s, viewer=v, kind=k) for k in (DEVICE, NEED)],
                               lambda lks: {u for lk in lks for refs in lk.refs.values() for u, _ref in refs}),
    "records.roundtrip.export": (lambda s, v: roundtrip.export(session=s, viewer=v, kind=DEVICE, fmt="csv"),
                            lambda data: {s_cache_units[line.split(",")[0]]
                                          for line in data.decode("utf-8-sig").splitlines()[1:]}),
    "records.roundtrip.template": (lambda s, v: roundtrip.template(session=s, viewer=v, kind=DEVICE),
                              lambda data: {s_cache_units[code] for code in _template_units(data)}),
    "needs.checks.find": (lambda s, v: checks.find(session=s, viewer=v, fiscal_year=NEXT_YEAR),
                         lambda found: {e["unit_id"] for f in found for e in f.evidence} | {u for f in found
                                                                                             for u in f.unit_ids}),
    "needs.budget.outcome": (lambda s, v: budget.outcome(session=s, viewer=v, fiscal_year=NEXT_YEAR,
                                                   params=budget.Params(ceiling=10**9), zone=JAKARTA),
                       lambda o: _outcome_units(o)),
    "needs.budget.compare": (lambda s, v: budget.compare(session=s, viewer=v, scenario_ids=[s_scenario["id"]], zone=JAKARTA),
                       lambda pairs: {u for _scenario, o in pairs for u in _outcome_units(o)}),
    # The read API (core.api): what a token for the viewer's role and unit returns.
    "publish.api.units": (lambda s, v: api.units(session=s, viewer=v), lambda rows: {r["id"] for r in rows}),
    "publish.api.targets": (lambda s, v: api.targets(session=s, viewer=v), lambda rows: {r["unit_id"] for r in rows}),
    "publish.api.availability_by_unit": (lambda s, v: api.availability_by_unit(session=s, viewer=v, window="7d", zone=JAKARTA),
                                 lambda rows: {r["unit_id"] for r in rows}),
    "publish.api.sla_month": (lambda s, v: api.sla_month(session=s, viewer=v, month=utcnow().date().replace(day=1), zone=JAKARTA),
                      lambda rows: {r["unit_id"] for r in rows}),
    "publish.api.inventory_counts": (lambda s, v: api.inventory_counts(session=s, viewer=v),
                             lambda rows: {r["unit_id"] for r in rows}),
    "publish.api.evaluation": (lambda s, v: api.evaluation(session=s, viewer=v, zone=JAKARTA, org_name="Kota Uji"),
                       lambda periods: {u["unit_id"] for p in periods for u in p["units"]}),
    "needs.sipd.line_years": (lambda s, v: sipd.line_years(session=s, viewer=v), lambda rows: {r[2] for r in rows}),
    "needs.rka.export": (lambda s, v: rka.export(session=s, viewer=v, fiscal_year=NEXT_YEAR,
                                                       params=budget.Params(ceiling=10**9), zone=JAKARTA),
                         lambda data: _report_units(data)),
}


def _outcome_units(outcome) -> set[int]:
    return {r["unit_id"] for r in outcome.rows} | {u.unit_id for u in outcome.units}


def _template_units(data: bytes) -> list[str]:
    """The unit codes a template offers in its dropdown (first column of the Lists sheet)."""
    import io

    from openpyxl import load_workbook

    lists = load_workbook(io.BytesIO(data))["Daftar"]
    return [row[0] for row in lists.iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]
def _report_units(data: bytes) -> set[int]:
    """The units a report's workbook names anywhere: unit codes and names in any cell of any sheet."""
    import io

    from openpyxl import load_workbook

    cells = {str(v) for sheet in load_workbook(io.BytesIO(data)) for row in sheet.iter_rows(values_only=True)
             for v in row if v is not None}
    return {unit_id for key, unit_id in {**s_cache_units, **s_cache_names}.items()
            if any(key in cell for cell in cells)}


s_cache: dict = {}
s_cache_units: dict = {}
s_cache_names: dict = {}
s_period: dict = {}
s_scenario: dict = {}


def _unit_of_target(cache, target_id):
    return cache[target_id]
# One-row reads and checks, called for every unit or user outside the viewer's scope.
SINGLE = ["evaluation.assessment.assessment_view", "evaluation.assessment.evidence_file",
          "services.register.get_service", "services.sla.compliance", "services.voice.satisfaction",  # test_services
          "services.voice.service_incidents",  # tests/test_services.py
          "evaluation.evidence.document", "evaluation.evidence.generate", "org.units.get_unit", "org.users.get_user", "access.can_write_unit", "monitoring.targets.get_target", "monitoring.target_detail.detail",
          "monitoring.availability.for_target", "monitoring.availability.for_unit", "records.listing.get_record", "records.listing.count_records",
          "inventory.summary.summary", "needs.workflow.get_need", "needs.workflow.status_counts",  # needs: tests/test_needs.py
          "home.unit.unit_home",  # tests/test_home.py
          # incidents: each read and write refused outside the viewer's units or role in tests/test_incidents.py
          "monitoring.incidents.detail", "monitoring.incidents.assignable", "monitoring.incidents.unacknowledged_count",
          "monitoring.incidents.acknowledge", "monitoring.incidents.add_note", "monitoring.incidents.assign",
          "monitoring.incidents.set_cause", "monitoring.response.summary", "monitoring.response.this_month",
          "monitoring.target_detail.latency", "monitoring.targets.check_now",  # tests/test_target_detail.py
          "needs.sipd.budget_lines", "needs.accounts.usual_sub_activities",  # tests/test_sipd.py
          # a parent outside the setter's scope refused, affected targets and root causes per viewer: tests/test_dependencies.py
          "monitoring.dependencies.check_parent", "monitoring.dependencies.affected",
          "monitoring.dependencies.root_cause", "monitoring.dependencies.affected_counts",
          "tickets.tickets.get_ticket", "tickets.tickets.ticket_detail", "tickets.tickets.ticket_photo",
          "tickets.tickets.assignees", "tickets.tickets.recent_incidents", "tickets.tickets.link_options",
          "tickets.complaints.service_response",  # tests/test_tickets.py
          # the monthly SLA review: another unit's review, actions and report not found (tests/test_review.py)
          "review.review.monthly_review", "review.review.review_units", "review.actions.list_actions",
          "review.report.document", "review.report.review_report"]
# Writes: each is tried against unit B by operator A and must be refused.
WRITES = ["org.units.create_unit", "org.units.update_unit", "org.units.set_unit_active", "org.units.update_unit_profile",
          "org.units.import_units", "org.users.create_user", "org.users.update_user", "org.users.reset_password",
          "monitoring.targets.create_target", "monitoring.targets.update_target", "monitoring.targets.set_enabled", "monitoring.maintenance.create_window",
          "monitoring.target_import.import_targets", "records.save.save_records", "records.roundtrip.import_upload",
          "org.units.set_employees", "evaluation.assessment.save_answers", "evaluation.assessment.submit", "evaluation.assessment.add_evidence",
          "evaluation.assessment.remove_evidence", "evaluation.owners.submit_indicator", "evaluation.evidence.attach", "services.register.save_service",
          "services.register.delete_service", "services.voice.post_update", "services.voice.moderate",
          "needs.workflow.submit", "needs.sipd.import_lines",  # import_lines: tests/test_sipd.py
          "tickets.tickets.file_ticket", "tickets.tickets.reply", "tickets.tickets.set_state", "tickets.complaints.moderate",
          "review.actions.set_action_state", "review.report.attach_review"]
# Admin-only functions on things that belong to no unit's operator (alert channels and their log).
ADMIN_ONLY = {
    "alerts.alerts.list_channels": {}, "alerts.alerts.get_channel": {"channel_id": 1}, "alerts.alerts.list_deliveries": {},
    "alerts.alerts.create_channel": {"data": None}, "alerts.alerts.update_channel": {"channel_id": 1, "data": None},
    "alerts.alerts.send_test": {"channel_id": 1},
    "monitoring.incidents.set_escalation_minutes": {"minutes": {"high": 5}},
    "org.logins.clear": {"username": "op_b"}, "org.logins.throttled": {},
    "needs.savings.save_discount": {"percent": 15.0, "source": "Pengadaan konsolidasi 2025"},
    "inventory.lists.save_list": {"name": "category", "rows": [{"code": "pc", "name": "PC", "useful_life_years": 9}]},
    "inventory.duplicates.resolve": {"key": "x", "action": "keep"},
    "evaluation.lifecycle.create_period": {"year": 2030}, "evaluation.periods.set_city_method": {"period_id": 1, "method": "average"},
    "evaluation.periods.set_deadline": {"period_id": 1, "deadline": None},
    "evaluation.lifecycle.close_period": {"period_id": 1, "zone": JAKARTA}, "evaluation.lifecycle.reopen_period": {"period_id": 1},
    "evaluation.assessment.return_assessment": {"assessment_id": 1, "reason": "x"}, "evaluation.assessment.verify": {"assessment_id": 1},
    "evaluation.readiness.save_rules": {"period_id": 1, "rules": {}},
    "evaluation.frameworks.edit": {"code": "pemdi-2026", "document": {}}, "evaluation.frameworks.listing": {},
    "evaluation.owners.assign": {"period_id": 1, "owners": {}}, "evaluation.owners.queue": {"period_id": 1},
    "evaluation.owners.verify_indicator": {"period_id": 1, "indicator": 1},
    "evaluation.owners.return_indicator": {"period_id": 1, "indicator": 1, "reason": "x"},
    "needs.workflow.review": {"need_ids": [], "decision": "approved"},
    "needs.workflow.save_capacity": {"fiscal_year": NEXT_YEAR, "vcpu_free": 1, "ram_gb_free": 1, "storage_tb_free": 1},
    # Probe agents and API tokens (tests/test_agents.py, tests/test_api.py): the admin's alone.
    "agents.agents.create_enrolment": {"name": "agen", "unit_ids": [1]}, "agents.agents.rotate": {"agent_id": 1},
    "agents.agents.revoke": {"agent_id": 1}, "agents.agents.set_push_interval": {"agent_id": 1, "seconds": 10},
    "agents.agents.list_agents": {}, "agents.agents.pending_codes": {},
    "org.tokens.issue": {"name": "x", "role": "pimpinan", "unit_id": None}, "org.tokens.revoke": {"token_id": 1},
    "org.tokens.list_tokens": {},
    # The city's chart of accounts and standard prices (tests/test_sipd.py): admins keep them.
    "needs.accounts.save_rules": {"rows": []}, "needs.accounts.save_codes": {"rows": []},
    "needs.accounts.save_threshold": {"amount": 1}, "needs.sipd.import_standards": {"fiscal_year": NEXT_YEAR, "table": None},
    # Kominfo's work on tickets and the time targets (tests/test_tickets.py).
    "tickets.tickets.triage": {"ticket_id": 1, "priority": "kritis"}, "tickets.tickets.assign": {"ticket_id": 1, "user_id": 1},
    "tickets.tickets.link_incident": {"ticket_id": 1, "incident_id": None}, "tickets.tickets.from_incident": {"incident_id": 1},
    "tickets.tickets.incidents_without_ticket": {"since": utcnow()},
    "tickets.clock.save_targets": {"values": {}},
    # The monthly SLA review's follow-up actions: Kominfo agrees and edits them (tests/test_review.py).
    "review.actions.create_action": {"month": utcnow().date(), "unit_id": None, "text": "Tindak lanjut"},
    "review.actions.update_action": {"action_id": 1, "text": "Tindak lanjut", "owner": "", "due": None,
                                     "state": "selesai"},
}
# The budget scenarios: leadership and admin own them; a unit's operator and the presenter may not.
LEADERSHIP_ONLY = {
    "needs.budget.save_scenario": {"fiscal_year": NEXT_YEAR, "name": "x", "params": budget.Params(ceiling=1)},
    "needs.budget.delete_scenario": {"scenario_id": 1}, "needs.budget.adopt": {"scenario_id": 1, "zone": JAKARTA},
    "needs.budget.base_for": {"fiscal_year": NEXT_YEAR, "zone": JAKARTA},
    # The government-wide assessment's answers for the national application: admin and leadership.
    "evaluation.national.workbook": {"period_id": 1, "lang": "id", "zone": JAKARTA},
}
# City-wide views across units (conflicts between units): admin and pimpinan only.
CITY_ONLY = {"inventory.duplicates.find_conflicts": {}, "inventory.duplicates.kept_decisions": {}}
# Lists every unit shares (device categories): no unit's rows in them.
SHARED_LISTS = ["inventory.lists.categories", "inventory.lists.positions",
                "evaluation.periods.list_periods", "evaluation.readiness.rule_versions",  # periods and their rules: no unit's rows
                "evaluation.frameworks.index_name", "evaluation.frameworks.title_of",  # reference data, no unit's rows
                "needs.workflow.years", "needs.workflow.capacity",  # fiscal years in use, the data centre's capacity
                "needs.budget.scenarios", "needs.budget.get_scenario", "needs.rka.title",
                # the chart of accounts and the standard prices: the city's, no unit's rows
                "needs.accounts.chart", "needs.accounts.codes", "needs.accounts.rules", "needs.sipd.standards",
                "needs.kind.load_standards",  # a scenario's rules; its outcome is read scoped
                "needs.savings.discount",  # the city's joint-procurement discount and its source: no unit's rows
                "monitoring.incidents.escalation_minutes",  # the escalation minutes per criticality: no unit's rows
                "tickets.clock.targets"]  # the city's ticket time targets per priority
# Functions that act only on the viewer's own account, so they cannot reach another unit.
OWN_ACCOUNT = ["org.users.change_own_password", "org.users.set_language", "org.users.language_of", "org.users.end_sessions"]


def test_every_core_function_taking_a_viewer_is_covered_here():
    found = set()
    for info in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and "viewer" in inspect.signature(fn).parameters \
                    and not name.startswith("_"):
                found.add(f"{info.name.removeprefix('core.')}.{name}")
    # The scope mechanism itself (exercised by every test here) and the menu, which reads no rows.
    mechanism = {"access.require_role", "access.require_unit_write", "access.scoped", "access.unit_scope",
                 "audit.record", "navigation.menu_for", "navigation.can_open", "monitoring.targets.masked",
                 "monitoring.status.freshness", "needs.accounts.require_unit_read"}  # freshness reads only the workers' own heartbeat, no unit's rows
    # notify.test_now opens its own transactions (it must commit before sending) and is admin-only:
    # it goes through alerts.send_test, checked below, and tests/test_alerts.py refuses skpd and pimpinan.
    mechanism |= {"alerts.notify.test_now"}
    # A register's lookup hooks and the save engine's steps run only inside records.listing.lookup and
    # records.save.save_records, both checked above with every kind that uses them.
    mechanism |= {f"inventory.kinds.load_{what}" for what in ("applications", "categories", "devices", "positions",
                                                              "staff", "targets")}
    mechanism |= {f"records.save.{step}" for step in ("read", "check", "plan_changes", "write")}
    # Which indicators a viewer owns or may fill: the scope rule of the government-wide assessment itself,
    # applied inside assessment_view, save_answers and add_evidence (checked above and in tests/test_pemdi.py).
    mechanism |= {"evaluation.owners.viewer_indicators", "evaluation.owners.fillable"}
    assert found - mechanism == set(READS) | set(SINGLE) | set(WRITES) | set(OWN_ACCOUNT) | set(ADMIN_ONLY) \
        | set(CITY_ONLY) | set(SHARED_LISTS) | set(LEADERSHIP_ONLY)


def feed_every(store, city, ids):
    """One check and one incident per target, so every report has rows from every unit."""
    from db.monitoring import Incident
    from probes import store as probe_store
    from probes.kinds.base import Check

    now = utcnow()
    results = []
    for code, target_id in ids.items():
        claimed = probe_store.Claimed(Check(target_id, "ping", "127.0.0.1", None, 1, {}), city.units[code], 60, 3,
                                      now, {})
        results.append(probe_store.Result(claimed, now, "UP", 1.0, "", {}))
    probe_store.write(store.engine, results, zone=JAKARTA, windows=[], now=now)
    with session_scope(store.engine) as s:
        for code, target_id in ids.items():
            s.add(Incident(target_id=target_id, unit_id=city.units[code], started_at=now - timedelta(hours=1),
                           ended_at=now - timedelta(minutes=50), reason=""))
            s.add(Incident(target_id=target_id, unit_id=city.units[code], started_at=now - timedelta(minutes=5),
                           reason=""))  # still open


@pytest.fixture
def monitored(store, city, admin):
    """A target and a maintenance window in every unit, so every read has rows from other units."""
    ids = {code: add_target(store, admin, unit_id, name=f"ping {code}", kind="ping")
           for code, unit_id in city.units.items()}
    feed_every(store, city, ids)
    s_cache_units.update(city.units)
    fill_every_unit(store, admin, city)
    with session_scope(store.engine) as s:
        for code, unit_id in city.units.items():
            s_cache[ids[code]] = unit_id
            # a digital service in every unit, on that unit's target, for the services reads
            register.save_service(session=s, viewer=admin, data={"unit_id": unit_id, "name": f"Layanan {code}",
                                                                 "target_ids": [ids[code]]})
            maintenance.create_window(session=s, viewer=admin, data=maintenance.WindowCreate(
                kind="weekly", target_id=ids[code], weekday=6, start_minute=60, duration_min=30))
            tickets.file_ticket(session=s, viewer=admin, unit_id=unit_id, category="jaringan",  # a report in every unit
                                description=f"Gangguan jaringan {code}.", target_id=ids[code])
            maintenance.create_window(session=s, viewer=admin, data=maintenance.WindowCreate(
                kind="once", unit_id=unit_id, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1)))
    return ids


@pytest.fixture
def evaluated(store, city, admin, monitored):
    """Two evaluation periods with every unit assessed, for the evaluation reads."""
    s_period["id"] = evaluated_city(store, city, admin)[1]
    with session_scope(store.engine) as s:  # every unit owns one indicator and contributes to the next
        ids = sorted(city.units.values())
        owners.assign(session=s, viewer=admin, period_id=s_period["id"],
                      owners={n + 1: (u, [ids[(n + 1) % len(ids)]]) for n, u in enumerate(ids)})
    with store.session() as s:
        visible = units.list_units(session=s, viewer=admin)
    s_cache_names.update({u.name: u.id for u in visible} | {u.short_name: u.id for u in visible})


@pytest.fixture
def needed(store, city, admin, pimpinan, evaluated):
    """The same approved need in every unit and a saved scenario, for the needs and budget reads."""
    needs_in_every_unit(store, admin, city)
    with session_scope(store.engine) as s:  # last year's budget lines of every unit, as SIPD exported them
        table = sipd.read_lines(b"nama_komponen;koefisien;harga_satuan\nLisensi antivirus;10;400000\n", "rka.csv")
        for unit_id in city.units.values():
            sipd.import_lines(session=s, viewer=admin, unit_id=unit_id, fiscal_year=NEXT_YEAR - 1, table=table)
    with session_scope(store.engine) as s:
        s_scenario["id"] = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name="Semua",
                                                params=budget.Params(ceiling=10**9)).id


@pytest.mark.parametrize("name", sorted(READS))
def test_skpd_reads_only_their_own_units(store, city, operator_a, admin, monitored, name, request):
    if name.rsplit(".", 1)[0] in ("evaluation.readiness", "evaluation.leadership", "evaluation.report",
                                  "evaluation.owners") or name == "publish.api.evaluation":
        request.getfixturevalue("evaluated")
    if name.rsplit(".", 1)[0] in ("needs.checks", "needs.budget", "needs.rka", "needs.sipd"):
        request.getfixturevalue("needed")
    call, units_of = READS[name]
    own = city.subtree(UNIT_A)
    with store.session() as s:
        everything = units_of(call(s, admin)) - {None}
        mine = units_of(call(s, operator_a)) - {None}
    assert everything - own, "the store must hold rows of other units for this test to mean anything"
    assert mine and mine <= own


def test_skpd_scope_includes_the_kelurahan_of_their_kecamatan(store, city, operator_a):
    with store.session() as s:
        codes = {u.code for u in units.list_units(session=s, viewer=operator_a)}
    assert codes == {"KEC-KLOJEN", "KEL-ORO-ORO-DOWO", "KEL-KAUMAN"}


def test_setda_operator_sees_the_bagian_under_it(store, city, admin):
    with store.session() as s:
        user = users.create_user(session=s, viewer=admin, data=UserCreate(
            username="op_setda", display_name="Op Setda", role="skpd", unit_id=city.units["SETDA"], password=PASSWORD))
        s.commit()
        codes = {u.code for u in units.list_units(session=s, viewer=users.viewer_for(user))}
    assert codes == {"SETDA", "BAG-HUKUM"}


def test_skpd_cannot_open_another_units_target_or_its_availability(store, city, operator_a, monitored):
    own = city.subtree(UNIT_A)
    now = utcnow()
    with store.session() as s:
        for code, target_id in monitored.items():
            mine = city.units[code] in own
            if mine:
                assert targets.get_target(session=s, viewer=operator_a, target_id=target_id).id == target_id
            else:
                with pytest.raises(NotFound):
                    targets.get_target(session=s, viewer=operator_a, target_id=target_id)
            if not mine:
                with pytest.raises(NotFound):
                    target_detail.detail(session=s, viewer=operator_a, target_id=target_id, zone=JAKARTA, now=now)
            else:
                assert target_detail.detail(session=s, viewer=operator_a, target_id=target_id, zone=JAKARTA,
                                            now=now).target.id == target_id
            figure = availability.for_target(session=s, viewer=operator_a, target_id=target_id,
                                             start=now - timedelta(days=1), end=now, zone=JAKARTA)
            assert (figure.window_s > 0) == mine
            unit_figure = availability.for_unit(session=s, viewer=operator_a, unit_id=city.units[code],
                                                start=now - timedelta(days=1), end=now, zone=JAKARTA)
            assert (unit_figure.window_s > 0) == mine


def test_skpd_cannot_open_another_units_row_by_id(store, city, operator_a):
    own = city.subtree(UNIT_A)
    with store.session() as s:
        for code, unit_id in city.units.items():
            if unit_id in own:
                assert units.get_unit(session=s, viewer=operator_a, unit_id=unit_id).code == code
                continue
            with pytest.raises(NotFound):
                units.get_unit(session=s, viewer=operator_a, unit_id=unit_id)
            assert access.can_write_unit(session=s, viewer=operator_a, unit_id=unit_id) is False
        for viewer in city.viewers.values():
            if viewer.unit_id in own:
                assert users.get_user(session=s, viewer=operator_a, user_id=viewer.user_id).username == viewer.username
            else:
                with pytest.raises(NotFound):
                    users.get_user(session=s, viewer=operator_a, user_id=viewer.user_id)


def writes_to_unit_b(city):
    b = city.units["DINKES"]
    return {
        "org.units.create_unit": dict(data=UnitRow("UPT-LAB", "UPT Laboratorium", "upt", parent_code="DINKES")),
        "org.units.update_unit": dict(unit_id=b, data=UnitRow("DINKES", "Dinas Kesehatan X", "dinas")),
        "org.units.set_unit_active": dict(unit_id=b, active=False),
        "org.units.update_unit_profile": dict(unit_id=b, data=UnitProfile(head_name="Bukan Saya")),
        "org.units.import_units": dict(rows=[(2, UnitRow("DINKES", "Dinas Kesehatan X", "dinas"))]),
        "org.users.create_user": dict(data=UserCreate(username="op_x", display_name="X", role="skpd", unit_id=b,
                                                  password=PASSWORD)),
        "org.users.update_user": dict(user_id=city.viewers["op_b"].user_id,
                                  data=UserUpdate(display_name="X", role="skpd", unit_id=b)),
        "org.users.reset_password": dict(user_id=city.viewers["op_b"].user_id),
        "monitoring.targets.create_target": dict(data=targets.TargetCreate(unit_id=b, name="x", kind="ping", host="127.0.0.1")),
        "monitoring.targets.update_target": dict(target_id=city.target_b, data=targets.TargetCreate(
            unit_id=b, name="x", kind="ping", host="127.0.0.2")),
        "monitoring.targets.set_enabled": dict(target_id=city.target_b, enabled=False),
        "monitoring.maintenance.create_window": dict(data=maintenance.WindowCreate(
            kind="once", unit_id=b, starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=1))),
        "monitoring.target_import.import_targets": dict(table=target_import.read_targets(
            b"unit;nama;jenis;host\nDINKES;x;ping;127.0.0.1\n", "target.csv")),
        "records.save.save_records": dict(kind=DEVICE, changes=[Change(2, {
            "unit": "DINKES", "category": "PC", "serial_number": "SN-X"})]),
        "records.roundtrip.import_upload": dict(kind=STAFF, table=roundtrip.read_upload(
            b"Kode unit;Nama;Status kepegawaian\nKEC-KLOJEN;Boleh;Non-ASN\nDINKES;Bukan unit saya;Non-ASN\n",
            "sdm.csv", STAFF)),
        "org.units.set_employees": dict(unit_id=b, employees=10),
        "evaluation.assessment.save_answers": dict(period_id=city.period_b, unit_id=b, answers=answers(5)),
        "evaluation.assessment.submit": dict(period_id=city.period_b, unit_id=b),
        "evaluation.assessment.add_evidence": dict(period_id=city.period_b, unit_id=b, indicator=1, filename="x.pdf",
                                        data=b"%PDF-1.4 x"),
        "evaluation.assessment.remove_evidence": dict(evidence_id=city.evidence_b),
        "needs.workflow.submit": dict(need_ids=[city.need_b]),
        "needs.sipd.import_lines": dict(unit_id=b, fiscal_year=NEXT_YEAR - 1, table=sipd.read_lines(
            b"nama_komponen;koefisien;harga_satuan\nPC;1;1000\n", "rka.csv")),
        "evaluation.owners.submit_indicator": dict(period_id=city.period_b, indicator=1),
        "services.register.save_service": dict(data={"unit_id": city.units["DINKES"], "name": "Layanan B"}),
        "services.register.delete_service": dict(service_id=city.service_b),
        "services.voice.post_update": dict(service_id=city.service_b, incident_id=None, status="investigating",
                                           message="x"),
        "services.voice.moderate": dict(feedback_id=city.feedback_b, hidden=True),
        "evaluation.evidence.attach": dict(period_id=city.period_b, unit_id=city.units["DINKES"], indicator=1,
                                           kind="staff", fmt="pdf", lang="id", zone=JAKARTA, org_name=""),
        "tickets.tickets.file_ticket": dict(unit_id=b, category="akun", description="Bukan unit saya sendiri."),
        "tickets.tickets.reply": dict(ticket_id=city.ticket_b, message="x"),
        "tickets.tickets.set_state": dict(ticket_id=city.ticket_b, state="ditutup"),
        "tickets.complaints.moderate": dict(ticket_id=city.complaint_b, accept=False),
        "review.actions.set_action_state": dict(action_id=city.action_b, state="selesai"),
        "review.report.attach_review": dict(month=utcnow().date(), unit_id=b, fmt="pdf", lang="id", zone=JAKARTA,
                                            org_name=""),
    }


@pytest.mark.parametrize("name", WRITES)
def test_skpd_write_to_another_unit_is_refused_and_changes_nothing(store, city, operator_a, admin, name):
    func = function(name)
    city.target_b = add_target(store, admin, city.units["DINKES"], kind="ping")
    [city.need_b] = add_needs(store, admin, need_cells("DINKES", "Kebutuhan unit B", 1_000_000))
    city.period_b = city.evidence_b = None
    with session_scope(store.engine) as s:  # a digital service of unit B
        city.service_b = register.save_service(session=s, viewer=admin, data={
            "unit_id": city.units["DINKES"], "name": "Layanan B", "target_ids": [city.target_b]}).id
        city.feedback_b = voice.give_feedback(s, service_id=city.service_b, rating=4, comment="ok", client="x")
        city.ticket_b = tickets.file_ticket(session=s, viewer=admin, unit_id=city.units["DINKES"], category="akun",
                                            description="Laporan unit B.").id
        code = complaints.file_complaint(s, service_id=city.service_b, category="akun", description="Pengaduan B.",
                                         client="x")
        city.complaint_b = s.scalar(select(Ticket.id).where(Ticket.code == code))
        city.action_b = review_actions.create_action(session=s, viewer=admin, month=utcnow().date(),
                                                     unit_id=city.units["DINKES"], text="Tindak lanjut unit B")
    if name.startswith("evaluation."):  # a draft of unit B with an evidence file, for the evaluation writes
        city.period_b = new_period(store, admin, framework="spbe-2020")
        assess(store, admin, city.period_b, city.units["DINKES"], level=2, submit=False)
        with session_scope(store.engine) as s:
            city.evidence_b = assessment.add_evidence(session=s, viewer=admin, period_id=city.period_b,
                                                      unit_id=city.units["DINKES"], indicator=1, filename="b.pdf",
                                                      data=b"%PDF-1.4 b")
            # Unit B owns indicator 1 of the government-wide assessment, filled and ready to hand in.
            owners.assign(session=s, viewer=admin, period_id=city.period_b, owners={1: (city.units["DINKES"], [])})
            assessment.save_answers(session=s, viewer=admin, period_id=city.period_b, unit_id=None,
                                    answers=[assessment.AnswerInput(1, 3, "SK")])
    with store.session() as s:
        before = [(u.code, u.name, u.active, u.head_name, u.employees) for u in units.list_units(
            session=s, viewer=admin, include_inactive=True)], _inventory_counts(s, admin), _assessment_of_b(s, admin, city)
        with pytest.raises((PermissionDenied, NotFound, ImportRejected)) as caught:
            func(session=s, viewer=operator_a, **writes_to_unit_b(city)[name])
        if isinstance(caught.value, ImportRejected):  # a file or a table of rows: refused whole, saying why
            assert "inventory.unit_out_of_scope" in {p.key for p in caught.value.problems}
        s.rollback()
        after = [(u.code, u.name, u.active, u.head_name, u.employees) for u in units.list_units(
            session=s, viewer=admin, include_inactive=True)], _inventory_counts(s, admin), _assessment_of_b(s, admin, city)
    assert after == before


def _assessment_of_b(s, admin, city) -> tuple:
    if city.period_b is None:
        return ()
    view = assessment.assessment_view(session=s, viewer=admin, period_id=city.period_b, unit_id=city.units["DINKES"])
    owned = [(o.number, o.status) for o in owners.progress(session=s, viewer=admin, period_id=city.period_b)
             if o.owner_id is not None]
    return view.status, sorted((a.indicator, a.level) for a in view.answers.values()), len(view.evidence), owned


def _inventory_counts(s, admin) -> list:
    return [listing.count_records(session=s, viewer=admin, kind=k) for k in (DEVICE, STAFF, APPLICATION)] \
        + [(r["id"], r["status"], r["total"]) for r in listing.list_records(session=s, viewer=admin, kind=NEED)]


def test_snmp_secrets_are_shown_to_admins_only(store, city, admin, operator_b):
    target_id = add_target(store, admin, city.units["DINKES"], kind="snmp",
                           options={"version": "3", "user": "monev", "auth_key": "rahasia-auth", "priv_key": "rahasia-priv"})
    with store.session() as s:
        target = targets.get_target(session=s, viewer=operator_b, target_id=target_id)
        assert targets.masked(target, operator_b)["auth_key"] == "••••"
        assert targets.masked(target, admin)["auth_key"] == "rahasia-auth"
        assert targets.masked(target, operator_b)["user"] == "monev"


def test_presenter_reads_unit_names_for_the_wall_but_no_accounts_or_history(store, city, presenter):
    with store.session() as s:
        assert len(units.list_units(session=s, viewer=presenter)) == len(city.units)
        with pytest.raises(PermissionDenied):
            users.list_users(session=s, viewer=presenter)
        with pytest.raises(PermissionDenied):
            audit.list_audit(session=s, viewer=presenter)


def test_an_skpd_account_whose_unit_is_missing_sees_nothing(store, city):
    stray = access.Viewer(user_id=None, username="stray", role=access.Role.SKPD, unit_id=None)
    with store.session() as s:
        assert units.list_units(session=s, viewer=stray) == []
        assert users.list_users(session=s, viewer=stray) == []


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_admin_only_functions_refuse_everyone_else(store, city, operator_a, pimpinan, presenter, name):
    func = function(name)
    for viewer in (operator_a, pimpinan, presenter):
        with store.session() as s, pytest.raises(PermissionDenied):
            func(session=s, viewer=viewer, **ADMIN_ONLY[name])


@pytest.mark.parametrize("name", sorted(LEADERSHIP_ONLY))
def test_budget_scenarios_refuse_unit_operators_and_the_presenter(store, city, operator_a, presenter, name):
    func = function(name)
    for viewer in (operator_a, presenter):
        with store.session() as s, pytest.raises(PermissionDenied):
            func(session=s, viewer=viewer, **LEADERSHIP_ONLY[name])


@pytest.mark.parametrize("name", sorted(CITY_ONLY))
def test_views_across_units_refuse_unit_operators_and_the_presenter(store, city, operator_a, presenter, pimpinan,
                                                                    name):
    func = function(name)
    for viewer in (operator_a, presenter):
        with store.session() as s, pytest.raises(PermissionDenied):
            func(session=s, viewer=viewer, **CITY_ONLY[name])
    with store.session() as s:
        assert func(session=s, viewer=pimpinan, **CITY_ONLY[name]) == []


def test_skpd_cannot_open_count_or_sum_another_units_inventory(store, city, operator_a, admin):
    fill_every_unit(store, admin, city)
    own = city.subtree(UNIT_A)
    with store.session() as s:
        for kind in (DEVICE, STAFF, APPLICATION):
            records = listing.list_records(session=s, viewer=admin, kind=kind)
            assert listing.count_records(session=s, viewer=operator_a, kind=kind) == len(own)
            assert listing.count_records(session=s, viewer=operator_a, kind=kind,
                                           unit_ids=[city.units["DINKES"]]) == 0
            for row in records:
                if city.units[row["unit"]] in own:
                    assert listing.get_record(session=s, viewer=operator_a, kind=kind, record_id=row["id"])
                else:
                    with pytest.raises(NotFound):
                        listing.get_record(session=s, viewer=operator_a, kind=kind, record_id=row["id"])
        others = [u for u in city.units.values() if u not in own]
        theirs = summary.summary(session=s, viewer=operator_a, unit_ids=others)
        assert (theirs.devices, theirs.staff, theirs.applications) == (0, 0, 0)
        mine = summary.summary(session=s, viewer=operator_a, unit_ids=sorted(own))
        assert (mine.devices, mine.staff, mine.applications) == (len(own),) * 3


def test_presenter_sees_no_inventory(store, city, presenter, admin):
    fill_every_unit(store, admin, city)
    with store.session() as s:
        for kind in (DEVICE, STAFF, APPLICATION):
            with pytest.raises(PermissionDenied):
                listing.list_records(session=s, viewer=presenter, kind=kind)
        with pytest.raises(PermissionDenied):
            summary.summary(session=s, viewer=presenter, unit_ids=list(city.units.values()))
