"""Reading a scanned PDF (no text layer) with a local OCR engine.

Each page is rendered with pypdfium2 and read by RapidOCR in a child process
(:mod:`reports.importers.ocr_engine`), so a time limit can end it and its memory is given back.
What comes back — text boxes and the cells of ruled tables — is laid out as the text-layer reader
lays out a page: lines outside the tables, and each table as a grid of cells with merged cells,
which the same grid reader reads. The caller marks every number read this way for the editor to
confirm.

Cost is bounded: at most ``MAX_PAGES`` pages, each rendered at ``DPI`` with its longer side at
most ``MAX_SIDE`` pixels; at most ``MAX_RUNNING`` engines at once on the machine, each ended after
``TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from reports.importers.grids import grid_from_boxes, join_cell_parts
from reports.importers.parsed import UnreadableDocument
from reports.importers.pdf import PageLine

DPI = 200  # measured: at 150 dpi the one-digit cells of a table are lost more often
MAX_SIDE = 2400  # pixels; a page declaring a larger size is rendered smaller
MAX_PAGES = int(os.environ.get("GOVOPEN_OCR_MAX_PAGES", "30"))
TIMEOUT_SECONDS = int(os.environ.get("GOVOPEN_OCR_TIMEOUT", "300"))
MAX_RUNNING = int(os.environ.get("GOVOPEN_OCR_CONCURRENCY", "1"))
ENGINE_MODULE = "reports.importers.ocr_engine"
_PROJECT = Path(__file__).resolve().parents[2]
# Recognised scans kept (a few hundred KB each) in this machine's temp folder, by the scan's SHA-256:
# a cache of a pure function, so another app server that misses it only reads the scan again.
CACHE_FILES = 50
# Part of the cache key: a change to the engine or its settings reads every scan anew.
CACHE_VERSION = f"v1-{DPI}-{MAX_SIDE}"
_CELL_TOLERANCE = 8  # pixels: cell edges closer than this are one grid line


def available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def read_scan(pdf, *, page_count: int, key: str) -> list[tuple[list[PageLine], list[tuple[float, list]], float]]:
    """Each page of an open pypdfium2 document as (lines, [(top, grid)], width).

    ``key`` names the document (a hash of its bytes): the engine's result is kept in a small
    machine-wide cache, so the import preview, its refresh and the confirmation read a scan once.
    """
    if not available():
        raise UnreadableDocument(
            "这是扫描件 PDF(没有文字层),而服务器未安装文字识别引擎(rapidocr-onnxruntime):"
            "请上传带文字的 PDF、Word 或网页版本,或请管理员安装 requirements.txt 中的依赖"
        )
    if page_count > MAX_PAGES:
        raise UnreadableDocument(
            f"这是扫描件 PDF,有 {page_count} 页,超过文字识别 {MAX_PAGES} 页的上限:请上传带文字的 PDF、Word 或网页版本"
        )
    pages = _cached(key)
    if pages is None:
        pages = _recognise(pdf, page_count)
        _keep(key, pages)
    return [_layout(page, number) for number, page in enumerate(pages)]


def _recognise(pdf, page_count: int) -> list[dict]:
    from reports.importers.office import machine_slot

    with tempfile.TemporaryDirectory(prefix="govopen-ocr-") as work:
        folder = Path(work)
        for index in range(page_count):
            _render(pdf[index], folder / f"page-{index + 1}.png")
        with machine_slot("ocr", MAX_RUNNING, TIMEOUT_SECONDS):
            _run_engine(folder)
        try:
            return json.loads((folder / "result.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UnreadableDocument("文字识别引擎没有给出结果:这个扫描件无法识别") from None


def _cache_file(key: str) -> Path:
    return Path(tempfile.gettempdir()) / "govopen-ocr-cache" / f"{CACHE_VERSION}-{key}.json"


def _cached(key: str) -> list[dict] | None:
    try:
        return json.loads(_cache_file(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _keep(key: str, pages: list[dict]) -> None:
    """Store a result, and drop the oldest beyond ``CACHE_FILES``; a cache that cannot be written
    only costs time."""
    path = _cache_file(key)
    with contextlib.suppress(OSError):
        path.parent.mkdir(exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
        kept = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_FILES:]:
            old.unlink(missing_ok=True)


def _render(page, path: Path) -> None:
    width, height = page.get_size()  # points
    scale = min(DPI / 72, MAX_SIDE / max(width, height, 1))
    bitmap = page.render(scale=scale, grayscale=True)
    bitmap.to_pil().save(path)  # not the ORM: a picture file


def _run_engine(folder: Path) -> None:
    process = subprocess.Popen(  # noqa: S603 - this interpreter and a module of ours, no shell
        [sys.executable, "-m", ENGINE_MODULE, str(folder)],
        cwd=_PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise UnreadableDocument(f"文字识别超时({TIMEOUT_SECONDS} 秒):扫描件页数过多或图像过大") from None
    if process.returncode != 0:
        last = (errors or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise UnreadableDocument(f"文字识别引擎出错,这个扫描件无法识别({last[0][:120]})")


def _layout(page: dict, number: int) -> tuple[list[PageLine], list[tuple[float, list]], float]:
    boxes = [tuple(b) for b in page["boxes"] if str(b[4]).strip()]
    used: set[int] = set()
    grids = []
    for cells in page["tables"]:
        grid, taken = _grid(cells, boxes)
        used |= taken
        if grid:
            grids.append((min(c[1] for c in cells), grid))
    rest = [b for i, b in enumerate(boxes) if i not in used]
    return _lines(rest, number), grids, float(page["width"])


def _grid(cells: list[list[int]], boxes: list[tuple]) -> tuple[list, set[int]]:
    """The table's cells on a rectangle (every slot of a merged cell pointing at its first slot), and
    which text boxes it took."""
    taken: set[int] = set()
    texts = []
    for x0, y0, x1, y1 in cells:
        inside = [i for i, b in enumerate(boxes) if x0 <= (b[0] + b[2]) / 2 <= x1 and y0 <= (b[1] + b[3]) / 2 <= y1]
        taken.update(inside)
        texts.append(((x0, y0, x1, y1), _cell_text([boxes[i] for i in inside])))
    grid = grid_from_boxes(texts, tolerance=_CELL_TOLERANCE)  # pixels
    return grid, (taken if grid else set())


def _cell_text(boxes: list[tuple]) -> str:
    lines = _group_lines(boxes)
    parts = ["".join(b[4] for b in line).strip() for line in lines]
    if len(parts) > 1 and all(p.replace(".", "").isdigit() for p in parts):
        return "".join(parts)  # a number wrapped in a narrow cell
    return join_cell_parts(parts)


def _group_lines(boxes: list[tuple]) -> list[list[tuple]]:
    """Boxes on the same line (their vertical middles within half a box height), left to right."""
    lines: list[list[tuple]] = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        middle = (box[1] + box[3]) / 2
        if lines:
            last = lines[-1]
            top = min(b[1] for b in last)
            bottom = max(b[3] for b in last)
            if top <= middle <= bottom:
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b[0]) for line in lines]


def _lines(boxes: list[tuple], page: int) -> list[PageLine]:
    out = []
    for line in _group_lines(boxes):
        text = "".join(str(b[4]) for b in line).strip()
        if text:
            out.append(PageLine(text, min(b[0] for b in line), max(b[2] for b in line), min(b[1] for b in line), page))
    return out
