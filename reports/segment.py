"""Chinese word segmentation for search, the same for the index and for queries (no Django).

Chinese has no spaces between words, so both full-text engines (PostgreSQL's ``tsvector`` with the
'simple' configuration, SQLite's FTS5 with its ``unicode61`` tokenizer) are handed text in which
the segmenter has put a space between words: they split on spaces and punctuation and see words.

* :func:`spaced` turns a text into that form: the words of rjieba's precise mode separated by one
  space, every original run of white space kept as a newline. Removing the spaces gives the text
  back (:func:`unspaced`), so the engines' snippets can be shown as the report reads.
* :func:`subwords` are the shorter dictionary words inside long ones (``行政复议`` holds ``行政`` and
  ``复议``: rjieba's search mode). They are indexed in a column of their own so that ``复议`` finds
  ``行政复议`` without shifting the positions a quoted phrase is matched on.
* :func:`words` are the words of a query: the same precise mode, letters and digits only.

The dictionary is loaded once per process, on first use (about 0.1 s and 20 MB: README, "Search").
"""

from __future__ import annotations

import functools

# Marks a snippet's matches on their way out of the database (private-use characters, removed from
# every indexed text so that a report cannot contain them).
MATCH_START, MATCH_END = "\ue000", "\ue001"
_MARKERS = str.maketrans("", "", MATCH_START + MATCH_END)


@functools.cache
def segmenter():
    """The process's one segmenter: rjieba builds its dictionary when first imported, here."""
    import rjieba  # noqa: PLC0415 - lazily: commands that never search do not pay for the dictionary

    return rjieba


def _is_word(token: str) -> bool:
    return token.isalnum()


def spaced(text: str) -> str:
    """``text`` with a space between words and each run of white space as one newline."""
    out = []
    # HMM off: only dictionary words, so that a query and a report cut the same string the same way.
    for token in segmenter().cut(text.translate(_MARKERS), hmm=False):
        if token.isspace():
            if out and out[-1] != "\n":
                out.append("\n")
        else:
            out.append(token)
    return " ".join(out).strip()


def unspaced(text: str) -> str:
    """The inverse of :func:`spaced` for display: segmentation spaces removed, newlines as spaces."""
    return text.replace(" ", "").replace("\n", " ")


def subwords(text: str) -> str:
    """The dictionary words inside the longer words of ``text`` (search mode), space-separated."""
    seg = segmenter()
    out = []
    for token in seg.cut(text.translate(_MARKERS), hmm=False):
        if len(token) > 2 and _is_word(token):
            out.extend(w for w in seg.cut_for_search(token, hmm=False) if w != token and len(w) > 1)
    return " ".join(out)


def words(text: str) -> list[str]:
    """The words of a query string, in order: letters and digits, lower-cased."""
    return [t.lower() for t in segmenter().cut(text.translate(_MARKERS), hmm=False) if _is_word(t)]
