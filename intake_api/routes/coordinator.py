"""The coordinators' side: log in, list, read, reply, hand over, close."""

from fastapi import APIRouter, Path

from intake_api import coordinators
from intake_api.deps import CoordinatorDep, SessionDep, SettingsDep, TokenDep
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

router = APIRouter(prefix="/coordinator", tags=["coordinators"])
ReferencePath = Path(pattern=r"^VU-[A-Z0-9]{4}-[A-Z0-9]{4}$", max_length=16)


@router.post("/login", response_model=SessionPublic, responses=ERRORS(401, 422))
def login(data: LoginRequest, session: SessionDep, settings: SettingsDep) -> SessionPublic:
    return coordinators.login(session, settings, data.username, data.password)


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
