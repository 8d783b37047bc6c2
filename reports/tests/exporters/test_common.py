"""File names and title lines shared by the formats (reports/exporters/common.py)."""

import pytest

from reports.exporters.common import download_filename
from reports.tests.conftest import HUMAN_NAME

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("publisher", "title", "expected"),
    [
        ("清镇市人民政府办公室", "清镇市人民政府办公室2023年政府信息公开工作年度报告", HUMAN_NAME + ".pdf"),
        (
            "威海市文登区人民政府",
            "2022年政府信息公开工作年度报告",
            "威海市文登区人民政府-2022年政府信息公开工作年度报告.pdf",
        ),
        ("某局", "某局关于A/B:“*”的报告", "某局-关于A_B_“_”的报告.pdf"),
    ],
)
def test_download_names_are_for_people(make_report, publisher, title, expected):
    """publisher-title, without the publisher repeated, without characters file systems refuse."""
    report = make_report(publisher=publisher, title=title)
    assert download_filename(report, "pdf") == expected
