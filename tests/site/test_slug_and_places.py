"""The slug rule (a URL contract), names and phone numbers."""

import pytest

from vagut import phones
from vagut.municipalities import load_municipalities
from vagut.slug import fold, slugify, swedish_sort_key


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Haninge", "haninge"),
        ("Österåker", "osteraker"),
        ("Upplands Väsby", "upplands-vasby"),
        ("Upplands-Bro", "upplands-bro"),
        ("Malung-Sälen", "malung-salen"),
        ("Dals-Ed", "dals-ed"),
        ("Älvkarleby", "alvkarleby"),
    ],
)
def test_slug_rule(name, slug):
    assert slugify(name) == slug


def test_every_file_is_named_after_its_code_and_slug():
    for municipality in load_municipalities():
        assert municipality.file_name == f"{municipality.code}-{municipality.slug}.yml"
    by_code = {m.code: m for m in load_municipalities()}
    assert (by_code["0305"].name, by_code["0305"].slug) == ("Håbo", "habo-uppsala")
    assert (by_code["0643"].name, by_code["0643"].slug) == ("Habo", "habo")


def test_official_names_the_source_data_got_wrong_are_fixed():
    by_code = {m.code: m.official_name for m in load_municipalities()}
    assert by_code["0880"] == "Kalmar kommun"
    assert by_code["0980"] == "Region Gotland"
    assert by_code["0180"] == "Stockholms stad"
    assert by_code["1480"] == "Göteborgs Stad"
    assert by_code["2080"] == "Falu kommun"
    assert by_code["0117"] == "Österåkers kommun"


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_last():
    names = ["Örebro", "Åre", "Älvdalen", "Arboga", "Ödeshög", "Zinkgruvan"]
    assert sorted(names, key=swedish_sort_key) == [
        "Arboga", "Zinkgruvan", "Åre", "Älvdalen", "Ödeshög", "Örebro"
    ]  # fmt: skip


def test_fold_forgives_missing_diacritics():
    assert fold("Österåker") == fold("osteraker") == "osteraker"


@pytest.mark.parametrize(
    ("written", "shown", "tel"),
    [
        ("08-540 81 180", "08-540 811 80", "tel:+46854081180"),
        ("08-606 70 50", "08-606 70 50", "tel:+4686067050"),
        ("112", "112", "tel:112"),
        ("114 14", "114 14", "tel:11414"),
    ],
)
def test_numbers_are_shown_the_swedish_way_and_dialled_from_tel_links(written, shown, tel):
    assert phones.display(written) == shown
    assert phones.tel_uri(written) == tel


@pytest.mark.parametrize("bad", ["08-12", "ring oss", "999"])
def test_numbers_that_do_not_parse_are_refused(bad):
    with pytest.raises(phones.InvalidPhoneNumber):
        phones.parse(bad)
