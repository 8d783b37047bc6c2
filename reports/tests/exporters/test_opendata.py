"""JSON: the open-data format (reports/exporters/opendata.py)."""

import json

import pytest

from reports.tests.conftest import download

pytestmark = pytest.mark.django_db


def test_json_download_is_exactly_the_open_data_format(client, full_report):
    """The .json file is the FORMAT.md object: the API's JSON without its "downloads" links."""
    response, body = download(client, full_report, "json")
    data = json.loads(body)
    api = json.loads(client.get(f"/api/reports/{full_report.pk}/").content)
    assert api.pop("downloads")
    assert data == api
    assert data["tables"]["proactive"]["fees"] == {"amount": "6858.05"}
    assert data["tables"]["applications"]["received"]["total"] == 12
    assert "downloads" not in data
