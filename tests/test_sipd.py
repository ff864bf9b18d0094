"""The finance office's data: account codes and which need goes under which, the city's standard prices
(SSH) and the budget lines units really had (SIPD exports), read from workbooks shaped like the real ones
(title rows, a group title merged over two header rows, numbers typed as text, subtotal rows), and what
the checks and the RKA export make of them."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from core.errors import ImportRejected, PermissionDenied, ValidationError
from core.inventory.kinds import DEVICE
from core.needs import accounts, budget, checks, rka, sipd
from core.needs.budget import Params
from db.engine import session_scope
from db.models import Unit
from db.needs import BudgetLine, Need, StandardPrice
from tests.conftest import UNIT_A
from tests.inventory import add, device_cells
from tests.monitoring import JAKARTA
from tests.needs import NEXT_YEAR, add_needs, approve, need_cells

LAST_YEAR = NEXT_YEAR - 1


def _xlsx(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ssh_workbook(*items: tuple, title: bool = True) -> bytes:
    """An SSH list as the city publishes it: a title, then code, description, specification, unit, price
    (prices as text, the way they are often typed)."""
    rows = [["STANDAR SATUAN HARGA PEMERINTAH KOTA MALANG TAHUN ANGGARAN 2027"], [], ] if title else []
    rows.append(["No", "Kode Barang", "Uraian Barang", "Spesifikasi", "Satuan", "Harga Satuan (Rp)", "Kode Rekening"])
    for n, item in enumerate(items, start=1):
        rows.append([n, *item, "5.2.02.10.01.0002"])
    return _xlsx(rows, ("A1:G1",) if title else ())


SSH = [("1.1.7.01.03.02.001", "Personal Computer", "Core i5, RAM 16 GB, SSD 512 GB", "Unit", "Rp 12.500.000,00"),
       ("1.1.7.01.03.02.002", "Laptop", "Core i5, RAM 16 GB, 14 inci", "Unit", "15.000.000"),
       ("1.1.7.01.03.06.001", "Printer Laser", "A4, 30 ppm", "Unit", 3_200_000)]


def rka_workbook(*lines: tuple) -> bytes:
    """A unit's RKA detail as SIPD exports it: title rows, the unit, a header whose "Rincian Perhitungan"
    is merged over the four columns named in the row below it, an account subtotal row above its lines."""
    head = ["No", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun", "nama_komponen", "spek_komponen",
            "Rincian Perhitungan", None, None, None]
    rows = [["RINCIAN BELANJA SUB KEGIATAN"], ["SKPD: Kecamatan Klojen"], [], head,
            [None] * 7 + ["koefisien", "satuan", "harga_satuan", "total_harga"]]
    for line in lines:
        rows.append(list(line))
    merges = ["A1:K1", "H4:K4"] + [f"{c}4:{c}5" for c in "ABCDEFG"]
    return _xlsx(rows, tuple(merges))


SUB = "1.02.01.2.07.0006"
LINES = [
    (None, SUB, "Pengadaan Peralatan dan Mesin Lainnya", "5.2.02.10.01.0002", "Belanja Modal Personal Computer",
     None, None, None, None, None, "25.000.000,00"),  # the account's subtotal row: no component, skipped
    (1, SUB, "Pengadaan Peralatan dan Mesin Lainnya", "5.2.02.10.01.0002", "Belanja Modal Personal Computer",
     "Personal Computer", "Core i5", "2 Unit", "Unit", "12.500.000,00", "25.000.000,00"),
    (2, "2.16.03.2.02.0001 Pengelolaan Nama Domain", None, "5.1.02.02.01.0063",
     "Belanja Kawat/Faksimili/Internet/TV Berlangganan", "Langganan internet 100 Mbps", None,
     "1 Paket x 12 Bulan", None, "Rp 4.000.000", "48.000.000"),
    (3, SUB, "Pengadaan Peralatan dan Mesin Lainnya", "5.2.05.08.01.0005", "Belanja Modal Software",
     "Lisensi antivirus endpoint", "1 tahun", "20", "Lisensi", "400000", None),
]


def import_lines(store, viewer, unit: str, year: int, data: bytes, filename: str = "rka.xlsx", dry_run=False):
    with session_scope(store.engine) as s:
        return sipd.import_lines(session=s, viewer=viewer, unit_id=store_unit(s, unit), fiscal_year=year,
                                 table=sipd.read_lines(data, filename), dry_run=dry_run)


def store_unit(session, code: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.code == code))


def import_ssh(store, admin, data: bytes, year: int = NEXT_YEAR, dry_run=False):
    with session_scope(store.engine) as s:
        return sipd.import_standards(session=s, viewer=admin, fiscal_year=year,
                                     table=sipd.read_standards(data, "ssh.xlsx"), dry_run=dry_run)


# Standard prices ------------------------------------------------------------------------------------------

def test_an_ssh_list_is_previewed_then_imported_and_a_new_file_updates_it_by_code(store, city, admin):
    assert import_ssh(store, admin, ssh_workbook(*SSH), dry_run=True) == {"created": 3, "updated": 0, "unchanged": 0}
    with store.session() as s:
        assert sipd.standards(session=s, viewer=admin, fiscal_year=NEXT_YEAR) == []  # a preview writes nothing
    assert import_ssh(store, admin, ssh_workbook(*SSH)) == {"created": 3, "updated": 0, "unchanged": 0}
    cheaper = [SSH[0][:4] + ("12.000.000",), *SSH[1:]]
    assert import_ssh(store, admin, ssh_workbook(*cheaper, title=False)) == {"created": 0, "updated": 1,
                                                                             "unchanged": 2}
    with store.session() as s:
        items = sipd.standards(session=s, viewer=city.viewers["op_a"], fiscal_year=NEXT_YEAR, search="core i5 ram")
    assert [(x.description, x.measure, x.price) for x in items] == [("Personal Computer", "Unit", 12_000_000),
                                                                   ("Laptop", "Unit", 15_000_000)]


def test_an_ssh_file_with_bad_cells_names_each_by_row_and_column_and_writes_nothing(store, city, admin):
    bad = ssh_workbook(SSH[0], ("1.1.7.01.03.02.002", "Laptop", "", "Unit", "lima belas juta"),
                       ("", "Tanpa kode", "", "Unit", 1_000), SSH[0])
    with pytest.raises(ImportRejected) as caught:
        import_ssh(store, admin, bad)
    found = {(p.row, p.column, p.key) for p in caught.value.problems}
    assert found == {(5, "Harga Satuan (Rp)", "cell.not_money"), (6, "Kode Barang", "cell.required"),
                     (7, "Kode Barang", "inventory.duplicate_in_file")}
    with store.session() as s:
        assert s.scalars(select(StandardPrice)).all() == []


def test_only_an_admin_keeps_the_standard_prices(store, city, admin, operator_a, pimpinan):
    for viewer in (operator_a, pimpinan):
        with pytest.raises(PermissionDenied):
            import_ssh(store, viewer, ssh_workbook(*SSH))


def test_a_need_naming_a_standard_item_takes_its_price_and_unit_when_left_empty(store, city, admin):
    import_ssh(store, admin, ssh_workbook(*SSH))
    [need] = add_needs(store, admin, {**need_cells(UNIT_A, "PC staf", 0, device_category="PC", quantity=3),
                                      "unit_price": "", "standard_code": "1.1.7.01.03.02.001"})
    with store.session() as s:
        row = s.get(Need, need)
    assert (row.unit_price, row.measure, row.standard_code) == (12_500_000, "Unit", "1.1.7.01.03.02.001")
    with pytest.raises(ImportRejected) as caught:  # neither a price nor a standard: said which is missing
        add_needs(store, admin, {**need_cells(UNIT_A, "PC lain", 0), "unit_price": ""})
    assert {p.key for p in caught.value.problems} == {"needs.price_required"}
    with pytest.raises(ImportRejected) as caught:
        add_needs(store, admin, {**need_cells(UNIT_A, "PC lain", 0), "standard_code": "9.9.9"})
    assert {p.key for p in caught.value.problems} == {"needs.standard_unknown"}


def test_a_need_priced_above_its_standard_is_flagged_with_the_difference_and_one_at_the_standard_is_not(
        store, city, admin, operator_a):
    import_ssh(store, admin, ssh_workbook(*SSH))
    import_ssh(store, admin, ssh_workbook(("1.1.7.01.03.06.001", "Printer Laser", "", "Unit", 2_000_000)),
               year=NEXT_YEAR + 1)  # a later year's list does not price this year's needs
    above, at, printer, unnamed = add_needs(
        store, admin, {**need_cells(UNIT_A, "PC staf", 14_000_000, quantity=3), "standard_code": "1.1.7.01.03.02.001"},
        {**need_cells(UNIT_A, "Laptop", 15_000_000), "standard_code": "1.1.7.01.03.02.002"},
        {**need_cells(UNIT_A, "Printer", 3_200_000), "standard_code": "1.1.7.01.03.06.001"},
        need_cells("DINKES", "PC tanpa SSH", 99_000_000))
    with store.session() as s:
        found = checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("above_standard",))
        theirs = checks.find(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, kinds=("above_standard",))
    [finding] = found
    assert finding.need_ids == [above] and (finding.value, finding.saving) == (3 * 14_000_000, 3 * 1_500_000)
    standard = next(e for e in finding.evidence if e["what"] == "standard")
    assert standard["detail"]["difference"] == 1_500_000 and standard["detail"]["price"] == 12_500_000
    assert [f.need_ids for f in theirs] == [[above]] and theirs[0].evidence == finding.evidence  # the city's list


# Budget lines from SIPD ---------------------------------------------------------------------------------

def test_a_sipd_rka_export_with_merged_headers_and_text_numbers_reads_into_its_lines(store, city, admin):
    summary = import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(*LINES))
    assert summary == {"lines": 3, "replaced": 0, "skipped": 1, "total": 25_000_000 + 48_000_000 + 8_000_000}
    with store.session() as s:
        rows = sipd.budget_lines(session=s, viewer=admin, unit_id=city.units[UNIT_A], fiscal_year=LAST_YEAR)
    got = {(r.sub_activity, r.sub_activity_name, r.account_code, r.item, r.volume, r.measure, r.unit_price, r.total)
           for r in rows}
    assert got == {
        (SUB, "Pengadaan Peralatan dan Mesin Lainnya", "5.2.02.10.01.0002", "Personal Computer", 2.0, "Unit",
         12_500_000, 25_000_000),
        ("2.16.03.2.02.0001", "Pengelolaan Nama Domain", "5.1.02.02.01.0063", "Langganan internet 100 Mbps", 12.0,
         "Paket x Bulan", 4_000_000, 48_000_000),
        (SUB, "Pengadaan Peralatan dan Mesin Lainnya", "5.2.05.08.01.0005", "Lisensi antivirus endpoint", 20.0,
         "Lisensi", 400_000, 8_000_000)}  # no total given: volume × price


def test_importing_a_units_rka_again_replaces_its_lines_of_that_year_and_no_other(store, city, admin):
    import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(*LINES))
    import_lines(store, admin, UNIT_A, LAST_YEAR - 1, rka_workbook(LINES[1]))
    import_lines(store, admin, "DINKES", LAST_YEAR, rka_workbook(LINES[1]))
    again = import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(*LINES[1:3]))
    assert (again["lines"], again["replaced"]) == (2, 3)
    with store.session() as s:
        counts = sorted((r.unit_id, r.fiscal_year) for r in s.scalars(select(BudgetLine)))
    a, b = city.units[UNIT_A], city.units["DINKES"]
    assert counts == sorted([(a, LAST_YEAR)] * 2 + [(a, LAST_YEAR - 1), (b, LAST_YEAR)])


def test_a_bad_cell_in_a_sipd_export_is_named_by_row_and_column_and_nothing_is_written(store, city, admin):
    bad = rka_workbook(LINES[1], (2, SUB, "", "5.2.x", "", "PC", "", "dua unit", "Unit", "12.500.000", ""),
                       (3, SUB, "", "", "", "", "", "1", "Unit", "satu juta", ""))
    with pytest.raises(ImportRejected) as caught:
        import_lines(store, admin, UNIT_A, LAST_YEAR, bad)
    found = {(p.row, p.column, p.key) for p in caught.value.problems}
    assert found == {(7, "kode_akun", "accounts.bad_code"), (7, "koefisien", "sipd.bad_volume"),
                     (8, "nama_komponen", "cell.required"), (8, "harga_satuan", "cell.not_money")}
    with store.session() as s:
        assert s.scalars(select(BudgetLine)).all() == []


def test_an_operator_imports_and_reads_their_own_units_lines_only(store, city, admin, operator_a):
    import_lines(store, operator_a, UNIT_A, LAST_YEAR, rka_workbook(*LINES))
    import_lines(store, admin, "DINKES", LAST_YEAR, rka_workbook(LINES[1]))
    with store.session() as s:
        assert len(sipd.budget_lines(session=s, viewer=operator_a, unit_id=city.units[UNIT_A],
                                     fiscal_year=LAST_YEAR)) == 3
        with pytest.raises(PermissionDenied):
            sipd.budget_lines(session=s, viewer=operator_a, unit_id=city.units["DINKES"], fiscal_year=LAST_YEAR)
        with pytest.raises(PermissionDenied):
            accounts.usual_sub_activities(session=s, viewer=operator_a, unit_id=city.units["DINKES"])
        assert {code for _y, code, *_r in sipd.line_years(session=s, viewer=operator_a)} == {UNIT_A}
        usual = accounts.usual_sub_activities(session=s, viewer=operator_a, unit_id=city.units[UNIT_A])
    assert usual[0] == (SUB, "Pengadaan Peralatan dan Mesin Lainnya", 2)
    with pytest.raises(PermissionDenied):
        import_lines(store, operator_a, "DINKES", LAST_YEAR, rka_workbook(*LINES))


# What the checks make of them ------------------------------------------------------------------------------

def test_funded_before_finds_the_units_own_line_of_an_earlier_year_and_leaves_the_rest_alone(store, city, admin):
    import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(*LINES))
    import_lines(store, admin, "DINKES", LAST_YEAR, rka_workbook(*LINES))
    import_lines(store, admin, "SETDA", NEXT_YEAR, rka_workbook(*LINES))  # this year's own budget: not "before"
    licence, internet, other, setda = add_needs(
        store, admin, need_cells(UNIT_A, "Pengadaan lisensi antivirus endpoint", 400_000, quantity=20,
                                 category="Perangkat lunak/lisensi"),
        need_cells(UNIT_A, "Langganan internet 100 Mbps", 4_000_000, quantity=12, category="Konektivitas"),
        need_cells("KEC-SUKUN", "Lisensi antivirus endpoint", 400_000, category="Perangkat lunak/lisensi"),
        need_cells("SETDA", "Lisensi antivirus endpoint", 400_000, category="Perangkat lunak/lisensi"))
    with store.session() as s:
        found = checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("funded_before",))
    [finding] = found  # not the recurring internet, not a unit that had no such line, not this year's line
    assert finding.need_ids == [licence] and (finding.value, finding.saving) == (8_000_000, 8_000_000)
    [line] = [e for e in finding.evidence if e["what"] == "budget_line"]
    assert line["label"] == "Lisensi antivirus endpoint" and line["detail"]["year"] == LAST_YEAR
    assert line["unit_id"] == city.units[UNIT_A]


def test_lines_outside_the_ict_accounts_are_not_compared(store, city, admin):
    """A unit may import its whole RKA: a line under an account that is no ICT account of the chart (here
    office stationery) is no ICT need's double, whatever its name."""
    stationery = (1, SUB, "", "5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
                  "Lisensi antivirus endpoint", "", "20", "Lisensi", "400000", "8000000")
    import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(stationery))
    add_needs(store, admin, need_cells(UNIT_A, "Lisensi antivirus endpoint", 400_000, quantity=20,
                                       category="Perangkat lunak/lisensi"))
    with store.session() as s:
        assert checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("funded_before",)) == []
    import_lines(store, admin, UNIT_A, LAST_YEAR, rka_workbook(LINES[3]))  # the same line under the software code
    with store.session() as s:
        assert len(checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("funded_before",))) == 1


