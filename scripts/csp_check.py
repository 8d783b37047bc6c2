"""Visit every kind of page in Chromium under the production settings and list what the
Content-Security-Policy blocked (securitypolicyviolation events) and any console error.

    .venv/bin/python scripts/csp_check.py [--shots DIR]

It builds a throwaway site in a temporary folder (SQLite, the demo reports, a superuser with a TOTP
device; collectstatic fills staticfiles/ as for production), serves it with runserver on a free
loopback port and signs in through the admin's login page. Exit status 1 when anything was reported. Not a test: the browser test
(reports/tests/browser/) checks the public pages on every run; this covers the admin too.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GOVOPEN_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "csp-check-password-1"  # noqa: S105 - a throwaway account in a throwaway database

# Registered before any page script runs; a violation during parsing is queued and still delivered.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` (${e.sample.slice(0, 60)})` : ""));
});
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> dict:
    """Migrate, load the demo, make the superuser and a TOTP device; return the ids the pages need."""
    py = [sys.executable, "manage.py"]
    for args in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_demo"],
        ["rebuild_statistics"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(py + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed commands
    code = f"""
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from reports.models import AuditEvent, Report
User = get_user_model()
user = User.objects.filter(username="csp").first() or User.objects.create_superuser("csp", "", {PASSWORD!r})
device = TOTPDevice.objects.get_or_create(user=user, name="csp")[0]
report = Report.objects.filter(cells__isnull=False).distinct().first() or Report.objects.first()
event = AuditEvent.objects.first()
print(report.pk, user.pk, device.pk, event.pk if event else 0)
"""
    out = subprocess.run(py + ["shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    report, user, device, event = out.stdout.split()[-4:]
    return {"report": report, "user": user, "device": device, "event": event}


def pages(ids: dict) -> tuple[dict[str, str], dict[str, str]]:
    r = ids["report"]
    public = {
        "home": "/",
        "list": "/reports/?kind=annual_report",
        "search": "/reports/?q=%E4%BE%9D%E7%94%B3%E8%AF%B7",  # 依申请
        "report": f"/reports/{r}/",
        "report 繁, large text, high contrast": f"/display/?script=hant&text=large&contrast=high&next=/reports/{r}/",
        "report 简": f"/display/?script=hans&text=normal&contrast=normal&next=/reports/{r}/",
        "print": f"/reports/{r}/print/",
        "statistics": "/statistics/",
        "statistics charts": "/statistics/?year_from=2013&year_to=2023",
        "compare": "/statistics/compare/?region=440800&region=520181&year_from=2013&year_to=2023",
        "compliance": "/compliance/?year=2023",
        "api and feeds": "/api/",
        "feed": "/feeds/reports.atom",
        "404": "/no-such-page/",
    }
    admin = {
        "index": "/admin/",
        "report changelist": "/admin/reports/report/",
        "report change form": f"/admin/reports/report/{r}/change/",
        "report add form": "/admin/reports/report/add/",
        "report versions": f"/admin/reports/report/{r}/compare/",
        "document import": "/admin/reports/report/import-documents/",
        "spreadsheet import": "/admin/reports/report/import/",
        "spreadsheet export": "/admin/reports/report/export/",
        "accounts": "/admin/auth/user/",
        "account change form": f"/admin/auth/user/{ids['user']}/change/",
        "audit log": "/admin/reports/auditevent/",
        "audit event": f"/admin/reports/auditevent/{ids['event']}/change/",
        "publishers": "/admin/reports/publisher/",
        "TOTP devices": "/admin/otp_totp/totpdevice/",
        "TOTP device": f"/admin/otp_totp/totpdevice/{ids['device']}/change/",
        "TOTP setup (QR code)": f"/admin/otp_totp/totpdevice/{ids['device']}/config/",
        "lockouts": "/admin/axes/accessattempt/",
    }
    return public, admin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="save full-page screenshots (1366 px) here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govopen-csp-") as tmp:
        return run(Path(tmp), args.shots)


def run(tmp: Path, shots: Path | None) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govopen.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "csp-check-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        # Plain HTTP on loopback, as a proxy in front of the site would see it.
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
    }
    ids = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - this project's own runserver
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own loopback server
                break
            except OSError:
                time.sleep(0.2)
        return browse(base, ids, shots)
    finally:
        server.terminate()
        server.wait(timeout=10)


def browse(base: str, ids: dict, shots: Path | None) -> int:
    from playwright.sync_api import sync_playwright

    public, admin = pages(ids)
    found: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        context.add_init_script(LISTEN)
        page = context.new_page()
        # Console errors other than Chromium's own report of each violation (the events say it shorter),
        # and every failed request but the 404 page itself and the favicon.ico a bare page makes
        # Chromium ask for.
        console: list[str] = []
        page.on(
            "console",
            lambda m: (
                console.append(m.text)
                if m.type == "error" and "Content Security Policy" not in m.text and "Failed to load" not in m.text
                else None
            ),
        )
        page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        page.on(
            "response",
            lambda r: (
                console.append(f"{r.status} {r.url}")
                if r.status >= 400 and "/no-such-page/" not in r.url and not r.url.endswith("/favicon.ico")
                else None
            ),
        )

        def visit(name: str, path: str | None = None) -> None:
            if path is not None:
                page.goto(base + path)
            page.wait_for_load_state("networkidle")
            events = page.evaluate("window.__csp || []")
            for line in events + console:
                found.append(f"[{name}] {line}")
            print(f"{'ok ' if not events and not console else 'BAD'} {name}: {page.url}")
            console.clear()
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"{name.replace(' ', '-')}.png"), full_page=True)

        for name, path in public.items():
            visit(name, path)

        # Sign in through the login page (it is checked too), then the admin pages.
        visit("admin login", "/admin/login/")
        page.fill("#id_username", "csp")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(base + "/admin/")
        for name, path in admin.items():
            visit(name, path)

        # The document import: upload a demo document, its preview, confirm (the page it lands on; the
        # stepwise progress page shows only for batches larger than one step).
        page.goto(base + "/admin/reports/report/import-documents/")
        console.clear()
        page.set_input_files("input[type=file]", str(next((ROOT / "demo" / "seeds").glob("004_*"))))
        page.click("#import-upload-form input[type=submit]")
        visit("document import preview")
        page.click("input[name=_confirm]")
        visit("document import confirmed")
        context.close()
        browser.close()

    print("\n".join(found) if found else "No CSP violation and no console error.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
