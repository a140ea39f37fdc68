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


def test_danger_words_win_at_full_confidence_even_when_the_classifier_was_unsure_of_danger():
    """An unsure "danger" from the classifier (0.37) must not reach the FallbackClassifier, which
    would turn it into "not understood"."""
    from rasa.shared.nlu.training_data.message import Message

    from components.danger import DangerKeywords

    message = Message(data={"text": "abim bicaklandi cok kan kaybediyo"})
    ranking = [{"name": "danger", "confidence": 0.37}, {"name": "support", "confidence": 0.33}]
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    DangerKeywords({"classifier_at_least": 0.25}).process([message])
    assert message.get("intent")["name"] == "danger"
    assert message.get("intent")["confidence"] == 1.0
    assert {"entity": "danger_kind", "value": "acute"}.items() <= message.get("entities")[0].items()


@pytest.mark.parametrize(
    "text, kind",
    [
        ("han e hemma nu med en pistol o hotar oss", "acute"),
        ("ما بدي عيش بعد هيك، تعبت من كل شي", "self_harm"),
        ("alla vore bättre utan mig", "self_harm"),
        ("i don't want to be here", "self_harm"),
        ("دیگه نمیخوام زنده باشم", "self_harm"),
        ("ma rabo inaan noolaado", "self_harm"),
        ("artık yaşamak istemiyorum", "self_harm"),
        ("artik yasamak istemiyorum", "self_harm"),
        ("ya no quiero seguir", "self_harm"),
        ("je pense à en finir", "self_harm"),
        ("orkar inte mer", "self_harm"),
        ("ክነብር ኣይደልን", "self_harm"),
        ("نامەوێت چیتر بژیم", "self_harm"),
    ],
)
def test_the_kind_of_danger(text, kind):
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    ["min kille vill lämna gänget", "iyi günler", "ma u qori karaa degmada", "kara araba"],
)
def test_words_of_other_languages_that_look_like_danger_words(text):
    assert not is_danger(text)


def test_the_danger_training_examples_are_the_dev_sets_and_never_the_held_out_set():
    """data/nlu/danger_dev.yml is generated from bench/danger/dev*/ (scripts/danger_examples.py)
    and holds no message of bench/danger/heldout*/, the sets that measure recall."""
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    chatbot = Path(__file__).resolve().parent.parent
    check = subprocess.run([sys.executable, "scripts/danger_examples.py", "--check"],
                           cwd=chatbot, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    trained = (chatbot / "data" / "nlu" / "danger_dev.yml").read_text(encoding="utf-8")
    trained_texts = {line[6:] for line in trained.splitlines() if line.startswith("    - ")}
    held_out = set()
    for path in (chatbot.parent / "bench" / "danger").glob("heldout*/*.yml"):
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            held_out.add(" ".join(message["text"].split()))
    assert held_out and trained_texts
    assert not trained_texts & held_out


@pytest.mark.parametrize(
    "text, kind",
    [
        ("vi har din son, betala ikväll", "acute"),
        ("they said if i dont do the job theyll hurt my brother", "acute"),
        ("ابنك عندنا ولا تحكي للشرطة", "acute"),
        ("بابام از دهنش کف میاد و میلرزه", "acute"),
        ("waxay igu qasbayaan inaan caawa tago", "acute"),
        ("ez girtî me li ber derî ne", "acute"),
        ("kizin bizde diye mesaj attilar", "acute"),
        ("mi hermano esta echando espuma por la boca", "acute"),
        ("ils ont mon frere dans le coffre dune voiture", "acute"),
        ("bde nam w ma 3od fi2", "self_harm"),
        ("wrote a goodbye letter to my mum", "self_harm"),
        ("نامەیەکم بۆ دایکم نووسیوە", "self_harm"),
        ("ገመድ ኣዳልየ ኣለኹ", "self_harm"),
        ("yarin burda olmicam, esyalarimi dagittim", "self_harm"),
    ],
)
def test_held_coerced_poisoned_and_indirect_suicide(text, kind):
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    ["me despido por hoy, gracias", "hoşça kalın", "tvingas jag vittna mot min pappa",
     "will they force me to inform polisen", "خداحافظ همگی", "c'est fini pour moi les embrouilles"],
)
def test_goodbyes_and_questions_are_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("he has his hands around her neck right now", "acute"),
        ("pappa har händerna runt halsen på mamma", "acute"),
        ("برادرم فنتانیل کشیده نفسش کند شده", "acute"),
        ("il a pris du fentanyl il respire à peine", "acute"),
        ("kardesim fentanil aldi nefesi yavas", "acute"),
        ("i gave my cat to my sister and sorted out all my stuff", "self_harm"),
        ("jag har gett bort hunden, behöver den inte mer", "self_harm"),
        ("vill somna o aldrig vakna", "self_harm"),
        ("ካብዚ ዓለም ክኸይድ እየ", "self_harm"),
        ("her şeyimi dağıttım zaten", "self_harm"),
    ],
)
def test_strangling_an_opioid_overdose_and_giving_things_away(text, kind):
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    ["ብሓቂ ካብዚ ዓለም ክወጽእ ይኽእል ድየ",  # "can I really get out of this world (crime)?"
     "what is fentanyl doing to kids in our area"],
)
def test_leaving_the_world_of_crime_is_not_leaving_the_world(text):
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind(text) != "self_harm"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("بدي انام وما اصحى", "self_harm"),
        ("براکەمیان ڕفاندووە", "acute"),
        ("bê min hemû dê rehet bin", "self_harm"),
        ("säg till min mamma att jag älskar henne", "self_harm"),
        ("ئیتر ناتوانم بەرگە بگرم", "self_harm"),
    ],
)
def test_sleeping_for_ever_kidnapping_and_farewells(text, kind):
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind(text) == kind


