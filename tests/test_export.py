"""Exports: a cell that starts like a formula is quoted; secrets never leave the store."""

import csv
import io

import pytest

from core.export import safe_cell, to_csv
from core.monitoring import targets
from tests.monitoring import add_target


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_like_cells_are_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Dinas Kesehatan", "127.0.0.1", 42, None, ""])
def test_ordinary_cells_pass_unchanged(value):
    assert safe_cell(value) == value


def test_csv_has_a_bom_for_excel_and_quoted_formulas():
    data = to_csv([{"name": "=1+1", "host": "10.0.0.1"}], [("name", "Nama"), ("host", "Host")])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Nama", "Host"], ["'=1+1", "10.0.0.1"]]


def test_target_export_leaves_out_snmp_secrets(store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="=cmd|' /C calc'!A0", kind="snmp",
               options={"version": "3", "user": "monev", "auth_key": "rahasia-auth", "priv_key": "rahasia-priv"})
    with store.session() as s:
        rows = targets.export_rows(session=s, viewer=admin)
    data = to_csv(rows, [(k, k) for k in rows[0]]).decode("utf-8-sig")
    assert "rahasia" not in data and "user=monev" in data
    assert "'=cmd" in data
