"""Danger first: words that mean acute danger (a weapon, someone hurt, suicide, a threat to kill)
make the intent `danger` whatever the classifier thought, so that 112 comes first. A false alarm
costs a reply with 112 in it; a missed one costs far more."""

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import components  # noqa: F401  (sys.path)
from actions.paths import REPO_ROOT  # noqa: F401  (sys.path for vagut/)
from components.override import intent_of, set_intent
from vagut.slug import fold

# Latin-script words match at the start of a word (so "knivhuggen" matches "kniv"); words in
# Arabic script and Ge'ez anywhere (they take prefixes: بالسكين).
LATIN = [
    # sv
    "kniv", "pistol", "vapen", "skjuten", "skjutit", "skjuta mig", "skottlossning", "blod",
    "bloder", "ta livet av mig", "ta mitt liv", "sjalvmord", "doda mig", "dodar mig",
    "mörda mig", "morda mig", "doda honom", "doda henne", "hotar att doda", "ligger skadad",
    "han ar skadad", "hon ar skadad", "jag ar skadad",
    # en
    "knife", "gun", "stabbed", "shot", "shooting", "bleeding", "kill myself", "suicide",
    "kill me", "going to kill", "gonna kill", "end my life", "weapon", "hurt badly",
    # so
    "mindi", "qori", "hub ", "is dil", "isdil", "dhiig", "i dilayaan", "dilayaan", "toogasho",
    "naftayda qaado",
    # tr
    "bicak", "silah", "intihar", "oldurecek", "olduruce", "kaniyor", "vuruldu", "kendimi oldur",
    # es
    "cuchillo", "pistola", "armado", "suicid", "matarme", "me van a matar", "sangrando",
    "apunal", "disparo", "le dispar",
    # fr
    "couteau", "pistolet", "arme ", "suicid", "me tuer", "vont me tuer", "saigne", "poignard",
    "tire dessus", "en finir",
]
SCRIPT = [
    # ar
    "سكين", "مسدس", "سلاح", "انتحار", "أقتل نفسي", "اقتل نفسي", "يقتلني", "سيقتلونني",
    "ينزف", "طعن", "رصاص",
    # fa
    "چاقو", "تفنگ", "اسلحه", "خودکشی", "خودم را بکشم", "می‌کشند", "میکشند", "خونریزی",
    "کلت", "بکشندم",
    # ku
    "چەقۆ", "دەمانچە", "خۆکوشتن", "دەمکوژن", "خوێنی لێ دێت", "چەکی پێیە", "خۆم بکوژم",
    # ti
    "ካራ", "ሽጉጥ", "ነብሰይ ክቐትል", "ክቐትሉኒ", "ይቐትሉኒ", "ደም ይፈስ", "ብረት ሒዙ",
]
_LATIN = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w.strip()) for w in LATIN) + ")")


def is_danger(text: str) -> bool:
    folded = fold(text)
    return bool(_LATIN.search(folded)) or any(word in text for word in SCRIPT)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DangerKeywords(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DangerKeywords":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            name, _ = intent_of(message)
            if name != "danger" and not text.startswith("/") and is_danger(text):
                set_intent(message, "danger", "danger_keywords")
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
