"""The compliance board: missing, late, inconsistent, copied and incomplete annual reports."""

import csv
import datetime
import io
import re

import pytest

from reports import format as fmt
from reports.models import Publisher
from reports.selectors.statistics.compliance import compliance_board, latest_due_year, report_deadline
from reports.services.statistics import stats_refresh_report
from reports.tests.conftest import SEEDS, balanced_values

pytestmark = pytest.mark.django_db

DEPT, GOV = Publisher.Kind.DEPARTMENT, Publisher.Kind.GOVERNMENT
D = datetime.date
SIX_PARTS = tuple((p.number, p.heading, f"{p.heading}的内容。") for p in fmt.PARTS)


@pytest.fixture
def counted(make_report):
    def make(**kw):
        kw.setdefault("sections", SIX_PARTS)
        kw.setdefault("values", balanced_values(fmt.edition_for_year(kw.get("year", 2023))))
        report = make_report(**kw)
        # As publisher_get_or_create does: a 人民政府 itself is a government (条例 第四十九条).
        Publisher.objects.filter(pk=report.publisher_id).update(kind=Publisher.kind_for_name(report.publisher.name))
        stats_refresh_report(report.pk)
        return report

    return make


def board(region="440800", year=2023):
    from reports.models import Region

    return compliance_board(region=Region.objects.get(code=region), year=year)


def labels(table):
    return [r.label for r in table.rows]


@pytest.mark.parametrize(
    ("year", "kind", "deadline"),
    [
        (2023, DEPT, D(2024, 1, 31)),
        (2023, GOV, D(2024, 3, 31)),
        (2019, DEPT, D(2020, 1, 31)),  # the 2019 条例 was in force when reports on 2019 were due
        (2018, DEPT, D(2019, 3, 31)),  # 2008 条例: everyone by 31 March
        (2018, GOV, D(2019, 3, 31)),
    ],
)
def test_deadlines_of_article_49(year, kind, deadline):
    assert report_deadline(year, kind) == deadline


@pytest.mark.parametrize(
    ("year", "publisher", "published_on", "late"),
    [
        (2023, "湛江市教育局", D(2024, 1, 31), False),  # on the last day
        (2023, "湛江市教育局", D(2024, 2, 1), True),
        (2023, "湛江市人民政府", D(2024, 3, 31), False),
        (2023, "湛江市人民政府", D(2024, 4, 1), True),
        (2018, "湛江市教育局", D(2019, 3, 31), False),  # old 条例: a department had until 31 March
        (2018, "湛江市教育局", D(2019, 4, 1), True),
        (2018, "湛江市人民政府", D(2019, 3, 31), False),
        (2019, "湛江市教育局", D(2020, 2, 1), True),  # new 条例 from reports on 2019
    ],
)
def test_late_reports_on_both_sides_of_each_deadline(counted, year, publisher, published_on, late):
    report = counted(region="440800", publisher=publisher, year=year, published_on=published_on)
    assert Publisher.objects.get(pk=report.publisher_id).kind == (GOV if publisher.endswith("人民政府") else DEPT)
    table = board(year=year).late
    assert labels(table) == ([report.title] if late else [])
    if late:
        days = table.rows[0].cells[-1].figure.total
        assert days == (published_on - report_deadline(year, Publisher.kind_for_name(publisher))).days == 1


def test_a_report_without_publication_date_is_listed_as_undated_not_on_time(counted):
    """发布日期不详: the board cannot call it on time, so it lists it first and says why."""
    late = counted(region="440800", publisher="湛江市教育局", year=2023, published_on=D(2024, 2, 1))
    undated = counted(region="440800", publisher="湛江市人民政府", year=2023, published_on=None)
    table = board(year=2023).late
    assert labels(table) == [undated.title, late.title]
    assert table.rows[0].cells[-2].text == "发布日期不详" and table.rows[0].cells[-1].figure is None
    assert "1 份报告发布日期不详" in table.note and table.total_rows == 2


