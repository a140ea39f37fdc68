"""Checking back with the receipt code. The code travels in the body, never in a URL. Like a
first contact, it comes from the chatbot (service token) or with a proof of work
(`GET /challenges?for=checkback`), whose price rises with the recent rate of wrong codes."""

from fastapi import APIRouter

from intake_api import intakes
from intake_api.deps import CheckbackDep, SessionDep, SettingsDep
from intake_api.models import FollowupCreate, FollowupThread, ReceiptCode
from intake_api.routes import ERRORS

router = APIRouter(prefix="/followups", tags=["check back"])


@router.post("/read", response_model=FollowupThread, responses=ERRORS(401, 403, 413, 422))
def read_followups(
    data: ReceiptCode, session: SessionDep, settings: SettingsDep, path: CheckbackDep
) -> FollowupThread:
    return intakes.read_followups(session, settings, data.receipt_code, path)


@router.post(
    "/messages",
    status_code=201,
    response_model=FollowupThread,
    responses=ERRORS(401, 403, 409, 413, 422),
)
def add_followup(
    data: FollowupCreate, session: SessionDep, settings: SettingsDep, path: CheckbackDep
) -> FollowupThread:
    return intakes.add_followup(session, settings, data.receipt_code, data.message, path)