def test_joint_procurement_reads_what_other_units_budget_this_year_and_last(store, city, admin, operator_a):
    import_lines(store, admin, "DINKES", NEXT_YEAR, rka_workbook(*LINES))
    import_lines(store, admin, "SETDA", LAST_YEAR - 1, rka_workbook(*LINES))  # too long ago to buy together
    [need] = add_needs(store, admin, need_cells(UNIT_A, "Lisensi antivirus endpoint", 400_000, quantity=20,
                                                category="Perangkat lunak/lisensi"))
    with store.session() as s:
        [finding] = checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("shared_item",))
        [theirs] = checks.find(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, kinds=("shared_item",))
    assert finding.need_ids == [need] and finding.unit_ids == sorted([city.units[UNIT_A], city.units["DINKES"]])
    # The need's Rupiah is involved (the other unit's line is evidence); buying jointly saves the discount.
    assert (finding.value, finding.saving) == (8_000_000, 1_600_000)
    assert {e["what"] for e in finding.evidence} == {"need", "budget_line"}
    assert theirs.others == 1 and {e["what"] for e in theirs.evidence} == {"need"}  # counted, not named


def test_the_headline_counts_a_need_once_with_its_largest_saving_and_keeps_savings_apart_from_double_budget(
        store, city, admin):
    add(store, admin, DEVICE, device_cells(UNIT_A, "SN-SPARE", status="Cadangan", condition="Baik"),
        device_cells(UNIT_A, "SN-NEW", purchase_year=NEXT_YEAR - 2))
    [pc, other] = add_needs(store, admin, need_cells(UNIT_A, "PC pengganti", 10_000_000, quantity=2,
                                                     device_category="PC", replaces="SN-NEW"),
                            need_cells("DINKES", "PC", 9_000_000, device_category="PC"))
    with store.session() as s:
        found = checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR)
    kinds = sorted(f.kind for f in found if pc in f.need_ids)
    assert kinds == ["device_in_life", "device_spare", "shared_item"]
    sums = checks.totals(found)
    # The spare and the young device each stand for one of the two PCs: Rp 10 juta saved of the 20 involved.
    assert sums["double"] == {"findings": 2, "needs": 1, "value": 20_000_000, "saving": 10_000_000}
    # Bought jointly: 20 % (the default discount) of both units' PCs, not their whole value.
    assert sums["savings"] == {"findings": 1, "needs": 2, "value": 29_000_000, "saving": 4_000_000 + 1_800_000}
    # Together each PC need counts once, with its largest saving (the spare's 10 juta, not 10 + 10 + 4).
    assert sums["all"] == {"findings": 3, "needs": 2, "value": 29_000_000, "saving": 10_000_000 + 1_800_000}
    assert [f.group for f in found] == ["double", "double", "savings"]  # what a unit can act on first


