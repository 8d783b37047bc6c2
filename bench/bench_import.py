"""Benchmark of the document import: a generated corpus of text, web-page and Word reports.

    .venv/bin/python bench/bench_import.py [--sizes 500,1000,2000] [--keep]

Generates ``max(sizes)`` documents from the seed samples (seed 004 as .txt, as a GBK portal page
and as a .docx), each for another county-level region and year, so that none collide. Then, for
each size, empties the reports and runs ``manage.py import_reports <dirs> --json`` in a child
process on that many documents, and prints documents per second and the child's peak RSS.

CPU ms/doc is the command's own CPU time (its parsing workers included, the PostgreSQL server not).
The database is $DATABASE_URL when set (its reports are deleted!), otherwise a throwaway
PostgreSQL cluster started like scripts/test.sh does and removed at the end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "reports" / "tests" / "fixtures"
SEED_004 = next((ROOT / "demo" / "seeds").glob("004_*.txt"))
PY = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
FORMATS = ("txt", "html", "docx")
YEARS = (2021, 2022, 2023)


def county_names() -> list[str]:
    """County-level regions whose name is unique nationwide (no 新华区 twice), so detection is certain."""
    from reports.importers.normalize import to_simplified
    from reports.regions.names import region_index

    index = region_index()
    names = []
    for _, row in sorted(index.tree.nodes.items()):
        # 乾安县 comes out of the Traditional-to-Simplified step as 干安县: a known limit, left out here.
        if row.level == 3 and len(index.lookup(row.name)) == 1 and row.name.endswith(("县", "市", "区", "旗")):
            if to_simplified(row.name) == row.name:
                names.append(row.name)
    return names


def substitute(text: str, name: str, year: int) -> str:
    """Seed 004 for another place and year: 清镇市 -> name, 2023 -> year, the signature a year later."""
    text = text.replace("2024年1月31日", f"{year + 1}年1月31日").replace("2024-01-31", f"{year + 1}-01-31")
    text = text.replace("2024年02月01日", f"{year + 1}年02月01日")
    text = re.sub(r"2023(?=年|-)", str(year), text)
    return text.replace("清镇市", name).replace("清镇", name[:-1] if len(name) > 2 else name)


def generate(folder: Path, count: int, sizes: list[int]) -> list[Path]:
    """Write ``count`` documents into one sub-folder per size step; returns the sub-folders."""
    names = county_names()
    if count > len(names) * len(YEARS):
        raise SystemExit(f"at most {len(names) * len(YEARS)} distinct documents")
    txt = SEED_004.read_text(encoding="utf-8")
    page = (FIXTURES / "seed004_portal.html").read_bytes().decode("gbk")
    with zipfile.ZipFile(FIXTURES / "seed004.docx") as z:
        docx_parts = {i.filename: z.read(i) for i in z.infolist()}
    steps = sorted(sizes)
    folders, start = [], 0
    for n, end in enumerate(steps):
        sub = folder / f"{n:02d}"
        sub.mkdir(parents=True)
        folders.append(sub)
        for i in range(start, end):
            name, year = names[i % len(names)], YEARS[(i // len(names)) % len(YEARS)]
            kind = FORMATS[i % len(FORMATS)]
            path = sub / f"{i:05d}.{kind}"
            if kind == "txt":
                path.write_text(substitute(txt, name, year), encoding="utf-8")
            elif kind == "html":
                path.write_bytes(substitute(page, name, year).encode("gb18030"))
            else:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
                    for part, data in docx_parts.items():
                        if part == "word/document.xml":
                            data = substitute(data.decode("utf-8"), name, year).encode("utf-8")
                        out.writestr(part, data)
                path.write_bytes(buffer.getvalue())
        start = end
    return folders


# --- Database -------------------------------------------------------------------------------------


class Cluster:
    """A throwaway PostgreSQL cluster, as scripts/test.sh makes one."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bin = bins[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="govopen-bench-pg."))
        self.dir.chmod(0o755)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.as_user = []
        if os.getuid() == 0:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode:
                subprocess.run(["useradd", "--system", "--home-dir", str(self.dir), "postgres"], check=True)
            shutil.chown(self.dir, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def start(self) -> str:
        data = self.dir / "data"
        subprocess.run(
            [*self.as_user, self.bin / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        # The settings of scripts/test.sh: a throwaway cluster need not survive a power cut.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *self.as_user,
                self.bin / "pg_ctl",
                "-D",
                data,
                "-l",
                self.dir / "server.log",
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def run_import(env: dict, folders: list[Path], out: Path, jobs: int) -> tuple[float, int, float, dict]:
    """Run the command in a child; returns (seconds, peak RSS in KiB, CPU seconds, counts by status).

    The time includes the command's start (Django, the region index); the peak RSS is the largest
    of the command's process and its parsing workers.
    """
    started = time.perf_counter()
    with open(out, "w") as f:
        child = subprocess.Popen(
            [PY, str(ROOT / "manage.py"), "import_reports", *map(str, folders), "--json", "--jobs", str(jobs)],
            env=env,
            cwd=ROOT,
            stdout=f,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    for line in out.read_text().splitlines():
        result = json.loads(line)
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="import_reports --jobs (parsing processes)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govopen.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    work = Path(tempfile.mkdtemp(prefix="govopen-bench."))
    cluster = None
    try:
        t = time.perf_counter()
        folders = generate(work / "corpus", sizes[-1], sizes)
        by_kind = {k: len(list((work / "corpus").rglob(f"*.{k}"))) for k in FORMATS}
        print(f"corpus: {sizes[-1]} documents {by_kind} generated in {time.perf_counter() - t:.1f} s")
        url = os.environ.get("DATABASE_URL")
        if not url:
            cluster = Cluster()
            url = cluster.start()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "",
            "DJANGO_MEDIA_ROOT": str(work / "media"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        manage(env, "migrate", "--noinput")
        print(f"database: {url.split('@')[-1]}; import_reports --jobs {args.jobs}; {os.cpu_count()} CPUs")
        print(f"{'documents':>9} {'seconds':>8} {'docs/s':>7} {'peak RSS':>9} {'CPU ms/doc':>10}  statuses")
        for n, size in enumerate(sizes):
            manage(
                env,
                "shell",
                "-c",
                "from reports.models import Report, Publisher; Report.objects.all().delete(); Publisher.objects.all().delete()",
            )
            shutil.rmtree(work / "media", ignore_errors=True)
            seconds, rss_kib, cpu, counts = run_import(env, folders[: n + 1], work / f"out-{size}.jsonl", args.jobs)
            print(
                f"{size:>9} {seconds:>8.1f} {size / seconds:>7.1f} {rss_kib / 1024:>7.0f} MB {cpu / size * 1000:>10.1f}  {counts}"
            )
        print(
            f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other processes share the CPUs)"
        )
    finally:
        if cluster:
            cluster.stop()
        if args.keep:
            print(f"corpus kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
