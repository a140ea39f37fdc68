from fastapi import APIRouter

from intake_api import intakes, limits
from intake_api.deps import SessionDep, SettingsDep, SubmitterDep
from intake_api.models import Challenge, IntakeCreate, IntakePublic
from intake_api.routes import ERRORS

router = APIRouter(tags=["first contact"])


@router.get("/challenges", response_model=Challenge)
def new_challenge(settings: SettingsDep) -> Challenge:
    """A proof-of-work challenge for a browser submission (see docs/API.md)."""
    return Challenge(
        challenge=limits.new_challenge(settings),
        difficulty=settings.pow_difficulty_bits,
        expires_in=settings.challenge_ttl_seconds,
    )


@router.post(
    "/intakes",
    status_code=201,
    response_model=IntakePublic,
    responses=ERRORS(401, 403, 413, 422, 429, 503),
)
def create_intake(
    data: IntakeCreate, session: SessionDep, settings: SettingsDep, _submitter: SubmitterDep
) -> IntakePublic:
    """Send a first contact. The receipt code in the answer is shown this once."""
    return intakes.create_intake(session, settings, data)
