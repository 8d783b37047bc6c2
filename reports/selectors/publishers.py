"""Reads of publishers (发布机构) for the public pages."""

from __future__ import annotations

import re

from reports.models import Publisher

_ID = re.compile(r"[0-9]{1,18}")


def publisher_find(raw_id: str) -> Publisher | None:
    """The publisher with the id written in ``raw_id`` (ASCII digits only), or None."""
    raw_id = (raw_id or "").strip()
    if not _ID.fullmatch(raw_id):
        return None
    return Publisher.objects.filter(pk=int(raw_id)).first()
