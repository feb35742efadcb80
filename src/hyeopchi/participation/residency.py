"""Residency verification behind one pluggable interface.

A resident *declares* where they live (district, dong, birth year) when signing up; a
``Verifier`` turns evidence into a verified :class:`~hyeopchi.participation.models.Residency`.
The demo ships three:

* :class:`SelfDeclared` — the declaration itself (not verified, but enough where the
  proposal policy says ``residency = "declared"``);
* :class:`StaffConfirmation` — district staff confirm a resident of their district;
* :class:`CsvResidentRoll` — a resident roll (``name, e-mail, district code, dong, birth
  year``) imported by staff: every line is checked first, and a file with any bad line
  is refused whole, naming each bad line (nothing is half-imported).

Phone or ID verification later is one more class with a ``method`` and a ``verify``
method, registered in :data:`VERIFIERS`; nothing else changes (``ResidencyMethod`` gets
its value).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hyeopchi.core import audit
from hyeopchi.core.models import AuditEvent, District
from hyeopchi.core.permissions import Action, user_can

from .models import Residency, ResidencyMethod

DONG_MAX = 40
MAX_LINE_ERRORS_SHOWN = 50


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def check_birth_year(year: int | None, today=None) -> str | None:
    """A message if ``year`` is not a plausible birth year, else None."""
    if year is None:
        return None
    this_year = (today or timezone.localdate()).year
    if not 1900 <= year <= this_year:
        return _("Enter a birth year between 1900 and %(year)s.") % {"year": this_year}
    return None


def residency_of(user) -> Residency | None:
    """The user's residency (cached on the user object), or None."""
    if user is None or not user.is_authenticated:
        return None
    if hasattr(user, "_hyeopchi_residency"):
        return user._hyeopchi_residency
    found = Residency.objects.select_related("district").filter(user=user).first()
    user._hyeopchi_residency = found
    return found


class Verifier(Protocol):
    """Something that establishes where a user lives and records how."""

    method: str  # a ResidencyMethod value

    def verify(self, *args: Any, **kwargs: Any) -> Any: ...


# ---------------------------------------------------------------- self-declared


class SelfDeclared:
    """The resident's own declaration: district, dong and birth year. Changing the
    district or dong of a verified residency makes it unverified again."""

    method = ResidencyMethod.SELF_DECLARED

    def verify(
        self, user, district: District, dong: str = "", birth_year: int | None = None
    ) -> Residency:
        dong = (dong or "").strip()
        errors: dict[str, list[str]] = {}
        if len(dong) > DONG_MAX:
            errors["dong"] = [_("Use at most %(n)s characters.") % {"n": DONG_MAX}]
        message = check_birth_year(birth_year)
        if message:
            errors["birth_year"] = [message]
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            residency = Residency.objects.select_for_update().filter(user=user).first()
            if residency is None:
                residency = Residency(user=user, district=district, dong=dong)
            moved = residency.pk is not None and (
                residency.district_id != district.pk or residency.dong != dong
            )
            before = audit.snapshot(residency) if residency.pk else None
            residency.district, residency.dong, residency.birth_year = district, dong, birth_year
            if residency.pk is None or moved:
                residency.method, residency.verified = self.method, False
                residency.verified_by, residency.verified_at = None, None
            residency.save()
            changes = audit.diff(before or {}, audit.snapshot(residency))
            audit.record(
                residency,
                "created" if before is None else "changed",
                user,
                _("Residency declared by the resident."),
                # Personal data stays out of the history: the fields' names only.
                {"fields": sorted(changes)},
            )
        user._hyeopchi_residency = residency
        return residency


# ---------------------------------------------------------------- staff confirmation


class StaffConfirmation:
    """District staff (or a city officer) confirm a resident's declared residency."""

    method = ResidencyMethod.STAFF

    def verify(self, residency: Residency, actor) -> Residency:
        if not user_can(actor, Action.EDIT, residency.district_id):
            raise PermissionError(_("You may only confirm residents of your district(s)."))
        before = audit.snapshot(residency)
        residency.method, residency.verified = self.method, True
        residency.verified_by, residency.verified_at = actor, timezone.now()
        residency.save()
        changes = audit.diff(before, audit.snapshot(residency))
        audit.record(
            residency,
            "changed",
            actor,
            _("Residency confirmed by staff."),
            {"fields": sorted(changes)},
        )
        return residency


# ---------------------------------------------------------------- resident-roll import


@dataclass(frozen=True)
class RollImport:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail("file", _("The file is not UTF-8 text.")) from None


