"""The read API over real HTTP (tests/routes.py): tokens bound to a role and unit scope, hashed at rest,
revocable and rate-limited; pagination; the OpenAPI document; JSON errors. And the open datasets."""

import csv
import io

import pytest
from sqlalchemy import select, text

from core.errors import PermissionDenied
from core.org import tokens
from core.publish import opendata
from core.services import register
from db.agents import ApiToken
from db.engine import session_scope
from db.inventory import Device, Staff
from db.models import User
from db.monitoring import Target
from tests.evaluation import evaluated_city
from tests.inventory import fill_every_unit
from tests.monitoring import add_target
from tests.routes import call, serving
from tests.test_services import service_data
from web import api as api_routes


def issue(store, admin, role="skpd", unit_id=None, name="satu-data") -> str:
    with session_scope(store.engine) as s:
        return tokens.issue(session=s, viewer=admin, name=name, role=role, unit_id=unit_id).secret


@pytest.fixture
def filled(store, city, admin):
    fill_every_unit(store, admin, city)
    for code, unit_id in city.units.items():
        add_target(store, admin, unit_id, name=f"router {code}", host=f"10.9.{unit_id}.1", port=22)
    return city


def test_a_unit_token_sees_its_unit_and_the_units_under_it(env, store, filled, admin):
    klojen = filled.subtree("KEC-KLOJEN")
    unit_token, city_token = issue(store, admin, unit_id=filled.units["KEC-KLOJEN"]), issue(store, admin, "pimpinan")
    with serving(store.engine) as base:
        for path, key in (("/api/v1/units", "id"), ("/api/v1/targets", "unit_id"), ("/api/v1/inventory", "unit_id"),
                          ("/api/v1/availability?window=7d", "unit_id")):
            status, own, _ = call(base, "GET", path, token=unit_token)
            assert status == 200, own
            assert {row[key] for row in own["items"]} == klojen, path
            _, everything, _ = call(base, "GET", path + ("&" if "?" in path else "?") + "limit=1000", token=city_token)
            assert {row[key] for row in everything["items"]} == set(filled.units.values()), path
        _, listed, _ = call(base, "GET", "/api/v1/targets", token=city_token)
    assert all("host" not in row for row in listed["items"])
    assert not any("10.9." in str(value) for row in listed["items"] for value in row.values())


def test_inventory_counts_are_the_store_s(env, store, filled, admin):
    with serving(store.engine) as base:
        _, page, _ = call(base, "GET", "/api/v1/inventory?limit=1000", token=issue(store, admin, "pimpinan"))
    with store.session() as s:
        devices = s.scalar(select(text("count(*)")).select_from(Device))
        staff = s.scalar(select(text("count(*)")).select_from(Staff))
    assert sum(r["devices"] for r in page["items"]) == devices and sum(r["ict_staff"] for r in page["items"]) == staff


def test_tokens_are_hashed_revocable_and_only_an_admin_issues_them(env, store, city, admin, pimpinan, operator_a):
    secret = issue(store, admin, "pimpinan")
    for viewer in (pimpinan, operator_a):
        with pytest.raises(PermissionDenied), session_scope(store.engine) as s:
            tokens.issue(session=s, viewer=viewer, name="x", role="pimpinan", unit_id=None)
    with store.engine.connect() as conn:
        dump = " ".join(str(v) for table in ("api_token", "audit_log") for row in conn.execute(text(f"SELECT * FROM {table}"))
                        for v in row)
    assert secret not in dump and secret[:10] in dump  # only its prefix, to tell tokens apart
    with serving(store.engine) as base:
        assert call(base, "GET", "/api/v1/units", token=secret)[0] == 200
        with session_scope(store.engine) as s:
            tokens.revoke(session=s, viewer=admin, token_id=s.scalar(select(ApiToken.id)))
        status, body, _ = call(base, "GET", "/api/v1/units?lang=en", token=secret)
        assert status == 401 and body == {"error": {"code": "token.revoked", "message": "This token has been revoked."}}
        status, body, _ = call(base, "GET", "/api/v1/units")
        assert status == 401 and body["error"]["code"] == "token.unknown"


def test_pages_errors_and_the_rate_limit(env, store, filled, admin, monkeypatch):
    secret = issue(store, admin, "pimpinan")
    with serving(store.engine) as base:
        _, first, _ = call(base, "GET", "/api/v1/units?limit=4", token=secret)
        assert first["total"] == len(filled.units) and len(first["items"]) == 4
        seen = [u["id"] for u in first["items"]]
        following = first["next"]
        while following:
            _, page, _ = call(base, "GET", following, token=secret)
            seen += [u["id"] for u in page["items"]]
            following = page["next"]
        assert sorted(seen) == sorted(filled.units.values())  # every unit once, over the pages
        for path in ("/api/v1/units?limit=0", "/api/v1/units?offset=x", "/api/v1/availability?window=2d",
                     "/api/v1/sla?month=bulan-lalu", "/api/v1/targets?state=ASLEEP"):
            status, body, _ = call(base, "GET", path, token=secret)
            assert status == 400 and body["error"]["message"], path
        status, body, _ = call(base, "GET", "/api/v1/availability?window=2d", token=secret)
        assert "24h, 7d, 30d, 90d, 365d" in body["error"]["message"]
        monkeypatch.setattr(api_routes.limits, "per_minute", 3)
        api_routes.limits._seen.clear()
        answers = [call(base, "GET", "/api/v1/units", token=secret) for _ in range(4)]
        assert [a[0] for a in answers] == [200, 200, 200, 429]
        assert answers[3][1]["error"]["code"] == "rate_limited" and int(answers[3][2]["retry-after"]) >= 1
        other = issue(store, admin, "pimpinan", name="dasbor-walikota")
        assert call(base, "GET", "/api/v1/units", token=other)[0] == 200  # per token, not per server


