"""vagut_chat.topics: who a message is about, and the question beside the top intent."""

import pytest

from vagut_chat.topics import about_someone_close, for_whom, topic_beside


@pytest.mark.parametrize("text", [
    "my big brother just got out and wants to change his life",
    "min bror vill hoppa av", "jag är moster till en 14-åring", "جوزي عايز يسيب الشغل ده",
    "برادرم میخواد از گروه بیاد بیرون", "saygayga ayaa doonaya inuu joojiyo",
    "birayê min dixwaze derkeve", "ሓወይ ክወጽእ ይደሊ", "yegenim cikmak istiyor",
    "mi marido quiere dejarlo", "mon fils veut arrêter",
])
def test_someone_close(text):
    assert about_someone_close(text)
    assert for_whom("leave_crime", text) == "relative_wants_out"


@pytest.mark.parametrize("text", [
    "I want to leave the gang", "jag vill sluta, min mamma vet inget",
    "quiero dejar la banda", "ez dixwazim derkevim", "اريد ان اترك العصابة",
])
def test_the_person_themself(text):
    assert not about_someone_close(text)
    assert for_whom("leave_crime", text) == "leave_crime"


def test_other_intents_stay_as_they_are():
    assert for_whom("worried_child", "min son är ute på nätterna") == "worried_child"


def test_the_question_beside_the_top_intent():
    ranking = [{"name": "danger", "confidence": 1.0}, {"name": "ask_contact", "confidence": 0.5},
               {"name": "leave_crime", "confidence": 0.4}]
    assert topic_beside(ranking, "jag vill ut") == "leave_crime"  # ask_contact is no guidance
    assert topic_beside(ranking, "min bror vill ut") == "relative_wants_out"
    ranking[2]["confidence"] = 0.2
    assert topic_beside(ranking, "jag vill ut") is None


@pytest.mark.parametrize("intent, text", [
    ("support", "min systerson har suttit inne o vill börja om"),
    ("age_groups", "my nephew is 20 and wants to turn his life around"),
    ("support", "خواهرزاده‌ام تازه از زندان آزاد شده"),
])
def test_support_and_age_asked_for_someone_close_are_the_relatives_question(intent, text):
    assert for_whom(intent, text) == "relative_wants_out"


def test_support_asked_for_oneself_stays_support():
    assert for_whom("support", "what support can i get, i want out") == "support"


@pytest.mark.parametrize("intent, text", [
    ("ask_contact", "min syster vill hoppa av, vem ska hon ringa"),
    ("worried_child", "wiilka walaashay ayaa doonaya inuu joojiyo"),
    ("nlu_fallback", "اني امه، ابني يريد يطلع من الجماعة"),
    ("talk_to_child", "mon pote veut arrêter le deal, je fais quoi pour lui"),
    ("threat_needed", "برادرم میخواد از گروه جدا بشه ولی میترسه"),  # afraid, read as a threat
])
def test_someone_close_who_wants_out_is_the_relatives_question_whatever_the_classifier_heard(
        intent, text):
    assert for_whom(intent, text) == "relative_wants_out"


@pytest.mark.parametrize("intent, text", [
    ("ask_contact", "min bror bor i Haninge, vem ringer jag"),  # no wanting out: the place
    ("worried_child", "min son är ute på nätterna"),
    ("inform_on_others", "min bror vill hoppa av, måste han gola?"),  # a question of its own
])
def test_without_wanting_out_or_with_a_question_of_its_own_the_intent_stays(intent, text):
    assert for_whom(intent, text) == intent


def test_after_danger_by_the_classifier_alone_someone_close_who_wants_out_gets_the_relatives_answer():
    from vagut_chat.topics import question_beside_danger

    text = "jag är mamma till en 15-åring som vill komma bort från dom äldre killarna"
    ranking = [{"name": "danger", "confidence": 1.0}, {"name": "worried_child", "confidence": 0.24}]
    parsed = {"text": text, "intent_ranking": ranking,
              "intent": {"name": "danger", "overridden_by": "danger_classifier"}}
    assert question_beside_danger(parsed) == "relative_wants_out"
    parsed["intent"]["overridden_by"] = "danger_keywords"  # danger in words: a sure question only
    assert question_beside_danger(parsed) is None


@pytest.mark.parametrize("text", [
    "mi sobrino salió de la cárcel y quiere empezar de nuevo",
    "خواهرزاده‌ام میخواد زندگیشو از نو شروع کنه",
])
def test_starting_over_is_wanting_out(text):
    assert for_whom("nlu_fallback", text) == "relative_wants_out"
