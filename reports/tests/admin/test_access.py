"""Who may do what (reports/selectors/access.py), role by role, over the admin, imports and exports,
the workflow, the API and the public draft URLs."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from reports.models import AuditAction, AuditEvent, Report, ReportStatus
from reports.services.accounts import account_create
from reports.tests.admin.test_reports import change_form_data
from reports.tests.conftest import balanced_values, stored_values

pytestmark = pytest.mark.django_db

PASSWORD = "审核流程-Strong-Pass-2024"
ROLES = ("anonymous", "view_only", "editor_in", "editor_out", "reviewer", "admin")


@pytest.fixture
def accounts(django_user_model):
    """A client per role; the reports are 清镇市 (520181, under 贵阳市 520100)."""
    users = {
        "editor_in": account_create(username="editor_in", role="editor", password=PASSWORD, region_codes=["520100"]),
        "editor_out": account_create(username="editor_out", role="editor", password=PASSWORD, region_codes=["330903"]),
        "reviewer": account_create(username="reviewer", role="reviewer", password=PASSWORD, region_codes=["520000"]),
        "admin": account_create(username="chief", role="admin", password=PASSWORD),
    }
    view_only = django_user_model.objects.create_user("viewer", password=PASSWORD, is_staff=True)
    view_only.user_permissions.add(*Permission.objects.filter(codename__in=["view_report", "change_reportnumbers"]))
    users["view_only"] = view_only
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients, users


def status(client, url, method="get", data=None):
    return getattr(client, method)(url, data or {}).status_code


def _denied(code):
    return code in (302, 403, 404)


def test_the_report_list_shows_each_role_its_scope(accounts, make_report):
    clients, _ = accounts
    report = make_report(status="draft")
    seen = {}
    for role in ROLES:
        response = clients[role].get("/admin/reports/report/")
        seen[role] = (
            response.status_code == 200 and f"/admin/reports/report/{report.pk}/change/" in response.content.decode()
        )
    assert seen == {
        "anonymous": False,
        "view_only": False,
        "editor_in": True,
        "editor_out": False,
        "reviewer": True,
        "admin": True,
    }


@pytest.mark.parametrize(
    ("role", "may_change"),
    [
        ("anonymous", False),
        ("view_only", False),
        ("editor_in", True),
        ("editor_out", False),
        ("reviewer", False),
        ("admin", True),
    ],
)
def test_only_editors_in_scope_and_admins_change_a_draft(accounts, make_report, role, may_change):
    clients, _ = accounts
    report = make_report(status="draft", values=balanced_values())
    values = {**balanced_values(), ("applications", "received", "natural_person"): Decimal(11)}
    data = change_form_data(report, values)
    data["title"] = "改过的标题"
    clients[role].post(f"/admin/reports/report/{report.pk}/change/", data)
    report.refresh_from_db()
    assert (report.title == "改过的标题") is may_change
    assert (stored_values(report)[("applications", "received", "natural_person")] == 11) is may_change


def test_a_published_report_is_changed_by_nobody_in_place(accounts, make_report):
    clients, _ = accounts
    report = make_report(status="published", values=balanced_values())
    for role in ROLES:
        data = change_form_data(report, balanced_values())
        data["title"] = f"{role} 改的"
        clients[role].post(f"/admin/reports/report/{report.pk}/change/", data)
        report.refresh_from_db()
        assert report.title != f"{role} 改的", role


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/admin/reports/report/export/", {"editor_in", "editor_out", "reviewer", "admin"}),
        ("/admin/reports/report/import/", {"editor_in", "editor_out", "admin"}),
        ("/admin/reports/report/import-documents/", {"editor_in", "editor_out", "admin"}),
        ("/admin/reports/auditevent/", {"admin"}),
        ("/admin/auth/user/", {"admin"}),
        ("/admin/axes/accessattempt/", {"admin"}),
        ("/admin/reports/publisher/", {"editor_in", "editor_out", "reviewer", "admin"}),
    ],
)
def test_admin_pages_by_role(accounts, url, allowed):
    clients, _ = accounts
    got = {role for role in ROLES if status(clients[role], url) == 200}
    assert got == allowed


def test_an_editor_cannot_open_a_report_outside_its_scope(accounts, make_report):
    clients, _ = accounts
    report = make_report(status="draft")
    for url in (
        f"/admin/reports/report/{report.pk}/change/",
        f"/admin/reports/report/{report.pk}/compare/",
        f"/admin/reports/report/{report.pk}/delete/",
    ):
        assert _denied(status(clients["editor_out"], url)), url
    assert status(clients["editor_out"], f"/admin/reports/report/{report.pk}/workflow/submit/", "post") == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert status(clients["editor_in"], f"/admin/reports/report/{report.pk}/change/") == 200


def test_autocomplete_offers_only_the_scope(accounts, make_report):
    clients, _ = accounts
    make_report(status="draft")

    def found(role, field):
        url = f"/admin/autocomplete/?app_label=reports&model_name=report&field_name={field}&term=清镇"
        return [r["text"] for r in clients[role].get(url).json()["results"]]

    assert any("清镇" in t for t in found("editor_in", "region")) and found("editor_out", "region") == []
    assert found("editor_in", "publisher") == ["清镇市人民政府办公室"] and found("editor_out", "publisher") == []


def test_drafts_on_public_urls_only_for_their_scope(accounts, make_report):
    clients, _ = accounts
    report = make_report(status="draft")
    url = report.get_absolute_url()
    got = {role for role in ROLES if status(clients[role], url) == 200}
    assert got == {"editor_in", "reviewer", "admin"}
    assert {role for role in ROLES if status(clients[role], f"/api/reports/{report.pk}/") == 200} == set()


def test_the_workflow_draft_to_published_with_a_rejection(accounts, make_report):
    clients, users = accounts
    report = make_report(status="draft")
    base = f"/admin/reports/report/{report.pk}/workflow"
    clients["editor_in"].post(f"{base}/approve/")  # an editor cannot approve
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    clients["editor_in"].post(f"{base}/submit/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING and report.submitted_by == users["editor_in"]
    # Locked while in review: the editor cannot change it.
    data = change_form_data(report, {})
    data["title"] = "审核中改的"
    clients["editor_in"].post(f"/admin/reports/report/{report.pk}/change/", data)
    report.refresh_from_db()
    assert report.title != "审核中改的"
    clients["reviewer"].post(f"{base}/reject/", {"text": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING  # a rejection needs a comment
    clients["reviewer"].post(f"{base}/reject/", {"text": "表三总计有误"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.review_comment == "表三总计有误"
    assert "表三总计有误" in clients["editor_in"].get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    clients["editor_in"].post(f"{base}/submit/")
    clients["reviewer"].post(f"{base}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    for action in (AuditAction.SUBMIT, AuditAction.REJECT, AuditAction.APPROVE, AuditAction.PUBLISH):
        assert action in actions


def test_nobody_approves_their_own_submission_unless_the_setting_allows(accounts, make_report, settings):
    clients, users = accounts
    report = make_report(status="draft")
    base = f"/admin/reports/report/{report.pk}/workflow"
    clients["admin"].post(f"{base}/submit/")
    clients["admin"].post(f"{base}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING
    settings.GOVOPEN_ALLOW_SELF_APPROVAL = True
    clients["admin"].post(f"{base}/approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED


def test_a_revision_stays_out_of_sight_until_approved_then_shows_a_correction(accounts, make_report, client):
    clients, _ = accounts
    live = make_report(status="published", values=balanced_values())
    clients["editor_in"].post(f"/admin/reports/report/{live.pk}/workflow/revise/")
    revision = Report.objects.get(revision_of=live)
    assert revision.status == ReportStatus.DRAFT
    values = {**balanced_values(), ("applications", "received", "natural_person"): Decimal(11)}
    data = change_form_data(revision, values)
    data["change_reason"] = "自然人申请数填写有误"
    clients["editor_in"].post(f"/admin/reports/report/{revision.pk}/change/", data)
    # The published version is unchanged while the revision waits.
    assert stored_values(live)[("applications", "received", "natural_person")] == 10
    assert "更正记录" not in client.get(live.get_absolute_url()).content.decode()
    clients["editor_in"].post(f"/admin/reports/report/{revision.pk}/workflow/submit/")
    clients["reviewer"].post(f"/admin/reports/report/{revision.pk}/workflow/approve/")
    assert not Report.objects.filter(pk=revision.pk).exists()
    live.refresh_from_db()
    assert live.status == ReportStatus.PUBLISHED
    assert stored_values(live)[("applications", "received", "natural_person")] == 11
    html = client.get(live.get_absolute_url()).content.decode()
    assert "更正记录" in html and "自然人申请数填写有误" in html
    assert "一、本年新收政府信息公开申请数量 / 自然人" in html and ">10<" in html and ">11<" in html


def test_the_spreadsheet_import_refuses_reports_outside_scope_and_not_drafts(accounts, make_report):
    """The CRITICAL of the issue: a sheet could change published numbers of any report."""
    from tablib import Dataset

    from reports.admin.resources import TableCellResource

    clients, users = accounts
    published = make_report(status="published", values=balanced_values())
    draft = make_report(status="draft", year=2022)
    for user, report, allowed in (
        (users["view_only"], draft, False),
        (users["editor_out"], draft, False),
        (users["editor_in"], published, False),
        (users["editor_in"], draft, True),
    ):
        dataset = Dataset(headers=["report_id", "year", "region_code", "table", "row", "column", "value"])
        dataset.append([report.pk, report.year, "520181", "applications", "received", "natural_person", "77"])
        result = TableCellResource().import_data(dataset, dry_run=False, user=user)
        changed = stored_values(report).get(("applications", "received", "natural_person")) == 77
        assert (not result.has_validation_errors()) is allowed and changed is allowed, (user, report.status)


def test_a_save_that_changes_nothing_logs_nothing_and_an_edit_logs_old_and_new(accounts, make_report):
    clients, _ = accounts
    report = make_report(status="draft", values=balanced_values(), sections=(("一", "总体情况", "第一段\n第二段"),))
    url = f"/admin/reports/report/{report.pk}/change/"
    data = change_form_data(report, balanced_values(), sections=list(report.sections.all()))
    data["sections-0-body"] = "第一段  \r\n第二段\r\n"  # CRLF and trailing spaces: no edit
    before = AuditEvent.objects.count()
    clients["editor_in"].post(url, data)
    assert AuditEvent.objects.count() == before
    data["cell__applications__received__natural_person"] = "12"
    clients["editor_in"].post(url, data)
    event = AuditEvent.objects.filter(action=AuditAction.EDIT).latest("id")
    assert event.actor_name == "editor_in" and event.ip == "127.0.0.1"
    assert event.changes == [{"field": "表三 一、本年新收政府信息公开申请数量 / 自然人", "old": "10", "new": "12"}]
    compare = clients["editor_in"].get(f"/admin/reports/report/{report.pk}/compare/").content.decode()
    assert "一、本年新收政府信息公开申请数量 / 自然人" in compare and "applications" not in compare


def test_the_audit_log_is_append_only_for_everyone(accounts):
    clients, _ = accounts
    event = AuditEvent.objects.latest("id")
    for url in (f"/admin/reports/auditevent/{event.pk}/delete/", "/admin/reports/auditevent/add/"):
        assert _denied(status(clients["admin"], url))
    response = clients["admin"].post(f"/admin/reports/auditevent/{event.pk}/change/", {"detail": "改"})
    assert response.status_code == 403
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.save()
    body = b"".join(clients["admin"].get("/admin/reports/auditevent/export.csv").streaming_content).decode()
    assert "操作人" in body and "账号变更" in body


def test_ten_wrong_passwords_lock_the_account(accounts):
    client = Client()
    for _ in range(10):
        client.post("/admin/login/", {"username": "editor_in", "password": "wrong-password-1234"})
    response = client.post("/admin/login/?next=/admin/", {"username": "editor_in", "password": PASSWORD})
    assert response.status_code in (403, 429) and "锁定" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_repr="editor_in").count() >= 10
    call_command("axes_reset_username", "editor_in")
    response = client.post("/admin/login/?next=/admin/", {"username": "editor_in", "password": PASSWORD})
    assert response.status_code == 302


def test_create_account_reads_the_password_from_the_environment(monkeypatch, db):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    call_command(
        "create_account", "qz_editor", "--role", "editor", "--region", "520181", "--password-env", "NEW_PASSWORD"
    )
    user = get_user_model().objects.get(username="qz_editor")
    assert user.check_password(PASSWORD) and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["编辑"]
    assert list(user.scope.regions.values_list("code", flat=True)) == ["520181"]
    monkeypatch.setenv("WEAK", "123")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="密码"):
        call_command("create_account", "weak", "--role", "admin", "--password-env", "WEAK")
    with pytest.raises(CommandError, match="至少指定一个地区"):
        call_command("create_account", "noscope", "--role", "editor", "--password-env", "NEW_PASSWORD")


def test_reviewers_and_admins_need_a_totp_code_when_required(accounts, settings):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _, users = accounts
    settings.GOVOPEN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=users["reviewer"], name="手机", confirmed=True)
    client = Client()
    response = client.post("/admin/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 200 and "动态口令" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    response = client.post("/admin/login/", {"username": "reviewer", "password": PASSWORD, "otp_token": f"{token:06d}"})
    assert response.status_code == 302
    assert client.get("/admin/reports/report/").status_code == 200
    # An editor needs no second factor.
    assert Client().post("/admin/login/", {"username": "editor_in", "password": PASSWORD}).status_code == 302


def test_login_never_redirects_off_site(accounts):
    response = Client().post(
        "/admin/login/?next=https://evil.example/", {"username": "editor_in", "password": PASSWORD}
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_workflow_steps_need_post_and_a_csrf_token(accounts, make_report):
    _, users = accounts
    report = make_report(status="draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["editor_in"])
    url = f"/admin/reports/report/{report.pk}/workflow/submit/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_spreadsheet_exports_hold_only_the_scope(accounts, make_report, rf):
    """The export takes the list's rows: an editor of another district exports none of 清镇's."""
    from django.contrib import admin

    _, users = accounts
    make_report(status="published", values=balanced_values())
    model_admin = admin.site._registry[Report]
    for role, expected in (("editor_in", 1), ("editor_out", 0), ("reviewer", 1), ("admin", 1)):
        request = rf.get("/admin/reports/report/export/")
        request.user = users[role]
        assert model_admin.get_export_queryset(request).count() == expected, role


def test_an_admin_sets_up_a_totp_device_with_its_qr_code(accounts):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clients, users = accounts
    device = TOTPDevice.objects.create(user=users["reviewer"], name="手机", confirmed=True)
    response = clients["admin"].get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/")
    assert clients["editor_in"].get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code in (302, 403, 404)
