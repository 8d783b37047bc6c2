"""Pure parsing: bytes or text in, dataclasses out. No ORM, no request."""

from reports.importers.base import (
    ImportError_,
    ParsedFreeTable,
    ParsedReport,
    ParsedSection,
)

__all__ = ["ImportError_", "ParsedFreeTable", "ParsedReport", "ParsedSection"]
