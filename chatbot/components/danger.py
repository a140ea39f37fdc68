"""Danger first: words that mean acute danger or suicidal thoughts (vagut_chat/danger_words.yml)
make the intent `danger` whatever the classifier thought, so that 112 comes first; so does the
classifier giving `danger` at least `classifier_at_least` (0.25) even when another intent ranks
higher. A false alarm costs a reply with 112 in it; a missed one costs far more. (On all the
training data, cross-validated: the 0.25 rule raises recall from 0.857 to 0.887 and lowers
precision from 0.74 to 0.70.)

The `danger_kind` entity says what the words spoke of: `self_harm` brings the suicide-prevention
line and BRIS into the reply (actions/danger.py); `acute`, or no entity when only the classifier
saw danger, gives the reply for acute danger, which names both as well."""

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.override import INTENT_RANKING, set_intent
from components.stateless import StatelessComponent
from vagut_chat.danger_lexicon import danger_kind, is_danger  # noqa: F401  (is_danger: tests)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DangerKeywords(StatelessComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"classifier_at_least": 0.25}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button's payload, never typed
            # Always at full confidence, also when the classifier already said "danger": its
            # unsure 0.37 is "not understood" by now (the FallbackClassifier runs before this).
            kind = danger_kind(text)
            if kind is not None:
                _mark_kind(message, kind)
                set_intent(message, "danger", "danger_keywords")
            elif self._classifier_confidence(message) >= self.config["classifier_at_least"]:
                set_intent(message, "danger", "danger_classifier")
        return messages

    @staticmethod
    def _classifier_confidence(message: Message) -> float:
        for ranked in message.get(INTENT_RANKING) or []:
            if ranked.get("name") == "danger":
                return float(ranked.get("confidence") or 0.0)
        return 0.0


def _mark_kind(message: Message, kind: str) -> None:
    entity = {"entity": "danger_kind", "value": kind, "start": 0, "end": 0,
              "extractor": "DangerKeywords"}
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