def test_the_openapi_document_describes_every_route(env, store, city, admin):
    with serving(store.engine) as base:
        status, doc, _ = call(base, "GET", "/api/openapi.json")
        assert status == 200 and doc["openapi"].startswith("3.")
        served = {r.path for r in api_routes.ROUTES} - {"/api/openapi.json"}
        assert set(doc["paths"]) == served
        secret = issue(store, admin, "pimpinan")
        for path, item in doc["paths"].items():
            assert {"200", "400", "401", "429"} <= set(item["get"]["responses"])
            status, body, _ = call(base, "GET", path, token=secret)
            assert status == 200 and set(doc["components"]["schemas"]["Page"]["required"]) <= set(body), path


def test_the_evaluation_index_per_period(env, store, city, admin):
    evaluated_city(store, city, admin)
    secret, klojen = issue(store, admin, "pimpinan"), issue(store, admin, unit_id=city.units["KEC-KLOJEN"])
    with serving(store.engine) as base:
        _, city_wide, _ = call(base, "GET", "/api/v1/evaluation", token=secret)
        _, own, _ = call(base, "GET", "/api/v1/evaluation", token=klojen)
    assert [p["year"] for p in city_wide["items"]] == sorted(p["year"] for p in city_wide["items"])
    assert any(p["city_index"] is not None for p in city_wide["items"])
    assert all(p["city_index"] is None for p in own["items"])  # a unit's token: its own figures only
    assert {u["unit_id"] for p in own["items"] for u in p["units"]} <= city.subtree("KEC-KLOJEN")


def test_open_data_carries_metadata_and_no_personal_data(env, store, filled, admin):
    evaluated_city(store, filled, admin)
    with store.session() as s:
        target_ids = list(s.scalars(select(Target.id)))
    with session_scope(store.engine) as s:
        register.save_service(session=s, viewer=admin, data=service_data(filled.units["DINKES"], target_ids[:2]))
    with session_scope(store.engine) as s:  # people and machines whose details must never be published
        staff = s.scalars(select(Staff)).all()
        for n, person in enumerate(staff):
            person.nip, person.name = f"19800101200501{n:04d}", f"Budi Santoso {n}"
    with store.session() as s:
        private = {p.name for p in s.scalars(select(Staff))} | {p.nip for p in s.scalars(select(Staff))} \
            | {u.username for u in s.scalars(select(User))} | {u.display_name for u in s.scalars(select(User))} \
            | {d.serial_number for d in s.scalars(select(Device))} | {t.host for t in s.scalars(select(Target))} \
            | {t.name for t in s.scalars(select(Target))}
    private.discard("")
    with serving(store.engine) as base:
        status, page, _ = call(base, "GET", "/publik/data")
        assert status == 200 and all(f"/publik/data/{n}.csv" in page for n in opendata.NAMES)
        for name in opendata.NAMES:
            status, body, _ = call(base, "GET", f"/publik/data/{name}.json?lang=en")
            assert status == 200
            meta = body["metadata"]
            assert meta["title"] and meta["description"] and meta["producer"] and meta["licence"] == "CC BY 4.0"
            assert meta["period"] and meta["rows"] == len(body["data"]) and "last_update" in meta
            assert body["data"], name  # the test city has rows for every dataset
            assert [v["name"] for v in meta["variables"]] == list(body["data"][0])
            assert all(v["description"] for v in meta["variables"])
            status, sheet, head = call(base, "GET", f"/publik/data/{name}.csv")
            assert status == 200 and "attachment" in head["content-disposition"]
            rows = list(csv.reader(io.StringIO(sheet)))
            assert rows[0] == [v["name"] for v in meta["variables"]] and len(rows) == meta["rows"] + 1
            cells = [str(c) for row in rows for c in row] + [str(v) for row in body["data"] for v in row.values()]
            leaked = {p for p in private for c in cells if p in c}
            assert not leaked, (name, leaked)
        _, devices, _ = call(base, "GET", "/publik/data/perangkat-per-unit.json")
        status, missing, _ = call(base, "GET", "/publik/data/nama-pegawai.csv")
        assert status == 404 and missing["error"]["code"] == "not_found"
    with store.session() as s:
        assert sum(r["jumlah"] for r in devices["data"]) == s.scalar(
            select(text("count(*)")).select_from(Device).where(Device.status != "disposed"))
