"""The municipalities and their verified public contacts, read once from content/."""

from functools import cache

from intake_api.models import ContactPublic, MunicipalityPublic
from vagut import phones
from vagut.municipalities import Municipality, load_municipalities


@cache
def municipalities() -> dict[str, Municipality]:
    return {m.code: m for m in load_municipalities()}


def find(code: str) -> Municipality | None:
    return municipalities().get(code)


def public(code: str) -> MunicipalityPublic:
    municipality = find(code)
    return MunicipalityPublic(code=code, name=municipality.name if municipality else code)


def contacts(code: str) -> list[ContactPublic]:
    return list(_contacts(code))


@cache
def _contacts(code: str) -> tuple[ContactPublic, ...]:
    """Parsed and formatted once per municipality: phonenumbers is not cheap."""
    municipality = find(code)
    return tuple(
        ContactPublic(
            serves=str(contact.serves),
            phone=contact.phone,
            phone_display=phones.display(contact.phone) if contact.phone else None,
            tel=phones.tel_uri(contact.phone) if contact.phone else None,
            email=str(contact.email) if contact.email else None,
        )
        for contact in (municipality.contacts if municipality else ())
    )
