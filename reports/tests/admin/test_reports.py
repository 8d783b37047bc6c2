from decimal import Decimal

import pytest

from reports import format as fmt
from reports.models import Report, ReportStatus
from reports.tests.conftest import balanced_values, stored_values

pytestmark = pytest.mark.django_db


def change_form_data(report, cells, sections=()):
    """The POST body of the report change form: fields, grid inputs and inline management forms."""
    data = {
        "title": report.title,
        "kind": report.kind,
        "edition": report.edition,
        "year": report.year,
        "publisher": report.publisher_id,
        "region": report.region_id,
        "status": report.status,
        "index_no": "",
        "document_no": "",
        "written_on": "",
        "published_on": report.published_on.isoformat() if report.published_on else "",
        "source_url": "",
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        "free_tables-TOTAL_FORMS": 0,
        "free_tables-INITIAL_FORMS": 0,
        "free_tables-MIN_NUM_FORMS": 0,
        "free_tables-MAX_NUM_FORMS": 1000,
    }
    for i, s in enumerate(sections):
        data.update(
            {
                f"sections-{i}-id": s.pk,
                f"sections-{i}-report": report.pk,
                f"sections-{i}-position": s.position,
                f"sections-{i}-number": s.number,
                f"sections-{i}-heading": s.heading,
                f"sections-{i}-body": s.body,
            }
        )
    for (t, r, c), v in cells.items():
        data[f"cell__{t}__{r}__{c}"] = "" if v is None else str(v)
    return data


def test_change_form_shows_the_official_grid_of_inputs(admin_client, make_report):
    """Editing a report shows the three tables as grids of number inputs, not a JSON box."""
    report = make_report(values=balanced_values())
    html = admin_client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert '<table class="cell-grid" id="grid-applications">' in html
    assert 'name="cell__applications__received__natural_person" value="10"' in html
    assert 'name="cell__proactive__fees__amount" value="6858.05"' in html
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in html


