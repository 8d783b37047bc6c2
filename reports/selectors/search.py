"""Keyword search over reports, in one place.

Chinese has no spaces between words, so a keyword matches as a substring of the title or of
the stored plain text (``Report.search_text``); several keywords separated by spaces must all
match. Queries typed in Traditional characters are converted to Simplified first, as stored
text is. On PostgreSQL the substring test is an ILIKE, which a pg_trgm GIN index can serve
when the table grows (see README, "Search").
"""

from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from reports.importers.normalize import to_simplified

MAX_TERMS = 8
MAX_TERM_LENGTH = 50


def keyword_terms(q: str) -> list[str]:
    """The search terms of a query string, normalised, at most MAX_TERMS."""
    terms = [t[:MAX_TERM_LENGTH] for t in to_simplified(q or "").split() if t.strip()]
    return terms[:MAX_TERMS]


def search_reports(qs: QuerySet, q: str) -> QuerySet:
    """Reports of ``qs`` whose title or text contains every term of ``q``."""
    terms = keyword_terms(q)
    if not terms:
        return qs
    return qs.filter(reduce(and_, (Q(title__icontains=t) | Q(search_text__icontains=t) for t in terms)))
