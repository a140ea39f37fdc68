"""Corrections to public contact data, proposed by the coordinators who run the service.

A proposal is checked against the same rules as content/ (vagut.municipalities.Contact: a phone
number that parses, or an e-mail address; a source with URL, title and the date it shows) and
stored; nothing is published until the admin writes it into content/municipalities/ (the admin
tool prints it as YAML ready to paste) and the site is rebuilt.
"""

import yaml
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake_api import directory
from intake_api.clock import hour_of, utcnow
from intake_api.coordinators import LoggedIn
from intake_api.models import ContactProposal
from vagut.municipalities import Contact, Serves

FIELDS = ("serves", "phone", "email", "hours", "source_url", "source_title", "source_date")


def municipalities_for(me: LoggedIn) -> list[str]:
    """What they may propose for: the municipalities they serve; a fallback coordinator, who
    answers for every municipality nobody serves, any of them."""
    if me.coordinator.is_fallback:
        return sorted(directory.municipalities(), key=lambda code: directory.public(code).name)
    return sorted(a.municipality_code for a in me.coordinator.municipalities)


def _contact(form: dict[str, str]) -> Contact:
    data = {
        "serves": form.get("serves", ""),
        "phone": form.get("phone") or None,
        "email": form.get("email") or None,
        "hours": form.get("hours") or None,
        "source": {
            "url": form.get("source_url", ""),
            "title": form.get("source_title", ""),
            "date": form.get("source_date", ""),
        },
    }
    return Contact.model_validate(data)


def problems(form: dict[str, str]) -> list[str]:
    """The fields (of FIELDS, or 'reachable') that do not hold; empty when the proposal does."""
    try:
        _contact(form)
    except ValidationError as error:
        found = []
        for item in error.errors():
            location = [str(part) for part in item["loc"]]
            if location[:1] == ["source"] and len(location) > 1:
                found.append(f"source_{location[1]}")
            elif location and location[0] in FIELDS:
                found.append(location[0])
            else:
                found.append("reachable")  # neither phone nor e-mail
        return sorted(set(found))
    return []


def submit(session: Session, me: LoggedIn, code: str, form: dict[str, str]) -> list[str]:
    """Store the proposal; returns the problems instead when it does not hold."""
    if code not in municipalities_for(me):
        return ["municipality"]
    found = problems(form)
    if found:
        return found
    contact = _contact(form)
    session.add(
        ContactProposal(
            username=me.coordinator.username,
            municipality_code=code,
            serves=contact.serves.value,
            phone=contact.phone,
            email=contact.email,
            hours=contact.hours,
            source_url=str(contact.source.url),
            source_title=contact.source.title,
            source_date=str(contact.source.date),
            note=(form.get("note") or "").strip()[:1000] or None,
            hour=hour_of(utcnow()),
        )
    )
    session.commit()
    return []


def listed(session: Session, include_done: bool = False) -> list[ContactProposal]:
    query = select(ContactProposal).order_by(ContactProposal.municipality_code,
                                             ContactProposal.hour)  # fmt: skip
    if not include_done:
        query = query.where(ContactProposal.done.is_(False))
    return list(session.scalars(query))


def mark_done(session: Session, ids: list[str]) -> int:
    result = session.execute(
        update(ContactProposal).where(ContactProposal.id.in_(ids)).values(done=True)
    )
    session.commit()
    return result.rowcount


def _as_contact(proposal: ContactProposal) -> dict:
    contact = {"serves": proposal.serves}
    for name in ("phone", "email", "hours"):
        if getattr(proposal, name):
            contact[name] = getattr(proposal, name)
    contact["source"] = {
        "url": proposal.source_url,
        "title": proposal.source_title,
        "date": proposal.source_date,
    }
    return contact


def as_yaml(proposals: list[ContactProposal]) -> str:
    """Each proposal as an item of `contacts:` in content/municipalities/<code>-<slug>.yml,
    with a comment saying where it goes, who proposed it and when. Verify before pasting."""
    parts = []
    for proposal in proposals:
        municipality = directory.find(proposal.municipality_code)
        path = f"content/municipalities/{municipality.code}-{municipality.slug}.yml"
        header = [
            f"# {municipality.name} -> {path} (contacts:)",
            f"# proposed by {proposal.username}, {proposal.hour:%Y-%m-%d}, id {proposal.id}",
        ]
        if proposal.note:
            header.append("# note: " + " ".join(proposal.note.split()))
        body = yaml.safe_dump([_as_contact(proposal)], allow_unicode=True, sort_keys=False)
        parts.append("\n".join(header) + "\n" + body)
    return "\n".join(parts)


def as_line(proposal: ContactProposal) -> str:
    name = directory.public(proposal.municipality_code).name
    reach = " ".join(filter(None, (proposal.phone, proposal.email)))
    return (
        f"{proposal.id}  {proposal.hour:%Y-%m-%d}  {proposal.username:12} {name} "
        f"({proposal.municipality_code}) {proposal.serves}: {reach}  source {proposal.source_url} "
        f"({proposal.source_date})" + ("  [done]" if proposal.done else "")
    )


SERVES = [s.value for s in Serves]
