"""A title-only tsvector with its own GIN index (README, "Search").

When a query matches more reports than ranking can read quickly, relevance ranks a bounded set of
candidates: the reports with every term in their title (found here, without reading the large
``document`` vectors) and the most recently added matches. SQLite needs nothing: FTS5 filters by
column (``{title} : …``).
"""

from django.db import migrations

POSTGRESQL = (
    "ALTER TABLE reports_reportsearch ADD COLUMN title_document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title), 'A')) STORED",
    "CREATE INDEX reports_reportsearch_title_document ON reports_reportsearch USING gin (title_document)",
)
POSTGRESQL_REVERSE = (
    "DROP INDEX IF EXISTS reports_reportsearch_title_document",
    "ALTER TABLE reports_reportsearch DROP COLUMN IF EXISTS title_document",
)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_report_search"),
    ]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
