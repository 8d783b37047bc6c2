"""What an importer returns: the parsed report (dataclasses) or an error a person can read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


class UnreadableDocument(ValueError):
    """A document cannot be read; the message names the problem for a person."""


@dataclass
class ParsedSection:
    number: str  # 一 … 六, "" for a preamble
    heading: str
    body: str  # plain text, one paragraph per line


@dataclass
class ParsedFreeTable:
    caption: str
    rows: list[list[str]]
    header_rows: int = 1


@dataclass
class ParsedReport:
    """What an importer read from one document, before it is matched to the database."""

    title: str = ""
    kind: str = "annual_report"
    edition: str = "2021"
    year: int | None = None
    publisher: str = ""
    region_code: str | None = None  # six-digit GB/T 2260 code, if the text names one
    # The regions a name could mean when it is ambiguous (新华区): the editor chooses among them.
    region_candidates: tuple[str, ...] = ()
    index_no: str = ""
    document_no: str = ""
    written_on: datetime.date | None = None
    published_on: datetime.date | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    # (table, row, column) -> value; None is a cell the document left blank.
    values: dict[tuple[str, str, str], Decimal | None] = field(default_factory=dict)
    free_tables: list[ParsedFreeTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What a portal page's metadata block said (索引号, 发布机构, 主题分类 …), as written.
    metadata: dict[str, str] = field(default_factory=dict)
    source_format: str = "text"  # text, html, docx, pdf, pdf-ocr: what the document was read as
    # Cells read by OCR from a scan: the editor confirms each against the original before review.
    unconfirmed: set[tuple[str, str, str]] = field(default_factory=set)
