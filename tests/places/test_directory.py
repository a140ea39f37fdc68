"""The compiled directory (vagut.directory): content/ read once, for the site, the chat and the
intake service alike."""

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from vagut import compiled, directory
from vagut.directory import _contact
from vagut.municipalities import Contact, DataError
from vagut.placefinder import PlaceFinder

POSTAL_CSV = directory.POSTAL_CODES_CSV


@pytest.fixture(scope="module")
def built() -> compiled.Directory:
    return directory.ensure()


def test_every_postal_code_points_at_its_own_locality_and_municipality(built):
    finder = PlaceFinder(built.places)
    codes = list(built.municipalities)
    with POSTAL_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(finder.postal) == len(rows)
    for row in rows:
        owner, locality = finder.postal[row["postal_code"]]
        assert (codes[owner], locality) == (row["municipality_code"], row["locality"].strip())


def test_every_district_and_other_name_finds_its_municipality(built):
    finder = PlaceFinder(built.places)
    for table in ("d", "o"):
        for name, index in built.places[table]:
            found = finder.find(name, limit=12)  # sure, or offered (a name in two places)
            shown = ([found.sure] if found.sure else []) + found.options
            assert index in [option.municipality for option in shown], name


@pytest.mark.parametrize(
    ("date", "stale_from"),
    [
        ("2022-05-23", "2023-05-24"),  # a year after the day the source shows
        ("2026-05", "2027-06-01"),  # a month: from its last day, never stale at once
        ("2023", "2024-12-31"),  # a year: from its last day (2024 has 366 days)
    ],
)
def test_a_source_counts_as_old_a_year_after_the_last_day_it_can_be_from(date, stale_from):
    contact = Contact.model_validate(
        {"serves": "social_services", "phone": "08-606 70 50",
         "source": {"url": "https://example.org/", "title": "A page", "date": date}}
    )  # fmt: skip
    raw = _contact(contact)
    assert raw["stale_from"] == stale_from
    parsed = compiled.Contact(**{**raw, "source": compiled.Source(**raw["source"])})
    day_before = dt.date.fromisoformat(stale_from) - dt.timedelta(days=1)
    assert not parsed.is_stale(day_before)
    assert parsed.is_stale(dt.date.fromisoformat(stale_from))


def test_numbers_come_formatted_for_reading_and_dialling(built):
    police = built.line("police")
    assert (police.phone_display, police.tel) == ("114 14", "tel:11414")


def test_a_directory_older_than_content_is_refused(tmp_path, built):
    data = json.loads(compiled.DIRECTORY_FILE.read_text(encoding="utf-8"))
    stale = tmp_path / "directory.json"
    stale.write_text(json.dumps({**data, "digest": "0" * 64}), encoding="utf-8")
    with pytest.raises(compiled.DirectoryOutOfDate, match="older than content"):
        compiled.load(stale)
    with pytest.raises(compiled.DirectoryOutOfDate, match="missing"):
        compiled.load(tmp_path / "absent.json")


def test_a_shared_service_is_shown_to_each_member_once(built):
    shared = yaml.safe_load((compiled.ROOT / "content" / "shared_services.yml").read_text())
    for service in shared["services"]:
        for code in service["members"]:
            numbers = [c.phone for c in built.municipalities[code].contacts
                       if c.serves == service["serves"]]  # fmt: skip
            assert numbers.count(str(service["phone"])) == 1, (service["key"], code)


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """A copy of the repository's sources (links), whose files a test may replace."""
    (tmp_path / "content").mkdir()
    for path in (compiled.ROOT / "content").iterdir():
        (tmp_path / "content" / path.name).symlink_to(path)
    for name in ("data", "vagut"):
        (tmp_path / name).symlink_to(compiled.ROOT / name)
    return tmp_path


def test_a_shared_service_naming_no_municipality_is_refused(content_root):
    services = content_root / "content" / "shared_services.yml"
    services.unlink()
    services.write_text(yaml.safe_dump({"services": [{
        "key": "somewhere", "label": "Socialjouren", "serves": "social_emergency",
        "phone": "020-45 39 00", "members": ["0883", "9999"],
        "source": {"url": "https://example.org/", "title": "A page", "date": "undated",
                   "read": "2026-12-07"}}]}))  # fmt: skip
    with pytest.raises(DataError, match="somewhere: no municipality"):
        directory.compile_directory(content_root)


def test_a_number_without_a_source_is_refused(content_root):
    services = content_root / "content" / "shared_services.yml"
    services.unlink()
    services.write_text(yaml.safe_dump({"services": [{
        "key": "somewhere", "label": "Socialjouren", "serves": "social_emergency",
        "phone": "020-45 39 00", "members": ["0883", "0885"]}]}))  # fmt: skip
    with pytest.raises(DataError, match="source"):
        directory.compile_directory(content_root)
