"""Regions (GB/T 2260 行政区划), without the database.

- :mod:`~reports.regions.codes` — what a code is: its format, its level, the prefix shared by the
  regions under it, its parent codes.
- :mod:`~reports.regions.data` — the official list shipped with the app (``reports/data/regions.csv``).
- :mod:`~reports.regions.names` — regions named in a text (the importers find a report's region here).
- :mod:`~reports.regions.places` — townships and zones, and the region holding them (``places.csv``).
- :mod:`~reports.regions.changes` — former codes and names, and today's region (``region_changes.csv``).
- :mod:`~reports.regions.build` — deriving those files (and new divisions) from the published lists.

The database side (looking a region up, its ancestors and children, the choosers, the cached tree)
is :mod:`reports.selectors.regions`.
"""
