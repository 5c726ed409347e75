"""License ids found in the catalog, each with its class and the one condition a user must know.

The table is ``data/licenses.csv`` (its header explains the columns): ids are those the Hub shows (`license:` in
the model card metadata, or its `license_name` when the id is `other`).  The class is what `list --license-class`
and `recommend --commercial` filter on; the note is the main condition, in a line, with the license text as its
source.  The table is read on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .tables import read_table


@dataclass(frozen=True)
class License:
    id: str
    license_class: str
    note: str
    source: str


# The classes of schema.LICENSE_CLASSES, loosest first; "unknown" is outside the order.
_STRICTNESS = ["permissive", "commercial-with-conditions", "non-commercial", "research-only"]


@functools.cache
def licenses() -> dict[str, License]:
    """Every row of ``data/licenses.csv`` by id, in the table's order."""
    from .schema import LICENSE_CLASSES  # loaded already wherever a license is looked up

    out: dict[str, License] = {}
    for row in read_table("licenses", ("id", "license_class", "note"), key="id"):
        if row["id"] != row["id"].lower():
            raise row.error(f"id {row['id']!r} must be lower case (lookups are case-insensitive)")
        if row["license_class"] not in LICENSE_CLASSES:
            raise row.error(f"license_class {row['license_class']!r} is not one of {', '.join(LICENSE_CLASSES)}")
        if not row["note"]:
            raise row.error("note is empty: say the one condition a user must know")
        out[row["id"]] = License(row["id"], row["license_class"], row["note"], row["source"])
    return out


def __getattr__(name: str) -> Any:  # LICENSES stays importable without reading the table at import time
    if name == "LICENSES":
        return licenses()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lookup(license_id: str) -> License | None:
    return licenses().get(license_id.lower())


def class_conflict(license_id: str, license_class: str) -> str | None:
    """Why an entry's license_class is looser than its license allows, or None.

    An entry may be stricter than its license id (an MIT-licensed distill of a Llama model still
    carries Llama's conditions), never looser.  `other` and `unknown` may be any class.
    """
    row = lookup(license_id)
    if row is None or row.license_class == "unknown" or license_class == "unknown":
        return None
    if _STRICTNESS.index(license_class) >= _STRICTNESS.index(row.license_class):
        return None
    return f"license {license_id} is {row.license_class} ({row.note}), not {license_class}"
