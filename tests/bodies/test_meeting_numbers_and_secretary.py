import datetime as dt

from django.utils import timezone

from hyeopchi.bodies import services
from hyeopchi.bodies.models import Capacity, Meeting, MemberRole, Sector
from tests.conftest import add_member


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def schedule(body, day, **kw):
    return services.save_meeting(Meeting(body=body, starts_at=at(day), **kw))


def test_regular_meetings_are_numbered_after_the_last_regular_one(council):
    first = schedule(council, dt.date(2020, 2, 20))
    extra = schedule(council, dt.date(2020, 3, 5), kind="extraordinary", convened_by="chair")
    cancelled = schedule(council, dt.date(2020, 4, 16), status="cancelled")
    second = schedule(council, dt.date(2020, 5, 21))
    assert (first.number, extra.number, second.number) == (1, None, 2)
    assert cancelled.number == 2  # numbered when scheduled, but skipped once cancelled


def test_secretary_has_no_vote_under_the_guro_ordinance(council):
    voters = [add_member(council) for _ in range(4)]
    secretary = add_member(
        council, sector=Sector.ADMIN, appointment="ex_officio", role=MemberRole.SECRETARY
    )
    meeting = schedule(council, dt.date(2020, 2, 20))
    services.set_attendance(
        meeting,
        [
            (voters[0].person_id, Capacity.MEMBER),
            (voters[1].person_id, Capacity.MEMBER),
            (secretary.person_id, Capacity.MEMBER),
        ],
    )
    report = services.meeting_quorum(meeting)
    # 4 voting members enrolled; 2 present is not more than half, the 간사 does not count.
    assert (report.result.enrolled, report.result.present, report.result.met) == (4, 2, False)
    assert secretary.person_id in {a.person_id for a in report.not_counted}
    composition = services.composition(council, dt.date(2020, 2, 20))
    assert secretary not in composition.members
    assert len(composition.members) == 4


def test_a_meeting_on_a_day_without_rules_in_force_is_refused(guro):
    import pytest
    from django.core.exceptions import ValidationError

    from tests.conftest import make_body

    # The 2016 regional rules are in force from 2016-09-30; the body claims an earlier start.
    body = make_body(
        None,
        rulebook="regional-council-plenary",
        name="협치서울지역협의회",
        kind="regional_plenary",
        established_on=dt.date(2016, 1, 1),
    )
    with pytest.raises(ValidationError) as err:
        schedule(body, dt.date(2016, 5, 2), kind="extraordinary", convened_by="resolution")
    assert "starts_at" in err.value.message_dict
    assert not Meeting.objects.filter(body=body).exists()
