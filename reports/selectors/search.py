"""Keyword search over reports, in one place: parsing a query, matching, ranking, snippets, facets.

A query is converted from Traditional to Simplified and cut into words by the segmenter the index
was built with (reports/segment.py). Several space-separated terms must all match; a term the
segmenter cuts into several words needs all of them (closer together ranks higher on PostgreSQL);
a "quoted phrase" needs its words next to each other, in order, in the title or the text. A word
matches a word of the index — ``复议`` finds ``行政复议`` through its sub-words, but a two-character
string is not a substring test over everything. A term with no word of two characters or more
(``县``) is looked for in titles only, as a substring; one shaped like a 索引号 (``000014349/2021-00012``)
in the 索引号.

PostgreSQL: ``document @@ tsquery`` on a GIN index, ranked by ``ts_rank_cd`` (title weight A above
body B above sub-words C), snippets by ``ts_headline``, titles and 索引号 by pg_trgm. SQLite: the FTS5
table, ranked by ``bm25`` (title 10, body 1, sub-words 0.5), snippets by ``snippet()``. Both return
the same results on the same reports (reports/tests/selectors/test_search.py runs on both).
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.importers.normalize import to_simplified
from reports.models import Publisher, Region, Report, ReportKind
from reports.segment import MATCH_END, MATCH_START, unspaced, words

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
# ts_rank_cd weights {D, C, B, A}: one title occurrence outweighs ten in the body.
PG_WEIGHTS = "{0.02, 0.05, 0.1, 1.0}"
SQLITE_WEIGHTS = "10.0, 1.0, 0.5"  # bm25 per column: title, body, parts
PUBLISHER_FACETS = 10
SORTS = ("relevance", "date")
# Up to EXACT_LIMIT matches everything is exact: the count, the facets, the ranking of every match.
# Beyond it, ranking every match means reading its vector (~4 KB, in TOAST): seconds at 100,000
# reports. So relevance ranks a bounded set of candidates — the newest RANK_CANDIDATES reports with
# every term in their title and the RANK_CANDIDATES most recently added matches — and the rest follow
# most recently added first. The count and facets stay exact while the index can name the matches
# cheaply (FTS5 always; PostgreSQL up to INDEX_LIMIT estimated matches, one heap visit each); for a
# commoner word PostgreSQL estimates them from a sample of about SAMPLE_ROWS reports. The page says
# so in both cases (``approximate_order``, ``approximate_count``).
EXACT_LIMIT = 1000
INDEX_LIMIT = 10_000
RANK_CANDIDATES = 200
SAMPLE_ROWS = 2000

_QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")
_INDEX_NO = re.compile(r"^(?=.*\d)[0-9A-Za-z]+(?:[-/.][0-9A-Za-z]+)+$")


@dataclass(frozen=True)
class Term:
    text: str
    words: tuple[str, ...]
    phrase: bool = False
    field: str = "text"  # "text" (the full-text index), "title" or "index_no" (substring)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its terms and what to highlight."""

    terms: tuple[Term, ...] = ()

    def __bool__(self):
        return bool(self.terms)

    @property
    def text_terms(self) -> list[Term]:
        return [t for t in self.terms if t.field == "text"]

    @property
    def substring_terms(self) -> list[Term]:
        return [t for t in self.terms if t.field != "text"]

    @functools.cached_property
    def highlight_words(self) -> tuple[str, ...]:
        """Strings to mark in a report's text, longest first."""
        found = set()
        for term in self.terms:
            found.add(term.text)
            if not term.phrase:
                found.update(w for w in term.words if len(w) > 1)
        return tuple(sorted(found, key=lambda w: (-len(w), w)))