# Account codes and the RKA ---------------------------------------------------------------------------------

def test_the_capitalisation_threshold_decides_capital_or_goods_and_a_device_rule_wins(store, city, admin, operator_a):
    with store.session() as s:
        chart = accounts.chart(session=s, viewer=operator_a)
    assert not chart.threshold_set and chart.threshold == accounts.DEFAULT_THRESHOLD
    assert chart.account("hardware", "pc", 1_000_000) == "5.2.02.10.01.0002"  # at the threshold: capital
    assert chart.account("hardware", "pc", 999_999) == "5.1.02.01.01.0029"
    assert chart.account("hardware", "cctv", 5_000_000) == "5.2.02.10.02.0005"  # no rule of its own: the category's
    assert chart.account("training", "", 50_000_000) == "5.1.02.02.12.0001"  # never capital
    with session_scope(store.engine) as s:
        accounts.save_threshold(session=s, viewer=admin, amount=2_500_000)
    with store.session() as s:
        chart = accounts.chart(session=s, viewer=operator_a)
    assert chart.threshold_set and chart.account("hardware", "pc", 2_000_000) == "5.1.02.01.01.0029"
    with pytest.raises(ValidationError), session_scope(store.engine) as s:
        accounts.save_threshold(session=s, viewer=admin, amount=0)


