"""Marking a search's words in a report's text (report page opened from a search result)."""

from django import template

from reports.selectors.search import mark_words

register = template.Library()


@register.filter
def marked(text, words):
    """``text`` escaped, with the search's ``words`` in <mark> (plain escaped text without words)."""
    return mark_words(str(text), tuple(words or ()))
