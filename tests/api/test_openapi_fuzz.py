"""schemathesis over the API's own OpenAPI document: no server error, no undocumented status."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from service import extensions, organisations

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("role", ["pro", "admin"])
def test_the_api_answers_every_generated_request_as_documented(app, auth, spreadsheet, role):
    """As a pro (most admin writes are refused) and as an admin (they are carried out)."""
    headers = auth()
    if role == "admin":
        db = extensions.db(app)
        organisations.add_member(db, organisations.resolve(db), "fuzz-admin@example.org", "admin")
        headers = auth(email="fuzz-admin@example.org")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 31

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def answers_as_documented(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
