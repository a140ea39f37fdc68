"""The actions name their slots themselves (the Rasa server does not send them the domain):
those names must be the domain's."""

from actions.checkback import ValidateCheckbackForm
from actions.contact_form import ValidateContactForm
from actions.language import ValidateSlotMappings


def test_form_slots_match_the_domain(domain):
    forms = domain["forms"]
    assert ValidateContactForm().domain_slots({}) == forms["contact_form"]["required_slots"]
    assert ValidateCheckbackForm().domain_slots({}) == forms["checkback_form"]["required_slots"]


def test_custom_slots_exist(domain):
    for slot in ValidateSlotMappings().domain_slots({}):
        assert domain["slots"][slot]["mappings"] == [{"type": "custom"}]
