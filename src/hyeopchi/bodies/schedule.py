"""Recurring meeting schedules (RFC 5545 RRULE), expanded in Seoul wall-clock time.

Pure functions, no database access. A schedule is an RRULE string plus the first meeting's
start; every occurrence starts at the first meeting's local time of day. "4th Thursday of
every month, 10:00" is ``FREQ=MONTHLY;BYDAY=4TH`` - the 4th occurrence of Thursday in
the month, not the Thursday of the 4th calendar week.

Rules are expanded on naive Seoul wall-clock times and the zone attached afterwards, which
is what a ``DTSTART;TZID=Asia/Seoul`` rule means in RFC 5545 (a 10:00 meeting stays at
10:00 across any daylight-saving change, as in 1987-88).

Only the subset of RFC 5545 a meeting calendar needs is accepted, and every value is range
checked here, because ``dateutil`` accepts impossible values (``BYDAY=9TH``,
``INTERVAL=0``) and then crashes or searches up to the year 9999.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

SEOUL = ZoneInfo("Asia/Seoul")

#: Horizon over which a schedule is checked for being possible and not too dense.
CHECK_YEARS = 5
#: At most this many meetings in the first CHECK_YEARS years (twice a week fits, daily not).
MAX_OCCURRENCES_IN_CHECK = 600
#: At most this many occurrences returned by one expansion.
MAX_EXPANSION = 1000
MAX_RULE_LENGTH = 300

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = Python weekday()
# Which BYxxx parts each frequency may use (RFC 5545 3.3.10, narrowed to meetings).
ALLOWED_PARTS = {
    "DAILY": {"BYDAY", "BYMONTH"},
    "WEEKLY": {"BYDAY", "BYMONTH", "BYSETPOS", "WKST"},
    "MONTHLY": {"BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"},
    "YEARLY": {"BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"},
}
COMMON_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL"}
_BYDAY = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")
_DAYS_IN_MONTH = {m: calendar.monthrange(2000, m)[1] for m in range(1, 13)}  # leap year


class RecurrenceError(ValueError):
    """A recurrence rule that cannot be used; ``message`` is translatable, ``code`` stable."""

    def __init__(self, message, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


# ---------------------------------------------------------------- building common rules


def monthly_nth_weekday(n: int, weekday: int, *, interval: int = 1) -> str:
    """The ``n``-th ``weekday`` (0 = Monday) of every ``interval`` months; n = -1 is the last.

    >>> monthly_nth_weekday(4, 3)
    'FREQ=MONTHLY;BYDAY=4TH'
    """
    if n not in (1, 2, 3, 4, 5, -1):
        raise RecurrenceError(
            _("The week of the month must be 1 to 5, or the last."), code="bad_ordinal"
        )
    code = _weekday_code(weekday)
    return _join({"FREQ": "MONTHLY", "INTERVAL": interval, "BYDAY": f"{n}{code}"})


def weekly_on(weekdays: int | Iterable[int], *, interval: int = 1) -> str:
    """Every ``interval`` weeks on the given weekday(s) (0 = Monday).

    >>> weekly_on(2, interval=2)
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE'
    """
    days = [weekdays] if isinstance(weekdays, int) else sorted(set(weekdays))
    if not days:
        raise RecurrenceError(_("Choose at least one weekday."), code="no_weekday")
    codes = ",".join(_weekday_code(d) for d in days)
    return _join({"FREQ": "WEEKLY", "INTERVAL": interval, "BYDAY": codes})


def monthly_on_day(day: int, *, interval: int = 1) -> str:
    """Every ``interval`` months on day ``day`` of the month (-1 = the last day)."""
    if day == 0 or not -31 <= day <= 31:
        raise RecurrenceError(_("A day of the month must be 1 to 31."), code="bad_monthday")
    return _join({"FREQ": "MONTHLY", "INTERVAL": interval, "BYMONTHDAY": day})


def _weekday_code(weekday: int) -> str:
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise RecurrenceError(_("A weekday must be 0 (Monday) to 6 (Sunday)."), "bad_weekday")
    return WEEKDAY_CODES[weekday]


def _join(parts: dict[str, object]) -> str:
    interval = parts.get("INTERVAL", 1)
    if not isinstance(interval, int) or not 1 <= interval <= 99:
        raise RecurrenceError(_("The interval must be a whole number from 1 to 99."), "interval")
    return ";".join(
        f"{key}={value}" for key, value in parts.items() if not (key == "INTERVAL" and value == 1)
    )


# ---------------------------------------------------------------- parsing and validation


def _parts(text: str) -> dict[str, str]:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise RecurrenceError(_("Enter a recurrence rule."), code="empty")
    if len(text) > MAX_RULE_LENGTH:
        raise RecurrenceError(
            _("A recurrence rule is at most %(n)s characters long.") % {"n": MAX_RULE_LENGTH},
            code="too_long",
        )
    if "\n" in text or "\r" in text:
        raise RecurrenceError(
            _("Enter a single RRULE line; the first meeting sets the start."), code="multiline"
        )
    parts: dict[str, str] = {}
    for piece in text.rstrip(";").split(";"):
        key, sep, value = piece.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not key or not value:
            raise RecurrenceError(
                _("'%(piece)s' is not of the form NAME=VALUE.") % {"piece": piece.strip()},
                code="syntax",
            )
        if key in parts:
            raise RecurrenceError(
                _("%(name)s is given twice.") % {"name": key}, code="duplicate_part"
            )
        parts[key] = value
    return parts


def _int(name: str, value: str, low: int, high: int, *, signed: bool = False) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or (not signed and value.startswith(("+", "-"))):
        raise RecurrenceError(
            _("%(name)s must be a whole number, not '%(value)s'.") % {"name": name, "value": value},
            code="not_a_number",
        )
    if not low <= abs(number) <= high or (not signed and number < 0) or number == 0:
        raise RecurrenceError(
            _("%(name)s must be between %(low)s and %(high)s, not %(value)s.")
            % {"name": name, "low": -high if signed else low, "high": high, "value": value},
            code="out_of_range",
        )
    return number


def _check_parts(parts: dict[str, str]) -> None:
    freq = parts.get("FREQ")
    if freq is None:
        raise RecurrenceError(
            _("The rule needs a frequency, e.g. FREQ=MONTHLY or FREQ=WEEKLY."), code="no_freq"
        )
    if freq not in FREQUENCIES:
        raise RecurrenceError(
            _("Meetings can recur daily, weekly, monthly or yearly, not %(freq)s.")
            % {"freq": freq},
            code="bad_freq",
        )
    allowed = COMMON_PARTS | ALLOWED_PARTS[freq]
    for key in parts:
        if key not in allowed:
            raise RecurrenceError(
                _("%(name)s cannot be used in a %(freq)s meeting schedule.")
                % {"name": key, "freq": freq},
                code="unsupported_part",
            )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(_("Give either COUNT or UNTIL, not both."), code="count_and_until")
    if "INTERVAL" in parts:
        _int("INTERVAL", parts["INTERVAL"], 1, 99)
    if "COUNT" in parts:
        _int("COUNT", parts["COUNT"], 1, MAX_EXPANSION)
    if "WKST" in parts and parts["WKST"] not in WEEKDAY_CODES:
        raise RecurrenceError(_("WKST must be a weekday code such as MO."), code="bad_wkst")
    months = list(range(1, 13))
    if "BYMONTH" in parts:
        months = [_int("BYMONTH", v, 1, 12) for v in parts["BYMONTH"].split(",")]
    if "BYDAY" in parts:
        max_ordinal = {"MONTHLY": 5, "YEARLY": 53}.get(freq, 0)
        for value in parts["BYDAY"].split(","):
            match = _BYDAY.match(value)
            if not match:
                raise RecurrenceError(
                    _("'%(value)s' is not a weekday such as TH, 4TH or -1FR.") % {"value": value},
                    code="bad_byday",
                )
            sign, number, _code = match.groups()
            if number is None:
                if sign:
                    raise RecurrenceError(
                        _("'%(value)s' is not a weekday such as TH, 4TH or -1FR.")
                        % {"value": value},
                        code="bad_byday",
                    )
                continue
            if max_ordinal == 0:
                raise RecurrenceError(
                    _("A numbered weekday such as %(value)s needs FREQ=MONTHLY or FREQ=YEARLY.")
                    % {"value": value},
                    code="ordinal_needs_month",
                )
            _int("BYDAY", number, 1, max_ordinal)
    if "BYMONTHDAY" in parts:
        days = [_int("BYMONTHDAY", v, 1, 31, signed=True) for v in parts["BYMONTHDAY"].split(",")]
        if not any(abs(d) <= _DAYS_IN_MONTH[m] for d in days for m in months):
            raise RecurrenceError(
                _("None of the chosen months has that day of the month."), code="impossible"
            )
    if "BYSETPOS" in parts:
        _check_setpos(freq, parts)
    if "UNTIL" in parts and not _UNTIL.match(parts["UNTIL"]):
        raise RecurrenceError(
            _("UNTIL must be a date such as 20171231 or 20171231T235959Z."), code="bad_until"
        )


def _check_setpos(freq: str, parts: dict[str, str]) -> None:
    """BYSETPOS cannot pick beyond the set a period can hold (else the rule never fires)."""
    weekdays = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY":
        most = max(1, len(weekdays))
    elif "BYMONTHDAY" in parts:
        most = len(parts["BYMONTHDAY"].split(","))
    elif weekdays and all(d in WEEKDAY_CODES for d in weekdays):
        most = 5 * len(weekdays) if freq == "MONTHLY" else 53 * len(weekdays)
    else:
        most = 366
    for value in parts["BYSETPOS"].split(","):
        _int("BYSETPOS", value, 1, most, signed=True)


def _until_local(value: str) -> str:
    """UNTIL as a naive Seoul wall-clock time, the form the naive expansion expects."""
    day, time, utc = _UNTIL.match(value).groups()  # type: ignore[union-attr]
    try:
        moment = dt.datetime.strptime(day + (time or "235959"), "%Y%m%d%H%M%S")
    except ValueError:
        raise RecurrenceError(
            _("UNTIL must be a date such as 20171231 or 20171231T235959Z."), code="bad_until"
        ) from None
    if utc:
        moment = moment.replace(tzinfo=dt.UTC).astimezone(SEOUL).replace(tzinfo=None)
    return moment.strftime("%Y%m%dT%H%M%S")


def _local_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(SEOUL)
    return value.replace(tzinfo=None, microsecond=0)


def _build(rule: str, first_start: dt.datetime) -> tuple[str, rrule]:
    parts = _parts(rule)
    _check_parts(parts)
    normalised = ";".join(f"{k}={v}" for k, v in parts.items())
    for_dateutil = dict(parts)
    if "UNTIL" in for_dateutil:
        for_dateutil["UNTIL"] = _until_local(for_dateutil["UNTIL"])
    text = ";".join(f"{k}={v}" for k, v in for_dateutil.items())
    try:
        parsed = rrulestr(text, dtstart=_local_naive(first_start))
    except (ValueError, TypeError, IndexError) as exc:
        raise RecurrenceError(
            _("This is not a valid recurrence rule: %(error)s") % {"error": exc}, code="syntax"
        ) from None
    assert isinstance(parsed, rrule)
    return normalised, parsed


def validate_rrule(rule: str, first_start: dt.datetime) -> str:
    """Check ``rule`` for a series starting at ``first_start``; return its normal form.

    Raises :class:`RecurrenceError` for bad syntax, a missing or sub-daily FREQ, values
    out of range, a rule that never produces a meeting, or one that produces more than
    :data:`MAX_OCCURRENCES_IN_CHECK` meetings in its first :data:`CHECK_YEARS` years.
    """
    normalised, parsed = _build(rule, first_start)
    start = _local_naive(first_start)
    until = getattr(parsed, "_until", None)
    if until is not None and until < start:
        raise RecurrenceError(
            _("The schedule ends (UNTIL) before the first meeting."), code="until_before_start"
        )
    horizon = start + relativedelta(years=CHECK_YEARS)
    count = 0
    for occurrence in parsed:
        if occurrence > horizon:
            break
        count += 1
        if count > MAX_OCCURRENCES_IN_CHECK:
            raise RecurrenceError(
                _(
                    "This rule makes more than %(max)s meetings in %(years)s years; "
                    "limit it with COUNT or UNTIL, or choose a longer interval."
                )
                % {"max": MAX_OCCURRENCES_IN_CHECK, "years": CHECK_YEARS},
                code="too_many",
            )
    if count == 0:
        raise RecurrenceError(
            _("This rule produces no meeting in the %(years)s years after the first one.")
            % {"years": CHECK_YEARS},
            code="empty_schedule",
        )
    return normalised


def expand(
    rule: str,
    first_start: dt.datetime,
    start: dt.date,
    end: dt.date,
    *,
    limit: int = MAX_EXPANSION,
) -> list[dt.datetime]:
    """Aware Seoul datetimes of the occurrences on days ``start``..``end`` (inclusive).

    ``first_start`` is the series' first meeting (aware, any zone; naive means Seoul time)
    and is itself an occurrence only if it matches the rule, as in RFC 5545.
    """
    if end < start:
        return []
    validate_rrule(rule, first_start)
    _normalised, parsed = _build(rule, first_start)
    low = dt.datetime.combine(start, dt.time.min)
    high = dt.datetime.combine(end, dt.time.max)
    found: list[dt.datetime] = []
    for occurrence in parsed:
        if occurrence > high:
            break
        if occurrence < low:
            continue
        if len(found) >= limit:
            raise RecurrenceError(
                _("More than %(max)s meetings in that period; choose a shorter period.")
                % {"max": limit},
                code="too_many",
            )
        found.append(occurrence.replace(tzinfo=SEOUL))
    return found


# ---------------------------------------------------------------- describing rules


@dataclass(frozen=True)
class RuleShape:
    """One of the common schedules a clerk builds without typing RRULE text."""

    kind: str  # "nth_weekday" (monthly), "monthday" (monthly) or "weekly"
    interval: int
    ordinal: int | None = None  # 1..5 or -1 (last), for nth_weekday
    weekdays: tuple[int, ...] = ()  # 0 = Monday
    monthday: int | None = None  # 1..31 or -1 (last day)


def shape(rule: str) -> RuleShape | None:
    """The common shape of ``rule``, or None for anything else (e.g. with COUNT or BYMONTH)."""
    try:
        parts = _parts(rule)
        _check_parts(parts)
    except RecurrenceError:
        return None
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"}:
        return None
    byday = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    if freq == "MONTHLY" and len(byday) == 1 and "BYMONTHDAY" not in parts:
        match = _BYDAY.match(byday[0])
        assert match is not None
        sign, number, code = match.groups()
        ordinal = int(f"{sign}{number}") if number else None
        if ordinal in (1, 2, 3, 4, 5, -1):
            return RuleShape("nth_weekday", interval, ordinal, (WEEKDAY_CODES.index(code),))
    if freq == "MONTHLY" and not byday and parts.get("BYMONTHDAY", "").lstrip("-").isdigit():
        day = int(parts["BYMONTHDAY"])
        if day > 0 or day == -1:
            return RuleShape("monthday", interval, monthday=day)
    if freq == "WEEKLY" and byday and all(d in WEEKDAY_CODES for d in byday):
        return RuleShape("weekly", interval, weekdays=tuple(WEEKDAY_CODES.index(d) for d in byday))
    return None


_ORDINALS = {
    1: _("first"),
    2: _("second"),
    3: _("third"),
    4: _("fourth"),
    5: _("fifth"),
    -1: _("last"),
}


def describe(rule: str) -> str:
    """A human wording of the common rules ('fourth Thursday of every month'), else the rule."""
    found = shape(rule)
    if found is None:
        return rule
    n = found.interval
    if found.kind == "nth_weekday":
        assert found.ordinal is not None
        values = {"ordinal": _ORDINALS[found.ordinal], "weekday": WEEKDAYS[found.weekdays[0]]}
        if n == 1:
            return str(_("%(ordinal)s %(weekday)s of every month") % values)
        return str(_("%(ordinal)s %(weekday)s of every %(n)s months") % {**values, "n": n})
    if found.kind == "monthday":
        if found.monthday == -1:
            if n == 1:
                return str(_("last day of every month"))
            return str(_("last day of every %(n)s months") % {"n": n})
        if n == 1:
            return str(_("day %(day)s of every month") % {"day": found.monthday})
        return str(_("day %(day)s of every %(n)s months") % {"day": found.monthday, "n": n})
    names = ", ".join(str(WEEKDAYS[d]) for d in found.weekdays)
    if n == 1:
        return str(_("every %(weekdays)s") % {"weekdays": names})
    return str(_("%(weekdays)s every %(n)s weeks") % {"weekdays": names, "n": n})
