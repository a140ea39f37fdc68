"""Every API string in every language, and every error code the service can answer with."""

import re
from pathlib import Path

import pytest

from intake_api.errors import _RULE_CODES, _STATUS_CODES
from vagut.i18n import strings
from vagut.languages import LANGUAGE_CODES

PLACEHOLDER = re.compile(r"%\{(\w+)\}")
SOURCE = Path(__file__).resolve().parents[2] / "intake_api"


def _error_codes_in_code() -> set[str]:
    codes = set(_STATUS_CODES.values()) | _RULE_CODES | {"internal", "too_large"}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'ApiError\(\s*\d{3},\s*"(\w+)"', text))
        for suffix in re.findall(r'ApiError\(\s*\d{3},\s*f"\{purpose\}_(\w+)"', text):
            codes |= {f"challenge_{suffix}", f"form_{suffix}"}
    return codes


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_api_key_is_translated_with_the_same_placeholders(lang):
    source = strings("api", "sv")
    translated = strings("api", lang)
    assert sorted(set(source) - set(translated)) == [], f"api.{lang}.yml lacks these keys"
    assert sorted(set(translated) - set(source)) == [], f"api.{lang}.yml has unknown keys"
    for key, text in source.items():
        assert translated[key].strip(), f"api.{lang}.yml: {key} is empty"
        assert set(PLACEHOLDER.findall(translated[key])) == set(PLACEHOLDER.findall(text)), key


def test_every_error_code_the_service_uses_has_a_message():
    codes = _error_codes_in_code()
    assert len(codes) > 20  # the scan found the codes
    missing = sorted(code for code in codes if f"errors.{code}" not in strings("api", "sv"))
    assert missing == []


@pytest.mark.parametrize("lang", [code for code in LANGUAGE_CODES if code != "sv"])
def test_translations_are_not_copies_of_the_swedish(lang):
    source = strings("api", "sv")
    translated = strings("api", lang)
    same = [key for key in source if translated[key] == source[key]]
    assert len(same) < len(source) // 10, same
