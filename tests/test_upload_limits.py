"""No upload can take the server down: limits checked before a file is read, workbooks read as they are
(not as they declare themselves), and every broken file ends in the problem list with a sentence."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest

from core.errors import ImportRejected
from core.inventory.kinds import DEVICE
from core.records import roundtrip
from core.records.sheets import DEFAULT_LIMITS, Limits
from tests.inventory import workbook

MB = 2**20


def problems_of(content: bytes, filename: str = "isian.xlsx", limits: Limits = DEFAULT_LIMITS) -> list:
    with pytest.raises(ImportRejected) as caught:
        roundtrip.read_upload(content, filename, DEVICE, limits)
    return caught.value.problems


def rewritten(content: bytes, change) -> bytes:
    """The workbook with its sheet XML passed through `change`."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename.startswith("xl/worksheets/") else data)
    return out.getvalue()


def measured(fn):
    """(result or exception, seconds, peak MB of Python memory) of one call."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = fn()
    except ImportRejected as exc:
        result = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return result, seconds, peak


def test_a_5_kb_workbook_declaring_a_whole_sheet_reads_as_the_cells_it_has():
    content = workbook([["Kode unit", "Nomor seri"], ["DINKES", "SN-1"]])
    content = rewritten(content, lambda xml: re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
                        .replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                                  b"</row></sheetData>"))
    assert len(content) < 8 * 1024
    table, seconds, peak = measured(lambda: roundtrip.read_upload(content, "bom.xlsx", DEVICE))
    # The stray cell in the last row, in a column with no header, is data nobody can name: a bounded read
    # that still reports what it found, instead of 17 billion padded cells.
    assert seconds < 10 and peak < 150, (seconds, peak)
    if isinstance(table, ImportRejected):
        assert all(p.key.startswith("import.") for p in table.problems)
    else:
        assert [row for _line, row in table.rows][0]["serial_number"] == "SN-1"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * MB
            for _ in range(300):
                sheet.write(chunk)
    content = out.getvalue()
    assert len(content) < 2 * MB
    result, seconds, peak = measured(lambda: problems_of(content))
    assert [p.key for p in result] == ["import.zip_bomb"] and "300,0 MB" in result[0].message("id")
    assert seconds < 2 and peak < 50


def test_a_workbook_with_broken_sheet_xml_ends_in_the_problem_list():
    content = rewritten(workbook([["Kode unit", "Nomor seri"], ["DINKES", "SN-1"]]), lambda xml: xml[: len(xml) // 2])
    assert [p.key for p in problems_of(content)] in (["import.excel_broken"], ["import.not_excel"])


def test_a_file_that_is_not_a_zip_at_all_is_not_excel():
    assert [p.key for p in problems_of(b"PK\x03\x04 not really")] == ["import.not_excel"]


def test_a_csv_field_longer_than_the_csv_reader_takes_is_a_problem_with_its_row():
    content = ("Kode unit;Nomor seri\nDINKES;SN-1\nDINKES;" + "x" * 200_000 + "\n").encode()
    [problem] = problems_of(content, "isian.csv")
    assert problem.key == "import.csv_broken" and problem.row == 3


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    content = workbook([["Kode unit", "Nomor seri"]] + [["DINKES", f"SN-{n}"] for n in range(2000)])
    [problem] = problems_of(content, limits=Limits(max_bytes=len(content) - 1))
    assert problem.key == "import.too_large"


def test_rows_past_the_limit_stop_the_read_with_a_sentence():
    content = workbook([["Kode unit", "Nomor seri"]] + [["DINKES", f"SN-{n}"] for n in range(150)])
    [problem] = problems_of(content, limits=Limits(max_rows=100))
    assert problem.key == "import.too_many_rows" and "100" in problem.message("id")
    csv_content = ("Kode unit;Nomor seri\n" + "".join(f"DINKES;SN-{n}\n" for n in range(150))).encode()
    assert [p.key for p in problems_of(csv_content, "isian.csv", Limits(max_rows=100))] == ["import.too_many_rows"]
