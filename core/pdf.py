"""Every PDF the app makes starts from `Pdf`: it embeds DejaVu Sans (Debian's fonts-dejavu-core), so each
character the app writes prints as itself (the built-in PDF fonts cover WinAnsi only: "−" and "≥" came
out as "?"), and its tables give each column room for its longest word, so lines break between words.

`ReportPdf` adds the house look of the reports: running heading and page footer, headings, paragraphs,
striped tables and metric boxes."""

import copy
import functools
import io
import unicodedata
from pathlib import Path

from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import TextEmphasis
from fpdf.fonts import SubsetMap, TTFFont

from core.errors import SettingsError

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core (.ci/run, deploy docs)
FONT_PACKAGE = "fonts-dejavu-core"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY, WHOLE = "dejavu", "dejavuwhole"  # the fast face every document embeds; the whole font, when needed
# The fast face: DejaVu Sans cut to what the app's documents write (Latin with its accents, punctuation,
# currency, letterlike signs, arrows, mathematical signs, Greek, geometric shapes). fpdf2 subsets the
# embedded font for every document; from 1,200 glyphs that takes a quarter of the time it takes from the
# whole font's 6,000 (a sweep renders hundreds). Any other character DejaVu has comes from the whole font,
# added as a fallback to the one document that needs it.
FAST = ((0x0020, 0x017F), (0x0370, 0x03FF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
        (0x2190, 0x22FF), (0x25A0, 0x25FF), (0xFFFD, 0xFFFD))
LINE_BREAKS = {9, 10, 13}  # tab and line ends: never drawn, so no glyph is needed
CORE_FAMILIES = {"helvetica", "arial", "times", "courier", ""}  # page code written for the built-in fonts
TABLE_SIZE, SMALLEST_SIZE = 9, 6.5  # a table's type shrinks in half points until its longest words fit
PADDING = 1  # mm around a table cell's text
HEADING, STRIPE = (13, 71, 161), (240, 244, 250)  # a table's heading row, and every other row


def font_files(folder: Path = FONT_DIR) -> dict[str, Path]:
    """The font file of each style; SettingsError naming the package when one is missing."""
    files = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise SettingsError("settings.pdf_font_missing", path=", ".join(missing), package=FONT_PACKAGE)
    return files


@functools.cache
def _fast_face(style: str) -> bytes:
    """The fast face of a style as a TrueType file, cut once per process (about half a second)."""
    font = ttLib.TTFont(font_files()[style])
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=[], name_IDs=["*"],
                             glyph_names=True, hinting=False)
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "hdmx", "FFTM", "MATH"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=[c for first, last in FAST for c in range(first, last + 1)])
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _read_face(style: str) -> TTFFont:
    """The fast face's metrics and character map, read once per process (fpdf2's add_font reads them for
    every document, a third of its time)."""
    return TTFFont(FPDF(), io.BytesIO(_fast_face(style)), FAMILY + style, style)


@functools.cache
def _fast_codepoints() -> frozenset[int]:
    return frozenset(_read_face("").cmap) | LINE_BREAKS


