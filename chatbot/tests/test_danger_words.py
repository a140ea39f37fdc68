"""The danger words: 112 first for acute danger in every language, not for questions about
threats, not for ordinary words that contain a danger word."""

import pytest

from components.danger import is_danger


@pytest.mark.parametrize(
    "text",
    [
        "han har en kniv", "någon hotar mig just nu", "jag vill inte leva längre",
        "someone is threatening me right now", "he has a gun", "i want to kill myself",
        "أحد يهددني الآن", "انا في خطر الان", "یکی همین الان تهدیدم می‌کند", "من در خطرم",
        "qof ayaa hadda i hanjabaya", "mindi ayuu haystaa", "ሕጂ ሓደ ሰብ የፈራርሓኒ ኣሎ",
        "کەسێک ئێستا هەڕەشەم لێ دەکات", "elinde bıçak var", "biri şu an beni tehdit ediyor",
        "alguien me está amenazando ahora mismo", "quelqu'un me menace en ce moment",
        "بدي انتحر", "برادرم تیر خورده", "ئەمشەو دەیانەوێت بمکوژن",
        "walaalkay waa la toogtay", "wuu dhaawacmay", "ብጥይት ተወቒዑ", "arkadaşım yaralandı",
        "şu an peşimdeler", "He has a GUN", "ingen hotar mig men han har en kniv",
        "de jagar min son just nu", "shots fired outside our house", "i cant go on living",
        "me voy a quitar la vida", "estan persiguiendo a mi hijo", "ça tire devant chez nous",
        "je vais me faire du mal",
    ],
)
def test_acute_danger(text):
    assert is_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "måste jag vara hotad för att få hjälp", "krävs det ett hot",
        "do i need a threat against me", "nobody is threatening me but i still want out",
        "ingen hotar mig men jag vill ändå ut", "هل يجب أن أكون مهددا لأحصل على المساعدة",
        "hace falta una amenaza", "une menace est obligatoire", "tehdit şart mı",
        "iyi günler", "begun", "ma u qori karaa degmada", "hej", "Haninge",
        "birkaç gün sürer mi", "her gün düşünüyorum", "bir gün çıkmak istiyorum",
    ],
)
def test_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "danger_confidence, expected",
    [(0.3, "danger"), (0.25, "danger"), (0.2, "worried_child"), (None, "worried_child")],
)
def test_a_quarter_of_the_classifier_for_danger_is_enough(danger_confidence, expected):
    from rasa.shared.nlu.training_data.message import Message

    from components.danger import DangerKeywords

    ranking = [{"name": "worried_child", "confidence": 0.5}]
    if danger_confidence is not None:
        ranking.append({"name": "danger", "confidence": danger_confidence})
    message = Message(data={"text": "min son är borta och svarar inte"})
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    DangerKeywords({}).process([message])
    assert message.get("intent")["name"] == expected
