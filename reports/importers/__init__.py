"""Pure parsing: bytes or text in, dataclasses out. No ORM, no request."""

from reports.importers.parsed import (
    ParsedFreeTable,
    ParsedReport,
    ParsedSection,
    UnreadableDocument,
)

__all__ = ["UnreadableDocument", "ParsedFreeTable", "ParsedReport", "ParsedSection"]
