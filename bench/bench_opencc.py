#!/usr/bin/env python
"""OpenCC on a whole report page: the C++ library's binding (PyPI ``opencc``) against the pure-Python
opencc-python-reimplemented, for the 简→繁 page conversion (s2t) and the importer's 繁→简 (t2s).

    .venv/bin/python bench/bench_opencc.py [--html PAGE.html] [--repeat 50]
        [--reimplemented DIR]   # e.g. after: pip install --target /tmp/occ_re opencc-python-reimplemented==0.1.7

Both packages install the module ``opencc``, so each converter is timed in a child process of its
own (``DIR`` first on ``sys.path`` for the reimplemented one). Without ``--html`` the page is the
first published report of the database in $DATABASE_URL (``make run``'s db.sqlite3 by default),
rendered by the real view. Prints the first conversion (dictionaries loaded) and the median of the
following ones, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, statistics, sys, time
if sys.argv[2]:
    sys.path.insert(0, sys.argv[2])
import opencc
text = open(sys.argv[1], encoding="utf-8").read()
out = {}
for config in ("s2t", "t2s"):
    source = text
    t0 = time.perf_counter()
    conv = opencc.OpenCC(config)
    result = conv.convert(source)
    first = time.perf_counter() - t0
    times = []
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        conv.convert(source)
        times.append(time.perf_counter() - t0)
    out[config] = {"first_ms": first * 1000, "median_ms": statistics.median(times) * 1000, "sample": result[-200:]}
print(json.dumps({"module": opencc.__file__, **out}, ensure_ascii=False))
"""


def report_page_html() -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govopen.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    from reports.selectors.reports import report_list_public

    report = report_list_public().filter(kind="annual_report").first()
    if report is None:
        sys.exit("no published report in the database: run `make run` once, or pass --html")
    return Client().get(report.get_absolute_url()).content.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--reimplemented", default="", help="a folder holding opencc-python-reimplemented")
    args = parser.parse_args()
    html = args.html.read_text(encoding="utf-8") if args.html else report_page_html()
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8", delete=False) as f:
        f.write(html)
    hanzi = sum(1 for c in html if "\u4e00" <= c <= "\u9fff")
    print(f"page: {len(html):,} characters, {hanzi:,} 汉字")
    runs = [("opencc (C++)", "")]
    if args.reimplemented:
        runs.append(("opencc-python-reimplemented", args.reimplemented))
    for name, path in runs:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, f.name, path, str(args.repeat)], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout)
        for config in ("s2t", "t2s"):
            r = result[config]
            print(
                f"{name:30} {config}: first {r['first_ms']:8.1f} ms, then median {r['median_ms']:8.2f} ms"
                f"  ({result['module']})"
            )
    os.unlink(f.name)


if __name__ == "__main__":
    main()
