"""What a message is about besides what the classifier put first, and who it is about: shared by
the Rasa server (components/) and the actions.

- GUIDANCE: the questions data/rules/guidance.yml answers with `utter_<intent>` and then the
  contacts of the place the message names (a test keeps the two the same).
- `topic_beside`: the guidance question a message also asks, when the classifier put something
  else first (a place, or danger by the classifier alone) and is still fairly sure of it.
- `about_someone_close`: "my brother wants out", "جوزي عايز يسيب", "wiilkayga ... wuxuu doonayaa"
  is a relative writing, not the person leaving; the classifier often hears only "wants out".
"""

from typing import Dict, List, Optional

from vagut_chat.choices import fold_answer

GUIDANCE = {"leave_crime", "worried_child", "relative_wants_out", "what_is_avhoppare", "support",
            "threat_needed", "inform_on_others", "anonymous", "after_contact", "warning_signs",
            "talk_to_child", "age_groups", "report_child", "parents_find_out"}
# How sure the classifier must be of the question beside the place (or danger) in one message.
ALSO_AT_LEAST = 0.3


def topic_beside(ranking: List[Dict], text: str = "", at_least: float = ALSO_AT_LEAST
                 ) -> Optional[str]:
    """The first guidance intent after the top of `ranking` that the classifier gives at least
    `at_least`; "wants out" about someone close is the relative's question."""
    for ranked in ranking[1:]:
        name = ranked.get("name")
        if name in GUIDANCE and float(ranked.get("confidence") or 0) >= at_least:
            return for_whom(name, text)
    return None


# Danger in words beside a question the classifier was this sure of ("do I have to be
# threatened to get help?") gets the question's answer after 112; danger by the classifier alone
# gets it at ALSO_AT_LEAST (components/danger_policy.py).
SURE_QUESTION = 0.8


def question_beside_danger(parsed: Dict) -> Optional[str]:
    """The question a danger message also asks; `parsed`: Rasa's parse of it (intent, with the
    component that set danger, intent_ranking, text), as a policy or an action sees it."""
    by_classifier_alone = (parsed.get("intent") or {}).get("overridden_by") == "danger_classifier"
    return topic_beside(parsed.get("intent_ranking") or [], parsed.get("text") or "",
                        ALSO_AT_LEAST if by_classifier_alone else SURE_QUESTION)


# Someone close, said with "my" or as "I am his/her ...", compared folded (fold_answer) as whole
# words or phrases. Possessive suffixes carry it in Arabic, Persian, Sorani, Somali, Tigrinya and
# Turkish ("اخوي", "برادرم", "براکەم", "walaalkay", "ሓወይ", "kardesim").
CLOSE = (
    "min bror", "min brorsa", "min syster", "min son", "min dotter", "min kille", "min pojkvan",
    "min man", "min sambo", "min kusin", "min brorson", "min systerson", "min van", "min kompis",
    "mitt barn", "var son", "lillebror", "storebror", "mamma till", "pappa till",
    "moster till", "faster till", "syster till", "bror till",
    "my brother", "my sister", "my son", "my daughter", "my boyfriend", "my husband",
    "my partner", "my cousin", "my nephew", "my niece", "my friend", "my child", "my kid",
    "my girlfriend", "my wife", "big brother",
    "little brother", "his mother", "his mum", "his mom", "her mother",
    "mi hermano", "mi hermana", "mi hijo", "mi hija", "mi novio", "mi marido", "mi esposo",
    "mi primo", "mi sobrino", "mi amigo",
    "mon frere", "ma soeur", "mon fils", "ma fille", "mon copain", "mon mari", "mon cousin",
    "mon neveu", "ma niece", "ma copine", "ma femme", "mon ami",
    "kardesim", "abim", "agabeyim", "oglum", "kizim", "kocam", "sevgilim", "kuzenim",
    "yegenim", "arkadasim",
    "walaalkay", "walaalkey", "wiilkayga", "gabadhayda", "saygayga", "ninkayga", "adeerkay",
    "eedada", "habaryarta", "walaashay",
    "birayê min", "kurê min", "keça min", "mêrê min", "hevalê min", "pismamê min",
    "اخوي", "اخي", "اخويا", "ابني", "ولدي", "بنتي", "جوزي", "زوجي", "خطيبي", "ابن عمي",
    "ابن خالي", "صاحبي", "رفيقي", "ولد ختي", "ولد اختي", "ابن اختي", "ابن اخي", "ابن اخوي",
    "خالته", "عمته",
    "برادرم", "داداشم", "پسرم", "دخترم", "شوهرم", "همسرم", "پسرعموم", "پسرخاله", "دوستم",
    "خواهرزاده", "برادرزاده", "خواهرزادم",
    "براکەم", "کوڕەکەم", "کچەکەم", "مێردەکەم", "هاوڕێکەم", "ئامۆزاکەم", "خوشکەزاکەم",
    "برازاکەم",
    "ሓወይ", "ወደይ", "ጓለይ", "ሰብኣየይ", "ዓርከይ", "ወዲ ሓብተይ", "ወዲ ሓወይ", "ሓትነቱ",
)
_FOLDED_CLOSE = tuple(fold_answer(phrase) for phrase in CLOSE)


def about_someone_close(text: str) -> bool:
    folded = f" {fold_answer(text)} "
    return any(f" {phrase} " in folded for phrase in _FOLDED_CLOSE)


# Said about someone close, these are the relative's question: wanting out, what support there
# is, and at what age ("my nephew is 20 and wants to turn his life around" read as age_groups).
FOR_SOMEONE_CLOSE = {"leave_crime", "support", "age_groups"}


def for_whom(intent: str, text: str) -> str:
    """A question of FOR_SOMEONE_CLOSE said about someone close is relative_wants_out; any
    other intent as it is."""
    if intent in FOR_SOMEONE_CLOSE and about_someone_close(text):
        return "relative_wants_out"
    return intent
