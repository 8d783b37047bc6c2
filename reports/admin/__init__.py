"""The editors' admin: thin front ends that call services.

- :mod:`~reports.admin.reports` — reports with their sections and the standard tables as the
  official grid; the review workflow's buttons; versions and their comparison.
- :mod:`~reports.admin.document_import` — upload documents → preview and correct → confirm.
- :mod:`~reports.admin.resources` — spreadsheet import/export (django-import-export).
- :mod:`~reports.admin.accounts` — accounts with their role groups and scope.
- :mod:`~reports.admin.audit` — the audit log, read-only, with a CSV export.
- :mod:`~reports.admin.login` — the sign-in form (with the TOTP second factor when required).
"""

from reports.admin import accounts, audit, login, reports  # noqa: F401 - registers the model admins
