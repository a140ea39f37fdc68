"""The coordinators' side: log in, list, read, reply, hand over, close."""

import datetime as dt

from fastapi import APIRouter, Path

from intake_api import coordinators
from intake_api.clock import utcnow
from intake_api.deps import CoordinatorDep, SessionDep, SettingsDep, TokenDep
from intake_api.errors import ApiError
from intake_api.models import (
    CoordinatorPublic,
    HandoverRequest,
    IntakeDetail,
    IntakeSummary,
    LoginRequest,
    ReplyCreate,
    SessionPublic,
)
from intake_api.routes import ERRORS
from intake_api.workspace import auth

router = APIRouter(prefix="/coordinator", tags=["coordinators"])
ReferencePath = Path(pattern=r"^VU-[A-Z0-9]{4}-[A-Z0-9]{4}$", max_length=16)


@router.post("/login", response_model=SessionPublic, responses=ERRORS(401, 403, 422, 429))
def login(data: LoginRequest, session: SessionDep, settings: SettingsDep) -> SessionPublic:
    """Password and second factor, with the workspace's throttling: the API is no way around
    either. An account that has not enrolled its second factor does so in the workspace."""
    try:
        new = auth.login(session, settings, data.username, data.password, data.code)
    except auth.LoginRefused as refused:
        if refused.reason in ("wait", "busy"):
            raise ApiError(
                429, "too_many_requests", headers={"Retry-After": str(refused.wait_seconds)}
            ) from None
        raise ApiError(401, "wrong_login") from None
    if new.enrolling:
        auth.logout(session, new.token)
        raise ApiError(403, "enrol_second_factor")
    expires_at = utcnow() + dt.timedelta(hours=settings.session_hours)
    return SessionPublic(access_token=new.token, expires_at=expires_at.replace(tzinfo=dt.UTC))


@router.post("/logout", status_code=204, responses=ERRORS(401))
def logout(session: SessionDep, token: TokenDep, _me: CoordinatorDep) -> None:
    coordinators.logout(session, token)


@router.get("/me", response_model=CoordinatorPublic, responses=ERRORS(401))
def me(me: CoordinatorDep) -> CoordinatorPublic:
    return coordinators.public(me.coordinator)


@router.get("/intakes", response_model=list[IntakeSummary], responses=ERRORS(401))
def list_intakes(session: SessionDep, me: CoordinatorDep) -> list[IntakeSummary]:
    return coordinators.list_intakes(session, me)


@router.get("/intakes/{reference}", response_model=IntakeDetail, responses=ERRORS(401, 404))
def read_intake(
    session: SessionDep, me: CoordinatorDep, reference: str = ReferencePath
) -> IntakeDetail:
    return coordinators.read_intake(session, me, reference)


@router.post(
    "/intakes/{reference}/replies",
    status_code=201,
    response_model=IntakeDetail,
    responses=ERRORS(401, 404, 409, 422),
)
def reply(
    data: ReplyCreate, session: SessionDep, me: CoordinatorDep, reference: str = ReferencePath
) -> IntakeDetail:
    return coordinators.reply(session, me, reference, data.message)


@router.post(
    "/intakes/{reference}/handover",
    response_model=IntakeSummary,
    responses=ERRORS(401, 404, 409, 422),
)
def hand_over(
    data: HandoverRequest,
    session: SessionDep,
    settings: SettingsDep,
    me: CoordinatorDep,
    reference: str = ReferencePath,
) -> IntakeSummary:
    return coordinators.hand_over(session, settings, me, reference, data.municipality_code)


@router.post("/intakes/{reference}/close", response_model=IntakeDetail, responses=ERRORS(401, 404))
def close(session: SessionDep, me: CoordinatorDep, reference: str = ReferencePath) -> IntakeDetail:
    return coordinators.close(session, me, reference)
