"""The smoke test of the many-machines rehearsal (scripts/rehearse_cluster.sh runs it): two app servers
sharing one database, one cache and one storage behave as one site.

    .venv/bin/python scripts/cluster_smoke.py --a URL --b URL --media DIR --document FILE \\
        --editor NAME --reviewer NAME   (both passwords in GOVOPEN_SMOKE_PASSWORD)

An editor signs in on A, uploads a document on A, previews it on B and confirms it on A; a reviewer
signed in on B approves it on A; then B lists the report and shows its page at once (its cached list
retired), renders a download that A then serves unchanged, serves the PDF the worker made, and the
original turns public. Prints a PASS or FAIL line per check and exits 1 if any failed. It only talks
to the two loopback servers it is given, over HTTP.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import lxml.html

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(f"{'PASS' if ok else 'FAIL'} {what}" + ("" if ok or not detail else f": {detail}"), flush=True)
    if not ok:
        failures.append(what)
    return ok


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # redirects are answers to look at, not to follow


class Browser:
    """A visitor: cookies kept across both servers (one host, two ports, as behind one proxy)."""

    def __init__(self, *, cookies: bool = True):
        handlers = [NoRedirect()]
        self.jar = http.cookiejar.CookieJar()
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        req = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our loopback servers
        try:
            with self.opener.open(req, timeout=90) as response:
                return Answer(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, response.read(), url
                )
        except urllib.error.HTTPError as e:
            return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read(), url)

    def get(self, url: str, **headers) -> Answer:
        return self.request(url, headers=headers)

    def post(self, url: str, fields: dict, files: dict | None = None) -> Answer:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(url, data=body, headers={"Content-Type": content_type})

    def csrf_token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, base: str, username: str, password: str) -> bool:
        self.get(f"{base}/admin/login/")  # sets the CSRF cookie
        answer = self.post(
            f"{base}/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
        )
        return answer.status == 302 and any(c.name == "sessionid" for c in self.jar)


def _multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename*=UTF-8''"
            f'{urllib.parse.quote(filename)}; filename="{urllib.parse.quote(filename)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def form_fields(html: str, prefix: str) -> dict[str, str]:
    """The values a browser would post for the fields whose names start with ``prefix``."""
    doc = lxml.html.fromstring(html)
    fields = {}
    for element in doc.iter("input", "select", "textarea"):
        name = element.get("name") or ""
        if not name.startswith(prefix):
            continue
        if element.tag == "select":
            chosen = element.xpath("./option[@selected]") or element.xpath("./option")
            fields[name] = chosen[0].get("value", chosen[0].text or "") if chosen else ""
        elif element.tag == "textarea":
            fields[name] = element.text or ""
        elif element.get("type") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                fields[name] = element.get("value", "on")
        else:
            fields[name] = element.get("value", "")
    return fields


def wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--a", required=True, help="server A, e.g. http://127.0.0.1:8001")
    parser.add_argument("--b", required=True, help="server B")
    parser.add_argument("--media", required=True, type=Path, help="the storage folder both servers share")
    parser.add_argument("--document", required=True, type=Path, help="a report document to import")
    parser.add_argument("--editor", required=True)
    parser.add_argument("--reviewer", required=True)
    args = parser.parse_args()
    password = os.environ["GOVOPEN_SMOKE_PASSWORD"]
    a, b = args.a.rstrip("/"), args.b.rstrip("/")
    public = Browser(cookies=False)

    for base in (a, b):
        check(wait_until(lambda base=base: public.get(f"{base}/healthz").status == 200, 60), f"{base} answers /healthz")

    # The page cache lives in the shared Redis: B serves the list A just cached.
    first = public.get(f"{a}/reports/")
    again = public.get(f"{b}/reports/")
    check(
        first.status == again.status == 200 and again.headers.get("x-page-cache") == "hit",
        "B serves the list page A cached (one shared page cache)",
        f"A {first.status} {first.headers.get('x-page-cache')}, B {again.status} {again.headers.get('x-page-cache')}",
    )

    # An editor imports through both servers: the upload waits in the shared storage, the session in the database.
    editor = Browser()
    if not check(editor.sign_in(a, args.editor, password), "the editor signs in on A"):
        return 1
    editor.get(f"{a}/admin/reports/report/import-documents/")
    uploaded = editor.post(
        f"{a}/admin/reports/report/import-documents/",
        {},
        files={"files": (args.document.name, args.document.read_bytes())},
    )
    if not check(uploaded.status == 302, "the document is uploaded on A", f"{uploaded.status} {uploaded.text[:300]}"):
        return 1
    preview_path = uploaded.headers["location"]
    preview = editor.get(b + preview_path)
    fields = form_fields(preview.text, "doc")
    if not check(
        preview.status == 200 and "doc0-region_code" in fields,
        "B previews the upload A received (import uploads in the shared storage)",
        f"{preview.status} {preview.text[:300]}",
    ):
        return 1
    confirmed = editor.post(a + preview_path, {**fields, "_confirm": "1"})
    check(
        confirmed.status == 302 and "status__exact=draft" in confirmed.headers.get("location", ""),
        "A confirms the import previewed on B",
        f"{confirmed.status} {confirmed.headers.get('location')} {confirmed.text[:300]}",
    )
    drafts = editor.get(b + confirmed.headers.get("location", "/admin/reports/report/"))
    found = re.search(r"/admin/reports/report/(\d+)/change/", drafts.text)
    if not check(found is not None, "B lists the draft made on A"):
        return 1
    pk = int(found.group(1))
    change = editor.get(f"{b}/admin/reports/report/{pk}/change/")
    original = re.search(r'href="(/media/originals/[^"]+)"', change.text)
    title = lxml.html.fromstring(change.text).xpath("string(//input[@name='title']/@value)")
    if check(original is not None, "the draft keeps its original in the storage"):
        original_url = original.group(1)
        check(public.get(b + original_url).status == 404, "B does not give a draft's original to the public")
        check(editor.get(b + original_url).status == 200, "B gives the draft's original to its editor (signed in on A)")

    submitted = editor.post(f"{a}/admin/reports/report/{pk}/workflow/submit/", {})
    check(submitted.status == 302, "the editor submits the draft for review on A")

    # Warm B's list while the report is not public yet.
    public.get(f"{b}/reports/")
    before = public.get(f"{b}/reports/")
    check(
        before.headers.get("x-page-cache") == "hit" and f"/reports/{pk}/" not in before.text,
        "B's list is cached and does not show the draft",
    )

    reviewer = Browser()
    if not check(reviewer.sign_in(b, args.reviewer, password), "the reviewer signs in on B"):
        return 1
    approved = reviewer.post(f"{a}/admin/reports/report/{pk}/workflow/approve/", {})
    check(approved.status == 302, "the reviewer (signed in on B) publishes the report on A")

    listed = public.get(f"{b}/reports/")
    check(
        listed.status == 200 and f"/reports/{pk}/" in listed.text and listed.headers.get("x-page-cache") == "miss",
        "B lists the report at once (the publication on A retired B's cached list)",
        f"{listed.status} cache {listed.headers.get('x-page-cache')}",
    )
    page = public.get(f"{b}/reports/{pk}/")
    check(page.status == 200 and bool(title) and title in page.text, "B shows the report's page", str(page.status))

    # A download rendered on B is a file A serves as it is.
    csv_b = public.get(f"{b}/reports/{pk}/download.csv")
    etag = csv_b.headers.get("etag", "")
    fingerprint = etag.strip('"').rsplit("-", 1)[0]
    stored = args.media / "downloads" / str(pk) / f"{fingerprint}.csv"
    check(
        csv_b.status == 200 and stored.is_file() and stored.read_bytes() == csv_b.body,
        "B renders the CSV into the shared storage",
        f"{csv_b.status} {stored}",
    )
    csv_a = public.get(f"{a}/reports/{pk}/download.csv")
    not_modified = public.get(f"{a}/reports/{pk}/download.csv", **{"If-None-Match": etag})
    check(
        csv_a.status == 200 and csv_a.body == csv_b.body and csv_a.headers.get("etag") == etag,
        "A serves the same CSV",
    )
    check(not_modified.status == 304, "A answers 304 to B's ETag")

    # The worker made the PDF after publishing; B serves that file.
    pdf_folder = args.media / "downloads" / str(pk)
    made = wait_until(lambda: any(pdf_folder.glob("*.pdf")), 120)
    check(made, "the worker made the PDF in the shared storage after publishing")
    if made:
        by_worker = {path.stem for path in pdf_folder.glob("*.pdf")}
        pdf = public.get(f"{b}/reports/{pk}/download.pdf")
        stem = pdf.headers.get("etag", "").strip('"').rsplit("-", 1)[0]
        check(
            pdf.status == 200 and pdf.body.startswith(b"%PDF") and stem in by_worker,
            "B serves the PDF the worker made (not one of its own)",
            f"{pdf.status} {stem} not in {sorted(by_worker)}",
        )
    if original is not None:
        check(public.get(a + original_url).status == 200, "A gives the published report's original to anyone")

    print(f"{'FAIL' if failures else 'PASS'}: {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