def test_an_admin_edits_the_mapping_and_a_bad_row_is_named_and_nothing_saved(store, city, admin, operator_a):
    with session_scope(store.engine) as s:
        done = accounts.save_codes(session=s, viewer=admin, rows=[
            {"code": "5.2.02.10.02.0006", "name": "Belanja Modal Peralatan CCTV", "kind": "capital"}])
        accounts.save_rules(session=s, viewer=admin, rows=[
            {"category": "hardware", "device_category": "cctv", "capital_code": "5.2.02.10.02.0006",
             "goods_code": "5.1.02.01.01.0029"}])
    assert done["created"] == 1
    with pytest.raises(ImportRejected) as caught, session_scope(store.engine) as s:
        accounts.save_rules(session=s, viewer=admin, rows=[
            {"category": "hardware", "device_category": "pc", "capital_code": "5.2.02.10.01.0002",
             "goods_code": "5.1.02.01.01.0028"},
            {"category": "makanan", "device_category": "", "capital_code": "", "goods_code": "5.1.02.01.01.0029"}])
    assert {(p.row, p.column, p.key) for p in caught.value.problems} == {
        (1, "goods_code", "accounts.unknown_code"), (2, "category", "cell.not_in_list")}
    with store.session() as s:
        chart = accounts.chart(session=s, viewer=admin)
    assert chart.account("hardware", "cctv", 5_000_000) == "5.2.02.10.02.0006"
    assert chart.account("hardware", "pc", 500_000) == "5.1.02.01.01.0029"  # the refused edit left it alone
    with pytest.raises(PermissionDenied), session_scope(store.engine) as s:
        accounts.save_rules(session=s, viewer=operator_a, rows=[])