def test_publishers_without_a_report_for_the_year(counted, make_report):
    """Expected: seen in an earlier year, or registered with no report yet; not: first seen later."""
    counted(region="440803", publisher="霞山区教育局", year=2022)  # published 2022, nothing for 2023
    counted(region="440803", publisher="霞山区人民政府", year=2022)
    counted(region="440803", publisher="霞山区人民政府", year=2023)  # on time
    counted(region="440803", publisher="霞山区卫健局", year=2024)  # first seen later
    counted(region="440803", publisher="霞山区民政局", year=2022)
    withdrawn = counted(region="440803", publisher="霞山区民政局", year=2023, status="withdrawn")
    Publisher.objects.create(name="霞山区数据局", region_id="440803")  # registered, no report yet
    counted(region="520181", publisher="清镇市教育局", year=2022)  # another province
    b = board(region="440800", year=2023)
    assert sorted(labels(b.missing)) == sorted(["霞山区数据局", "霞山区教育局", "霞山区民政局"])
    assert (b.expected, b.published) == (4, 1)  # 霞山区人民政府 published
    # A publisher whose first report is on the year itself counts as expected and published.
    counted(region="440803", publisher="霞山区新设局", year=2023)
    assert (board(region="440800", year=2023).expected, board(region="440800", year=2023).published) == (5, 2)
    reasons = {r.label: r.cells[3].text for r in b.missing.rows}
    assert reasons["霞山区数据局"] == "已登记,尚无已发布的年度报告"
    assert reasons["霞山区教育局"] == "往年已发布年度报告"
    assert withdrawn.publisher.name in reasons


def test_reports_breaking_a_rule_are_listed_with_rule_and_cells(counted):
    values = balanced_values()
    values[("applications", "received", "total")] += 1
    bad = counted(region="440803", publisher="霞山区教育局", values=values)
    counted(region="440803", publisher="霞山区人民政府")
    table = board().failing
    assert table.total_rows == 1
    assert {r.label for r in table.rows} == {bad.title}
    rules = {r.cells[2].text: r.cells[4].text for r in table.rows}
    row_totals = fmt.RULES["applications.row_totals"].title
    assert rules[row_totals] == fmt.APPLICATIONS_2021.cell_label("received", "total")


def test_copied_text_is_found_and_different_text_is_not(counted):
    """霞山区 re-issued its 2022 text with new numbers; 赤坎区 wrote a new report."""
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    other = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    renumbered = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), seed)
    counted(region="440803", publisher="霞山区人民政府", year=2022, sections=(("一", "总体情况", seed),))
    copy = counted(region="440803", publisher="霞山区人民政府", year=2023, sections=(("一", "总体情况", renumbered),))
    counted(region="440802", publisher="赤坎区人民政府", year=2022, sections=(("一", "总体情况", seed),))
    counted(region="440802", publisher="赤坎区人民政府", year=2023, sections=(("一", "总体情况", other),))
    b = board(year=2023)
    assert labels(b.similar) == [copy.title]
    assert b.similar.rows[0].cells[-1].text == "1.00"
    assert b.compared == 2


def test_missing_parts_and_tables(counted):
    values = {k: v for k, v in balanced_values().items() if k[0] != "review_litigation"}
    incomplete = counted(
        region="440803", publisher="霞山区教育局", sections=SIX_PARTS[:4] + SIX_PARTS[5:], values=values
    )
    counted(region="440803", publisher="霞山区人民政府")  # complete
    counted(region="440803", publisher="霞山区卫健局", year=2023, kind="work_plan", sections=())  # not an annual report
    table = board().incomplete
    assert labels(table) == [incomplete.title]
    parts, tables = table.rows[0].cells[2].text, table.rows[0].cells[3].text
    assert parts == f"五、{fmt.PARTS[4].heading}"
    assert tables == fmt.REVIEW_LITIGATION.caption


def test_old_format_reports_are_not_checked_for_parts(counted):
    counted(region="440803", publisher="霞山区教育局", year=2017, sections=(("", "", "2017年工作情况。"),), values={})
    assert board(year=2017).incomplete.rows == []


def test_latest_due_year():
    assert latest_due_year(D(2025, 3, 31)) == 2023
    assert latest_due_year(D(2025, 4, 1)) == 2024


