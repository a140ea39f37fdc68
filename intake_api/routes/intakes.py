from typing import Annotated

from fastapi import APIRouter, Query

from intake_api import intakes, limits
from intake_api.deps import SessionDep, SettingsDep, SubmitterDep
from intake_api.models import Challenge, IntakeCreate, IntakePublic
from intake_api.routes import ERRORS

router = APIRouter(tags=["first contact"])


@router.get("/challenges", response_model=Challenge)
def new_challenge(
    session: SessionDep,
    settings: SettingsDep,
    purpose: Annotated[limits.Purpose, Query(alias="for")] = limits.Purpose.intake,
) -> Challenge:
    """A proof-of-work challenge for a first contact (`?for=intake`) or a check-back
    (`?for=checkback`); its difficulty rises with the recent load (see docs/API.md)."""
    challenge, difficulty = limits.new_challenge(session, settings, purpose)
    return Challenge(
        challenge=challenge, difficulty=difficulty, expires_in=settings.challenge_ttl_seconds
    )


@router.post(
    "/intakes",
    status_code=201,
    response_model=IntakePublic,
    responses=ERRORS(401, 403, 413, 422, 503),
)
def create_intake(
    data: IntakeCreate, session: SessionDep, settings: SettingsDep, path: SubmitterDep
) -> IntakePublic:
    """Send a first contact. The receipt code in the answer is shown this once."""
    return intakes.create_intake(session, settings, data, path)
