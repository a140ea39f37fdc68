"""A typed button: a message that is a control button's text, in any of the ten languages
("Avbryt", "annuler", "إلغاء", "Hoppa över", "atla"), is that button, whatever the classifier
thought. Buttons are what the chat offers; typing one instead of tapping it must work the same.
Only the buttons whose meaning does not depend on the question (send, change, cancel, skip,
go on, yes, no, and the menu's "anonymous first contact" and "read the answer with a receipt
code", which must start the form on a municipality's page too, components/places.py): a
choice's text ("Vet inte") is the form's to read (vagut_chat/choices.py). Danger, after this
component, still wins."""

from typing import Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import set_intent
from components.stateless import StatelessComponent
from vagut.languages import LANGUAGE_CODES
from vagut_chat.choices import fold_answer
from vagut_chat.i18n import strings

# button key → (intent, the `choice` entity it carries, if any)
BUTTONS: Dict[str, Tuple[str, Optional[str]]] = {
    "button.send": ("affirm", None),
    "button.change": ("change", None),
    "button.cancel": ("stop", None),
    "button.skip": ("choose", "skip"),
    "button.resume": ("resume", None),
    "button.affirm": ("affirm", None),
    "button.deny": ("deny", None),
    "button.start_contact": ("start_contact", None),
    "button.check_back": ("check_back", None),
}


def typed_buttons() -> Dict[str, Tuple[str, Optional[str]]]:
    """Folded button text → what it stands for, in every language."""
    found: Dict[str, Tuple[str, Optional[str]]] = {}
    for code in LANGUAGE_CODES:
        for key, meaning in BUTTONS.items():
            title = fold_answer(strings(code).get(key, ""))
            if title:
                found.setdefault(title, meaning)
    return found


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class TypedButtons(StatelessComponent):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.buttons = typed_buttons()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            meaning = self.buttons.get(fold_answer(text))
            if meaning is None:
                continue
            intent, choice = meaning
            set_intent(message, intent, "typed_buttons")
            if choice:
                entity = {"entity": "choice", "value": choice, "start": 0, "end": len(text),
                          "extractor": "TypedButtons"}
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity],
                            add_to_output=True)
        return messages
