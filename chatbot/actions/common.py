"""Small helpers the actions share: the conversation's language and buttons."""

from typing import Dict, List, Optional

from rasa_sdk import Tracker

from vagut.languages import LANGUAGE_CODES
from vagut_chat import places
from vagut_chat.choices import CHOICES
from vagut_chat.i18n import normalise_language, strings, t


def language(tracker: Tracker) -> str:
    return normalise_language(tracker.get_slot("language"))


def page_municipality(tracker: Tracker) -> Optional[str]:
    """The municipality whose page the chat is open on (the widget sends its code as metadata),
    if any: "who do I call?" on the Kiruna page is about Kiruna."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    code = metadata.get("municipality") if isinstance(metadata, dict) else None
    return code if isinstance(code, str) and code in places.municipalities() else None


def not_an_answer(lang: str, key: str) -> str:
    """What the bot says when a typed message could not be used as the answer it asked for. It
    may be someone in danger whose words the danger finder missed: 112 leads it."""
    return f"{t(lang, 'action.always')} {t(lang, key)}"


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


def first_contact_reader(lang: str, code: Optional[str]) -> str:
    """Who a first contact for this municipality goes to, as far as the chat can tell before it
    is sent (the receipt then says for sure)."""
    municipality = places.municipalities().get(code or "")
    name = municipality.name if municipality else "-"
    local = places.has_local_coordinator(code or "")
    return t(lang, "action.reader_local" if local else "action.reader_fallback", municipality=name)