def test_saving_a_table_stores_numbers_and_warns_about_broken_rules(admin_client, make_report):
    """A save stores every cell (blank stays blank) and names the cells of a broken rule, saving anyway."""
    report = make_report(values=balanced_values())
    cells = balanced_values()
    cells[("applications", "received", "natural_person")] = Decimal(11)
    cells[("applications", "received", "research")] = None
    response = admin_client.post(
        f"/admin/reports/report/{report.pk}/change/",
        change_form_data(report, cells, report.sections.all()),
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("申请表: 本年新收+上年结转 ≠ 办理结果总计+结转下年度 (自然人列: 12 ≠ 11)" in t for t in texts)
    assert any("一、本年新收政府信息公开申请数量 / 总计" in t for t in texts)  # row_totals names the cell
    stored = stored_values(report)
    assert stored[("applications", "received", "natural_person")] == Decimal(11)
    assert (
        "applications",
        "received",
        "research",
    ) not in stored  # blank: no value, not 0
    report.refresh_from_db()
    assert report.checks_failed == 2


def test_bad_number_in_the_grid_is_refused_with_the_cell_marked(admin_client, make_report):
    report = make_report(values=balanced_values())
    cells = balanced_values()
    cells[("applications", "granted", "total")] = "七"
    response = admin_client.post(f"/admin/reports/report/{report.pk}/change/", change_form_data(report, cells))
    assert response.status_code == 200
    assert 'class="has-error"' in response.content.decode()
    assert stored_values(report)[("applications", "granted", "total")] == Decimal(7)


def test_fractional_count_is_refused(admin_client, make_report):
    """Counts are whole numbers; only amounts (万元) take decimals."""
    report = make_report(values=balanced_values())
    cells = balanced_values()
    cells[("proactive", "licensing", "decisions")] = Decimal("1.5")
    response = admin_client.post(
        f"/admin/reports/report/{report.pk}/change/",
        change_form_data(report, cells),
        follow=True,
    )
    assert response.status_code == 200
    assert stored_values(report)[("proactive", "licensing", "decisions")] == Decimal(0)


def test_list_has_checks_column_and_filters(admin_client, make_report):
    bad = balanced_values()
    bad[("applications", "received", "total")] = Decimal(99)
    make_report(values=bad)
    make_report(region="440800", publisher="湛江市人民政府", values=balanced_values())
    html = admin_client.get("/admin/reports/report/").content.decode()
    assert "✗ 2 项不符" in html and "✓" in html
    assert admin_client.get("/admin/reports/report/?province=440000").context["cl"].result_count == 1
    assert admin_client.get("/admin/reports/report/?q=湛江").context["cl"].result_count == 1


def test_submit_approve_and_withdraw_through_the_workflow(admin_client, make_report, django_user_model):
    """Sending for review, approving (a second published report of a publisher-year is refused) and
    withdrawing with a reason, from the list's actions and the change page's buttons."""
    first = make_report(status="draft")
    second = make_report(status="draft", title="重复的年度报告")
    admin_client.post("/admin/reports/report/", {"action": "submit_reports", "_selected_action": [first.pk, second.pk]})
    first.refresh_from_db()
    assert first.status == ReportStatus.PENDING
    # The superuser submitted them: by default nobody approves their own submission.
    response = admin_client.post(
        "/admin/reports/report/", {"action": "approve_reports", "_selected_action": [first.pk]}, follow=True
    )
    assert any("不能审核自己提交的报告" in str(m) for m in response.context["messages"])
    reviewer = django_user_model.objects.create_superuser("reviewer2", password="x" * 16)
    admin_client.force_login(reviewer)
    admin_client.post("/admin/reports/report/", {"action": "approve_reports", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == ReportStatus.PUBLISHED
    response = admin_client.post(
        "/admin/reports/report/", {"action": "approve_reports", "_selected_action": [second.pk]}, follow=True
    )
    assert any("已有已发布的年度报告" in str(m) for m in response.context["messages"])
    assert Report.objects.get(pk=second.pk).status == ReportStatus.PENDING
    url = f"/admin/reports/report/{first.pk}/workflow/withdraw/"
    response = admin_client.post(url, {"text": ""}, follow=True)
    assert any("必须填写撤回原因" in str(m) for m in response.context["messages"])
    admin_client.post(url, {"text": "数据有误,更正后重新发布"})
    first.refresh_from_db()
    assert first.status == ReportStatus.WITHDRAWN and first.withdrawn_reason == "数据有误,更正后重新发布"


def test_switching_edition_keeps_only_that_editions_cells(admin_client, make_report):
    report = make_report(year=2020, values=balanced_values(fmt.EDITION_2019))
    cells = balanced_values(fmt.EDITION_2019)
    admin_client.post(f"/admin/reports/report/{report.pk}/change/", change_form_data(report, cells))
    assert any(row == "other" for _, row, _ in stored_values(report))
    assert not any(row == "other_misc" for _, row, _ in stored_values(report))


def test_checks_column_tells_no_tables_from_passing(admin_client, make_report):
    """A report without table numbers shows “—”, not a pass."""
    make_report(values=None)
    html = admin_client.get("/admin/reports/report/").content.decode()
    assert '<td class="field-checks_column">—</td>' in html


def test_deleting_in_the_admin_takes_reports_out_of_the_statistics(
    admin_client, make_report, django_capture_on_commit_callbacks
):
    """Once the delete commits, the statistics task takes the report out."""
    from reports.models import ReportStat

    report = make_report(values=balanced_values())
    assert ReportStat.objects.filter(pk=report.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/reports/report/", {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"}
        )
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not ReportStat.objects.filter(pk=report.pk).exists()


def test_one_admin_save_runs_the_rules_once_and_refreshes_statistics_once(admin_client, make_report, monkeypatch):
    """Report fields, sections and numbers are one write: the rules run once, statistics refresh once."""
    from reports.services import reports as report_services

    report = make_report(values=balanced_values(), status=ReportStatus.PUBLISHED)
    sections = list(report.sections.all())
    calls = {"check": 0, "refresh": 0}
    real_check, real_refresh = fmt.check, report_services.stats_refresh_later

    def counting_check(*args, **kwargs):
        calls["check"] += 1
        return real_check(*args, **kwargs)

    def counting_refresh(*args, **kwargs):
        calls["refresh"] += 1
        return real_refresh(*args, **kwargs)

    monkeypatch.setattr(fmt, "check", counting_check)
    monkeypatch.setattr(report_services, "stats_refresh_later", counting_refresh)
    cells = balanced_values()
    cells[("applications", "received", "natural_person")] = Decimal(11)
    data = change_form_data(report, cells, sections)
    data["sections-0-body"] = "改过的正文。"
    response = admin_client.post(f"/admin/reports/report/{report.pk}/change/", data)
    assert response.status_code == 302
    assert calls == {"check": 1, "refresh": 1}
    report.refresh_from_db()
    assert report.sections.get(number=sections[0].number).body == "改过的正文。"
    assert stored_values(report)[("applications", "received", "natural_person")] == 11
    assert report.checks_failed == 2  # 11 new + 1 carried over ≠ outcomes; total column ≠ its parts


def test_saving_keeps_section_ids_and_positions(admin_client, make_report):
    """Sections an editor did not delete keep their id and position; a deleted one goes, a new one comes."""
    parts = (
        ("一", "总体情况", "甲。"),
        ("二", "主动公开政府信息情况", "乙。"),
        ("三", "收到和处理政府信息公开申请情况", "丙。"),
    )
    report = make_report(values=balanced_values(), sections=parts)
    first, second, third = list(report.sections.all())
    data = change_form_data(report, balanced_values(), [first, second, third])
    data["sections-1-position"] = 10
    data["sections-2-DELETE"] = "on"
    data.update(
        {
            "sections-TOTAL_FORMS": 4,
            "sections-3-report": report.pk,
            "sections-3-position": 5,
            "sections-3-number": "",
            "sections-3-heading": "附记",
            "sections-3-body": "新加的一段。",
        }
    )
    response = admin_client.post(f"/admin/reports/report/{report.pk}/change/", data)
    assert response.status_code == 302
    stored = [(s.pk, s.position, s.heading) for s in report.sections.all()]
    new = report.sections.get(heading="附记")
    assert stored == [
        (first.pk, first.position, "总体情况"),
        (new.pk, 5, "附记"),
        (second.pk, 10, "主动公开政府信息情况"),
    ]


def test_rule_warnings_are_shown_for_any_kind_of_report(admin_client, make_report):
    """A 工作要点 with table numbers is not counted as failing, but the editor still sees broken rules."""
    report = make_report(values=balanced_values(), kind="work_plan")
    cells = balanced_values()
    cells[("applications", "received", "natural_person")] = Decimal(99)
    response = admin_client.post(
        f"/admin/reports/report/{report.pk}/change/", change_form_data(report, cells), follow=True
    )
    assert "申请表: 本年新收+上年结转" in response.content.decode()
    report.refresh_from_db()
    assert report.checks_failed == 0


def test_import_warnings_stay_with_the_report_for_the_editor(admin_client):
    """What the importer was unsure of is shown on the report's edit page, not only in the preview."""
    import io

    from django.core.management import call_command

    from reports.importers.text import PUBLISHED_ON_UNKNOWN
    from reports.tests.conftest import seed

    call_command("import_reports", str(seed("004")), stdout=io.StringIO())
    report = Report.objects.get()
    assert report.import_warnings == [PUBLISHED_ON_UNKNOWN]
    html = admin_client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert "导入时的提示" in html and "未注明发布日期" in html


def test_each_grid_scrolls_in_its_own_box_with_its_labels(admin_client, make_report):
    """Table 三 is wider than a laptop screen: each grid sits in a scrolling box (labelled by the
    table's caption) whose script holds the header rows and row labels in place; inputs keep their names."""
    report = make_report(values=balanced_values())
    html = admin_client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    for code in ("proactive", "applications", "review_litigation"):
        box = f'<div class="cell-grid-box" tabindex="0" role="region" aria-labelledby="grid-{code}-title">'
        assert html.index(box) < html.index(f'<table class="cell-grid" id="grid-{code}">')
    # Style and script are static files (the Content-Security-Policy allows no inline ones).
    from django.contrib.staticfiles import finders

    assert 'href="/static/css/admin-report.css"' in html and 'src="/static/js/admin-report.js"' in html
    css = open(finders.find("css/admin-report.css"), encoding="utf-8").read()
    script = open(finders.find("js/admin-report.js"), encoding="utf-8").read()
    assert ".cell-grid-box { width: fit-content; max-width: 100%; max-height: 80vh; overflow: auto;" in css
    assert 'classList.add("sticky-left")' in script and 'classList.add("sticky-top")' in script
    assert 'name="cell__review_litigation__litigation_after_review__total"' in html
    assert 'name="cell__applications__received__total"' in html


def test_the_grid_names_an_impossible_number_and_dates_out_of_order(admin_client, make_report):
    """−1 in a count is refused next to its input, named by table, row and column; 发布日期 before
    成文日期 is refused on the 发布日期 field; nothing is saved."""
    report = make_report(status="draft", values=balanced_values())
    url = f"/admin/reports/report/{report.pk}/change/"
    values = {**balanced_values(), ("applications", "received", "natural_person"): Decimal(-1)}
    html = admin_client.post(url, change_form_data(report, values)).content.decode()
    assert (
        "表三(收到和处理政府信息公开申请情况)「一、本年新收政府信息公开申请数量」行「申请人情况 自然人」列:"
        "不能为负数,填写的是 -1"
    ) in html
    data = {**change_form_data(report, balanced_values()), "written_on": "2024-02-05"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_on"] == [
        "发布日期(2024-01-31)早于成文日期(2024-02-05):报告不能在成文之前发布,请按原文核对两个日期。"
    ]
    report.refresh_from_db()
    assert report.written_on is None and stored_values(report) == balanced_values()
