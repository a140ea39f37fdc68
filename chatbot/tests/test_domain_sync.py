"""The actions name their slots themselves (the Rasa server does not send them the domain):
those names must be the domain's."""

from actions.checkback import ValidateCheckbackForm
from actions.contact_form import ValidateContactForm


def test_form_slots_match_the_domain(domain):
    forms = domain["forms"]
    assert ValidateContactForm().domain_slots({}) == forms["contact_form"]["required_slots"]
    assert ValidateCheckbackForm().domain_slots({}) == forms["checkback_form"]["required_slots"]


def test_the_language_slot_is_filled_by_the_language_component(domain):
    assert domain["slots"]["language"]["mappings"] == [{"type": "from_entity", "entity": "language"}]
    assert {"language": {"influence_conversation": False}} in domain["entities"]
