"""Regions (GB/T 2260 行政区划), without the database.

- :mod:`~reports.regions.codes` — what a code is: its format, its level, the prefix shared by the
  regions under it, its parent codes.
- :mod:`~reports.regions.data` — the official list shipped with the app (``reports/data/regions.csv``).
- :mod:`~reports.regions.names` — regions named in a text (the importers find a report's region here).

The database side (looking a region up, its ancestors and children, the choosers, the cached tree)
is :mod:`reports.selectors.regions`.
"""
