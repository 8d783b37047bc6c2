"""Scanned PDFs read by OCR (reports/importers/ocr.py, ocr_engine.py), every cell marked for confirming."""

import functools
import io
import json
import time
from decimal import Decimal

import pypdfium2
import pytest
from PIL import Image

from reports.importers import ocr
from reports.importers.dispatch import parse_document
from reports.importers.parsed import UnreadableDocument
from reports.tests.conftest import FIXTURES

REAL = FIXTURES / "real"
MAX = 20 * 1024 * 1024


def scan_of(pdf: bytes, pages: list[int], *, dpi: int = 200, tilt: float = 0.0) -> bytes:
    """An image-only PDF of the given pages (0-based): each rendered to grey pixels, as a scanner would."""
    document = pypdfium2.PdfDocument(pdf)
    images = []
    for index in pages:
        image = document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if tilt:
            image = image.rotate(tilt, resample=Image.BICUBIC, fillcolor=255)
        images.append(image)
    document.close()
    out = io.BytesIO()
    # A fixed date: the same bytes every run, so the SQLite and PostgreSQL runs share the OCR cache.
    when = time.gmtime(1735689600)
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi, creationDate=when, modDate=when)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def huaian_scan() -> bytes:
    # The title page and the three pages with the tables: what the test needs, at half the OCR time.
    return scan_of((REAL / "huaian-2024.pdf").read_bytes(), [0, 2, 3, 4], tilt=0.4)


@functools.lru_cache(maxsize=1)
def huaian_scanned():
    return parse_document("scan.pdf", huaian_scan(), max_bytes=MAX)


def expected_cells() -> dict:
    tables = json.loads((REAL / "huaian-2024.json").read_text(encoding="utf-8"))["tables"]
    return {
        (t, r, c): Decimal(str(v)) for t, rows in tables.items() for r, cols in rows.items() for c, v in cols.items()
    }


def test_a_scanned_real_report_is_read_and_every_cell_waits_for_confirming():
    """淮安市 2024 printed and scanned slightly askew: region, year and format from the recognised text,
    the 200 numbers read, and every cell of the tables (blanks too) marked for the editor."""
    report = huaian_scanned()
    assert (report.region_code, report.year, report.edition) == ("320800", 2024, "2021")
    assert report.source_format == "pdf-ocr"
    want = expected_cells()
    exact = sum(1 for code, value in want.items() if report.values.get(code) == value)
    assert exact >= 196, f"{exact}/200 exact"
    assert report.unconfirmed == set(want) | set(report.values)  # every cell of the three tables
    assert "文字识别(OCR)" in report.warnings[0]


def test_the_tables_of_a_scan_are_read_as_grids_with_merged_cells():
    """The ruled tables are found in the image: the group label 三、本年度办理结果 spans its rows, so
    the rows under it keep their own numbers (a row read from a grid, not from a run of words)."""
    report = huaian_scanned()
    assert report.values[("applications", "granted", "total")] == Decimal(1362)
    assert report.values[("applications", "unavailable_not_held", "natural_person")] == Decimal(746)
    assert report.values[("review_litigation", "review", "total")] == Decimal(351)


def test_a_scan_is_read_once_for_preview_refresh_and_confirm(monkeypatch):
    """The engine's result is cached by the file's hash: reading the same scan again runs no engine."""
    huaian_scanned()

    def fail(*args, **kwargs):
        raise AssertionError("the engine ran again")

    monkeypatch.setattr(ocr, "_run_engine", fail)
    again = parse_document("again.pdf", huaian_scan(), max_bytes=MAX)
    assert again.values == huaian_scanned().values


def _blank_scan(pages: int = 1) -> bytes:
    out = io.BytesIO()
    images = [Image.new("L", (600, 850), 255) for _ in range(pages)]
    images[0].save(out, "PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def test_a_scan_without_any_text_is_refused_as_a_scan():
    with pytest.raises(UnreadableDocument, match="扫描件.*没有读出任何文字"):
        parse_document("blank.pdf", _blank_scan(), max_bytes=MAX)


def test_without_the_engine_a_scan_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(UnreadableDocument, match="未安装文字识别引擎"):
        parse_document("scan.pdf", _blank_scan(2), max_bytes=MAX)


def test_a_long_scan_is_refused_before_any_page_is_rendered(monkeypatch):
    monkeypatch.setattr(ocr, "MAX_PAGES", 2)
    monkeypatch.setattr(ocr, "_render", lambda *a: pytest.fail("rendered"))
    with pytest.raises(UnreadableDocument, match="有 3 页,超过文字识别 2 页的上限"):
        parse_document("scan.pdf", _blank_scan(3), max_bytes=MAX)


def test_an_engine_over_its_time_limit_is_stopped_with_a_message(monkeypatch, tmp_path):
    monkeypatch.setattr(ocr, "TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(ocr.tempfile, "gettempdir", lambda: str(tmp_path))  # an empty cache
    with pytest.raises(UnreadableDocument, match="文字识别超时"):
        parse_document("scan.pdf", _blank_scan(), max_bytes=MAX)


def test_a_grid_is_rebuilt_from_cell_boxes_with_spans():
    """Cells from the image (pixels) and text boxes: a cell spanning two rows points at its first slot."""
    cells = [[0, 0, 100, 98], [103, 0, 200, 48], [103, 51, 200, 98]]
    boxes = [(10, 40, 60, 60, "三、结果", 0.9), (120, 10, 140, 30, "1", 0.9), (120, 60, 130, 80, "0", 0.9)]
    grid, taken = ocr._grid(cells, boxes)
    assert taken == {0, 1, 2}
    assert grid == [[("三、结果", (0, 0)), ("1", (0, 1))], [("三、结果", (0, 0)), ("0", (1, 1))]]


def test_a_number_wrapped_in_a_narrow_cell_is_one_number():
    boxes = [(0, 0, 20, 10, "55", 0.9), (0, 14, 10, 24, "9", 0.9)]
    assert ocr._cell_text(boxes) == "559"
    assert ocr._cell_text([(0, 0, 40, 10, "其他法律", 0.9), (0, 14, 40, 24, "行政法规", 0.9)]) == "其他法律行政法规"