class CsvResidentRoll:
    """Import a resident roll: CSV lines of ``name, e-mail, district code, dong, birth
    year``. Accounts are found by e-mail; each listed resident becomes verified
    (``roll``) with the district, dong and birth year of the roll. A first line of column
    names is skipped. Staff may import residents of their own district(s) only."""

    method = ResidencyMethod.ROLL_IMPORT
    columns = 5

    def verify(self, data: bytes | str, actor, *, file_name: str = "") -> RollImport:
        text = _decode(data)
        rows: list[tuple[int, list[str]]] = []
        errors: list[tuple[int, str]] = []
        reader = csv.reader(io.StringIO(text))
        try:
            for row in reader:
                cells = [c.strip() for c in row]
                if not any(cells) or cells[0].startswith("#"):
                    continue
                line = reader.line_num
                is_header = len(cells) >= 3 and "@" not in cells[1] and not cells[2].isdigit()
                if not rows and not errors and is_header:
                    continue
                if len(cells) != self.columns:
                    errors.append(
                        (
                            line,
                            _(
                                "Line %(line)s: expected 5 columns (name, e-mail, district "
                                "code, dong, birth year)."
                            )
                            % {"line": line},
                        )
                    )
                    continue
                rows.append((line, cells))
        except csv.Error as exc:
            raise _fail(
                "file", _("The file is not valid CSV: %(error)s") % {"error": exc}
            ) from None
        if not rows and not errors:
            raise _fail("file", _("The file lists no residents."))

        emails = {cells[1].lower() for _line, cells in rows}
        by_email: dict[str, list] = {}
        for user in (
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
        ):
            by_email.setdefault(user.email.lower(), []).append(user)
        districts = {d.code: d for d in District.objects.all()}
        existing = {
            r.user_id: r
            for r in Residency.objects.filter(
                user_id__in=[u.pk for users in by_email.values() for u in users]
            )
        }
        seen: dict[int, int] = {}
        plan: list[tuple[Any, District, str, int | None]] = []
        for line, (name, email, code, dong, year_text) in rows:
            problems: list[str] = []
            if not name:
                problems.append(_("the name is empty"))
            matches = by_email.get(email.lower(), [])
            user = matches[0] if len(matches) == 1 else None
            if not email:
                problems.append(_("the e-mail is empty"))
            elif len(matches) > 1:
                problems.append(_("several accounts use the e-mail %(who)s") % {"who": email})
            elif user is None:
                problems.append(_("no account with the e-mail %(who)s") % {"who": email})
            district = districts.get(code)
            if district is None:
                problems.append(_("no district with the code %(code)s") % {"code": code})
            elif not user_can(actor, Action.EDIT, district.pk):
                problems.append(
                    _("you may only import residents of your district(s), not %(d)s")
                    % {"d": district.name}
                )
            if len(dong) > DONG_MAX:
                problems.append(_("the dong is longer than %(n)s characters") % {"n": DONG_MAX})
            year = int(year_text) if year_text.isdecimal() else None
            if year_text and (year is None or check_birth_year(year)):
                problems.append(
                    _("the birth year %(year)s is not a year between 1900 and this year")
                    % {"year": year_text}
                )
            if user is not None:
                if user.pk in seen:
                    problems.append(
                        _("the same resident is already on line %(other)s")
                        % {"other": seen[user.pk]}
                    )
                else:
                    seen[user.pk] = line
            if problems:
                errors.append(
                    (
                        line,
                        _("Line %(line)s: %(problems)s.")
                        % {"line": line, "problems": "; ".join(problems)},
                    )
                )
            else:
                assert district is not None
                plan.append((user, district, dong, year))
        if errors:
            messages = [message for _line, message in sorted(errors)]
            shown = messages[:MAX_LINE_ERRORS_SHOWN]
            if len(messages) > len(shown):
                shown.append(
                    _("… and %(n)s more lines with errors.") % {"n": len(messages) - len(shown)}
                )
            raise ValidationError({"file": shown})

        now = timezone.now()
        created: list[Residency] = []
        updated: list[Residency] = []
        for user, district, dong, year in plan:
            residency = existing.get(user.pk) or Residency(user=user)
            residency.district, residency.dong = district, dong
            if year is not None:
                residency.birth_year = year
            residency.method, residency.verified = self.method, True
            residency.verified_by, residency.verified_at = actor, now
            (updated if residency.pk else created).append(residency)
        fields = [
            "district",
            "dong",
            "birth_year",
            "method",
            "verified",
            "verified_by",
            "verified_at",
        ]
        try:
            with transaction.atomic():
                Residency.objects.bulk_create(created, batch_size=2000)
                Residency.objects.bulk_update(updated, fields, batch_size=2000)
                new_ones = {id(r) for r in created}
                reason = _("Resident-roll import %(file)s.") % {"file": file_name or "-"}
                AuditEvent.objects.bulk_create(
                    [
                        AuditEvent(
                            model=Residency._meta.label_lower,
                            object_id=str(r.pk),
                            object_repr=str(r)[:300],
                            action="created" if id(r) in new_ones else "changed",
                            actor=actor if actor.is_authenticated else None,
                            reason=reason,
                            changes={"fields": fields},
                            district_id=r.district_id,
                        )
                        for r in created + updated
                    ],
                    batch_size=2000,
                )
        except IntegrityError:  # a resident declared their residency during the import
            raise _fail(
                "file", _("The residents changed during the import; import the file again.")
            ) from None
        result = RollImport(created=len(created), updated=len(updated))
        return result


VERIFIERS: dict[str, Verifier] = {
    ResidencyMethod.SELF_DECLARED: SelfDeclared(),
    ResidencyMethod.STAFF: StaffConfirmation(),
    ResidencyMethod.ROLL_IMPORT: CsvResidentRoll(),
}


def declare(user, district: District, dong: str = "", birth_year: int | None = None) -> Residency:
    return SelfDeclared().verify(user, district, dong, birth_year)


def confirm(residency: Residency, actor) -> Residency:
    return StaffConfirmation().verify(residency, actor)


def import_roll(data: bytes | str, actor, *, file_name: str = "") -> RollImport:
    return CsvResidentRoll().verify(data, actor, file_name=file_name)


def acceptable(residency: Residency | None, required: str) -> bool:
    """Does ``residency`` satisfy a policy's ``residency`` setting (declared/verified)?"""
    if residency is None:
        return False
    return residency.verified or required == "declared"
