"""A receipt code anywhere in a message (16 digits, with spaces or dashes, in Western,
Arabic-Indic or Persian digits: "min kod är 5530-1298-7746-0381", "٧٢٠١ ٣٣٨٥ ٩٩٤٦ ١٠٥٧") is
checking back, before any place lookup: no postal code or phone number is 16 digits long.
Danger, after this component, still wins."""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import set_intent
from components.stateless import StatelessComponent
from vagut_chat.receipt_codes import find_receipt_code

SOURCE = "receipt_codes"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class ReceiptCodes(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/") and find_receipt_code(text):
                set_intent(message, "check_back", SOURCE)
        return messages
