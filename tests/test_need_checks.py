"""Each double-budget and double-data check on its own: what it finds, the evidence, the suggested action,
what it leaves alone, and what an skpd user may read of it."""

import pytest
from sqlalchemy import select

from core.errors import PermissionDenied, ValidationError
from core.inventory.kinds import APPLICATION, DEVICE
from core.needs import budget, checks, savings, workflow
from db.engine import session_scope
from db.models import AuditLog
from tests.conftest import UNIT_A
from tests.inventory import add, device_cells
from tests.monitoring import JAKARTA
from tests.needs import NEXT_YEAR, add_needs, approve, need_cells


def find(store, viewer, kind, year=NEXT_YEAR):
    with store.session() as s:
        return checks.find(session=s, viewer=viewer, fiscal_year=year, kinds=(kind,))


def test_the_same_licence_asked_for_by_three_units_is_one_shared_procurement(store, city, admin):
    add_needs(store, admin, need_cells(UNIT_A, "Lisensi antivirus endpoint", 400_000, category="Perangkat lunak/lisensi",
                                       quantity=20),
              need_cells("DINKES", "Pengadaan lisensi antivirus endpoint", 380_000, category="Perangkat lunak/lisensi",
                         quantity=30),
              need_cells("SETDA", "Lisensi Antivirus Endpoint untuk staf", 420_000, category="Perangkat lunak/lisensi",
                         quantity=10),
              need_cells("BAG-HUKUM", "Lisensi desain grafis", 5_000_000, category="Perangkat lunak/lisensi"),
              need_cells("KEC-SUKUN", "Langganan internet 100 Mbps", 40_000_000, category="Konektivitas"),
              need_cells("DINKES", "Langganan internet 100 Mbps", 45_000_000, category="Konektivitas"))
    found = find(store, admin, "shared_item")
    licence = next(f for f in found if "antivirus" in f.item.lower())
    assert {city.units[c] for c in (UNIT_A, "DINKES", "SETDA")} == set(licence.unit_ids)
    assert licence.value == 20 * 400_000 + 30 * 380_000 + 10 * 420_000
    # Bought jointly the units save the discount (20 % until the city sets its own), not what they ask for.
    assert licence.saving == 1_600_000 + 2_280_000 + 840_000
    assert licence.suggestion == "needs.suggest.joint_procurement"
    assert {e["unit"] for e in licence.evidence} == {"Kec. Klojen", "Dinkes", "Setda"}
    internet = next(f for f in found if "internet" in f.item.lower())
    assert internet.suggestion == "needs.suggest.shared_service"
    assert not any("desain" in f.item.lower() for f in found)  # asked for by one unit only


def test_devices_of_one_category_in_several_units_are_one_item_whatever_the_room(store, city, admin):
    add_needs(store, admin, need_cells(UNIT_A, "PC Ruang Pelayanan", 10_000_000, device_category="PC"),
              need_cells("DINKES", "Komputer meja untuk staf", 11_000_000, device_category="PC"),
              need_cells("SETDA", "Printer", 3_000_000, device_category="Printer"))
    [pcs] = find(store, admin, "shared_item")
    assert len(pcs.need_ids) == 2 and (pcs.value, pcs.saving) == (21_000_000, 4_200_000)


def test_a_device_asked_for_while_the_unit_keeps_a_usable_spare(store, city, admin):
    add(store, admin, DEVICE, device_cells(UNIT_A, "SN-SPARE", status="Cadangan", condition="Baik"),
        device_cells(UNIT_A, "SN-BROKEN", status="Cadangan", condition="Rusak berat"),
        device_cells("DINKES", "SN-IN-USE"))
    add_needs(store, admin, need_cells(UNIT_A, "PC tambahan", 10_000_000, quantity=3, device_category="PC"),
              need_cells("DINKES", "PC tambahan", 10_000_000, device_category="PC"),
              need_cells(UNIT_A, "Laptop", 15_000_000, device_category="Laptop"))
    [finding] = find(store, admin, "device_spare")
    assert finding.unit_ids == [city.units[UNIT_A]]
    assert [e["label"] for e in finding.evidence if e["what"] == "device"] == ["Lenovo M70s"]  # not the broken one
    assert (finding.value, finding.saving) == (30_000_000, 10_000_000)  # one usable spare: one PC fewer to buy
    assert finding.suggestion == "needs.suggest.use_spare"


