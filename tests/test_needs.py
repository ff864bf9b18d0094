"""Needs per unit and fiscal year: entry through the inventory machinery, the Excel round trip with the
inventory's rules, and the review workflow with its audit trail and who may do what at each step."""

import io

import pytest
from openpyxl import load_workbook

from core import audit
from core.errors import ImportRejected, NotFound, PermissionDenied, ValidationError
from core.inventory.kinds import APPLICATION, DEVICE
from core.needs import workflow
from core.needs.kind import NEED
from core.records import listing, roundtrip, save
from core.records.save import Change
from db.engine import session_scope
from tests.conftest import UNIT_A
from tests.inventory import add, device_cells, workbook
from tests.needs import NEXT_YEAR, add_needs, approve, need_cells


def rows_of(store, viewer, **filters):
    with store.session() as s:
        return listing.list_records(session=s, viewer=viewer, kind=NEED, **filters)


def test_a_unit_enters_its_needs_and_reads_them_with_total_and_draft_status(store, city, operator_a):
    add(store, operator_a, DEVICE, device_cells(UNIT_A, "SN-OLD-1", purchase_year=2015))
    add(store, operator_a, APPLICATION, {"unit": UNIT_A, "name": "SIDAK Klojen"})
    add_needs(store, operator_a, need_cells(UNIT_A, "PC pengganti", 12_500_000, quantity=3, device_category="PC",
                                            replaces="SN-OLD-1", priority=1, justification="Sudah lewat masa manfaat"),
              need_cells(UNIT_A, "Integrasi SIDAK", 80_000_000, category="Aplikasi", improves_apps="SIDAK Klojen",
                         indicators="Aplikasi terintegrasi"),
              need_cells(UNIT_A, "Pelatihan keamanan", 5_000_000, category="Pelatihan/SDM",
                         competence_areas="Keamanan SPBE"))  # the area's label before 8/2026 still reads
    pc, app, training = rows_of(store, operator_a)
    assert (pc["total"], pc["status"], pc["replaces"], pc["priority"]) == (37_500_000, "Draf", "SN-OLD-1", 1)
    assert (app["improves_apps"], app["category"]) == ("SIDAK Klojen", "Aplikasi")
    assert training["competence_areas"] == "Keamanan Pemerintah Digital"


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written(store, city, operator_a, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-DINKES"))  # another unit's device
    bad = [need_cells(UNIT_A, "Baik", 1_000_000),
           need_cells(UNIT_A, "Prioritas salah", 1_000_000, priority=7),
           need_cells(UNIT_A, "", 1_000_000),
           need_cells(UNIT_A, "Kategori asing", 1_000_000, category="Perabot"),
           need_cells(UNIT_A, "Perangkat unit lain", 1_000_000, device_category="PC", replaces="SN-DINKES"),
           need_cells(UNIT_A, "Ganti tanpa jenis", 1_000_000, replaces="SN-X"),
           need_cells(UNIT_A, "Tanpa harga", None)]
    with pytest.raises(ImportRejected) as caught:
        add_needs(store, operator_a, *bad)
    found = {(p.row, p.column, p.key) for p in caught.value.problems}
    assert (3, "Prioritas", "cell.out_of_range") in found
    assert (4, "Uraian kebutuhan", "cell.required") in found
    assert (5, "Kategori", "cell.not_in_list") in found
    assert (6, "Perangkat yang diganti", "cell.device_unknown") in found  # another unit's serial is unknown here
    assert (7, "Perangkat yang diganti", "cell.device_unknown") in found
    assert (8, "Harga satuan", "needs.price_required") in found
    assert not any(row == 2 for row, _c, _k in found)
    assert rows_of(store, operator_a) == []


def test_a_workbook_exported_imports_back_unchanged_and_an_edited_one_updates_in_place(store, city, operator_a):
    add_needs(store, operator_a, need_cells(UNIT_A, "Laptop staf", 15_000_000, quantity=2, device_category="Laptop"),
              need_cells(UNIT_A, "Internet cadangan", 20_000_000, category="Konektivitas", mandatory="ya",
                         indicators="Ketersediaan infrastruktur"))
    with store.session() as s:
        data = roundtrip.export(session=s, viewer=operator_a, kind=NEED, fmt="xlsx", fiscal_year=NEXT_YEAR)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    with session_scope(store.engine) as s:
        table = roundtrip.read_upload(workbook(rows, "Kebutuhan TIK"), "kebutuhan.xlsx", NEED)
        assert roundtrip.import_upload(session=s, viewer=operator_a, kind=NEED, table=table) == \
            {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    header = rows[0]
    rows[1][header.index("Volume")] = 5
    rows[2][header.index("Prioritas")] = 1
    with session_scope(store.engine) as s:
        table = roundtrip.read_upload(workbook(rows, "Kebutuhan TIK"), "kebutuhan.xlsx", NEED)
        assert roundtrip.import_upload(session=s, viewer=operator_a, kind=NEED, table=table)["updated"] == 2
    laptop, internet = rows_of(store, operator_a)
    assert (laptop["quantity"], laptop["total"], internet["priority"], internet["mandatory"]) == (5, 75_000_000, 1, "ya")


def test_the_same_item_twice_in_one_file_is_refused_but_another_year_is_another_need(store, city, operator_a):
    with pytest.raises(ImportRejected) as caught:
        add_needs(store, operator_a, need_cells(UNIT_A, "Printer", 3_000_000), need_cells(UNIT_A, "printer ", 3_000_000))
    assert {p.key for p in caught.value.problems} == {"inventory.duplicate_in_file"}
    add_needs(store, operator_a, need_cells(UNIT_A, "Printer", 3_000_000),
              need_cells(UNIT_A, "Printer", 3_000_000, fiscal_year=NEXT_YEAR + 1))
    assert len(rows_of(store, operator_a)) == 2


def test_workflow_submit_lock_revise_resubmit_approve_each_step_audited(store, city, operator_a, admin):
    [need_id] = add_needs(store, operator_a, need_cells(UNIT_A, "Switch 24 port", 9_000_000))
    with session_scope(store.engine) as s:
        assert workflow.submit(session=s, viewer=operator_a, need_ids=[need_id]) == 1
    with pytest.raises(ImportRejected) as caught:  # submitted: the unit can no longer change it
        with session_scope(store.engine) as s:
            save.save_records(session=s, viewer=operator_a, kind=NEED,
                                   changes=[Change(1, {"quantity": 4}, need_id)])
    assert {p.key for p in caught.value.problems} == {"needs.locked"}
    with session_scope(store.engine) as s, pytest.raises(ValidationError) as refused:
        workflow.review(session=s, viewer=admin, need_ids=[need_id], decision="revised", reason="  ")
    assert refused.value.key == "needs.reason_required"
    with session_scope(store.engine) as s:
        workflow.review(session=s, viewer=admin, need_ids=[need_id], decision="revised", reason="Harga di atas SSH")
    [row] = rows_of(store, operator_a)
    assert (row["status"], row["review_note"]) == ("Revisi", "Harga di atas SSH")
    with session_scope(store.engine) as s:  # sent back: the unit edits and submits again
        save.save_records(session=s, viewer=operator_a, kind=NEED,
                               changes=[Change(1, {"unit_price": "Rp 7.500.000"}, need_id)])
        workflow.submit(session=s, viewer=operator_a, need_ids=[need_id])
        workflow.review(session=s, viewer=admin, need_ids=[need_id], decision="approved")
    [row] = rows_of(store, operator_a)
    assert (row["status"], row["total"]) == ("Disetujui", 7_500_000)
    with store.session() as s:
        trail = [(e.action, (e.new_values or {}).get("status"), e.actor) for e in sorted(
            audit.list_audit(session=s, viewer=admin, table="need", row_id=need_id), key=lambda e: e.id)]
    assert trail == [("create", None, "op_a"), ("submit", "submitted", "op_a"), ("revised", "revised", "admin"),
                     ("update", None, "op_a"), ("submit", "submitted", "op_a"), ("approved", "approved", "admin")]


def test_who_may_do_what_at_each_step(store, city, operator_a, operator_b, admin, pimpinan, presenter):
    [mine] = add_needs(store, operator_a, need_cells(UNIT_A, "UPS", 2_000_000))
    [theirs] = add_needs(store, operator_b, need_cells("DINKES", "UPS", 2_000_000))
    with session_scope(store.engine) as s:
        with pytest.raises(NotFound):
            workflow.submit(session=s, viewer=operator_a, need_ids=[theirs])
        for viewer in (pimpinan, presenter):
            with pytest.raises(PermissionDenied):
                workflow.submit(session=s, viewer=viewer, need_ids=[mine])
        for viewer in (operator_a, pimpinan, presenter):
            with pytest.raises(PermissionDenied):
                workflow.review(session=s, viewer=viewer, need_ids=[mine], decision="approved")
        with pytest.raises(ValidationError) as early:  # Kominfo decides only on what was submitted
            workflow.review(session=s, viewer=admin, need_ids=[mine], decision="approved")
        assert early.value.key == "needs.not_reviewable"
    approve(store, admin, [mine])
    with session_scope(store.engine) as s, pytest.raises(ValidationError) as again:
        workflow.submit(session=s, viewer=operator_a, need_ids=[mine])
    assert again.value.key == "needs.not_submittable"
    with pytest.raises(ImportRejected):  # approved: deleting it is refused to the unit too
        with session_scope(store.engine) as s:
            save.save_records(session=s, viewer=operator_a, kind=NEED, changes=[], deletes=[mine])
    with session_scope(store.engine) as s:  # Kominfo may correct an approved need
        save.save_records(session=s, viewer=admin, kind=NEED,
                               changes=[Change(1, {"quantity": 2}, mine)])


def test_status_counts_and_years_stay_inside_the_viewers_units(store, city, operator_a, admin):
    add_needs(store, admin, need_cells(UNIT_A, "A", 1_000_000), need_cells("DINKES", "B", 2_000_000),
              need_cells("DINKES", "C", 3_000_000, fiscal_year=NEXT_YEAR + 1))
    with store.session() as s:
        mine = {c.status: (c.needs, c.total) for c in workflow.status_counts(session=s, viewer=operator_a,
                                                                           fiscal_year=NEXT_YEAR)}
        theirs = workflow.status_counts(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR,
                                     unit_ids=[city.units["DINKES"]])
        assert mine["draft"] == (1, 1_000_000)
        assert all(c.needs == 0 for c in theirs)
        assert workflow.years(session=s, viewer=operator_a) == [NEXT_YEAR]
        assert workflow.years(session=s, viewer=admin) == [NEXT_YEAR + 1, NEXT_YEAR]
        with pytest.raises(NotFound):
            workflow.get_need(session=s, viewer=operator_a, need_id=max(r["id"] for r in rows_of(store, admin)))


def test_data_centre_capacity_is_admins_to_set_and_audited(store, city, admin, pimpinan):
    with session_scope(store.engine) as s:
        workflow.save_capacity(session=s, viewer=admin, fiscal_year=NEXT_YEAR, vcpu_free=64, ram_gb_free=256,
                            storage_tb_free=12.5, note="Klaster VM")
        with pytest.raises(PermissionDenied):
            workflow.save_capacity(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, vcpu_free=1, ram_gb_free=1,
                                storage_tb_free=1)
        with pytest.raises(ValidationError):
            workflow.save_capacity(session=s, viewer=admin, fiscal_year=NEXT_YEAR, vcpu_free=-1, ram_gb_free=1,
                                storage_tb_free=1)
    with store.session() as s:
        room = workflow.capacity(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR)
        assert (room.vcpu_free, room.storage_tb_free, room.updated_by) == (64, 12.5, "admin")
        assert [e.action for e in audit.list_audit(session=s, viewer=admin, table="data_centre_capacity")] == ["update"]
