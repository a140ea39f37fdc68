"""Shared by the two deterministic NLU components: replace the predicted intent."""

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

INTENT_RANKING = "intent_ranking"


def set_intent(message: Message, name: str, source: str) -> None:
    previous = message.get(INTENT) or {}
    message.set(
        INTENT,
        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0, "overridden_by": source},
        add_to_output=True,
    )
    ranking = [r for r in (message.get(INTENT_RANKING) or []) if r.get(INTENT_NAME_KEY) != name]
    message.set(
        INTENT_RANKING,
        [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}] + ranking,
        add_to_output=True,
    )
    if previous.get(INTENT_NAME_KEY) == name:
        return


def intent_of(message: Message):
    intent = message.get(INTENT) or {}
    return intent.get(INTENT_NAME_KEY), float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
