"""The compact lookup data behind "find your municipality": names, localities, postal codes.

Shipped to the browser as one static JSON file (no server); kept small by delta-encoding the
sorted postal codes and pointing at municipalities by index.
"""

import csv
from pathlib import Path

from vagut.municipalities import ROOT, Municipality
from vagut.slug import fold

POSTAL_CODES_CSV = ROOT / "data" / "geodata" / "postal_to_municipality.csv"


def read_postal_codes(path: Path = POSTAL_CODES_CSV) -> list[tuple[str, str, str]]:
    """(postal code, locality, municipality code) rows, as strings."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["postal_code"], row["locality"].strip(), row["municipality_code"])
            for row in csv.DictReader(handle)
        ]


def lookup_data(municipalities: tuple[Municipality, ...], rows=None) -> dict:
    """{"m": [[name, slug], ...], "l": [[locality, index], ...], "pc": deltas, "pm": indices}.

    A postal code is found by summing "pc" up to it; "pm" holds its municipality's index at
    the same position."""
    rows = read_postal_codes() if rows is None else rows
    index = {m.code: i for i, m in enumerate(municipalities)}
    localities = sorted(
        {(locality, index[code]) for _, locality, code in rows if code in index},
        key=lambda pair: (fold(pair[0]), pair[1]),
    )
    codes = sorted({(int(postal), index[code]) for postal, _, code in rows if code in index})
    deltas, owners, previous = [], [], 0
    for postal, owner in codes:
        deltas.append(postal - previous)
        owners.append(owner)
        previous = postal
    return {
        "m": [[m.name, m.slug] for m in municipalities],
        "l": [list(pair) for pair in localities],
        "pc": deltas,
        "pm": owners,
    }
