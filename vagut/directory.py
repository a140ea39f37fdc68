"""Compiles content/ into the one directory the site, the chat and the intake service read.

    uv run python -m vagut.directory          # writes build/directory.json
    uv run python -m vagut.directory --check  # fails if the file is missing or out of date

Validates every file once (vagut.municipalities' schema, and the districts, other names and
place words here), formats phone numbers, dates each contact's staleness, and packs the place
finder's data (vagut.placefinder, theme/assets/places.js). Nothing else parses content/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vagut import phones
from vagut.compiled import (
    DIRECTORY_FILE,
    FORMAT,
    ROOT,
    Directory,
    DirectoryOutOfDate,
    load,
    parse,
    sources_digest,
)
from vagut.municipalities import (
    CONTENT_DIR,
    STALE_AFTER,
    Contact,
    DataError,
    Municipality,
    National,
    Phone,
    Serves,
    Source,
    load_municipalities,
    load_national,
)
from vagut.placefinder import norm
from vagut.sounds import ARABIC_GLIDES, ARABIC_LETTERS, GEEZ_ROWS, SHORTEST_SOUND, swedish_sounds

POSTAL_CODES_CSV = ROOT / "data" / "geodata" / "postal_to_municipality.csv"
DISTRICTS_FILE = CONTENT_DIR / "districts.yml"
OTHER_NAMES_FILE = CONTENT_DIR / "other_names.yml"
PLACE_WORDS_FILE = CONTENT_DIR / "place_words.yml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class District(_Strict):
    name: str = Field(min_length=2)
    municipality: str = Field(pattern=r"^\d{4}$")
    kind: Literal["vulnerable_area", "city_district", "neighbourhood"]
    area: str | None = None  # the source's own name for the area, where it differs
    source: str
    also_source: str | None = None


class Districts(_Strict):
    sources: dict[str, Source]
    districts: tuple[District, ...]

    @model_validator(mode="after")
    def _sourced(self) -> Districts:
        for district in self.districts:
            for key in (district.source, district.also_source):
                if key is not None and key not in self.sources:
                    raise ValueError(f"{district.name}: no source called {key!r}")
        return self


class SharedService(_Strict):
    """One service several municipalities share (a regional socialjour), modelled once: the
    source names its members, and each member's page and the chat show it."""

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=3)
    serves: Serves
    phone: Phone | None = None
    email: str | None = None
    hours: str | None = None
    members: tuple[str, ...] = Field(min_length=2)
    source: Source

    def contact(self) -> Contact:
        fields = ("serves", "label", "phone", "email", "hours", "source")
        return Contact.model_validate({name: getattr(self, name) for name in fields})


class SharedServices(_Strict):
    services: tuple[SharedService, ...]


class OtherName(_Strict):
    name: str = Field(min_length=2)
    municipality: str = Field(pattern=r"^\d{4}$")
    language: str


class OtherNames(_Strict):
    names: tuple[OtherName, ...]


class PlaceWords(_Strict):
    filler: dict[str, tuple[str, ...]]
    common: tuple[str, ...]
    not_postal: tuple[str, ...]


def _read(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as error:
        raise DataError(f"{path.name}: {error}") from None


def _numbers(phone: str | None) -> dict:
    """A number as written, as shown the Swedish way, and as dialled."""
    return {
        "phone": phone,
        "phone_display": phones.display(phone) if phone else None,
        "tel": phones.tel_uri(phone) if phone else None,
    }


def _source(source: Source) -> dict:
    return {
        "url": str(source.url),
        "title": source.title,
        "date": str(source.date),
        "read": source.read.isoformat() if source.read else None,
    }


def _contact(contact: Contact, shared_by: tuple[str, ...] = ()) -> dict:
    stale_from = contact.source.last_day + STALE_AFTER + dt.timedelta(days=1)
    return {
        "serves": str(contact.serves),
        "label": contact.label,
        **_numbers(contact.phone),
        "email": str(contact.email) if contact.email else None,
        "hours": contact.hours,
        "source": _source(contact.source),
        "stale_from": stale_from.isoformat(),
        "shared_by": list(shared_by),
    }


def _municipality(municipality: Municipality, shared: list[SharedService]) -> dict:
    contacts = [_contact(contact) for contact in municipality.contacts]
    own = {(contact.serves, contact.phone) for contact in municipality.contacts}
    for service in shared:
        # A member's own page may list the same number: its own entry is kept, not both.
        if municipality.code in service.members and (service.serves, service.phone) not in own:
            contacts.append(_contact(service.contact(), shared_by=service.members))
    return {
        "code": municipality.code,
        "name": municipality.name,
        "official_name": municipality.official_name,
        "slug": municipality.slug,
        "county": municipality.county,
        "county_code": municipality.county_code,
        "contacts": contacts,
        "reads_first_contacts": municipality.reads_first_contacts,
    }


def _national(national: National) -> list[dict]:
    return [
        {"key": line.key, **_numbers(line.phone), "source": _source(line.source)}
        for line in national.lines
    ]


def _postal_rows(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["postal_code"].replace(" ", ""), row["locality"].strip(), row["municipality_code"])
            for row in csv.DictReader(handle)
        ]


