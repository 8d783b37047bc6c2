"""Browser tests: Playwright driving Debian's Chromium (never a browser Playwright downloads), axe-core
from axe-playwright-python. One browser for the whole session; each test opens few pages.

They run once, on SQLite: nothing in them depends on the database, and the suite runs twice in CI;
with DATABASE_URL on PostgreSQL they are deselected. A live-server test is transactional (the
database, region list included, is emptied after it; pytest-django runs such tests last), so the
checks are steps of one test.
"""

from __future__ import annotations

import datetime
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from reports.tests.conftest import PARTS, balanced_values

CHROMIUM = os.environ.get("GOVOPEN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "browser"


def pytest_collection_modifyitems(config, items):
    reason = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        reason = "browser tests run once, on SQLite (the live server shares the in-memory test database)"
    elif not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (scripts/system-deps.sh test installs it)"
    if reason:
        here = Path(__file__).parent
        dropped = [item for item in items if here in Path(item.fspath).parents]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if item not in dropped]
            print(f"\nbrowser tests deselected: {reason}")


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make in
    # between pages are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts():
    """Screenshots go to artifacts/browser/ (git-ignored), kept after the run for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site(make_report):
    """A small public site: one region's reports over two years (statistics, compare, compliance),
    one report whose numbers break a rule, one report of another county."""
    report = make_report(values=balanced_values(), sections=PARTS)
    make_report(
        year=2022,
        values=balanced_values(),
        sections=PARTS,
        published_on=datetime.date(2023, 1, 20),
    )
    bad = balanced_values()
    bad[("applications", "received", "total")] = Decimal(99)
    make_report(region="520102", publisher="贵阳市南明区人民政府办公室", values=bad, sections=PARTS)
    return {"report": report}
