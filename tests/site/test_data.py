"""The municipality schema: every way a hand-kept file can be wrong fails, naming file and field."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from vagut.municipalities import (
    EXPECTED_MUNICIPALITY_COUNT,
    MUNICIPALITIES_DIR,
    DataError,
    load_municipalities,
    load_national,
    stale_contacts,
)

HANINGE = "0136-haninge.yml"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the real data that a test may break."""
    copy = tmp_path / "municipalities"
    shutil.copytree(MUNICIPALITIES_DIR, copy)
    return copy


def edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def first_contact(data: dict) -> dict:
    return data["contacts"][0]


def test_the_real_data_loads_all_290():
    municipalities = load_municipalities()
    assert len(municipalities) == EXPECTED_MUNICIPALITY_COUNT == 290
    assert len({m.slug for m in municipalities}) == 290


def test_the_verified_contacts_are_there_with_their_sources():
    by_code = {m.code: m for m in load_municipalities()}
    (osteraker,) = by_code["0117"].contacts
    assert osteraker.phone == "08-540 81 180"
    assert osteraker.source.date == "2023"
    (haninge,) = by_code["0136"].contacts
    assert (haninge.phone, haninge.email) == ("08-606 70 50", "lamnakrim@haninge.se")
    assert haninge.source.date == "2022-05-23"
    assert by_code["0136"].reads_first_contacts and by_code["0117"].reads_first_contacts


def test_national_lines():
    national = load_national()
    assert national.line("emergency").phone == "112"
    assert national.line("police").phone == "114 14"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(website="x"), "0136-haninge.yml: website: Extra inputs"),
        (lambda d: first_contact(d).update(fax="1"), "contacts.0.fax: Extra inputs"),
        (lambda d: first_contact(d).update(phone="08-12"), "contacts.0.phone"),
        (lambda d: first_contact(d).update(phone="ring oss"), "contacts.0.phone"),
        (lambda d: first_contact(d).pop("source"), "contacts.0.source: Field required"),
        (lambda d: first_contact(d)["source"].pop("date"), "contacts.0.source.date: Field req"),
        (lambda d: first_contact(d)["source"].pop("url"), "contacts.0.source.url: Field req"),
        (lambda d: first_contact(d)["source"].update(date="maj 2022"), "contacts.0.source.date"),
        (lambda d: first_contact(d)["source"].update(date="2022-13"), "contacts.0.source.date"),
        (lambda d: first_contact(d).update(serves="everyone"), "contacts.0.serves"),
        (lambda d: first_contact(d)["source"].update(date="undated"), "contacts.0.source: Value"),
        (lambda d: first_contact(d).update(phone=None, email=None), "contacts.0: Value error"),
        (lambda d: first_contact(d).update(email="not-an-address"), "contacts.0.email"),
        (lambda d: d.update(code="136"), "0136-haninge.yml: code"),
    ],
)
def test_a_bad_file_fails_naming_file_and_field(data_dir, change, expected):
    edit(data_dir, HANINGE, change)
    with pytest.raises(DataError) as error:
        load_municipalities(data_dir)
    assert expected in str(error.value)


def test_a_duplicate_code_fails(data_dir):
    edit(data_dir, "0117-osteraker.yml", lambda d: d.update(code="0136"))
    (data_dir / "0117-osteraker.yml").rename(data_dir / "0136-osteraker.yml")
    with pytest.raises(
        DataError, match=re.escape("0136-osteraker.yml: code: 0136 is also used by")
    ):
        load_municipalities(data_dir)


def test_a_missing_municipality_fails(data_dir):
    (data_dir / "2584-kiruna.yml").unlink()
    with pytest.raises(DataError, match="289 municipalities, expected 290"):
        load_municipalities(data_dir)


def test_a_file_name_that_does_not_match_its_code_and_slug_fails(data_dir):
    (data_dir / HANINGE).rename(data_dir / "0136-haning.yml")
    with pytest.raises(
        DataError, match=re.escape("0136-haning.yml: file name must be 0136-haninge.yml")
    ):
        load_municipalities(data_dir)


def test_two_municipalities_with_the_same_slug_fail(data_dir):
    edit(data_dir, "0305-habo-uppsala.yml", lambda d: d.pop("slug"))
    (data_dir / "0305-habo-uppsala.yml").rename(data_dir / "0305-habo.yml")
    with pytest.raises(DataError, match="slug: habo is also"):
        load_municipalities(data_dir)


def test_contacts_older_than_a_year_are_stale_and_recent_ones_are_not():
    municipalities = load_municipalities()
    stale_on = {
        (m.code, str(c.source.date)) for m, c in stale_contacts(municipalities, dt.date(2026, 1, 1))
    }
    assert {("0117", "2023"), ("0136", "2022-05-23")} <= stale_on

    def stale_of_the_two(day: dt.date) -> list[str]:
        return sorted(m.code for m, _ in stale_contacts(municipalities, day) if m.code in TWO)

    # A source that only says "2023" can be from as late as 31 December 2023.
    assert stale_of_the_two(dt.date(2024, 12, 30)) == ["0136"]
    assert stale_of_the_two(dt.date(2024, 12, 31)) == ["0117", "0136"]
    assert stale_of_the_two(dt.date(2023, 5, 23)) == []


TWO = {"0117", "0136"}  # Österåker and Haninge, whose contacts have dated sources


def test_an_undated_source_is_as_old_as_the_day_it_was_read(data_dir):
    def undated(data):
        first_contact(data)["source"].update(date="undated", read="2026-12-07")
        first_contact(data)["serves"] = "social_emergency"  # a kind beside the dedicated ones

    edit(data_dir, HANINGE, undated)
    haninge = next(m for m in load_municipalities(data_dir) if m.code == "0136")
    (contact,) = haninge.contacts
    assert not contact.is_stale(dt.date(2027, 12, 7))
    assert contact.is_stale(dt.date(2027, 12, 8))
