"""Dependencies, as Annotated aliases: SessionDep, SettingsDep, CoordinatorDep, SubmitterDep,
CheckbackDep."""

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from intake_api import coordinators, limits
from intake_api.config import Settings, get_settings
from intake_api.db import get_sessionmaker
from intake_api.errors import ApiError

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    with get_sessionmaker(settings.database_url)() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
_bearer = HTTPBearer(auto_error=False, description="A coordinator's session token")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def bearer_token(credentials: BearerDep) -> str:
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return credentials.credentials


TokenDep = Annotated[str, Depends(bearer_token)]


def current_coordinator(session: SessionDep, token: TokenDep) -> coordinators.LoggedIn:
    return coordinators.logged_in(session, token)


CoordinatorDep = Annotated[coordinators.LoggedIn, Depends(current_coordinator)]


def _allowed(purpose: limits.Purpose):
    def allowed_sender(
        session: SessionDep,
        settings: SettingsDep,
        credentials: BearerDep,
        x_pow_challenge: Annotated[str | None, Header(max_length=200)] = None,
        x_pow_nonce: Annotated[str | None, Header(max_length=40)] = None,
    ) -> limits.Path:
        """The chatbot's action server (service token) or a client that did the proof of
        work for this purpose. The spent challenge joins the caller's transaction."""
        if credentials is not None:
            token = settings.service_token.encode()
            if hmac.compare_digest(credentials.credentials.encode(), token):
                return limits.Path.chat
            raise ApiError(401, "wrong_service_token", headers={"WWW-Authenticate": "Bearer"})
        if x_pow_challenge and x_pow_nonce:
            limits.check_proof_of_work(session, settings, purpose, x_pow_challenge, x_pow_nonce)
            return limits.Path.proof
        raise ApiError(401, "proof_required")

    return allowed_sender


# How a first contact or a check-back came: limits.Path.chat (the chatbot) or .proof.
SubmitterDep = Annotated[limits.Path, Depends(_allowed(limits.Purpose.intake))]
CheckbackDep = Annotated[limits.Path, Depends(_allowed(limits.Purpose.checkback))]