def search_query(q: str | None) -> SearchQuery:
    """Parse what a citizen typed: Traditional to Simplified, quoted phrases, terms, words."""
    text = to_simplified((q or "")[:MAX_QUERY_LENGTH])
    terms: list[Term] = []
    for phrase in _QUOTED.findall(text):
        ws = tuple(words(phrase))
        if ws:
            terms.append(Term(text="".join(phrase.split()), words=ws, phrase=len(ws) > 1))
    for raw in _QUOTED.sub(" ", text).split():
        raw = raw.strip('"“”「」『』')
        ws = tuple(words(raw))
        if not ws:
            continue
        if _INDEX_NO.match(raw):
            terms.append(Term(text=raw, words=ws, field="index_no"))
        elif any(len(w) > 1 for w in ws):
            terms.append(Term(text=raw, words=ws))
        else:
            terms.append(Term(text=raw, words=ws, field="title"))
    return SearchQuery(tuple(dict.fromkeys(terms))[:MAX_TERMS])


def keyword_terms(q: str) -> list[str]:
    """The search terms of a query string, normalised, at most MAX_TERMS."""
    return [t.text for t in search_query(q).terms]


# --- Engine expressions ---------------------------------------------------------------------------


def _vendor(qs: QuerySet) -> str:
    return connections[qs.db].vendor


def _tsquery(terms: list[Term]) -> str:
    """A to_tsquery('simple', …) expression: terms ANDed, a phrase's words joined by <->."""

    def lexeme(w: str, weights: str = "") -> str:
        return "'" + w.replace("'", "''").replace("\\", "\\\\") + "'" + weights

    parts = []
    for t in terms:
        if t.phrase:
            parts.append("(" + " <-> ".join(lexeme(w, ":AB") for w in t.words) + ")")
        else:
            parts.append("(" + " & ".join(lexeme(w) for w in t.words) + ")")
    return " & ".join(parts)


