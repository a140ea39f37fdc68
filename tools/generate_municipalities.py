"""Writes content/municipalities/<code>-<slug>.yml once, from ../shared/data/swedish-geodata/.

Run once when the project started; since then the files are hand-kept, so this script refuses to
overwrite a file that exists. It fixes the official names the source data gets wrong.
"""

import csv
import sys

import yaml

from vagut.municipalities import MUNICIPALITIES_DIR, ROOT
from vagut.slug import slugify

GEODATA = ROOT.parent / "shared" / "data" / "swedish-geodata"

# The source builds "<short>s kommun" for every row; these are the names the municipalities use.
OFFICIAL_NAMES = {
    "0180": "Stockholms stad",
    "0184": "Solna stad",
    "0183": "Sundbybergs stad",
    "0186": "Lidingö stad",
    "0187": "Vaxholms stad",
    "0880": "Kalmar kommun",
    "0980": "Region Gotland",
    "1280": "Malmö stad",
    "1282": "Landskrona stad",
    "1283": "Helsingborgs stad",
    "1480": "Göteborgs Stad",
    "1481": "Mölndals stad",
    "1488": "Trollhättans stad",
    "1490": "Borås Stad",
    "1980": "Västerås stad",
    "2080": "Falu kommun",
    "2583": "Haparanda stad",
    "2513": "Överkalix kommun",
    "2514": "Kalix kommun",
}
# Håbo folds to the same slug as Habo; see Municipality.slug_override.
SLUGS = {"0305": "habo-uppsala"}

HEADER = """\
# {official_name}: hand-kept. A contact needs a source (url, title, the date the source shows)
# and says whom it serves. Never add a number without a source. See docs/DATA.md.
"""


def main() -> int:
    counties = {
        row["county_code"]: row["county_name"]
        for row in csv.DictReader((GEODATA / "counties.csv").open(encoding="utf-8"))
    }
    rows = list(csv.DictReader((GEODATA / "municipalities.csv").open(encoding="utf-8")))
    MUNICIPALITIES_DIR.mkdir(parents=True, exist_ok=True)
    written = 0
    for row in rows:
        code, short = row["municipality_code"], row["municipality_name_short"]
        slug = SLUGS.get(code, slugify(short))
        path = MUNICIPALITIES_DIR / f"{code}-{slug}.yml"
        if path.exists():
            continue
        official_name = OFFICIAL_NAMES.get(code, row["municipality_name"])
        data = {
            "code": code,
            "name": short,
            "official_name": official_name,
            "county_code": row["county_code"],
            "county": counties[row["county_code"]],
            **({"slug": slug} if code in SLUGS else {}),
            "contacts": [],
        }
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(HEADER.format(official_name=official_name) + body, encoding="utf-8")
        written += 1
    print(f"wrote {written} of {len(rows)} files to {MUNICIPALITIES_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
