"""The API against its own schema: schemathesis generates requests from the OpenAPI document and
sends them to the live test server as an organisation lead. Any 5xx, any undocumented status
code, and any response that does not match its schema fails the run. Examples are bounded per
operation (API_FUZZ_EXAMPLES) so the run stays a few seconds in CI."""

from __future__ import annotations

import os
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks

pytestmark = [pytest.mark.xdist_group("schemathesis"), pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
CHECKS = [
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def api_token(org_lead, ward) -> str:
    from coaching.tests.factories import ActionFactory, CoachingSessionFactory
    from culture_of_care.improvement.tests.factories import DataPointFactory, ProjectFactory
    from risk.tests.factories import RiskParticipationFactory

    project = ProjectFactory(ward=ward)
    DataPointFactory(ward=ward, measure=project.measures.first(), period_start=date(2026, 1, 1))
    session = CoachingSessionFactory(ward=ward)
    ActionFactory(ward=ward, session=session, owner=None)  # nullable owner, as the schema says
    RiskParticipationFactory(organisation=ward.organisation, adviser=None)
    from culture_of_care.tokens.services import create_token

    return create_token(user=org_lead, name="schemathesis")[1]


def test_api_meets_its_schema_and_never_answers_5xx(live_server, api_token):
    headers = {"Authorization": f"Bearer {api_token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers=headers)
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case) -> None:
                response = case.call(headers=headers, timeout=30)
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path}: {response.status_code} "
                    f"{response.text[:300]}"
                )
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Exception as exc:  # noqa: BLE001 - gather every operation's failure
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
            tested += 1
    assert tested >= 20, f"only {tested} operations were exercised"
    assert not failures, "\n\n".join(failures)
