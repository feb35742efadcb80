"""No input produces a server error: random payloads against every write endpoint."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hyeopchi.core.models import Role
from tests.conftest import make_user
from tests.test_api_helpers import api_as, fast_passwords, make_seat  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

FIELDS = [
    "body_id", "person_id", "sector", "appointment", "role", "represents_id", "start_date",
    "term_end", "predecessor_id", "renewal_of_id", "appointed_by_id", "date", "reason",
    "ground", "name", "name_en", "kind", "scope", "district_id", "parent_id", "rulebook_key",
    "established_on", "dissolved_on", "starts_at", "ends_at", "status", "convened_by",
    "convening_decision_id", "requested_by", "presiding_id", "number", "title", "yes", "no",
    "abstain", "roll_call", "publish", "text", "gender", "birth_year", "email", "capacity",
    "agenda_item_id",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=30),
    st.sampled_from(
        ["2020-03-26", "2020-02-30", "2020-03-26T10:00:00", "0001-01-01", "9999-12-31",
         "civil", "appointed", "member", "yes", "resigned", "dismissed", "council", "city",
         "district", "extraordinary", "held", "F", "guro-council", "1", "-1", ""]
    ),
)  # fmt: skip
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["person_id", "choice", "capacity"]), scalars)),
)
payloads = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=8),
    st.lists(st.dictionaries(st.sampled_from(["person_id", "capacity"]), scalars), max_size=3),
    scalars,
)


@pytest.fixture
def world(guro):
    seat = make_seat(guro, "구로구협치회의")
    return seat, api_as(make_user("city", Role.CITY_OFFICER))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads, which=st.integers(min_value=0, max_value=10))
def test_random_payloads_never_cause_a_server_error(world, payload, which):
    seat, api = world
    writes = [
        ("post", "/bodies"),
        ("patch", f"/bodies/{seat.body.pk}"),
        ("post", "/memberships"),
        ("post", f"/memberships/{seat.members[0].pk}/end"),
        ("post", "/meetings"),
        ("patch", f"/meetings/{seat.meeting.pk}"),
        ("post", f"/meetings/{seat.meeting.pk}/attendance"),
        ("post", f"/meetings/{seat.meeting.pk}/motions"),
        ("post", f"/motions/{seat.pending.pk}/votes"),
        ("post", f"/motions/{seat.passed.pk}/decision"),
        ("post", "/people"),
    ]
    method, path = writes[which]
    response = getattr(api, method)(path, payload)
    assert response.status_code in {200, 201, 404, 422}, (path, payload, response.content)
    if response.status_code == 422:
        assert response.json()["errors"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(
    st.sampled_from(["date", "from", "to", "body", "kind", "limit", "offset", "district", "scope",
                     "parent", "person", "published", "type", "top_level"]),
    st.text(max_size=12),
    max_size=4,
))  # fmt: skip
def test_random_query_strings_never_cause_a_server_error(world, params):
    seat, api = world
    for path in [
        "/bodies",
        "/memberships",
        "/meetings",
        "/decisions",
        "/organisations",
        f"/bodies/{seat.body.pk}/composition",
        f"/bodies/{seat.body.pk}/rulebook",
        f"/bodies/{seat.body.pk}/calendar",
    ]:
        response = api.get(path, params)
        assert response.status_code in {200, 422}, (path, params, response.content)
