"""Every chat string exists in every language, with the same placeholders; the generated
responses are current; every response the domain uses has all ten languages."""

import re
import subprocess
import sys

import pytest
import yaml

from vagut.languages import BY_CODE, LANGUAGE_CODES
from vagut_chat.i18n import placeholders, strings
from vagut_chat.paths import TRANSLATIONS_DIR

SOURCE = strings("sv")
OTHERS = [code for code in LANGUAGE_CODES if code != "sv"]


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_file_has_its_language_as_the_top_key(lang):
    tree = yaml.safe_load((TRANSLATIONS_DIR / f"chat.{lang}.yml").read_text(encoding="utf-8"))
    assert list(tree) == [lang]


@pytest.mark.parametrize("lang", OTHERS)
def test_every_key_in_every_language(lang):
    table = strings(lang)
    assert sorted(set(SOURCE) - set(table)) == [], f"missing in chat.{lang}.yml"
    assert sorted(set(table) - set(SOURCE)) == [], f"not in the Swedish source: chat.{lang}.yml"


@pytest.mark.parametrize("lang", OTHERS)
def test_same_placeholders(lang):
    table = strings(lang)
    wrong = [k for k in SOURCE if placeholders(SOURCE[k]) != placeholders(table.get(k, ""))]
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_no_empty_strings(lang):
    assert [k for k, v in strings(lang).items() if not v.strip()] == []


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("key", ["reply.danger", "reply.out_of_scope"])
def test_danger_and_not_understood_replies_lead_with_112(lang, key):
    """A message about danger that the model did not understand gets the not-understood reply
    (about one danger message in seven in cross-validation), so that one starts with 112 too."""
    reply = strings(lang)[key]
    first_number = re.search(r"\d[\d ]*\d", reply).group(0)
    assert first_number == "112"
    assert "114 14" in reply


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_widget_strings(lang):
    widget = {k for k in strings(lang) if k.startswith("widget.")}
    for key in ("title", "send", "close", "input_label", "privacy_note", "error_offline"):
        assert f"widget.{key}" in widget
    assert "112" in strings(lang)["widget.privacy_note"]
    assert "112" in strings(lang)["widget.error_offline"]
    assert "114 14" in strings(lang)["widget.error_offline"]


def test_right_to_left_languages_are_known():
    assert {c for c in LANGUAGE_CODES if BY_CODE[c].rtl} == {"ar", "fa", "ku"}


def test_generated_responses_are_current():
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "generate_responses.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_response_has_every_language(domain):
    for name, variations in domain["responses"].items():
        langs = {
            c["value"] for v in variations for c in v.get("condition", []) if c["name"] == "language"
        }
        assert langs == set(LANGUAGE_CODES), name
        assert any("condition" not in v for v in variations), f"{name} has no default"


def test_every_uttered_response_exists(domain):
    """Rules, stories and actions only use responses the domain has."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    used = set()
    for path in list((root / "data").rglob("*.yml")) + list((root / "actions").glob("*.py")):
        used |= set(re.findall(r"\b(utter_\w+)", path.read_text(encoding="utf-8")))
    assert sorted(used - set(domain["responses"]) - {"utter_message"}) == []