def test_replacing_devices_still_in_their_useful_life_and_in_good_condition(store, city, admin):
    add(store, admin, DEVICE, device_cells(UNIT_A, "SN-NEW", purchase_year=NEXT_YEAR - 2),
        device_cells(UNIT_A, "SN-OLD", purchase_year=2018),
        device_cells(UNIT_A, "SN-NEW-BROKEN", purchase_year=NEXT_YEAR - 2, condition="Rusak berat"))
    add_needs(store, admin, need_cells(UNIT_A, "PC pengganti", 10_000_000, quantity=3, device_category="PC",
                                       replaces="SN-NEW, SN-OLD, SN-NEW-BROKEN"),
              need_cells(UNIT_A, "PC pengganti lama", 10_000_000, device_category="PC", replaces="SN-OLD"))
    [finding] = find(store, admin, "device_in_life")
    young = [e for e in finding.evidence if e["what"] == "device"]
    assert [e["detail"]["serial"] for e in young] == ["SN-NEW"]
    assert young[0]["detail"]["life_end"] == NEXT_YEAR + 2  # PC: four years from its purchase
    assert (finding.value, finding.saving) == (30_000_000, 10_000_000)  # one of the three waits
    assert finding.suggestion == "needs.suggest.wait_life"


def test_an_application_an_umum_or_another_units_system_already_covers(store, city, admin):
    add(store, admin, APPLICATION,
        {"unit": "DISKOMINFO", "name": "SRIKANDI", "function": "naskah dinas elektronik", "app_type": "Umum"},
        {"unit": "DINKES", "name": "SIMPUS", "function": "rekam medis puskesmas", "app_type": "Khusus"},
        {"unit": UNIT_A, "name": "SIDAK Klojen", "function": "layanan administrasi kecamatan"})
    add_needs(store, admin,
              need_cells(UNIT_A, "Aplikasi naskah dinas elektronik", 150_000_000, category="Aplikasi"),
              need_cells("KEC-SUKUN", "Sistem rekam medis puskesmas", 90_000_000, category="Aplikasi"),
              need_cells(UNIT_A, "Integrasi SIDAK Klojen dengan SRIKANDI", 50_000_000, category="Aplikasi",
                         improves_apps="SIDAK Klojen"),
              need_cells("SETDA", "Aplikasi manajemen aset", 70_000_000, category="Aplikasi"))
    found = {f.item: f for f in find(store, admin, "app_exists")}
    assert set(found) == {"Aplikasi naskah dinas elektronik", "Sistem rekam medis puskesmas"}
    umum = found["Aplikasi naskah dinas elektronik"]
    assert umum.suggestion == "needs.suggest.use_umum"
    assert [e["label"] for e in umum.evidence if e["what"] == "application"] == ["SRIKANDI"]
    assert found["Sistem rekam medis puskesmas"].suggestion == "needs.suggest.share_app"


def test_a_need_already_funded_in_an_earlier_year(store, city, admin, pimpinan):
    add(store, admin, DEVICE, device_cells(UNIT_A, "SN-OLD", purchase_year=2016))
    earlier = add_needs(store, admin,
                        need_cells(UNIT_A, "PC pengganti", 10_000_000, device_category="PC", replaces="SN-OLD",
                                   fiscal_year=NEXT_YEAR - 1),
                        need_cells(UNIT_A, "Aplikasi e-arsip", 80_000_000, category="Aplikasi", fiscal_year=NEXT_YEAR - 1),
                        need_cells(UNIT_A, "Internet kantor", 30_000_000, category="Konektivitas",
                                   fiscal_year=NEXT_YEAR - 1))
    approve(store, admin, earlier)
    with session_scope(store.engine) as s:  # last year's budget, adopted: all three funded
        scenario = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR - 1, name="APBD",
                                        params=budget.Params(ceiling=10**9))
        assert budget.adopt(session=s, viewer=pimpinan, scenario_id=scenario.id, zone=JAKARTA) == 3
    add_needs(store, admin, need_cells(UNIT_A, "Peremajaan PC", 11_000_000, device_category="PC", replaces="SN-OLD"),
              need_cells(UNIT_A, "Pengadaan aplikasi e-Arsip", 85_000_000, category="Aplikasi"),
              need_cells(UNIT_A, "Internet kantor", 32_000_000, category="Konektivitas"),
              need_cells("DINKES", "Aplikasi e-arsip", 85_000_000, category="Aplikasi"))
    found = sorted(find(store, admin, "funded_before"), key=lambda f: f.item)
    assert [f.item for f in found] == ["Pengadaan aplikasi e-Arsip", "Peremajaan PC"]  # not the yearly internet
    assert all(f.unit_ids == [city.units[UNIT_A]] for f in found)
    assert [e["detail"]["year"] for e in found[0].evidence] == [NEXT_YEAR, NEXT_YEAR - 1]
    assert found[0].suggestion == "needs.suggest.check_funded"


