"""The whole-site open-data files are built into storage and replace the previous set (reports/services/dumps.py)."""

import csv
import gzip
import io
import json

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from reports.services import dumps
from reports.services.reports import report_publish
from reports.tests.conftest import balanced_values, long_values

pytestmark = pytest.mark.django_db


def test_a_build_writes_every_published_report_in_three_formats(three_reports):
    """Four of the five reports are published: each file holds those four and the manifest tells their size."""
    built = dumps.dumps_build()
    assert built.reports == 4 and set(built.files) == {"csv", "jsonl", "xlsx"}
    for file in built.files.values():
        assert default_storage.size(file.name) == file.size > 0
    rows = list(csv.reader(io.StringIO(gzip.decompress(_read(built.files["csv"])).decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {str(r.pk) for r in three_reports[:4]}
    first = [rows[0]] + [row for row in rows[1:] if row[0] == str(three_reports[0].pk)]
    assert long_values(first)["applications.received.total"] == "12"
    lines = gzip.decompress(_read(built.files["jsonl"])).decode().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(r.pk for r in three_reports[:4])
    workbook = load_workbook(io.BytesIO(_read(built.files["xlsx"])), read_only=True)
    assert len(list(workbook["报告"].iter_rows())) == 1 + 4
    assert dumps.dumps_current() == built


def test_a_new_build_replaces_the_current_set_and_keeps_one_before_it(three_reports):
    first = dumps.dumps_build()
    report_publish(report=three_reports[4])
    second = dumps.dumps_build()
    assert second.reports == 5 and dumps.dumps_current() == second
    assert all(default_storage.exists(f.name) for f in first.files.values())  # a download in progress goes on
    third = dumps.dumps_build()
    assert dumps.dumps_current() == third
    assert not any(default_storage.exists(f.name) for f in first.files.values())
    assert all(default_storage.exists(f.name) for f in second.files.values())


def test_a_build_that_died_is_not_current(make_report):
    """Files without a manifest are an unfinished build: the last complete set stays current."""
    make_report(values=balanced_values())
    built = dumps.dumps_build()
    default_storage.save("opendata/99990101T000000000000Z/govopen-reports.csv.gz", io.BytesIO(b"partial"))
    assert dumps.dumps_current() == built


def test_publishing_rebuilds_the_files_once_it_commits(make_report, django_capture_on_commit_callbacks):
    """Inline (no worker), the build runs when the publication commits; a draft's save builds nothing."""
    draft = make_report(values=balanced_values(), status="draft")
    assert dumps.dumps_current() is None
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=draft)
    assert dumps.dumps_current().reports == 1


def _read(file) -> bytes:
    with default_storage.open(file.name, "rb") as handle:
        return handle.read()
