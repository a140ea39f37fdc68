"""The `language` slot, set after every message (action_validate_slot_mappings): the page's
language from `metadata.language` when the widget sends it, else a careful guess from the text,
else the language the conversation already has (Swedish at the start)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.i18n import normalise_language
from actions.langdetect import detect
from vagut.languages import LANGUAGE_CODES


class ValidateSlotMappings(ValidationAction):
    # The Rasa server sends no domain to the action server (endpoints.yml:
    # enable_selective_domain), so the slots this action fills are named here.
    def domain_slots(self, domain: DomainDict) -> List[Text]:
        return ["language"]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        latest = tracker.latest_message or {}
        metadata = latest.get("metadata") or {}
        wanted = metadata.get("language") if isinstance(metadata, dict) else None
        if isinstance(wanted, str) and normalise_language(wanted) == wanted.split("-")[0].lower():
            return {"language": normalise_language(wanted)}
        if isinstance(wanted, str) and wanted.lower() == "ckb":
            return {"language": "ku"}
        guessed = detect(latest.get("text") or "")
        if guessed in LANGUAGE_CODES:
            return {"language": guessed}
        current = tracker.get_slot("language")
        return {"language": normalise_language(current)}

    async def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"language": normalise_language(value)}
