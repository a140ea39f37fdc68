"""Migrations from empty match the models; the OpenAPI document holds up under Schemathesis."""

import pytest
import schemathesis
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from intake_api.config import get_settings
from intake_api.db import get_engine
from intake_api.main import app
from intake_api.models import Base
from tests.intake_api.helpers import SERVICE_TOKEN


def test_migrations_from_empty_give_exactly_the_models(database):
    with get_engine(database.url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@pytest.fixture
def schemathesis_app(settings, staff):
    """The app on this test's database (schemathesis calls it in-process)."""
    app.dependency_overrides[get_settings] = lambda: settings
    yield
    app.dependency_overrides.clear()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_a_server_error(case, schemathesis_app):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}, checks=[not_a_server_error]
    )
