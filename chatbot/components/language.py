"""The `language` entity on every typed message: the page's language from `metadata.language`
(the widget sends it), else a careful guess from the text (rasa shell, conversation tests). The
domain fills the `language` slot from this entity and keeps the conversation's language when a
message has none, all inside the Rasa server: no call to the action server on every message.
A message that asks for a language by name gets it, and the greeting in it (the REST channel
then tells the widget to keep it: components/channels.py)."""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import intent_of, set_intent
from components.stateless import StatelessComponent
from vagut_chat.langdetect import language_of, requested_language

METADATA = "metadata"
# "Can you write in Swedish?" is answered with the greeting and the menu in Swedish, unless the
# classifier is sure the message also asks something else.
UNSURE = {"nlu_fallback", "out_of_scope", "greet"}
SURE = 0.6


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class PageLanguage(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            code = language_of(message.get(METADATA), message.get(TEXT) or "")
            if code is None:
                continue
            entity = {"entity": "language", "value": code, "start": 0, "end": 0,
                      "extractor": "PageLanguage"}
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
            name, confidence = intent_of(message)
            unsure = name in UNSURE or confidence < SURE
            if unsure and requested_language(message.get(TEXT) or ""):
                set_intent(message, "greet", "language_request")
        return messages
