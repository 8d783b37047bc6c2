"""The production settings pass Django's deployment checks (the health endpoint: test_health.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _production_env() -> dict:
    """This process's environment without what tests set for themselves (the browser tests' async
    switch), so that the child sees the production settings."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_is_clean_with_the_production_settings():
    env = {
        **_production_env(),
        "DJANGO_SETTINGS_MODULE": "govopen.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "www.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gunicorn_configuration_is_valid():
    env = {**_production_env(), "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "python:govopen.gunicorn_conf", "govopen.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def _csp(response) -> dict[str, str]:
    """The Content-Security-Policy header as directive -> sources."""
    parts = (p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.mark.django_db
def test_public_and_admin_pages_forbid_inline_script_and_style(client, admin_client):
    """Every page, public or admin, carries the same policy: the site's own scripts, styles, fonts and
    images only (no inline code, no nonce), no plugins, no framing."""
    pages = {"/": client, "/no-such-page/": client, "/admin/login/": client, "/admin/reports/report/": admin_client}
    for path, browser in pages.items():
        response = browser.get(path)
        assert response.status_code == (404 if path == "/no-such-page/" else 200)
        policy = _csp(response)
        policy.pop("upgrade-insecure-requests", None)  # with DJANGO_DEBUG off only: the next test
        assert policy == CSP, path


@pytest.mark.parametrize("debug, upgrade", [("0", True), ("1", False)])
def test_only_production_upgrades_requests_to_https(debug, upgrade):
    """upgrade-insecure-requests with DJANGO_DEBUG off; not in development, where runserver speaks HTTP."""
    code = "from govopen import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES'])"
    env = {**_production_env(), "DJANGO_DEBUG": debug, "DJANGO_SECRET_KEY": "x" * 50}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert f"'upgrade-insecure-requests': {upgrade}" in result.stdout, result.stdout + result.stderr
