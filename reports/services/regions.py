"""Loading the official region list into the database (``migrate`` and ``manage.py load_regions``)."""

from __future__ import annotations

from reports.models import Region
from reports.regions.data import RegionRow, path_names


def regions_sync(*, rows: list[RegionRow], region_model=Region) -> tuple[int, int]:
    """Insert new regions and update changed ones; works with a migration's historical model.

    Regions missing from ``rows`` are left alone: reports may still point at them.
    Returns (created, updated).
    """
    paths = path_names(rows)
    existing = {r.code: r for r in region_model.objects.all()}
    new, changed = [], []
    for r in rows:
        obj = existing.get(r.code)
        if obj is None:
            new.append(
                region_model(
                    code=r.code,
                    name=r.name,
                    level=r.level,
                    parent_id=r.parent,
                    path_names=paths[r.code],
                )
            )
        elif (obj.name, obj.level, obj.parent_id, obj.path_names) != (
            r.name,
            r.level,
            r.parent,
            paths[r.code],
        ):
            obj.name, obj.level, obj.parent_id, obj.path_names = (
                r.name,
                r.level,
                r.parent,
                paths[r.code],
            )
            changed.append(obj)
    region_model.objects.bulk_create(new, batch_size=500)
    region_model.objects.bulk_update(changed, ["name", "level", "parent", "path_names"], batch_size=500)
    return len(new), len(changed)
