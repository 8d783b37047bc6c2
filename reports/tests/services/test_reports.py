"""Every write to a report refuses impossible numbers and dates (reports/services/reports.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.services.reports import report_publish, report_save, report_set_values, report_update_values
from reports.tests.conftest import balanced_values, stored_values

pytestmark = pytest.mark.django_db

NEGATIVE = ("applications", "received", "natural_person")
NEGATIVE_MESSAGE = "表三(收到和处理政府信息公开申请情况)「一、本年新收政府信息公开申请数量」行「申请人情况 自然人」列:不能为负数,填写的是 -1"


@pytest.fixture
def report(make_report):
    return make_report(values=balanced_values())


@pytest.mark.parametrize(
    "write",
    [
        lambda report, values: report_save(report=report, values=values),
        lambda report, values: report_set_values(report=report, values=values),
        lambda report, values: report_update_values(report=report, values={NEGATIVE: values[NEGATIVE]}),
    ],
    ids=["report_save", "report_set_values", "report_update_values"],
)
def test_a_negative_count_is_refused_naming_the_cell_and_nothing_changes(report, write):
    """−1 in a count is refused by every service that writes numbers; the message names table, row and column."""
    before = stored_values(report)
    with pytest.raises(ValidationError) as error:
        write(report, {**before, NEGATIVE: Decimal(-1)})
    assert error.value.messages == [NEGATIVE_MESSAGE]
    assert stored_values(report) == before


def test_every_impossible_number_is_named_at_once(report):
    """A fraction, a number above a billion and an amount with seven decimals: three messages, one per cell."""
    values = {
        **balanced_values(),
        ("applications", "granted", "commercial"): Decimal("1.5"),
        ("review_litigation", "litigation_after_review", "total"): Decimal(10**9 + 1),
        ("proactive", "fees", "amount"): Decimal("6858.0500001"),
    }
    with pytest.raises(ValidationError) as error:
        report_set_values(report=report, values=values)
    assert sorted(error.value.messages) == [
        "表三(收到和处理政府信息公开申请情况)「三、本年度办理结果 (一)予以公开」行「法人或其他组织 商业企业」列:"
        "应为整数,填写的是 1.5",
        "表二(主动公开政府信息情况)「行政事业性收费」行「本年收费金额(单位:万元)」列:小数位数过多,"
        "填写的是 6858.0500001",
        "表四(政府信息公开行政复议、行政诉讼情况)「行政诉讼 复议后起诉」行「总计」列:数值过大(超过十亿),"
        "填写的是 1000000001",
    ]


def test_the_yearly_change_of_2019_may_be_negative(make_report):
    """本年增/减 is the one column that may be below zero."""
    report = make_report(year=2020, values={("proactive", "licensing", "items_last_year"): Decimal(5)})
    report_update_values(report=report, values={("proactive", "licensing", "items_change"): Decimal(-2)})
    assert stored_values(report)[("proactive", "licensing", "items_change")] == Decimal(-2)


def test_a_publication_date_before_the_written_date_is_refused(report):
    """Saving or publishing a report 发布 before it was 成文 is refused, on the 发布日期 field."""
    report.written_on = datetime.date(2024, 2, 1)
    with pytest.raises(ValidationError) as error:
        report_save(report=report)
    assert error.value.message_dict == {
        "published_on": ["发布日期(2024-01-31)早于成文日期(2024-02-01):报告不能在成文之前发布,请按原文核对两个日期。"]
    }
    report.refresh_from_db()
    assert report.written_on is None

    report.written_on = report.published_on
    report_save(report=report)  # the same day is fine


def test_publishing_today_what_was_written_later_is_refused(make_report):
    """Publishing sets 发布日期 to today: a 成文日期 after today cannot stand with it."""
    report = make_report(status="draft", published_on=None)
    report.written_on = datetime.date.today() + datetime.timedelta(days=3)
    report.save()
    with pytest.raises(ValidationError, match="早于成文日期"):
        report_publish(report=report)
    report.refresh_from_db()
    assert report.status == "draft" and report.published_on is None
