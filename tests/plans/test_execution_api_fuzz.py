"""No payload makes a change or execution endpoint fail with a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyeopchi.plans import services_changes as changes
from hyeopchi.plans import services_execution as execution
from tests.plans.execution_helpers import (
    build_world,
    fast_passwords,  # noqa: F401 - fixture
)
from tests.test_api_helpers import api_as

pytestmark = pytest.mark.django_db

FIELDS = [
    "items", "from_line_id", "to_line_id", "amount", "reason", "urgent", "content_change",
    "approver", "approved", "body_decision_id", "note", "agreed", "year", "quarter",
    "narratives", "spending", "actuals", "task_id", "line_id", "spent", "duplicated",
    "indicator_id", "value", "text", "subsidy_received", "interest", "return_method",
    "returned_on", "ground", "terminated_on", "council_heard_on", "correction_deadline",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["2021-02-30", "2021-09-01", "council", "city", "delegated", "violation",
         "next_year_budget", "1", "-1", "1e400", "NaN", ""]
    ),
)  # fmt: skip
values = st.one_of(
    scalars,
    st.lists(st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=4), max_size=3),
)
payloads = st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), scalars)


@pytest.fixture
def world(guro, eunpyeong):
    w = build_world(guro, eunpyeong, year=2021)
    w.request = changes.file_request(
        w.plan, [changes.ItemSpec(w.events.pk, w.supplies.pk, 5)], "x", w.clerk
    )
    w.report = execution.open_report(w.plan, 2021, 1, w.clerk)
    return w


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads, which=st.integers(min_value=0, max_value=9))
def test_random_payloads_never_cause_a_server_error(world, payload, which):
    w = world
    api = api_as(w.city)
    writes = [
        ("post", f"/plans/{w.plan.pk}/changes"),
        ("post", f"/plans/{w.plan.pk}/changes/preview"),
        ("post", f"/changes/{w.request.pk}/decision"),
        ("post", f"/changes/{w.request.pk}/consultation"),
        ("post", f"/plans/{w.plan.pk}/reports"),
        ("patch", f"/reports/{w.report.pk}"),
        ("post", f"/plans/{w.plan.pk}/settlement"),
        ("post", f"/plans/{w.plan.pk}/settlement/return"),
        ("post", f"/plans/{w.plan.pk}/termination"),
        ("post", f"/changes/{w.request.pk}/withdraw"),
    ]
    method, path = writes[which]
    response = getattr(api, method)(path, payload)
    assert response.status_code in {200, 201, 422}, (path, payload, response.content)
    if response.status_code == 422:
        assert response.json()["errors"]