def _rka(store, viewer, params, scenario_id=None, fmt="xlsx"):
    with store.session() as s:
        return rka.export(session=s, viewer=viewer, fiscal_year=NEXT_YEAR, params=params, scenario_id=scenario_id,
                          zone=JAKARTA, org_name="Kota Uji", fmt=fmt)


def _planned(store, admin):
    ids = add_needs(
        store, admin,
        need_cells(UNIT_A, "PC desktop", 10_000_000, quantity=3, device_category="PC", sub_activity=SUB, priority=1),
        need_cells(UNIT_A, "Printer laser", 3_200_000, quantity=2, device_category="Printer", sub_activity=SUB),
        need_cells(UNIT_A, "Flashdisk 64 GB", 150_000, quantity=673, sub_activity=SUB),
        need_cells(UNIT_A, "Pelatihan keamanan informasi", 25_000_000, category="Pelatihan/SDM",
                   sub_activity="2.16.03.2.02.0001"),
        need_cells("DINKES", "Laptop", 15_000_000, quantity=4, device_category="Laptop"),
        need_cells("DINKES", "Langganan internet", 4_000_000, quantity=12, category="Konektivitas", measure="bulan"))
    approve(store, admin, ids)
    return ids


def test_every_subtotal_of_the_rka_adds_up_and_volumes_are_whole_numbers(store, city, admin, pimpinan):
    _planned(store, admin)
    book = load_workbook(io.BytesIO(_rka(store, pimpinan, Params(ceiling=10**10, escalation=3.7))))
    sheet = book["Rincian Belanja"]
    rows = [r for r in sheet.iter_rows(min_row=7, values_only=True) if any(v is not None for v in r)]
    items = [r for r in rows if r[0] and r[0].count(".") == 3]
    for r in items:  # volume × unit price is the amount, to the rupiah, and volumes are whole
        assert isinstance(r[4], int) and r[4] * r[6] == r[7]
    for depth in range(3):  # every unit, sub-activity and account subtotal re-added from the items under it
        for r in (x for x in rows if x[0] and x[0].count(".") == depth):
            under = [i for i in items if i[0].startswith(r[0] + ".")]
            assert under and r[7] == sum(i[7] for i in under), r
    assert rows[-1][2] == "JUMLAH TOTAL" and rows[-1][7] == sum(i[7] for i in items)
    flash = next(r for r in items if r[2] == "Flashdisk 64 GB")
    assert flash[4] == 673 and flash[5] == "unit"
    assert next(c for c in sheet.iter_rows(min_row=7) if c[2].value == "Flashdisk 64 GB")[4].number_format == "#,##0"
    internet = next(r for r in items if r[2] == "Langganan internet")
    assert internet[5] == "bulan"
    accounts_of = {r[2]: next(a[1] for a in rows if a[0] == r[0].rsplit(".", 1)[0]) for r in items}
    assert accounts_of["PC desktop"] == "5.2.02.10.01.0002" and accounts_of["Flashdisk 64 GB"] == "5.1.02.01.01.0029"
    assert accounts_of["Printer laser"] == "5.2.02.10.02.0003"


