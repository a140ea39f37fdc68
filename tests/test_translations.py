"""Every string exists in every language, with the same placeholders as the Swedish source."""

import re
from pathlib import Path

import pytest

from vagut.i18n import TRANSLATIONS_DIR, strings, t
from vagut.languages import LANGUAGE_CODES

PLACEHOLDER = re.compile(r"%\{(\w+)\}")
# Parts with one file per language; material holds only the two languages Material lacks, and
# the coordinators' workspace is in Swedish and English (its users work in Swedish municipalities).
TWO_LANGUAGE_PARTS = {"workspace": ("sv", "en")}
PARTS = sorted(
    {path.name.split(".")[0] for path in TRANSLATIONS_DIR.glob("*.yml")}
    - {"material", *TWO_LANGUAGE_PARTS}
)
MATERIAL_LANGUAGES = ("so", "ti")
MATERIAL_EN = Path(__import__("material").__file__).parent / "templates/partials/languages/en.html"


def test_the_site_part_exists():
    assert "site" in PARTS


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_no_key_is_missing_and_placeholders_match(part, lang):
    source = strings(part, "sv")
    translated = strings(part, lang)
    assert sorted(set(source) - set(translated)) == [], f"{part}.{lang}.yml lacks these keys"
    assert sorted(set(translated) - set(source)) == [], f"{part}.{lang}.yml has unknown keys"
    for key, text in source.items():
        assert set(PLACEHOLDER.findall(translated[key])) == set(PLACEHOLDER.findall(text)), key
        assert translated[key].strip(), f"{part}.{lang}.yml: {key} is empty"


@pytest.mark.parametrize("part, languages", TWO_LANGUAGE_PARTS.items())
def test_the_parts_in_two_languages_have_the_same_keys_and_placeholders(part, languages):
    source = strings(part, "sv")
    for lang in languages:
        translated = strings(part, lang)
        assert set(translated) == set(source), f"{part}.{lang}.yml"
        for key, text in source.items():
            assert set(PLACEHOLDER.findall(translated[key])) == set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", MATERIAL_LANGUAGES)
def test_material_strings_for_the_languages_it_does_not_ship(lang):
    expected = set(re.findall(r'^\s+"([a-z.]+)": ', MATERIAL_EN.read_text(), re.MULTILINE))
    assert set(strings("material", lang)) == expected
    assert strings("material", lang)["language"] == lang


def test_lookup_fills_placeholders_and_falls_back_to_swedish_for_unknown_languages():
    assert t("site.municipality.title", "sv", name="Haninge") == "Lämna kriminalitet i Haninge"
    assert t("site.municipality.title", "xx", name="Haninge") == "Lämna kriminalitet i Haninge"