def test_a_server_or_hosting_asked_for_while_the_data_centre_has_room(store, city, admin):
    add_needs(store, admin, need_cells(UNIT_A, "Server aplikasi", 150_000_000, category="Infrastruktur",
                                       device_category="Server"),
              need_cells("DINKES", "Sewa hosting VPS", 36_000_000, category="Jasa"),
              need_cells("SETDA", "Printer", 3_000_000, device_category="Printer"))
    assert find(store, admin, "hosting_capacity") == []  # no capacity recorded: nothing to suggest
    with session_scope(store.engine) as s:
        workflow.save_capacity(session=s, viewer=admin, fiscal_year=NEXT_YEAR, vcpu_free=0, ram_gb_free=0,
                            storage_tb_free=0)
    assert find(store, admin, "hosting_capacity") == []  # full
    with session_scope(store.engine) as s:
        workflow.save_capacity(session=s, viewer=admin, fiscal_year=NEXT_YEAR, vcpu_free=48, ram_gb_free=192,
                            storage_tb_free=20)
    found = find(store, admin, "hosting_capacity")
    assert sorted(f.item for f in found) == ["Server aplikasi", "Sewa hosting VPS"]
    assert all(f.evidence[-1]["what"] == "capacity" and f.evidence[-1]["detail"]["vcpu_free"] == 48 for f in found)


def test_rejected_needs_are_not_checked(store, city, admin):
    ids = add_needs(store, admin, need_cells(UNIT_A, "Lisensi antivirus", 400_000, category="Perangkat lunak/lisensi"),
                    need_cells("DINKES", "Lisensi antivirus", 400_000, category="Perangkat lunak/lisensi"))
    assert len(find(store, admin, "shared_item")) == 1
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=ids[1:])
        workflow.review(session=s, viewer=admin, need_ids=ids[1:], decision="rejected", reason="Tercakup Diskominfo")
    assert find(store, admin, "shared_item") == []


def test_an_operator_reads_findings_about_their_own_needs_with_other_units_counted_not_named(
        store, city, admin, operator_a, operator_b):
    add_needs(store, admin, *[need_cells(code, "Lisensi antivirus", 400_000, category="Perangkat lunak/lisensi")
                              for code in ("KEC-KLOJEN", "KEL-KAUMAN", "DINKES", "SETDA")],
              need_cells("DINKES", "Server", 100_000_000, device_category="Server"),
              need_cells("SETDA", "Server", 100_000_000, device_category="Server"))
    with store.session() as s:
        [mine] = checks.find(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR)
        theirs = checks.find(session=s, viewer=operator_b, fiscal_year=NEXT_YEAR)
    assert mine.others == 2
    assert {e["unit"] for e in mine.evidence} == {"Kec. Klojen", "Kel. Kauman"}
    assert (mine.value, mine.saving) == (800_000, 160_000) and len(mine.need_ids) == 2
    assert {f.item for f in theirs} == {"Lisensi antivirus", "Server"}
    assert all(e["unit"] in ("Dinkes", "") for f in theirs for e in f.evidence)


def test_an_operator_is_not_shown_another_units_request_that_their_own_application_covers(store, city, admin,
                                                                                         operator_a, operator_b):
    add(store, admin, APPLICATION, {"unit": UNIT_A, "name": "SIDAK Klojen", "function": "layanan kecamatan"})
    add_needs(store, admin, need_cells("DINKES", "Aplikasi SIDAK", 90_000_000, category="Aplikasi"))
    with store.session() as s:
        assert checks.find(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR) == []
        [theirs] = checks.find(session=s, viewer=operator_b, fiscal_year=NEXT_YEAR)
    assert theirs.kind == "app_exists" and theirs.others == 1
    assert [e["what"] for e in theirs.evidence] == ["need"]  # the other unit's application is not named


def test_the_joint_procurement_discount_is_the_citys_own_figure_with_its_source_and_savings_follow_it(
        store, city, admin, pimpinan):
    add_needs(store, admin, need_cells(UNIT_A, "PC", 10_000_000, device_category="PC"),
              need_cells("DINKES", "PC", 9_000_000, device_category="PC"))
    with store.session() as s:
        default = savings.discount(session=s, viewer=pimpinan)
    assert (default.percent, default.set) == (savings.DEFAULT_DISCOUNT, False)  # the page says it is a default
    with session_scope(store.engine) as s:
        with pytest.raises(PermissionDenied):
            savings.save_discount(session=s, viewer=pimpinan, percent=10, source="Rapat pimpinan")
        for percent, source in ((120, "Konsolidasi 2025"), (10, " ")):
            with pytest.raises(ValidationError):
                savings.save_discount(session=s, viewer=admin, percent=percent, source=source)
        savings.save_discount(session=s, viewer=admin, percent=12.5, source="Konsolidasi PC 2025, Bagian PBJ")
    with store.session() as s:
        stored = savings.discount(session=s, viewer=pimpinan)
        [pcs] = checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("shared_item",))
        [entry] = s.scalars(select(AuditLog).where(AuditLog.table_name == "app_meta"))
    assert (stored.percent, stored.source, stored.set) == (12.5, "Konsolidasi PC 2025, Bagian PBJ", True)
    assert (pcs.value, pcs.saving) == (19_000_000, 1_250_000 + 1_125_000)
    assert entry.new_values == {"joint_procurement_discount": 12.5,
                                "joint_procurement_source": "Konsolidasi PC 2025, Bagian PBJ"}
