"""The OCR engine's side of reading a scan, run in a child process (see :mod:`reports.importers.ocr`).

``python -m reports.importers.ocr_engine FOLDER`` reads the page images ``FOLDER/page-N.png``
and writes ``FOLDER/result.json``: for each page its size, the text boxes RapidOCR found (each
with its box, text and confidence) and the cells of every ruled table found in the image.

Cells come from the image's ruling lines, found with OpenCV: long horizontal and vertical runs of
dark pixels are the lines; each region they enclose is a cell, so a merged cell (a group label
spanning rows) is one region, as in a text PDF's table. A cell with ink but no text box (a lone
``0`` is often too small for the text detector) is read with the recogniser alone.

RapidOCR (PP-OCR models in ONNX, shipped inside the wheel) was chosen over Tesseract ``chi_sim``
after measuring both on rasterised pages of a real report: see ``bench/bench_ocr.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# The engine's settings, measured on rasterised real reports (bench/bench_ocr.py): a lower box
# threshold and a larger unclip ratio keep the one-digit cells a table is full of.
ENGINE_OPTIONS = {
    "det_limit_side_len": 2000,
    "det_box_thresh": 0.3,
    "det_unclip_ratio": 2.0,
    "text_score": 0.3,
}
MIN_LINE_FRACTION = 0.025  # a ruling line is at least this share of the page's width or height
MAX_SKEW = 5  # degrees: a scan tilted more than this is not straightened (and read as it is)
MIN_CELL_SIDE = 12  # pixels: smaller enclosed regions are the gaps between double lines


def main(folder: Path) -> None:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(**ENGINE_OPTIONS)
    pages = []
    for path in sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1])):
        pages.append(read_page(engine, path))
    (folder / "result.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")


def read_page(engine, path: Path) -> dict:
    import cv2

    image = deskewed(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))
    height, width = image.shape
    found, _ = engine(image)
    boxes = []
    for quad, text, score in found or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        boxes.append([min(xs), min(ys), max(xs), max(ys), text, float(score)])
    tables = []
    for cells in table_cells(image):
        out = []
        for x0, y0, x1, y1 in cells:
            inside = [b for b in boxes if x0 <= (b[0] + b[2]) / 2 <= x1 and y0 <= (b[1] + b[3]) / 2 <= y1]
            text = ""
            if not inside:
                text, score = _recognise_ink(engine, image, (x0, y0, x1, y1))
                if text:
                    boxes.append([x0, y0, x1, y1, text, score])
            out.append([x0, y0, x1, y1])
        tables.append(out)
    return {"width": width, "height": height, "boxes": boxes, "tables": tables}


def skew_angle(image) -> float:
    """The page's tilt in degrees, from its long near-horizontal strokes (table rules, text lines):
    the median angle of the line segments a probabilistic Hough transform finds."""
    import cv2
    import numpy as np

    height, width = image.shape
    ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    segments = cv2.HoughLinesP(
        ink, 1, np.pi / 1800, threshold=200, minLineLength=int(width * 0.3), maxLineGap=int(width * 0.01) + 2
    )
    if segments is None:
        return 0.0
    angles = []
    for x0, y0, x1, y1 in segments.reshape(-1, 4):
        angle = float(np.degrees(np.arctan2(y1 - y0, x1 - x0)))
        if abs(angle) <= MAX_SKEW:
            angles.append(angle)
    return float(np.median(angles)) if angles else 0.0


def deskewed(image):
    """The page turned level when it is tilted by more than a trace (a scan fed in askew)."""
    import cv2

    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


def table_cells(image) -> list[list[tuple[int, int, int, int]]]:
    """The cells of each ruled table on the page, as boxes in pixels."""
    import cv2
    import numpy as np

    height, width = image.shape
    ink = cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(width * MIN_LINE_FRACTION), 10), 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(int(height * MIN_LINE_FRACTION), 10)))
    )
    # Close the small gaps where a scanned line fades or two lines meet.
    lines = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8), iterations=1)
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < width * 0.2 or h < MIN_CELL_SIDE * 2:
            continue  # an underline or a stray rule, not a table
        frame = lines[y : y + h, x : x + w]
        regions, labels, region_stats, _ = cv2.connectedComponentsWithStats(255 - frame, connectivity=4)
        cells = []
        for r in range(1, regions):
            rx, ry, rw, rh, _ = region_stats[r]
            touches_edge = rx == 0 or ry == 0 or rx + rw >= w or ry + rh >= h
            if touches_edge or rw < MIN_CELL_SIDE or rh < MIN_CELL_SIDE:
                continue
            cells.append((int(x + rx), int(y + ry), int(x + rx + rw), int(y + ry + rh)))
        if len(cells) >= 2:
            tables.append(sorted(cells, key=lambda c: (c[1], c[0])))
    return sorted(tables, key=lambda cells: cells[0][1])


def _recognise_ink(engine, image, box) -> tuple[str, float]:
    """The text of a cell the detector found nothing in, if it holds any ink: the recogniser alone,
    on the ink's bounding box with a margin."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = box
    inner = image[y0 + 3 : y1 - 3, x0 + 3 : x1 - 3]
    if inner.size == 0:
        return "", 0.0
    ink = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    if inner.min() > 160 or cv2.countNonZero(ink) < 8:
        return "", 0.0
    ys, xs = np.nonzero(ink)
    pad = 6
    crop = inner[max(ys.min() - pad, 0) : ys.max() + pad + 1, max(xs.min() - pad, 0) : xs.max() + pad + 1]
    crop = cv2.copyMakeBorder(crop, pad, pad, pad * 2, pad * 2, cv2.BORDER_CONSTANT, value=255)
    found, _ = engine(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False, use_rec=True)
    if not found:
        return "", 0.0
    text, score = found[0][0], float(found[0][1])
    return (text, score) if text.strip() else ("", 0.0)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
