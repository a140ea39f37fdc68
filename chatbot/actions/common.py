"""Small helpers the actions share: the conversation's language and buttons."""

from typing import Dict, List, Optional

from rasa_sdk import Tracker

from actions.choices import CHOICES
from actions.i18n import normalise_language, strings, t
from vagut.languages import LANGUAGE_CODES


def language(tracker: Tracker) -> str:
    return normalise_language(tracker.get_slot("language"))


def button(lang: str, key: str, payload: str) -> Dict[str, str]:
    return {"title": t(lang, key), "payload": payload}


def choice_titles(slot: str) -> Dict[str, List[str]]:
    """value → its button text in every language (people answer in any of them)."""
    return {
        value: [strings(code).get(key, "") for code in LANGUAGE_CODES if strings(code).get(key)]
        for value, key in CHOICES[slot]
    }


def choice_label(lang: str, slot: str, value: Optional[str]) -> str:
    for option, key in CHOICES[slot]:
        if option == value:
            return t(lang, key)
    return "-"