def _embed_fast_face(pdf: FPDF, style: str) -> None:
    """What add_font does, from the face read once: this document's own copy, with its own subset to embed."""
    font = copy.copy(_read_face(style))
    font.i = len(pdf.fonts) + 1
    # Glyph boxes are kept as the face has them: recomputing them on save would decode every glyph again.
    font.ttfont = ttLib.TTFont(io.BytesIO(_fast_face(style)), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    font.subset, font.missing_glyphs, font.biggest_size_pt = SubsetMap(font), [], 0
    pdf.fonts[font.fontkey] = font


class Pdf(FPDF):
    """An A4 document in DejaVu Sans: a core font family asked for (Helvetica…) is DejaVu here."""

    def __init__(self, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for style in FONT_FILES:
            _embed_fast_face(self, style)
        self._whole = False
        self.set_font(FAMILY, "", 10)

    def normalize_text(self, text: str) -> str:
        """Every text passes here before it is measured or drawn: composed (NFC, so an accent typed as two
        code points prints as one letter), and a character beyond the fast face brings in the whole font."""
        text = unicodedata.normalize("NFC", text)
        if not self._whole and not _fast_codepoints().issuperset(map(ord, text)):
            self._whole = True
            for style, path in font_files().items():
                self.add_font(WHOLE, style, path)
            self.set_fallback_fonts([WHOLE], exact_match=False)
        return super().normalize_text(text)

    def set_font(self, family=None, style="", size=0):
        if family is not None and family.lower() in CORE_FAMILIES:
            family = FAMILY
        letters = style.style if isinstance(style, TextEmphasis) else str(style).upper()
        # Regular and bold are embedded (italics are not used); U underlines whatever the font.
        super().set_font(family, "".join(c for c in letters if c in "BU"), size)

    def words_fit(self, headers: list[str], rows: list[list[str]], widths: list[float],
                  size: float = TABLE_SIZE) -> tuple[list[float], float]:
        """Column widths (the same total) and a type size at which every column is as wide as its longest
        word, headers in bold; taking the room from columns that have more than they need. When no size
        down to SMALLEST_SIZE fits, the columns share the room by need (a word longer than its column is
        the only one that breaks)."""
        kept = (self.font_family, self.font_style, self.font_size_pt)
        longest = [max(self._widest(h, "B"), max((self._widest(r[i]) for r in rows), default=0))
                   for i, h in enumerate(headers)]  # at 1 pt; a width grows with the type size
        self.set_font(*kept)
        total = sum(widths)
        for step in range(int((size - SMALLEST_SIZE) * 2) + 1):
            at = size - step / 2
            need = [w * at + 2 * PADDING + 0.5 for w in longest]
            if sum(need) <= total:
                return _share(widths, need), at
        return [total * n / sum(need) for n in need], SMALLEST_SIZE

    def _widest(self, text: str, style: str = "") -> float:
        words = set(str(text).split())
        if not words:
            return 0
        self.set_font(FAMILY, style, 1)
        return max(self.get_string_width(w) for w in words)


def _share(widths: list[float], need: list[float]) -> list[float]:
    """Widen the columns narrower than they need, from the room the others have beyond their own need."""
    short = sum(max(0.0, n - w) for w, n in zip(widths, need, strict=True))
    spare = sum(max(0.0, w - n) for w, n in zip(widths, need, strict=True))
    if short == 0:
        return list(widths)
    return [n if w < n else w - (w - n) * short / spare for w, n in zip(widths, need, strict=True)]


class ReportPdf(Pdf):
    """A report: a running heading from page 2 on, the page number in the footer."""

    def __init__(self, heading: str, footer_text: str):
        super().__init__()
        self.heading, self.footer_text = heading, footer_text
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, self.heading, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.footer_text} – {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str):
        self.set_font(FAMILY, "B", 16)
        self.set_text_color(13, 71, 161)
        self.multi_cell(0, 9, str(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def h2(self, text: str):
        self.ln(2)
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 7, str(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: int = 10):
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, 5.5, str(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, headers: list[str], rows: list[list], widths: list[float]):
        """A striped table whose long cells wrap between words; its heading row starts every page it spans
        and never stands alone at the foot of one."""
        headers, rows = [str(h) for h in headers], [[str(v) for v in row] for row in rows]
        widths, size = self.words_fit(headers, rows, widths)
        margin, self.c_margin = self.c_margin, PADDING  # the text sits PADDING inside its column
        try:
            heading = self._grid_row(headers, widths, size, bold=True)
            body = [self._grid_row(values, widths, size) for values in rows]
            if self.will_page_break(heading[1] + (body[0][1] if body else 0)):
                self.add_page()
            self._draw_row(*heading, widths, HEADING)
            for n, row in enumerate(body):
                if self.will_page_break(row[1]):
                    self.add_page()
                    self._draw_row(*heading, widths, HEADING)
                self._draw_row(*row, widths, STRIPE if n % 2 == 0 else None)
        finally:
            self.c_margin = margin
            self.set_text_color(0, 0, 0)
        self.ln(1)

    def _grid_row(self, values: list[str], widths: list[float], size: float,
                  bold: bool = False) -> tuple[list[list[str]], float, float, bool]:
        """A row's cells broken into lines, once (fpdf2's own table breaks every cell twice): (lines, height,
        type size, bold)."""
        self.set_font(FAMILY, "B" if bold else "", size)
        lines = [self._lines(v, w, size * 5 / 9) for w, v in zip(widths, values, strict=True)]
        return lines, max(len(cell) for cell in lines) * size * 5 / 9 + 2 * PADDING, size, bold

    def _draw_row(self, lines: list[list[str]], height: float, size: float, bold: bool, widths: list[float],
                  fill: tuple[int, int, int] | None):
        self.set_font(FAMILY, "B" if bold else "", size)
        x, y, line = self.l_margin, self.get_y(), size * 5 / 9
        if fill is not None:
            self.set_fill_color(*fill)
            self.rect(x, y, sum(widths), height, style="F")
        self.set_text_color(*((255, 255, 255) if fill is HEADING else (0, 0, 0)))
        for width, cell in zip(widths, lines, strict=True):
            top = y + (height - len(cell) * line) / 2  # each cell in the middle of its row
            for i, text in enumerate(cell):
                self.set_xy(x, top + i * line)
                self.cell(width, line, text)
            x += width
        self.set_xy(self.l_margin, y + height)

    def _lines(self, text: str, width: float, line: float) -> list[str]:
        """The lines of a cell's text; most fit on one, which a width tells faster than fpdf2's line breaking."""
        if "\n" not in text and self.get_string_width(text) <= width - 2 * self.c_margin:
            return [text]
        return self.multi_cell(width, line, text, dry_run=True, output="LINES")

    def metric(self, x: float, y: float, label: str, value: str, note: str = ""):
        """A boxed figure: its label, the value large, a note under it; a line too long for the box is set smaller."""
        self.set_xy(x, y)
        self.set_draw_color(200, 210, 225)
        self.rect(x, y, 42, 24)
        self.set_xy(x + 2, y + 2)
        self.set_font(FAMILY, "", 8)
        self.multi_cell(38, 4, str(label), align="L")  # a label is never spread out to the box's width
        self.set_xy(x + 2, y + 10)
        self._line(38, 7, str(value), "B", 15)
        self.set_xy(x + 2, y + 18)
        self._line(38, 4, str(note), "", 8)

    def _line(self, width: float, height: float, text: str, style: str, size: float):
        """One line of text in `width`, its type made smaller (down to 6 pt) until it fits."""
        self.set_font(FAMILY, style, size)
        while size > 6 and self.get_string_width(text) > width - 2 * self.c_margin:
            size -= 0.5
            self.set_font(FAMILY, style, size)
        self.cell(width, height, text)