def places_data(
    municipalities: tuple[Municipality, ...],
    districts: Districts,
    other_names: OtherNames,
    words: PlaceWords,
    postal_rows: list[tuple[str, str, str]],
) -> dict:
    """The place finder's data, small enough for a phone (the browser fetches it on the first
    keystroke): names by index, the localities once each, and the postal codes as sorted deltas
    that point at their own locality."""
    index = {m.code: i for i, m in enumerate(municipalities)}
    named = {d.municipality for d in districts.districts}
    named |= {n.municipality for n in other_names.names}
    unknown = sorted(named - set(index))
    if unknown:
        raise DataError(f"districts.yml / other_names.yml: no municipality {', '.join(unknown)}")
    rows = sorted(
        (int(postal), locality, index[code]) for postal, locality, code in postal_rows
        if code in index
    )  # fmt: skip
    # Localities in the order of their first postal code, so that a code's locality is mostly
    # the previous code's or the next one: "pl" holds the step from the previous code's.
    localities: dict[tuple[str, int], int] = {}
    for _, locality, owner in rows:
        localities.setdefault((locality, owner), len(localities))
    deltas, steps, previous_code, previous_locality = [], [], 0, 0
    for postal, locality, owner in dict.fromkeys(rows):
        pointer = localities[(locality, owner)]
        deltas.append(postal - previous_code)
        steps.append(pointer - previous_locality)
        previous_code, previous_locality = postal, pointer
    districts_list = sorted({(d.name, index[d.municipality]) for d in districts.districts})

    def heard(name: str) -> str:  # its consonant sounds, space-separated (vagut.sounds)
        return " ".join(sorted(s for s in swedish_sounds(name) if len(s) >= SHORTEST_SOUND))

    filler = sorted({norm(word) for words_ in words.filler.values() for word in words_} - {""})
    return {
        # [name, slug] and the official name where it is not "<name> kommun"
        "m": [
            [m.name, m.slug, *([m.official_name] if m.official_name != f"{m.name} kommun" else [])]
            for m in municipalities
        ],
        "o": [[n.name, index[n.municipality]] for n in other_names.names],
        "d": districts_list,
        "l": [list(pair) for pair in localities],
        "pc": deltas,
        "pl": steps,
        # how the names of "m" and of "d" sound, in the same order
        "sm": [heard(m.name) for m in municipalities],
        "sd": [heard(name) for name, _ in districts_list],
        "sound": {"letters": ARABIC_LETTERS, "glides": ARABIC_GLIDES, "geez": GEEZ_ROWS},
        "words": {
            "filler": filler,
            "common": sorted({norm(word) for word in words.common}),
            "not_postal": sorted({norm(code).replace(" ", "") for code in words.not_postal}),
        },
    }


def compile_directory(root: Path = ROOT) -> dict:
    """Everything the three parts read, checked; every problem in content/ is a DataError."""
    content = root / "content"
    municipalities = load_municipalities(content / "municipalities")
    national = load_national(content / "national.yml")
    districts = _read(content / "districts.yml", Districts)
    shared = _read(content / "shared_services.yml", SharedServices).services
    codes = {m.code for m in municipalities}
    for service in shared:
        if unknown := sorted(set(service.members) - codes):
            raise DataError(f"shared_services.yml: {service.key}: no municipality {unknown}")
    other_names = _read(content / "other_names.yml", OtherNames)
    words = _read(content / "place_words.yml", PlaceWords)
    postal_rows = _postal_rows(root / "data" / "geodata" / "postal_to_municipality.csv")
    return {
        "format": FORMAT,
        "digest": sources_digest(root),
        "municipalities": [_municipality(m, list(shared)) for m in municipalities],
        "national": _national(national),
        "places": places_data(municipalities, districts, other_names, words, postal_rows),
    }


def write(path: Path = DIRECTORY_FILE, root: Path = ROOT) -> dict:
    data = compile_directory(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    temporary.replace(path)  # readers never see half a file
    return data


def ensure(path: Path = DIRECTORY_FILE, root: Path = ROOT) -> Directory:
    """The compiled directory, compiled first when it is missing or out of date (the main
    environment can; the chatbot's cannot, and only loads)."""
    try:
        return load(path, root)
    except DirectoryOutOfDate:
        return parse(write(path, root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check it is up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            load()
        else:
            data = write()
            print(
                f"{DIRECTORY_FILE.relative_to(ROOT)}: {len(data['municipalities'])} municipalities,"
                f" {len(data['places']['d'])} districts, {len(data['places']['l'])} localities,"
                f" {len(data['places']['pc'])} postal codes"
            )
    except (DataError, DirectoryOutOfDate) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
