from decimal import Decimal

import pytest

from reports.models import Report, ReportNumbers
from reports.models.cells import numbers_decode, numbers_encode
from reports.services.reports import report_set_values
from reports.tests.conftest import balanced_values


def test_numbers_are_stored_as_exact_text_without_trailing_zeros_and_blanks_left_out():
    values = {
        ("proactive", "fees", "amount"): Decimal("0.092000"),
        ("proactive", "procurement", "amount"): Decimal("24252.311082"),
        ("applications", "received", "total"): Decimal("12.000000"),
        ("applications", "granted", "total"): 7,
        ("proactive", "licensing", "items_change"): Decimal(-2),
        ("applications", "carried_over", "total"): None,
    }
    doc = numbers_encode(values)
    assert doc == {
        "applications": {"granted": {"total": "7"}, "received": {"total": "12"}},
        "proactive": {
            "fees": {"amount": "0.092"},
            "licensing": {"items_change": "-2"},
            "procurement": {"amount": "24252.311082"},
        },
    }
    assert numbers_decode(doc) == {code: Decimal(v) for code, v in values.items() if v is not None}


def test_a_json_null_reads_as_a_blank_cell():
    assert numbers_decode({"applications": {"received": {"total": None}}}) == {
        ("applications", "received", "total"): None
    }


@pytest.mark.django_db
def test_numbers_are_one_row_per_report_replaced_in_place_and_gone_when_all_are_blank(make_report):
    report = make_report(status="draft", values=balanced_values())
    assert ReportNumbers.objects.filter(report=report).values_dict() == balanced_values()

    report_set_values(report=report, values={("applications", "received", "total"): Decimal(3)})
    assert ReportNumbers.objects.filter(report=report).count() == 1
    assert ReportNumbers.objects.filter(report=report).values_by_report() == {
        report.pk: {("applications", "received", "total"): Decimal(3)}
    }
    assert Report.objects.with_has_cells().get(pk=report.pk).has_cells

    report_set_values(report=report, values={("applications", "received", "total"): None})
    assert not ReportNumbers.objects.filter(report=report).exists()
    assert not Report.objects.with_has_cells().get(pk=report.pk).has_cells