def _fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: terms ANDed, a phrase in the title or body columns."""

    def quoted(ws) -> str:
        return '"' + " ".join(w.replace('"', '""') for w in ws) + '"'

    parts = []
    for t in terms:
        if t.phrase:
            parts.append("{title body} : " + quoted(t.words))
        else:
            parts.append(" AND ".join(quoted([w]) for w in t.words))
    return " AND ".join(f"({p})" for p in parts)


def _any_word(terms: list[Term], vendor: str) -> str:
    """Every word of the terms ORed (which words a snippet marks)."""
    ws = sorted({w for t in terms for w in t.words})
    if vendor == "postgresql":
        return " | ".join("'" + w.replace("'", "''") + "'" for w in ws)
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in ws)


def _matching_ids(vendor: str, terms: list[Term]) -> RawSQL:
    if vendor == "postgresql":
        return RawSQL(
            "SELECT report_id FROM reports_reportsearch WHERE document @@ to_tsquery('simple', %s)",
            [_tsquery(terms)],
        )
    return RawSQL(
        "SELECT rowid FROM reports_reportsearch_fts WHERE reports_reportsearch_fts MATCH %s", [_fts5_query(terms)]
    )


def _substring_filter(qs: QuerySet, query: SearchQuery) -> QuerySet:
    for term in query.substring_terms:
        if term.field == "index_no":
            qs = qs.filter(Q(index_no__icontains=term.text) | Q(title__icontains=term.text))
        else:
            qs = qs.filter(title__icontains=term.text)
    return qs


def search_reports(qs: QuerySet, q: str) -> QuerySet:
    """Reports of ``qs`` that match every term of ``q`` (unranked: for downloads and the API)."""
    query = search_query(q)
    qs = _substring_filter(qs, query)
    if query.text_terms:
        qs = qs.filter(pk__in=_matching_ids(_vendor(qs), query.text_terms))
    return qs


# --- Ranked results, snippets and facets ---------------------------------------------------------


@dataclass
class SearchHit:
    report: Report
    marked_title: SafeString
    snippet: SafeString | None

    @property
    def title(self) -> str:
        return self.report.title


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    """The ranked results of a query among ``qs``: sliceable and countable, so a Paginator pages them."""

    qs: QuerySet
    query: SearchQuery
    sort: str = "relevance"
    region_digits: int = 2  # how many leading digits of the region code the region facet groups by

    def __post_init__(self):
        self.base = _substring_filter(self.qs, self.query)
        self.vendor = _vendor(self.qs)
        self.terms = self.query.text_terms
        if self.sort not in SORTS:
            self.sort = "relevance"

    @property
    def ranked(self) -> bool:
        return bool(self.terms) and self.sort == "relevance"

    def count(self) -> int:
        return self.summary["total"]

    def __len__(self):
        return self.count()

    def __getitem__(self, item: slice) -> list[SearchHit]:
        if not isinstance(item, slice):
            raise TypeError("SearchResults are taken a page (slice) at a time")
        start, stop = item.start or 0, item.stop
        return self._hits(start, stop - start)

    # The filtered reports (without the keyword) as a derived table: id, year, kind, publisher, region, date.
    def _base_sql(self) -> tuple[str, list]:
        sql, params = (
            self.base.order_by()
            .values("id", "year", "kind", "publisher_id", "region_id", "published_on")
            .query.sql_with_params()
        )
        return sql, list(params)

    def _matches_sql(self, columns: str) -> tuple[str, list]:
        base, params = self._base_sql()
        if not self.terms:
            return f"SELECT {columns} FROM ({base}) f", params  # noqa: S608 - SQL built by the ORM
        if self.vendor == "postgresql":
            return (
                f"SELECT {columns} FROM ({base}) f JOIN reports_reportsearch s ON s.report_id = f.id "  # noqa: S608
                "WHERE s.document @@ to_tsquery('simple', %s)",
                [*params, _tsquery(self.terms)],
            )
        return (
            f"SELECT {columns} FROM ({base}) f JOIN reports_reportsearch_fts ON reports_reportsearch_fts.rowid = f.id "  # noqa: S608
            "WHERE reports_reportsearch_fts MATCH %s",
            [*params, _fts5_query(self.terms)],
        )

    @functools.cached_property
    def summary(self) -> dict:
        """The total and the counts by region, year, kind and publisher (from the match rows read once)."""
        return self._facets()

    @property
    def facets(self) -> dict[str, list[FacetValue]]:
        return self.summary["facets"]

    @property
    def approximate_count(self) -> bool:
        """The total and the facet counts are estimated from a sample (PostgreSQL, many matches)."""
        return self.summary["estimated"]

    @property
    def approximate_order(self) -> bool:
        """Relevance ranked only the candidates (title matches and the newest matches), not every match."""
        return self.ranked and self._many

    @property
    def total_label(self) -> str:
        """The total as the page shows it: exact, or rounded when estimated (约 9.9 万); an estimate
        near the exact limit (from a few sampled matches) only says what is known: 超过 1000."""
        if not self.approximate_count:
            return str(self.count())
        if self.count() < 2 * EXACT_LIMIT:
            return f"超过 {EXACT_LIMIT}"
        return approximate_number(self.count())

    @property
    def rank_candidates(self) -> int:
        return RANK_CANDIDATES

    # Columns of a match the summary and the ordering need.
    _COLUMNS = "f.id, f.year, f.kind, f.publisher_id, f.region_id, f.published_on"

    def _facets(self) -> dict:
        """Counts from the match rows when they were read whole; else estimated (PostgreSQL) or
        grouped by the database."""
        rows = self._rows
        if rows is not None:
            groups = Counter((r[4][: self.region_digits], r[1], r[2], r[3]) for r in rows)
            return self._summary_of(groups.items())
        if self.terms and self.vendor == "postgresql":
            return self._facets_sampled()
        # A title-only term over very many reports: exact counts grouped by the database.
        matches, params = self._matches_sql(self._COLUMNS)
        return self._summary_of(self._grouped(matches, params))

    @functools.cached_property
    def _index_driven(self) -> bool:
        """Whether the matches come from the index at a cost that grows with their number only.

        SQLite's FTS5 hands over its matches without reading documents. On PostgreSQL the GIN index
        names the matches, but each is a heap visit (a few µs): fine up to INDEX_LIMIT estimated
        matches. A commoner word is checked report by report instead (``_row_by_row``), which stops
        as soon as EXACT_LIMIT + 1 matches are found — early, since the word is common."""
        if self.vendor != "postgresql" or not self.terms:
            return True
        with connections[self.qs.db].cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM reports_reportsearch WHERE document @@ to_tsquery('simple', %s)",
                [_tsquery(self.terms)],
            )
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return plan[0]["Plan"]["Plan Rows"] <= INDEX_LIMIT

    @functools.cached_property
    def _rows(self) -> list[tuple] | None:
        """Every match as (id, year, kind, publisher_id, region_id, published_on), or None when there
        are more than the query reads (INDEX_LIMIT from the index, EXACT_LIMIT report by report)."""
        matches, params = self._matches_sql(self._COLUMNS)
        limit = INDEX_LIMIT if self._index_driven else EXACT_LIMIT
        with connections[self.qs.db].cursor() if self._index_driven else self._row_by_row() as cursor:
            cursor.execute(f"{matches} LIMIT %s", [*params, limit + 1])
            rows = cursor.fetchall()
        return rows if len(rows) <= limit else None

    @contextlib.contextmanager
    def _row_by_row(self):
        """A cursor that joins report by report (PostgreSQL: SET LOCAL in a transaction): the
        filtered reports are walked and each one's vector checked, so LIMIT stops early. A hash or
        merge join would read every match's vector first."""
        if self.vendor != "postgresql":
            with connections[self.qs.db].cursor() as cursor:
                yield cursor
            return
        with transaction.atomic(using=self.qs.db), connections[self.qs.db].cursor() as cursor:
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
            yield cursor

    def _facets_sampled(self) -> dict:
        """The total and facets estimated from the matches among a sample of the index's pages.

        TABLESAMPLE SYSTEM reads about SAMPLE_ROWS rows' vectors instead of every match's; each count
        is scaled up by the sampled share and rounded to two significant figures.
        """
        with connections[self.qs.db].cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'reports_reportsearch'")
            rows = cursor.fetchone()[0] or 0
        percent = 100.0 if rows <= SAMPLE_ROWS else 100.0 * SAMPLE_ROWS / rows
        base, params = self._base_sql()
        matches = (
            f"SELECT {self._COLUMNS} "  # noqa: S608 - SQL built by the ORM
            f"FROM reports_reportsearch s TABLESAMPLE SYSTEM (%s) REPEATABLE (0) JOIN ({base}) f ON f.id = s.report_id "
            "WHERE s.document @@ to_tsquery('simple', %s)"
        )
        groups = self._grouped(matches, [percent, *params, _tsquery(self.terms)])
        result = self._summary_of(groups, scale=100.0 / percent)
        # Every count we show is at least what is known: more than EXACT_LIMIT matched.
        result["total"] = max(result["total"], EXACT_LIMIT + 1)
        return {**result, "estimated": True}

    def _grouped(self, matches: str, params: list) -> list[tuple]:
        """The matches counted by (region prefix, year, kind, publisher) in the database."""
        sql = (
            f"SELECT SUBSTR(m.region_id, 1, %s), m.year, m.kind, m.publisher_id, COUNT(*) FROM ({matches}) m "  # noqa: S608
            "GROUP BY 1, 2, 3, 4"
        )
        with self._row_by_row() as cursor:
            cursor.execute(sql, [self.region_digits, *params])
            return [((region, year, kind, publisher), n) for region, year, kind, publisher, n in cursor.fetchall()]

    def _summary_of(self, groups, scale: float = 1.0) -> dict:
        """The total and the counts by region, year, kind and the top publishers, from grouped counts."""
        by: dict[str, Counter] = {"region": Counter(), "year": Counter(), "kind": Counter(), "publisher": Counter()}
        total = 0
        for (region, year, kind, publisher), n in groups:
            total += n
            by["region"][region or ""] += n
            if year is not None:
                by["year"][str(year)] += n
            by["kind"][kind] += n
            by["publisher"][str(publisher)] += n
        top = sorted(by["publisher"].items(), key=lambda kv: (-kv[1], kv[0]))[:PUBLISHER_FACETS]

        def scaled(n: int) -> int:
            return n if scale == 1.0 else _two_figures(n * scale)

        counts = {
            "region": {k: scaled(n) for k, n in by["region"].items()},
            "year": {k: scaled(n) for k, n in by["year"].items()},
            "kind": {k: scaled(n) for k, n in by["kind"].items()},
            "publisher": {k: scaled(n) for k, n in top},
        }
        return {"total": scaled(total), "facets": _facet_labels(counts, self.region_digits), "estimated": False}

    @property
    def _many(self) -> bool:
        """More matches than relevance ranks in full."""
        return self._rows is None or len(self._rows) > EXACT_LIMIT

    def _ranked_ids(self, offset: int, limit: int) -> list[int]:
        if self.ranked and self._many:
            return self._bounded_ids(offset, limit)
        if self._rows is not None:
            return self._exact_order[offset : offset + limit]
        return self._newest_ids(offset, limit)

    @functools.cached_property
    def _exact_order(self) -> list[int]:
        """The ids of the matches read whole, in page order: by relevance when they are few enough
        to rank every one, newest first otherwise."""
        ids = [r[0] for r in sorted(self._rows, key=_newest_key, reverse=True)]
        return self._relevance_order(ids) if self.ranked else ids

    def _relevance_order(self, ids: list[int]) -> list[int]:
        """``ids`` by relevance (each report's vector ranked), the newest first among equals."""
        if not ids:
            return []
        if self.vendor == "postgresql":
            sql = (
                f"SELECT s.report_id, ts_rank_cd('{PG_WEIGHTS}', s.document, to_tsquery('simple', %s), 1), "  # noqa: S608 - constants only
                "r.year, r.published_on FROM reports_reportsearch s JOIN reports_report r ON r.id = s.report_id "
                "WHERE s.report_id = ANY(%s)"
            )
            params = [_tsquery(self.terms), ids]
        else:
            sql = (
                f"SELECT r.id, -bm25(reports_reportsearch_fts, {SQLITE_WEIGHTS}), r.year, r.published_on "  # noqa: S608
                "FROM reports_reportsearch_fts JOIN reports_report r ON r.id = reports_reportsearch_fts.rowid "
                "WHERE reports_reportsearch_fts MATCH %s AND reports_reportsearch_fts.rowid IN (SELECT value FROM json_each(%s))"
            )
            params = [_fts5_query(self.terms), json.dumps(ids)]
        with connections[self.qs.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # Newest first, then a stable sort by rank keeps that order among equal ranks.
        rows.sort(key=lambda r: _newest_key((r[0], r[2], None, None, None, r[3])), reverse=True)
        rows.sort(key=lambda r: r[1], reverse=True)
        return [r[0] for r in rows]

    def _newest_ids(self, offset: int, limit: int) -> list[int]:
        """Very many matches, newest first: walks the filtered reports in date order (the index
        report_newest) and checks each one's vector, so it stops after offset + limit matches."""
        sql, params = self._newest_sql()
        with self._row_by_row() as cursor:
            cursor.execute(f"{sql} ORDER BY {DATE_ORDER} LIMIT %s OFFSET %s", [*params, limit, offset])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]

    # --- Many matches: relevance over the candidates, then the rest newest first ---

    def _newest_sql(self, title_only: bool = False) -> tuple[str, list]:
        """Matches (or title matches), for a caller's ORDER BY … LIMIT: the filtered reports walked
        in that order, each one's vector checked, so it stops after LIMIT instead of reading every match."""
        base, params = self._base_sql()
        if self.vendor == "postgresql":
            if title_only:
                # Title matches are few as a rule; the planner picks the title GIN index or the walk.
                return (
                    f"SELECT f.id FROM ({base}) f JOIN reports_reportsearch s ON s.report_id = f.id "  # noqa: S608
                    "WHERE s.title_document @@ to_tsquery('simple', %s)",
                    [*params, _tsquery(self.terms)],
                )
            # A scalar subquery is evaluated row by row (never turned into a join that reads all matches).
            return (
                f"SELECT f.id FROM ({base}) f WHERE (SELECT s.document @@ to_tsquery('simple', %s) "  # noqa: S608
                "FROM reports_reportsearch s WHERE s.report_id = f.id)",
                [*params, _tsquery(self.terms)],
            )
        fts = _fts5_query(self.terms)
        return (
            f"SELECT f.id FROM ({base}) f WHERE f.id IN (SELECT rowid FROM reports_reportsearch_fts "  # noqa: S608
            "WHERE reports_reportsearch_fts MATCH %s)",
            [*params, f"{{title}} : ({fts})" if title_only else fts],
        )

    @functools.cached_property
    def _candidates(self) -> list[int]:
        """The candidates ranked by relevance: the newest title matches and the newest matches."""
        with connections[self.qs.db].cursor() as cursor:
            sql, params = self._newest_sql(title_only=True)
            cursor.execute(f"{sql} ORDER BY f.id DESC LIMIT %s", [*params, RANK_CANDIDATES])
            ids = [row[0] for row in cursor.fetchall()]
        ids += self._newest_added(0, RANK_CANDIDATES)
        return self._relevance_order(list(dict.fromkeys(ids)))

    def _newest_added(self, offset: int, limit: int, skip: list[int] = ()) -> list[int]:
        """Matches most recently added first (by id): from the rows read, or walking the reports."""
        if self._rows is not None:
            skipped = set(skip)
            ids = sorted((r[0] for r in self._rows if r[0] not in skipped), reverse=True)
            return ids[offset : offset + limit]
        sql, params = self._newest_sql()
        where = ""
        if skip:
            where = " WHERE f.id NOT IN (" + ", ".join(["%s"] * len(skip)) + ")"
            params = [*params, *skip]
        with self._row_by_row() as cursor:
            cursor.execute(
                f"SELECT id FROM ({sql}) f{where} ORDER BY id DESC LIMIT %s OFFSET %s",  # noqa: S608
                [*params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _bounded_ids(self, offset: int, limit: int) -> list[int]:
        candidates = self._candidates
        ids = candidates[offset : offset + limit]
        if len(ids) == limit:
            return ids
        # After the candidates: the other matches, most recently added first.
        return ids + self._newest_added(max(0, offset - len(candidates)), limit - len(ids), skip=candidates)

    def _hits(self, offset: int, limit: int) -> list[SearchHit]:
        ids = self._ranked_ids(offset, limit)
        reports = self.qs.filter(pk__in=ids).in_bulk()
        snippets = self._snippets(ids) if self.terms else {}
        words = self.query.highlight_words
        return [
            SearchHit(report=reports[pk], marked_title=mark_words(reports[pk].title, words), snippet=snippets.get(pk))
            for pk in ids
            if pk in reports
        ]

    def _snippets(self, ids: list[int]) -> dict[int, SafeString]:
        if not ids:
            return {}
        if self.vendor == "postgresql":
            options = (
                f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=45, MinWords=20, ShortWord=0, "
                'MaxFragments=2, FragmentDelimiter="…"'
            )
            sql = (
                "SELECT report_id, ts_headline('simple', body, to_tsquery('simple', %s), %s) "
                "FROM reports_reportsearch WHERE report_id = ANY(%s)"
            )
            params = [_any_word(self.terms, self.vendor), options, ids]
        else:
            marks = ", ".join(["%s"] * len(ids))
            where = f"WHERE reports_reportsearch_fts MATCH %s AND rowid IN ({marks})"  # placeholders only
            sql = f"SELECT rowid, snippet(reports_reportsearch_fts, 1, %s, %s, '…', 40) FROM reports_reportsearch_fts {where}"  # noqa: S608
            params = [MATCH_START, MATCH_END, _any_word(self.terms, self.vendor), *ids]
        with connections[self.qs.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return {pk: snippet_html(text, self.query.highlight_words) for pk, text in rows if text}


def search_results(qs: QuerySet, q: str, *, sort: str = "relevance", region_digits: int = 2) -> SearchResults:
    """The reports of ``qs`` matching ``q``: ranked (or newest first), with snippets and facets."""
    return SearchResults(qs=qs, query=search_query(q), sort=sort, region_digits=region_digits)


# Newest first, as the report list orders (Report.Meta.ordering) and the index report_newest reads.
DATE_ORDER = "f.published_on DESC NULLS LAST, f.year DESC NULLS LAST, f.id DESC"


def _newest_key(row: tuple) -> tuple:
    """Sort key of a match row (id, year, …, published_on) for newest first (DATE_ORDER, reversed)."""
    published_on, year = row[5], row[1]
    return (published_on is not None, str(published_on or ""), year is not None, year or 0, row[0])


def _two_figures(n: float) -> int:
    """``n`` rounded to two significant figures (an estimate shows no more than it knows)."""
    n = round(n)
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return round(n / step) * step


def approximate_number(n: int) -> str:
    """An estimated count in Chinese: 约 9.9 万, 约 3400."""
    if n >= 10_000:
        return f"约 {n / 10_000:.1f}".removesuffix(".0") + " 万"
    return f"约 {n}"


def _facet_labels(groups: dict[str, dict[str, int]], region_digits: int) -> dict[str, list[FacetValue]]:
    def ordered(counts: dict[str, int]):
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    codes = {prefix: prefix.ljust(6, "0") for prefix in groups["region"] if prefix}
    names = dict(Region.objects.filter(code__in=codes.values()).values_list("code", "name"))
    publishers = dict(Publisher.objects.filter(pk__in=[int(p) for p in groups["publisher"]]).values_list("pk", "name"))
    return {
        "region": [
            FacetValue(codes[p], names.get(codes[p], codes[p]), n) for p, n in ordered(groups["region"]) if p in codes
        ],
        "year": [FacetValue(y, f"{y}年", n) for y, n in sorted(groups["year"].items(), reverse=True)],
        "kind": [FacetValue(k, ReportKind(k).label, n) for k, n in ordered(groups["kind"]) if k in ReportKind.values],
        "publisher": [
            FacetValue(p, publishers.get(int(p), p), n)
            for p, n in sorted(groups["publisher"].items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


# --- Highlighting ---------------------------------------------------------------------------------


def mark_words(text: str, words_: tuple[str, ...]) -> SafeString:
    """``text`` HTML-escaped, with every occurrence of ``words_`` in <mark>."""
    if not words_:
        return escape(text)
    pattern = _words_pattern(words_)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@functools.lru_cache(maxsize=64)
def _words_pattern(words_: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in words_), re.IGNORECASE)


def snippet_html(spaced_snippet: str, words_: tuple[str, ...]) -> SafeString:
    """An engine's snippet (segmented text with MATCH_START/MATCH_END around matches) as safe HTML.

    Everything is escaped; only the engine's marks and the query's words become <mark>.
    """
    text = unspaced(spaced_snippet)
    out = []
    for i, chunk in enumerate(re.split(f"[{MATCH_START}{MATCH_END}]", text)):
        inside = i % 2 == 1
        out.append(f"<mark>{escape(chunk)}</mark>" if inside and chunk else mark_words(chunk, words_))
    return mark_safe("".join(out).strip())  # noqa: S308 - every piece is escaped above
