"""A message that is little more than a place ("osteraker", "136 40", "jag bor i Haninge") is
`inform_place`, whatever the classifier thought: 290 municipality names and 1,900 localities in
ten languages' sentences are more than a classifier can learn from examples. Typo matches only
override an unsure prediction. Danger in words always stays danger; danger by the classifier
alone does not survive a message that is a sure place and nothing else. A message that names a
place, or is written on a municipality's page, and is start_contact or check_back only unsurely
("I live in Norrköping, how do I reach them?", "my postal code is 553 35") asks for the place's
contacts: ask_contact."""

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import intent_of, set_intent
from components.stateless import StatelessComponent
from vagut_chat import places

KEEP = {"danger"}
DETERMINED = {"typed_buttons", "receipt_codes"}  # the components before this one
UNSURE_INTENTS = {"inform_place", "ask_contact", "out_of_scope", "nlu_fallback"}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class PlaceOverride(StatelessComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # form_sure_at: "send an anonymous message to Lund" is start_contact at 0.99; "I live
        # in Norrköping, how do I reach them?" at 0.5-0.7, and asks for the place's contacts.
        return {"unsure_below": 0.6, "form_sure_at": 0.8}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        places.finder()  # load the municipality data once, at startup

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            name, confidence = intent_of(message)
            if not text or text.startswith("/") or name == "inform_place":
                continue
            overridden_by = (message.get(INTENT) or {}).get("overridden_by")
            if name in KEEP:
                if overridden_by == "danger_classifier":
                    self._only_a_place(message, text)
                continue
            if overridden_by in DETERMINED:
                continue  # a typed button or a receipt code: not a place
            if name in ("start_contact", "check_back"):
                self._contacts_of_a_place(message, text, confidence)
                continue
            if len(places.content_words(text)) > 4:
                continue  # a place name is at most four words: not "little more than a place"
            unsure = name in UNSURE_INTENTS or confidence < float(self.config["unsure_below"])
            # Only a sure hit overrides a confident prediction: skip the typo search then.
            # Guesses from how a name in Arabic script or Ge'ez sounds: only where a place is
            # asked for (the actions).
            match = places.find(text, typos=unsure, sounds=False)
            if not (match.exact or match.candidates) or places.leftover_words(text, match):
                continue
            if match.exact is not None or unsure:
                set_intent(message, "inform_place", "place_override")
        return messages

    def _contacts_of_a_place(self, message: Message, text: str, confidence: float) -> None:
        """A message that names a place, or is written on a municipality's page, and asks,
        unsure, for "contact" ("who do I contact here?") or "code" ("my postal code is 553 35")
        wants that place's contacts (which offer the anonymous first contact after them), not
        the form or check-back. A receipt code was read before (components/receipt_codes.py)."""
        if confidence >= float(self.config["form_sure_at"]):
            return
        metadata = message.get("metadata")
        on_a_page = isinstance(metadata, dict) and bool(metadata.get("municipality"))
        if on_a_page or places.find(text, typos=False, sounds=False).exact is not None:
            set_intent(message, "ask_contact", "place_override")

    @staticmethod
    def _only_a_place(message: Message, text: str) -> None:
        """"knivsta" typed where the form asks for the municipality was danger by the
        classifier alone (it had learnt "kniv"); a message that is a sure place and nothing
        else says no danger. Danger words are never undone (components/danger.py)."""
        match = places.find(text, typos=False, sounds=False)
        if match.exact is not None and not places.leftover_words(text, match):
            set_intent(message, "inform_place", "place_override")

