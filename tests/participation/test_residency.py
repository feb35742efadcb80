"""Residency behind one interface: self-declared, staff confirmation, resident-roll import."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from hyeopchi.core.models import AuditEvent, District, Role
from hyeopchi.participation import residency
from hyeopchi.participation.models import Residency, ResidencyMethod
from tests.conftest import make_user

from .proposal_helpers import resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def guro_staff(guro):
    return make_user("guro-staff", Role.DISTRICT_STAFF, guro)


def with_email(username: str, email: str):
    user = make_user(username)
    user.email = email
    user.save()
    return user


def test_every_verifier_has_a_method_and_a_verify():
    assert set(residency.VERIFIERS) == set(ResidencyMethod.values)
    for method, verifier in residency.VERIFIERS.items():
        assert verifier.method == method and callable(verifier.verify)


def test_self_declared_then_confirmed_then_moved(guro, eunpyeong, guro_staff):
    user = make_user("kim")
    home = residency.declare(user, guro, "구로동", 1980)
    assert (home.method, home.verified) == (ResidencyMethod.SELF_DECLARED, False)
    home = residency.confirm(home, guro_staff)
    assert (home.method, home.verified, home.verified_by) == ("staff", True, guro_staff)
    # The same address again keeps the confirmation; a move needs a new one.
    assert residency.declare(user, guro, "구로동", 1981).verified
    moved = residency.declare(user, eunpyeong, "불광동", 1981)
    assert (moved.method, moved.verified, moved.verified_by) == ("self", False, None)
    # The history names the fields changed, never the values (personal data).
    events = AuditEvent.objects.filter(model="participation.residency")
    assert events.count() == 4
    assert all("구로동" not in str(e.changes) for e in events)


def test_staff_confirm_only_their_district(guro, eunpyeong, city_officer):
    home = residency.declare(make_user("lee"), eunpyeong, "", None)
    with pytest.raises(PermissionError):
        residency.confirm(home, make_user("gs", Role.DISTRICT_STAFF, guro))
    assert residency.confirm(home, city_officer).verified


@pytest.mark.parametrize(
    ("dong", "year", "field"), [("동" * 41, 1980, "dong"), ("", 1800, "birth_year")]
)
def test_bad_declarations_are_refused(guro, dong, year, field):
    with pytest.raises(ValidationError) as exc:
        residency.declare(make_user("park"), guro, dong, year)
    assert field in exc.value.message_dict
    assert not Residency.objects.exists()


def test_roll_import_verifies_everyone_listed(guro, guro_staff):
    kim = with_email("kim", "kim@example.com")
    lee = with_email("lee", "Lee@Example.com")
    residency.declare(lee, guro, "개봉동", 1970)
    csv = (
        "이름,이메일,자치구코드,동,출생연도\n"
        "김민수,kim@example.com,11530,구로동,1985\n"
        "이영희,lee@example.com,11530,신도림동,\n"
    )
    result = residency.import_roll(csv.encode("utf-8-sig"), guro_staff, file_name="roll.csv")
    assert (result.created, result.updated) == (1, 1)
    kim_home = Residency.objects.get(user=kim)
    assert (kim_home.dong, kim_home.birth_year, kim_home.method, kim_home.verified) == (
        "구로동",
        1985,
        "roll",
        True,
    )
    lee_home = Residency.objects.get(user=lee)
    assert (lee_home.dong, lee_home.birth_year, lee_home.verified) == ("신도림동", 1970, True)
    assert AuditEvent.objects.filter(reason__contains="roll.csv").count() == 2


def test_a_roll_with_a_superscript_birth_year_names_the_line(guro, guro_staff):
    # "²".isdigit() is true but int("²") fails: the line is refused with its message.
    with_email("kim", "kim@example.com")
    with pytest.raises(ValidationError) as exc:
        residency.import_roll("김민수,kim@example.com,11530,구로동,19²5", guro_staff)
    assert exc.value.message_dict["file"] == [
        "Line 1: the birth year 19²5 is not a year between 1900 and this year."
    ]
    assert not Residency.objects.exists()


def test_a_roll_with_bad_lines_is_refused_whole_naming_each_line(guro, guro_staff):
    with_email("kim", "kim@example.com")
    with_email("twin1", "twin@example.com")
    with_email("twin2", "twin@example.com")
    csv = "\n".join(
        [
            "김민수,kim@example.com,11530,구로동,1985",
            "없는사람,nobody@example.com,11530,구로동,1990",
            "김민수,kim@example.com,11530,구로동,1985",
            "쌍둥이,twin@example.com,11530,구로동,1990",
            "은평,kim@example.com,11380,불광동,1990",
            ",kim@example.com,99999,구로동,3000",
            "열이,넷",
        ]
    )
    with pytest.raises(ValidationError) as exc:
        residency.import_roll(csv, guro_staff)
    lines = exc.value.message_dict["file"]
    assert [m.split(":")[0] for m in lines] == [f"Line {n}" for n in range(2, 8)]
    assert "no account with the e-mail nobody@example.com" in lines[0]
    assert "already on line 1" in lines[1]
    assert "several accounts" in lines[2]
    assert "your district" in lines[3]
    assert "name is empty" in lines[4] and "99999" in lines[4] and "3000" in lines[4]
    assert "5 columns" in lines[5]
    assert not Residency.objects.exists()  # nothing half-imported


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\xff\xfe\x00bad", "UTF-8"), (b"", "no residents"), (b"# only a comment\n", "no residents")],
)
def test_unreadable_rolls(guro_staff, data, message):
    with pytest.raises(ValidationError, match=message):
        residency.import_roll(data, guro_staff)


def test_residency_staff_page_confirms_and_imports(client, guro, eunpyeong, guro_staff):
    waiting = resident(guro, name="waiting-one")
    resident(eunpyeong, name="elsewhere-one")
    client.force_login(guro_staff)
    page = client.get(reverse("proposals:residency_staff")).content.decode()
    assert "waiting-one" in page and "elsewhere-one" not in page
    home = Residency.objects.get(user=waiting)
    response = client.post(reverse("proposals:residency_confirm", args=[home.pk]))
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.verified
    other = Residency.objects.get(user__username="elsewhere-one")
    response = client.post(reverse("proposals:residency_confirm", args=[other.pk]))
    assert response.status_code == 403
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("roll.csv", "김,nobody@example.com,11530,구로동,1980\n".encode())
    response = client.post(reverse("proposals:residency_staff"), {"file": bad})
    assert response.status_code == 200 and "nobody@example.com" in response.content.decode()
    client.force_login(resident(guro))
    assert client.get(reverse("proposals:residency_staff")).status_code == 403


def test_districts_come_from_the_standard_codes():
    assert District.objects.get(code="11530").name_ko == "구로구"
