"""The municipalities and their verified public contacts: the compiled directory
(vagut.directory, the one reading of content/ that the site and the chat share), read once."""

from functools import cache

from intake_api.models import ContactPublic, MunicipalityPublic
from vagut import directory
from vagut.compiled import Municipality


@cache
def municipalities() -> dict[str, Municipality]:
    return directory.ensure().municipalities


def find(code: str) -> Municipality | None:
    return municipalities().get(code)


def public(code: str) -> MunicipalityPublic:
    municipality = find(code)
    return MunicipalityPublic(code=code, name=municipality.name if municipality else code)


def contacts(code: str) -> list[ContactPublic]:
    municipality = find(code)
    return [
        ContactPublic(
            serves=contact.serves,
            phone=contact.phone,
            phone_display=contact.phone_display,
            tel=contact.tel,
            email=contact.email,
        )
        for contact in (municipality.contacts if municipality else ())
    ]
