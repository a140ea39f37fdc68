"""The compiled directory (build/directory.json), as the site, the chat and the intake service
read it: municipalities with their contacts formatted, the national lines, and the place
finder's data. Only vagut.directory reads content/ and writes this file; everything else reads it
through `load`.

Stdlib only: the chatbot's Python 3.10 imports it (it cannot run the compiler, which needs
pydantic 2). A file older than content/ is refused, never silently used.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY_FILE = ROOT / "build" / "directory.json"
FORMAT = 1
# What the file is made from: a change to any of these makes it stale.
SOURCES = (
    "content/municipalities/*.yml",
    "content/national.yml",
    "content/districts.yml",
    "content/shared_services.yml",
    "content/other_names.yml",
    "content/place_words.yml",
    "data/geodata/postal_to_municipality.csv",
    "vagut/directory.py",
    "vagut/sounds.py",
)
# A way in meant for people leaving crime (or young people and their parents), as opposed to
# social services in general or the social emergency service.
DEDICATED_SERVES = ("leaving_crime", "adults_leaving_crime", "young_people_and_parents")


class DirectoryOutOfDate(RuntimeError):
    pass


def sources_digest(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    date: str  # as precise as the source: "2022-05-23", "2023-05" or "2023"; or "undated"
    read: str | None = None  # for an undated source: the day it was read


@dataclass(frozen=True)
class Contact:
    serves: str
    label: str | None  # the service's own name: "Sydostjouren"
    phone: str | None
    phone_display: str | None
    tel: str | None
    email: str | None
    hours: str | None
    source: Source
    stale_from: str  # the first day the source counts as old (a year after its last possible day)
    shared_by: tuple[str, ...] = ()  # a service several municipalities share: all their codes

    def is_stale(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()).isoformat() >= self.stale_from


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    official_name: str
    slug: str
    county: str
    county_code: str
    contacts: tuple[Contact, ...]
    reads_first_contacts: bool  # its coordinator reads first contacts sent through Väg ut

    @property
    def local_coordinator(self) -> bool:
        return self.reads_first_contacts

    @property
    def dedicated(self) -> bool:
        """It has a verified way in for people leaving crime (not only social services)."""
        return any(contact.serves in DEDICATED_SERVES for contact in self.contacts)


@dataclass(frozen=True)
class NationalLine:
    key: str
    phone: str
    phone_display: str
    tel: str
    source: Source


@dataclass(frozen=True)
class Directory:
    municipalities: dict[str, Municipality]  # by code, in code order
    national: tuple[NationalLine, ...]
    places: dict  # the place finder's data, also shipped to the browser (vagut.placefinder)

    def line(self, key: str) -> NationalLine:
        return next(line for line in self.national if line.key == key)


def _contact(raw: dict) -> Contact:
    shared = tuple(raw.get("shared_by") or ())
    return Contact(**{**raw, "source": Source(**raw["source"]), "shared_by": shared})


def parse(data: dict) -> Directory:
    municipalities = {
        raw["code"]: Municipality(
            **{**raw, "contacts": tuple(_contact(c) for c in raw["contacts"])}
        )
        for raw in data["municipalities"]
    }
    national = tuple(
        NationalLine(**{**raw, "source": Source(**raw["source"])}) for raw in data["national"]
    )
    return Directory(municipalities=municipalities, national=national, places=data["places"])


def load(path: Path = DIRECTORY_FILE, root: Path = ROOT) -> Directory:
    """The compiled directory; refused when it is missing or older than what it is made from."""
    hint = "run `uv run python -m vagut.directory` (scripts/setup does)"
    if not path.is_file():
        raise DirectoryOutOfDate(f"{path} is missing: {hint}")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT or data.get("digest") != sources_digest(root):
        raise DirectoryOutOfDate(f"{path} is older than content/: {hint}")
    return parse(data)
