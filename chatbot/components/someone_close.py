"""Who is writing: "my brother wants out of the gang", "جوزي عايز يسيب الشغل ده", "saygayga ayaa
doonaya inuu joojiyo dambiyada" are a relative asking how to help, and get the answer written
for them, not the one for the person leaving ("you do not have to do it alone"). The classifier
hears "wants out"; the words for someone close (vagut_chat.topics.CLOSE) say who."""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import intent_of, set_intent
from components.stateless import StatelessComponent
from vagut_chat.topics import for_whom

SOURCE = "someone_close"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SomeoneClose(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            name, _ = intent_of(message)
            text = message.get(TEXT) or ""
            whose = for_whom(name, text) if name and not text.startswith("/") else name
            if whose != name:
                set_intent(message, whose, SOURCE)
        return messages
