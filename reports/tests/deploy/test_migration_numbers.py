"""Migration 0018 moves every stored number from TableCell rows into one ReportNumbers document per
report, exactly, and back. It runs on a database of its own (a temporary SQLite file, or a
temporary PostgreSQL database beside the test one), so the test database keeps its schema: the
schema of 0017 is created there from the migrations' state (not by running the seventeen, whose
data migrations write through the default database), then 0018 is applied and reverted."""

import datetime
import importlib
import uuid
from decimal import Decimal

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0017_newest_index_site_counter")]
AFTER = [("reports", "0018_report_numbers")]
CELLS = {
    ("applications", "received", "natural_person"): Decimal("12.000000"),
    ("applications", "received", "total"): Decimal("0.000000"),
    ("proactive", "fees", "amount"): Decimal("0.092000"),
    ("proactive", "procurement", "amount"): Decimal("24252.311082"),
    ("proactive", "licensing", "items_change"): Decimal("-2.000000"),
    ("proactive", "rules", "in_force"): Decimal("1000000000.000000"),
    ("review_litigation", "review", "total"): None,  # a blank stored as a NULL row
}
DOCUMENT = {
    "applications": {"received": {"natural_person": "12", "total": "0"}},
    "proactive": {
        "fees": {"amount": "0.092"},
        "procurement": {"amount": "24252.311082"},
        "licensing": {"items_change": "-2"},
        "rules": {"in_force": "1000000000"},
    },
    "review_litigation": {"review": {"total": None}},
}


@pytest.fixture
def scratch(django_db_blocker, tmp_path):
    """A connection to an empty database of the test database's engine, removed afterwards."""
    alias = "migration_scratch"
    default = connections["default"].settings_dict
    name = f"govopen_migration_{uuid.uuid4().hex[:8]}"
    vendor = connections["default"].vendor
    with django_db_blocker.unblock():
        if vendor == "postgresql":
            with connections["default"].cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {name}")
        else:
            name = str(tmp_path / "scratch.sqlite3")
        connections.settings[alias] = {**default, "NAME": name, "TEST": {**default.get("TEST", {}), "NAME": name}}
        try:
            yield connections[alias]
        finally:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]
            if vendor == "postgresql":
                with connections["default"].cursor() as cursor:
                    cursor.execute(f"DROP DATABASE {name}")


def schema_at(connection, target):
    """The tables of the models as of ``target``, with it and everything before it recorded as applied."""
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state(target).apps
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            model._meta.indexes = []  # not needed here (and the NULLS LAST one is SQL of its own on SQLite)
            editor.create_model(model)
    executor.recorder.ensure_schema()
    for app, name in executor.loader.graph.forwards_plan(target[0]):
        executor.recorder.record_applied(app, name)
    return apps


def migrate(connection, target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_every_cell_becomes_the_same_number_in_one_document_per_report_and_back(scratch, monkeypatch):
    # One report id per statement: the copy's ranges are exercised too.
    monkeypatch.setattr(importlib.import_module("reports.migrations.0018_report_numbers"), "CHUNK", 1)
    apps = schema_at(scratch, BEFORE)
    Region, Publisher, Report, TableCell = (
        apps.get_model("reports", m) for m in ("Region", "Publisher", "Report", "TableCell")
    )
    Region.objects.using(scratch.alias).create(code="520181", name="清镇市", level=3, path_names="贵州省贵阳市清镇市")
    publisher = Publisher.objects.using(scratch.alias).create(name="清镇市人民政府", region_id="520181")
    reports = [
        Report.objects.using(scratch.alias).create(
            title=f"报告{year}", year=year, publisher=publisher, region_id="520181", published_on=datetime.date.today()
        )
        for year in (2021, 2022, 2023)
    ]
    with_cells, without_cells, other = reports
    TableCell.objects.using(scratch.alias).bulk_create(
        [TableCell(report=with_cells, table=t, row=r, column=c, value=v) for (t, r, c), v in CELLS.items()]
        + [TableCell(report=other, table="applications", row="granted", column="total", value=Decimal(7))]
    )

    apps = migrate(scratch, AFTER)
    ReportNumbers = apps.get_model("reports", "ReportNumbers")
    stored = dict(ReportNumbers.objects.using(scratch.alias).values_list("report_id", "values"))
    assert stored == {with_cells.pk: DOCUMENT, other.pk: {"applications": {"granted": {"total": "7"}}}}
    assert without_cells.pk not in stored

    apps = migrate(scratch, BEFORE)
    cells = apps.get_model("reports", "TableCell").objects.using(scratch.alias)
    back = {(c.report_id, c.table, c.row, c.column): c.value for c in cells.all()}
    assert back == {(with_cells.pk, *code): v for code, v in CELLS.items()} | {
        (other.pk, "applications", "granted", "total"): Decimal(7)
    }
