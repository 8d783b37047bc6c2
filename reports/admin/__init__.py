"""The editors' admin: thin front ends that call services.

- :mod:`~reports.admin.reports` — reports with their sections and the standard tables as the official grid.
- :mod:`~reports.admin.document_import` — upload documents → preview and correct → confirm.
- :mod:`~reports.admin.resources` — spreadsheet import/export (django-import-export).
"""

from reports.admin import reports  # noqa: F401 - registers the model admins
