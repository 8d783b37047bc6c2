"""Benchmark of OCR on scanned reports: RapidOCR (the engine the importer uses) against Tesseract.

    .venv/bin/python bench/bench_ocr.py [PDF] [--dpi 200] [--engines rapid,tesseract] [--degrade]
                                        [--truth shared/real/huaian-2024.json]

The text-layer PDF (default ../shared/real/huaian-2024.pdf) is rendered page by page to grey
pixels with pypdfium2, as a scanner would make it; ``--degrade`` tilts each page by 0.6°, blurs it
and stores it as a JPEG of quality 45, as an office scanner on a bad day does. Then, per engine:

- **numbers**: the numbers each engine reads on each page, against the numbers of the page's text
  layer (pdfplumber): recall and precision over the multiset of numbers, and the share found in
  reading order; the tables of a report are mostly numbers, and a missed ``0`` is the usual loss;
- **seconds per page**, wall clock, the engine's model loading left out.

For ``rapid`` it then runs the whole importer on the image-only PDF (:func:`parse_pdf`, which uses
RapidOCR with the settings of ``reports/importers/ocr_engine.py``) and, with ``--truth``, counts the
standard-table cells that come out exact against the numbers a person read from the report.

Tesseract needs Debian ``tesseract-ocr tesseract-ocr-chi-sim``; it is skipped when missing. Not a
test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def pages_of(pdf: Path, dpi: int, degrade: bool):
    import pypdfium2
    from PIL import Image, ImageFilter

    document = pypdfium2.PdfDocument(pdf.read_bytes())
    images = []
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if degrade:
            image = image.rotate(0.6, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=45)
            image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
        images.append(image)
    document.close()
    return images


def text_layer_numbers(pdf: Path) -> list[list[str]]:
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [NUMBER.findall(page.extract_text() or "") for page in document.pages]


def rapid_numbers(images) -> tuple[list[list[str]], float]:
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    from reports.importers.ocr_engine import ENGINE_OPTIONS

    engine = RapidOCR(**ENGINE_OPTIONS)
    out, start = [], time.perf_counter()
    for image in images:
        found, _ = engine(np.array(image.convert("RGB")))
        found = sorted(found or [], key=lambda r: (r[0][0][1], r[0][0][0]))
        out.append(NUMBER.findall(" ".join(r[1] for r in found)))
    return out, (time.perf_counter() - start) / len(images)


def tesseract_numbers(images) -> tuple[list[list[str]], float] | None:
    if not shutil.which("tesseract"):
        return None
    out, start = [], time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        for i, image in enumerate(images):
            path = Path(work) / f"{i}.png"
            image.save(path)
            text = subprocess.run(
                ["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "6"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            out.append(NUMBER.findall(text))
    return out, (time.perf_counter() - start) / len(images)


def score(truth: list[list[str]], read: list[list[str]]) -> str:
    found = extra = missed = in_order = total = 0
    for want, got in zip(truth, read, strict=True):
        a, b = Counter(want), Counter(got)
        found += sum((a & b).values())
        extra += sum((b - a).values())
        missed += sum((a - b).values())
        in_order += sum(block.size for block in SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks())
        total += len(want)
    recall = found / max(found + missed, 1)
    precision = found / max(found + extra, 1)
    return (
        f"recall {recall:.1%}, precision {precision:.1%} ({missed} missed, {extra} wrong), "
        f"in reading order {in_order / max(total, 1):.1%}"
    )


def importer_cells(images, dpi: int, truth_file: Path | None) -> str:
    from reports.importers.pdf import parse_pdf  # pure: no Django needed

    buffer = io.BytesIO()
    when = time.gmtime(0)
    images[0].save(
        buffer, "PDF", save_all=True, append_images=images[1:], resolution=dpi, creationDate=when, modDate=when
    )
    data = buffer.getvalue() + f"\n% bench {time.time()}\n".encode()  # a new file: no cached result
    start = time.perf_counter()
    report = parse_pdf(data, filename="scan.pdf")
    seconds = time.perf_counter() - start
    line = (
        f"importer: {seconds:.1f} s for {len(images)} pages ({seconds / len(images):.2f} s/page, engine start "
        f"included); region {report.region_code}, year {report.year}; {len(report.unconfirmed)} cells marked to confirm"
    )
    if truth_file:
        tables = json.loads(truth_file.read_text(encoding="utf-8"))["tables"]
        want = {
            (t, r, c): Decimal(str(v))
            for t, rows in tables.items()
            for r, cols in rows.items()
            for c, v in cols.items()
        }
        exact = sum(1 for code, value in want.items() if report.values.get(code) == value)
        line += f"; {exact}/{len(want)} cells exact"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", default=str(ROOT.parent / "shared" / "real" / "huaian-2024.pdf"))
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--engines", default="rapid,tesseract")
    parser.add_argument("--degrade", action="store_true")
    parser.add_argument("--truth", default=None, help="JSON of the cells a person read (shared/real format)")
    args = parser.parse_args()
    pdf = Path(args.pdf)
    truth_file = Path(args.truth) if args.truth else pdf.with_suffix(".json")
    images = pages_of(pdf, args.dpi, args.degrade)
    truth = text_layer_numbers(pdf)
    print(f"{pdf.name}: {len(images)} pages at {args.dpi} dpi{' degraded' if args.degrade else ''}")
    for engine in args.engines.split(","):
        result = rapid_numbers(images) if engine == "rapid" else tesseract_numbers(images)
        if result is None:
            print(f"{engine}: not installed, skipped")
            continue
        read, per_page = result
        print(f"{engine}: {per_page:.2f} s/page; {score(truth, read)}")
    if "rapid" in args.engines:
        print(importer_cells(images, args.dpi, truth_file if truth_file.exists() else None))


if __name__ == "__main__":
    main()
