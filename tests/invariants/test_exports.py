"""Every download of every page, with formula-like text in every free-text field of the demo city: no cell of
an .xlsx is a formula, every text that starts like one is a quote-prefixed string cell, and no CSV cell starts
with = + - @ or a tab/CR without its apostrophe (issue 30, item 11)."""

import csv
import io
from datetime import date
from itertools import cycle

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from core import export
from core.evaluation import evidence, frameworks, national, report
from core.evaluation.periods import list_periods
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.monitoring import targets
from core.needs import budget, rka, workflow
from core.needs.kind import NEED
from core.publish import opendata
from core.records import roundtrip
from db.evaluation import Assessment
from tests.invariants.conftest import JAKARTA

PAYLOADS = ["=HYPERLINK(\"http://contoh.test\",\"klik\")", "+62 812 0000", "-SUM(A1:A9)", "@gudang", "=1+1"]
# Free text people type (names, descriptions, notes), never codes or states the app reads back as keys.
FREE_TEXT = {
    "device": ["brand_model", "serial_number", "asset_tag", "location", "funding_source"],
    "staff": ["name", "certifications"],
    "application": ["name", "function", "url", "data_held"],
    "need": ["item", "justification", "review_note"],
    "target": ["name"],
    "digital_service": ["name", "description"],
    "unit": ["name", "short_name", "head_name", "address"],
    "assessment_answer": ["justification", "verify_reason", "source"],
    "budget_line": ["sub_activity_name", "account_name", "item", "specification"],
    "standard_price": ["description", "specification"],
    "service_update": ["message"],
    "feedback": ["comment"],
}
ORG = "Pemerintah Kota Malang"


def seed(city) -> None:
    """Formula-like text into every free-text field, each row its own payload (a suffix keeps them unique)."""
    payloads = cycle(PAYLOADS)
    with city.engine.begin() as conn:
        for table, columns in FREE_TEXT.items():
            ids = [row[0] for row in conn.execute(text(f'SELECT id FROM "{table}"'))]
            for row_id in ids:
                values = {c: f"{next(payloads)} {row_id}" for c in columns}
                sets = ", ".join(f'"{c}" = :{c}' for c in columns)
                conn.execute(text(f'UPDATE "{table}" SET {sets} WHERE id = :id'), {**values, "id": row_id})


SEEN = {"cells": 0}  # formula-like cells met: the seed reached the files (a scan of nothing proves nothing)


def xlsx_problems(name: str, data: bytes) -> list[str]:
    problems = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{name}:{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where} is a formula: {cell.value!r}")
                elif export.formula_like(cell.value):
                    SEEN["cells"] += 1
                    if not (cell.data_type == "s" and cell.quotePrefix):
                        problems.append(f"{where} starts like a formula without the quote prefix: {cell.value!r}")
    return problems


def csv_problems(name: str, data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    SEEN["cells"] += sum(1 for row in rows for value in row if value.startswith("'") and export.formula_like(value[1:]))
    return [f"{name}: row {n} {value!r}" for n, row in enumerate(rows, 1) for value in row
            if export.formula_like(value)]


@pytest.mark.only_store("sqlite")
def test_no_download_hands_a_spreadsheet_a_formula(demo_copy):
    seed(demo_copy)
    admin = demo_copy.viewer("admin")
    found, files = [], 0

    def check(name: str, data: bytes, fmt: str) -> None:
        nonlocal files
        files += 1
        found.extend(xlsx_problems(name, data) if fmt == "xlsx" else csv_problems(name, data))

    with demo_copy.session() as s:
        seeded = s.scalar(select(Assessment.id))  # the seed reached the store
        assert seeded is not None
        for kind in (DEVICE, STAFF, APPLICATION, NEED):  # Perangkat, SDM TIK, Aplikasi, Kebutuhan TIK
            for fmt in ("xlsx", "csv"):
                check(f"{kind.name}.{fmt}", roundtrip.export(session=s, viewer=admin, kind=kind, fmt=fmt), fmt)
        rows = targets.export_rows(session=s, viewer=admin)  # Admin → Target
        check("targets.csv", export.to_csv(rows, [(k, k) for k in rows[0]]), "csv")
        periods = list_periods(session=s, viewer=admin)
        for period in periods:  # Ringkasan Kota, Verifikasi (the national workbook), Evaluasi (generated evidence)
            check(f"report-{period.year}.xlsx", report.build(session=s, viewer=admin, period_id=period.id,
                                                             kind="xlsx", lang="id", zone=JAKARTA, org_name=ORG),
                  "xlsx")
            check(f"national-{period.year}.xlsx", national.workbook(session=s, viewer=admin, period_id=period.id,
                                                                    lang="id", zone=JAKARTA, org_name=ORG), "xlsx")
            offers = [(node.number, kind) for node in frameworks.of_period(s, period).indicators()
                      for kind in node.evidence]
            for indicator, kind in offers:
                _name, data = evidence.generate(session=s, viewer=admin, period_id=period.id, unit_id=None,
                                                indicator=indicator, kind=kind, fmt="xlsx", lang="id", zone=JAKARTA,
                                                org_name=ORG)
                check(f"evidence-{period.year}-{indicator}-{kind}.xlsx", data, "xlsx")
        month = date.today().replace(day=1)
        _name, data = evidence.sla_report(session=s, viewer=admin, month=month, service_id=None, fmt="xlsx",
                                          lang="id", zone=JAKARTA, org_name=ORG)  # SLA Layanan
        check("sla.xlsx", data, "xlsx")
        for year in workflow.years(session=s, viewer=admin):  # Skenario Anggaran: the RKA and its SIPD CSV
            params = budget.Params(ceiling=10**13)
            for fmt in ("xlsx", "csv"):
                check(f"rka-{year}.{fmt}", rka.export(session=s, viewer=admin, fiscal_year=year, params=params,
                                                      zone=JAKARTA, org_name=ORG, fmt=fmt), fmt)
        for name in opendata.NAMES:  # the public open data
            check(f"{name}.csv", opendata.as_csv(opendata.build(s, name, JAKARTA, ORG)), "csv")
    assert found == [], found[:20]
    assert files >= 20 and SEEN["cells"] > 1000, (files, SEEN)
