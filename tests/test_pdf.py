"""The PDF base every document of the app uses: an embedded Unicode font, tables that break between words."""

import pypdfium2
import pytest

from core import pdf
from core.errors import SettingsError


def text_of(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in doc)
    finally:
        doc.close()


def document(build) -> str:
    made = pdf.ReportPdf("Uji", "Uji")
    made.add_page()
    build(made)
    return text_of(bytes(made.output()))


def test_signs_outside_latin_1_print_as_themselves_not_as_question_marks():
    text = document(lambda d: d.para("waktu layanan − pemeliharaan ≥ 5 menit · 99,5 % – “kutip” → selesai"))
    assert "waktu layanan − pemeliharaan ≥ 5 menit · 99,5 % – “kutip” → selesai" in text and "?" not in text


def test_a_character_beyond_the_fast_face_prints_from_the_whole_font():
    text = document(lambda d: d.grid(["Nama", "Status"], [["Ж Кирилл ✓", "ок"]], [90, 88]))
    assert "Ж Кирилл ✓" in text and "ок" in text


def test_an_accent_typed_as_two_code_points_prints_as_one_letter():
    assert "José" in document(lambda d: d.para("Jose\u0301"))


def test_page_code_asking_for_helvetica_gets_the_embedded_font():
    made = pdf.Pdf()
    made.set_font("Helvetica", "BI", 12)
    assert (made.font_family, made.font_style) == (pdf.FAMILY, "B")


def test_a_table_column_narrower_than_its_longest_word_is_widened_from_the_others():
    made = pdf.Pdf()
    widths, size = made.words_fit(["Layanan", "Unit"], [["Layanan Administrasi Kependudukan", "Dispendukcapil"]],
                                  [140, 20])
    assert sum(widths) == pytest.approx(160) and widths[1] > 20 and size == pdf.TABLE_SIZE
    text = document(lambda d: d.grid(["Layanan", "Unit", "Target ketersediaan"],
                                     [["Layanan Administrasi Kependudukan Online", "Dispendukcapil", "99,00 %"],
                                      ["Bursa Kerja", "Disnaker-PMPTSP", "98,00 %"]], [110, 22, 22]))
    assert "Dispendukcapil" in text.split() and "Disnaker-PMPTSP" in text.split() and "ketersediaan" in text.split()


def test_a_table_too_narrow_for_its_words_sets_them_smaller():
    made = pdf.Pdf()
    _widths, size = made.words_fit(["A", "B", "C"], [["Dispendukcapil", "Dispendukcapil", "Dispendukcapil"]],
                                   [22, 22, 22])
    assert pdf.SMALLEST_SIZE <= size < pdf.TABLE_SIZE


def test_a_missing_font_fails_naming_the_package_to_install(tmp_path):
    with pytest.raises(SettingsError) as missing:
        pdf.font_files(tmp_path)
    assert "fonts-dejavu-core" in missing.value.message("id") and "apt-get install" in missing.value.message("en")