def test_shooting_said_with_the_infinitive():
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind("le acaban de disparar a mi hijo") == "acute"


@pytest.mark.parametrize("text", ["vart vänder jag mig om jag vill hoppa av?",
                                  "jag ska hoppa av gänget nu"])
def test_defecting_is_not_jumping(text):
    """"hoppa av" (to defect, leave the gang) is what the service is for; "vill hoppa" once
    matched it as a suicide phrase."""
    assert not is_danger(text)


def test_jumping_is_still_danger():
    from vagut_chat.danger_lexicon import danger_kind

    assert danger_kind("tänker hoppa ut från balkongen") == "self_harm"


# Buttons whose text speaks of danger on purpose: a person who types them gets 112 first.
DANGER_BUTTONS = {"concern_under_threat", "threat_needed", "call_suicide_line", "call_112"}


def test_a_typed_button_is_not_danger_unless_it_speaks_of_danger():
    """"Saltar" (Skip) typed at the form's last step once got the suicide reply; the Sorani
    "read the answer with a receipt code" got the acute one (خوێن, blood, inside خوێندنەوە)."""
    from vagut.languages import LANGUAGE_CODES
    from vagut_chat import i18n

    alarms = [(lang, key, title) for lang in LANGUAGE_CODES
              for key, title in i18n.strings(lang).items()
              if key.startswith("button.") and key[7:] not in DANGER_BUTTONS
              and is_danger(title)]
    assert alarms == []


def test_nothing_to_add_is_not_danger():
    from vagut_chat.choices import NOTHING

    assert [word for word in NOTHING if is_danger(word)] == []


@pytest.mark.parametrize("text", [
    "کێ بەرپرسی avhoppare لە ناوچەکەم",  # چەک (weapon) inside ناوچەکەم (my area)
    "چی بەسەر کچەکەم دێت",  # ... and inside کچەکەم (my daughter)
    "جگە لە هەماهەنگکار کەسی تر نامەکەم دەخوێنێتەوە؟",  # خوێن (blood) inside "reads"
    "شو رقمه",  # قمه (machete) inside رقمه (his number)
    "يا مسكين",  # سكين (knife) inside مسكين (poor thing)
    "بهترین اسکین فورتنایت",  # ... and inside اسکین (skin)
    "hata oldu Uppsala değil Knivsta",  # the municipality, not a knife
    "chaque matin je me dis que j'arrête", "je me suis planté sur le code postal",
    "ma batterie est presque morte", "polis beni konuşmaya zorlar mı", "saltar",
])
def test_a_danger_word_inside_another_word_is_not_danger(text):
    assert not is_danger(text)


@pytest.mark.parametrize("text", [
    "چەکی پێیە", "بە چەک هاتن", "خوێنەکە ناوەستێت", "خوێن دێت", "بالسكين", "معه سكين",
    "با قمه زدنش", "han har kniv i knivsta", "il m'a planté", "zorla arabaya bindirdiler",
    "voy a saltar del puente",
])
def test_the_same_words_as_danger(text):
    assert is_danger(text)