def test_the_rka_is_set_up_to_print_landscape_page_wide_with_repeated_headers_and_page_numbers(store, city, admin,
                                                                                             pimpinan):
    _planned(store, admin)
    sheet = load_workbook(io.BytesIO(_rka(store, pimpinan, Params(ceiling=10**10))))["Rincian Belanja"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$5:$6" and sheet.cell(row=5, column=3).value == "Uraian"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


def test_an_export_is_titled_by_the_saved_scenario_only_while_its_rules_are_the_ones_applied(store, city, admin,
                                                                                           pimpinan):
    _planned(store, admin)
    saved = Params(ceiling=60_000_000)
    with session_scope(store.engine) as s:
        scenario = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name="Pagu 60 juta",
                                        params=saved).id

    def title(params):
        summary = load_workbook(io.BytesIO(_rka(store, pimpinan, params, scenario)))["Ringkasan"]
        return summary["A3"].value

    assert title(saved).startswith("Skenario: Pagu 60 juta")
    assert title(Params(ceiling=61_000_000)).startswith("Skenario: Aturan belum disimpan")


def test_the_sipd_csv_holds_the_funded_lines_in_sipd_columns_and_reads_back_as_the_same_lines(store, city, admin,
                                                                                            pimpinan):
    _planned(store, admin)
    data = _rka(store, pimpinan, Params(ceiling=10**10), fmt="csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(rka.SIPD_COLUMNS)
    pc = next(r for r in rows if r["nama_komponen"] == "PC desktop")
    assert (pc["kode_sub_giat"], pc["kode_akun"], pc["koefisien"], pc["harga_satuan"], pc["total_harga"]) == (
        SUB, "5.2.02.10.01.0002", "3", "10000000", "30000000")
    assert pc["nama_akun"] == "Belanja Modal Personal Computer"
    summary = import_lines(store, admin, "SETDA", NEXT_YEAR, data, "rka-tik-sipd.csv")
    assert summary["lines"] == len(rows) and summary["total"] == sum(int(r["total_harga"]) for r in rows)