def test_page_download_and_bad_parameters(client, counted, django_assert_max_num_queries):
    counted(region="440803", publisher="霞山区教育局", year=2023, published_on=D(2024, 2, 20))
    with django_assert_max_num_queries(25):
        response = client.get("/compliance/?region=440800&year=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert "逾期发布的年度报告" in html and "霞山区教育局2023年政府信息公开工作年度报告" in html
    assert "第四十九条" in html
    csv_response = client.get("/compliance/download/?region=440800&year=2023&format=csv&part=late")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "霞山区教育局2023年政府信息公开工作年度报告"
    assert rows[1][-1] == "20"
    assert client.get("/compliance/download/?region=440800&year=2023&format=xlsx").status_code == 200
    for query in ("region=4408", "year=20x3", "region=000001"):
        bad = client.get(f"/compliance/?{query}")
        assert bad.status_code == 400
        assert "参数有误" in bad.content.decode()


def test_reports_that_do_not_follow_from_last_year_are_listed(counted):
    """上年结转 ≠ last year's 结转下年度: the report is listed with the rule and the numbers."""
    last = balanced_values()
    counted(region="440800", publisher="湛江市教育局", year=2022, values=last)
    now = balanced_values()
    now[("applications", "carried_over", "total")] = last[("applications", "carried_forward", "total")] + 5
    report = counted(region="440800", publisher="湛江市教育局", year=2023, values=now)
    counted(region="440800", publisher="湛江市民政局", year=2023)  # no report the year before: not compared
    table = board(year=2023).across_years
    assert labels(table) == [report.title] and table.total_rows == 1
    assert "上年结转与上一年度的结转下年度不符" in table.rows[0].cells[-1].text


def test_a_change_to_last_years_report_is_seen_on_this_years_board(counted):
    """The comparison is stored with the statistics: editing, withdrawing or deleting the earlier
    report refreshes the later one's, in either order of writing."""
    from reports.models import Report, ReportStatus
    from reports.tests.conftest import store_values

    now = balanced_values()
    report = counted(region="440800", publisher="湛江市教育局", year=2023, values=now)
    assert board(year=2023).across_years.total_rows == 0  # nothing to compare with yet
    last = balanced_values()
    for column in fmt.APPLICATIONS_2021.columns:  # last year's carried forward: this year's carried over
        last[("applications", "carried_forward", column.code)] = now[("applications", "carried_over", column.code)]
    last[("applications", "carried_forward", "total")] += 3
    previous = counted(region="440800", publisher="湛江市教育局", year=2022, values=last)
    table = board(year=2023).across_years
    assert labels(table) == [report.title]
    # The earlier report is corrected: the later one follows.
    store_values(
        previous, {("applications", "carried_forward", "total"): now[("applications", "carried_over", "total")]}
    )
    stats_refresh_report(previous.pk)
    assert board(year=2023).across_years.total_rows == 0
    # Withdrawn: no report to compare with, and its title is not shown anywhere.
    store_values(previous, {("applications", "carried_forward", "total"): 999_999})
    stats_refresh_report(previous.pk)
    assert board(year=2023).across_years.total_rows == 1
    Report.objects.filter(pk=previous.pk).update(status=ReportStatus.WITHDRAWN)
    stats_refresh_report(previous.pk)
    b = board(year=2023)
    assert b.across_years.total_rows == 0 and b.compared == 0


def test_the_board_lists_the_stored_rule_results_as_the_rules_give_them(counted):
    from reports.models import ReportStat

    values = balanced_values()
    values[("applications", "received", "total")] += 1
    bad = counted(region="440803", publisher="霞山区人民政府", values=values)
    stored = ReportStat.objects.get(pk=bad.pk).failures
    expected = [r for r in fmt.check(fmt.EDITION_2021, values) if not r.ok]
    assert [(f["rule"], f["detail"], [tuple(c) for c in f["cells"]]) for f in stored] == [
        (r.rule, r.detail, list(r.cells)) for r in expected
    ]
    assert len(board().failing.rows) == len(expected) > 0
