"""The municipality data: one hand-kept YAML file per municipality, checked against a schema.

The files live in content/municipalities/<code>-<slug>.yml (a contract, see docs/DESIGN.md).
A contact is published only with a source and the date that source shows; nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    ValidationError,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from vagut import phones
from vagut.slug import slugify

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
MUNICIPALITIES_DIR = CONTENT_DIR / "municipalities"
NATIONAL_FILE = CONTENT_DIR / "national.yml"
EXPECTED_MUNICIPALITY_COUNT = 290
STALE_AFTER = dt.timedelta(days=365)


class Serves(StrEnum):
    """Whom a contact is for."""

    leaving_crime = "leaving_crime"  # anyone, any age, who wants to leave crime
    adults_leaving_crime = "adults_leaving_crime"
    young_people_and_parents = "young_people_and_parents"
    social_services = "social_services"  # the municipality's social services in general
    social_emergency = "social_emergency"  # socialjour: evenings, nights and weekends


_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class SourceDate(str):
    """The date a source shows: '2022-05-23', or only '2023-05' or '2023' where that is all it
    shows. Never more precise than the source."""

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self)]

    @property
    def last_day(self) -> dt.date:
        """The latest day the source can be from: what staleness is measured from."""
        if self.precision == "day":
            return dt.date.fromisoformat(self)
        year = int(self[:4])
        month = int(self[5:7]) if self.precision == "month" else 12
        if not 1 <= month <= 12:
            raise ValueError(f"{self}: no such month")
        first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _source_date, serialization=core_schema.to_string_ser_schema()
        )


def _source_date(value: object) -> SourceDate:
    # YAML reads 2022-05-23 as a date and 2023 as an int; accept both, and strings.
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not _PARTIAL_DATE.match(text):
        raise ValueError("must be YYYY-MM-DD, YYYY-MM or YYYY (only as precise as the source)")
    date = SourceDate(text)
    date.last_day  # noqa: B018 (raises on 2023-13 and the like)
    return date


def _phone(value: str) -> str:
    phones.parse(value)  # raises InvalidPhoneNumber, which pydantic reports with the field
    return value


Phone = Annotated[str, AfterValidator(_phone)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    url: HttpUrl
    title: str = Field(min_length=3)
    # As precise as the source, or "undated" when the page shows no date at all: then `read`,
    # the day someone read it, is what its age is measured from (and the page says so).
    date: SourceDate | Literal["undated"]
    read: dt.date | None = None

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.date == "undated" and self.read is None:
            raise ValueError("an undated source needs `read`: the day it was read")
        return self

    @property
    def last_day(self) -> dt.date:
        """The latest day the source can be from (or was read, if it shows no date)."""
        return self.read if self.date == "undated" else self.date.last_day


class Contact(Strict):
    serves: Serves
    label: str | None = None  # the service's own name, as the source writes it: "Sydostjouren"
    phone: Phone | None = None
    email: EmailStr | None = None
    hours: str | None = None  # as the source writes it (Swedish); shown verbatim
    source: Source

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.phone or self.email):
            raise ValueError("a contact needs a phone number or an e-mail address")
        return self

    def is_stale(self, today: dt.date) -> bool:
        return today - self.source.last_day > STALE_AFTER


class Municipality(Strict):
    code: str = Field(pattern=r"^\d{4}$")
    name: str = Field(min_length=2)  # the short name: "Österåker"
    official_name: str  # "Österåkers kommun", "Region Gotland", "Stockholms stad"
    county_code: str = Field(pattern=r"^\d{2}$")
    county: str
    contacts: tuple[Contact, ...] = ()
    # The municipality's coordinator reads the first contacts sent through Väg ut (pages and the
    # chat then say so); elsewhere they go to Väg ut's national fallback coordinator. Not implied
    # by a contact: a municipality can have a line without having joined.
    reads_first_contacts: bool = False
    # Only where two names fold to the same slug (Håbo and Habo both fold to "habo"): the one
    # whose name needed folding takes its county's short name as well, "habo-uppsala".
    slug_override: str | None = Field(default=None, alias="slug", pattern=r"^[a-z0-9-]+$")

    @cached_property
    def slug(self) -> str:
        return self.slug_override or slugify(self.name)

    @property
    def file_name(self) -> str:
        return f"{self.code}-{self.slug}.yml"


class NationalLine(Strict):
    key: str = Field(pattern=r"^[a-z_]+$")  # names its strings in translations/
    phone: Phone
    source: Source


class National(Strict):
    lines: tuple[NationalLine, ...]

    def line(self, key: str) -> NationalLine:
        return next(line for line in self.lines if line.key == key)


class DataError(ValueError):
    """The municipality data is wrong; the message names the file and the field."""


def _load_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path.name}: not valid YAML: {error}") from error


def _describe(path: Path, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"{path.name}: {where}: {item['msg']}")
    return "\n".join(problems)


def load_municipality(path: Path) -> Municipality:
    try:
        municipality = Municipality.model_validate(_load_yaml(path))
    except ValidationError as error:
        raise DataError(_describe(path, error)) from None
    if path.name != municipality.file_name:
        raise DataError(f"{path.name}: file name must be {municipality.file_name}")
    return municipality


def load_municipalities(
    directory: Path = MUNICIPALITIES_DIR, expected: int = EXPECTED_MUNICIPALITY_COUNT
) -> tuple[Municipality, ...]:
    """All municipalities, sorted by code; every problem in every file is reported at once."""
    found: dict[str, Municipality] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            municipality = load_municipality(path)
        except DataError as error:
            problems.append(str(error))
            continue
        if municipality.code in found:
            other = found[municipality.code].file_name
            problems.append(f"{path.name}: code: {municipality.code} is also used by {other}")
            continue
        if clash := next((m for m in found.values() if m.slug == municipality.slug), None):
            problems.append(f"{path.name}: slug: {municipality.slug} is also {clash.file_name}'s")
            continue
        found[municipality.code] = municipality
    if not problems and len(found) != expected:
        problems.append(
            f"{directory}: {len(found)} municipalities, expected {expected}: a file is missing"
        )
    if problems:
        raise DataError("\n".join(problems))
    return tuple(found[code] for code in sorted(found))


def load_national(path: Path = NATIONAL_FILE) -> National:
    try:
        return National.model_validate(_load_yaml(path))
    except ValidationError as error:
        raise DataError(_describe(path, error)) from None


def stale_contacts(
    municipalities: tuple[Municipality, ...], today: dt.date
) -> list[tuple[Municipality, Contact]]:
    return [(m, c) for m in municipalities for c in m.contacts if c.is_stale(today)]
