"""Official meeting documents as PDF: the meeting package (회의자료) and the minutes (회의록).

Rendered with reportlab in the active language (Korean by default) with the Nanum Gothic
TrueType fonts from Debian's ``fonts-nanum`` package. Korean text is wrapped by character
(``wordWrap="CJK"``). People appear only by their public (masked) name, and nothing else
about them is printed.

The fixed headings of these official documents follow the seed documents' Korean
wording; each is a catalogue message (its Korean text is the msgid) with built-in English
wording used when the active language is English and the catalogue has no translation.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from hyeopchi.core.dates import format_date, format_datetime

from .models import (
    AgendaItem,
    AgendaSection,
    Capacity,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Motion,
    Outcome,
)
from .schedule import SEOUL

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/nanum"
FONT_FILES = {"regular": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}
FONT_NAME, BOLD_FONT_NAME = "HyeopchiGothic", "HyeopchiGothic-Bold"


class FontMissing(RuntimeError):
    """The Korean TrueType fonts are not installed."""


# ---------------------------------------------------------------- official wording

# key: (Korean wording, marked for the catalogue; English wording)
WORDING: dict[str, tuple[str, str]] = {
    "package_title_n": (
        gettext_noop("%(body)s 제%(n)s차 회의 자료"),
        "%(body)s meeting no. %(n)s: meeting papers",
    ),
    "package_title_extra": (
        gettext_noop("%(body)s 임시회의 자료"),
        "%(body)s: extraordinary meeting papers",
    ),
    "package_title": (gettext_noop("%(body)s 회의 자료"), "%(body)s: meeting papers"),
    "minutes_title_n": (
        gettext_noop("%(body)s 제%(n)s차 회의록"),
        "Minutes of %(body)s meeting no. %(n)s",
    ),
    "minutes_title_extra": (
        gettext_noop("%(body)s 임시회의 회의록"),
        "Minutes of the %(body)s extraordinary meeting",
    ),
    "minutes_title": (gettext_noop("%(body)s 회의록"), "Minutes of the %(body)s meeting"),
    "draft": (gettext_noop("초안 (DRAFT)"), "DRAFT (초안)"),
    "draft_note": (
        gettext_noop("승인 전 초안입니다. 공개되지 않았습니다."),
        "A draft before approval; not published.",
    ),
    "when": (gettext_noop("일시"), "Date and time"),
    "where": (gettext_noop("장소"), "Venue"),
    "kind": (gettext_noop("구분"), "Kind"),
    "regular": (gettext_noop("정기회의"), "Regular meeting"),
    "extraordinary": (gettext_noop("임시회의"), "Extraordinary meeting"),
    "cancelled": (gettext_noop("취소된 회의"), "This meeting was cancelled."),
    "reports": (gettext_noop("공유(보고)사항"), "Reports"),
    "decision_items": (gettext_noop("안건(토론)사항"), "Items for decision and discussion"),
    "other_items": (gettext_noop("기타 안건"), "Other business"),
    "none": (gettext_noop("없음"), "None"),
    "next_meeting": (gettext_noop("차기 회의 일정 및 장소"), "Next meeting"),
    "undecided": (gettext_noop("미정"), "To be decided"),
    "key_dates": (gettext_noop("주요일정"), "Key dates"),
    "regular_schedule": (gettext_noop("정례회의"), "Regular meetings"),
    "attachment": (gettext_noop("첨부"), "attachment"),
    "overview": (gettext_noop("개요"), "Overview"),
    "attendees": (gettext_noop("참석자"), "Attendance"),
    "total": (gettext_noop("총 %(n)s명"), "%(n)s in total"),
    "people": (gettext_noop("%(n)s명"), "%(n)s"),
    "cap_member": (gettext_noop("위원"), "Members"),
    "cap_observer": (gettext_noop("참관"), "Observers"),
    "cap_staff": (gettext_noop("배석"), "Attending staff"),
    "quorum": (
        gettext_noop(
            "재적 %(enrolled)s명 중 %(present)s명 출석 (의사정족수 %(required)s명): %(state)s"
        ),
        "%(present)s of %(enrolled)s members present (quorum %(required)s): %(state)s",
    ),
    "quorum_met": (gettext_noop("성원"), "quorate"),
    "quorum_not_met": (gettext_noop("성원 미달"), "not quorate"),
    "report_items": (gettext_noop("보고사항"), "Reports"),
    "discussion": (gettext_noop("논의"), "Discussion"),
    "decisions": (gettext_noop("결정사항"), "Decisions"),
    "next_steps": (gettext_noop("향후 일정"), "Next steps"),
    "votes": (
        gettext_noop("표결: 찬성 %(yes)s, 반대 %(no)s, 기권 %(abstain)s"),
        "Vote: %(yes)s yes, %(no)s no, %(abstain)s abstaining",
    ),
    "vote_basis": (
        gettext_noop(
            "재적 %(enrolled)s명, 출석 %(present)s명, 의결에 찬성 %(yes_required)s명 필요"
        ),
        "%(enrolled)s enrolled, %(present)s present, %(yes_required)s yes votes needed",
    ),
    "roll_call": (gettext_noop("기명 표결"), "roll-call vote"),
    "outcome_passed": (gettext_noop("가결"), "passed"),
    "outcome_failed": (gettext_noop("부결"), "failed"),
    "outcome_no_quorum": (gettext_noop("정족수 미달로 의결하지 못함"), "no quorum; not decided"),
    "outcome_pending": (gettext_noop("표결 전"), "not yet voted"),
    "actions": (gettext_noop("후속 조치"), "Action items"),
    "owner": (gettext_noop("담당"), "owner"),
    "due": (gettext_noop("기한"), "due"),
    "done": (gettext_noop("완료"), "done"),
    "page": (gettext_noop("- %(n)s -"), "- %(n)s -"),
    # Regular schedules, as in the seed: "매월 4번째 주 목요일 오전 10시".
    "every_month_nth": (gettext_noop("매월 %(n)s번째 %(weekday)s"), ""),
    "every_k_months_nth": (gettext_noop("%(k)s개월마다 %(n)s번째 %(weekday)s"), ""),
    "every_month_last": (gettext_noop("매월 마지막 %(weekday)s"), ""),
    "every_k_months_last": (gettext_noop("%(k)s개월마다 마지막 %(weekday)s"), ""),
    "every_month_day": (gettext_noop("매월 %(day)s일"), ""),
    "every_k_months_day": (gettext_noop("%(k)s개월마다 %(day)s일"), ""),
    "every_month_last_day": (gettext_noop("매월 말일"), ""),
    "every_k_months_last_day": (gettext_noop("%(k)s개월마다 말일"), ""),
    "every_week": (gettext_noop("매주 %(weekdays)s"), ""),
    "every_k_weeks": (gettext_noop("%(k)s주마다 %(weekdays)s"), ""),
}


def _korean() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE or "ko").startswith("ko")


def document_language() -> str:
    """The language the documents are rendered in now."""
    return "ko" if _korean() else "en"


def wording(key: str, **values: object) -> str:
    """The official wording ``key`` in the active language."""
    korean, english = WORDING[key]
    text = gettext(korean)
    if text == korean and not _korean() and english:
        text = english
    return text % values if values else text


def schedule_wording(rule: str) -> str:
    """A regular schedule in words: Korean from the seed's phrasing, else schedule.describe."""
    from django.utils.dates import WEEKDAYS

    from .schedule import describe, shape

    found = shape(rule)
    if found is None or not _korean():
        return describe(rule)
    every = "every_month" if found.interval == 1 else "every_k_months"
    values: dict[str, object] = {"k": found.interval}
    if found.kind == "weekly":
        values["weekdays"] = ", ".join(str(WEEKDAYS[d]) for d in found.weekdays)
        return wording("every_week" if found.interval == 1 else "every_k_weeks", **values)
    if found.kind == "monthday":
        if found.monthday == -1:
            return wording(f"{every}_last_day", **values)
        return wording(f"{every}_day", day=found.monthday, **values)
    values["weekday"] = str(WEEKDAYS[found.weekdays[0]])
    if found.ordinal == -1:
        return wording(f"{every}_last", **values)
    return wording(f"{every}_nth", n=found.ordinal, **values)


# ---------------------------------------------------------------- fonts and styles


def font_dir() -> Path:
    configured = getattr(settings, "HYEOPCHI_FONT_DIR", None) or os.environ.get("HYEOPCHI_FONT_DIR")
    return Path(configured or DEFAULT_FONT_DIR)


@functools.cache
def _register_fonts(directory: str) -> tuple[str, str]:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    paths = {style: Path(directory) / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissing(
            gettext(
                "The Korean PDF font is missing (%(files)s). Install the Debian package "
                "fonts-nanum ('make install' does it) or set HYEOPCHI_FONT_DIR."
            )
            % {"files": ", ".join(missing)}
        )
    try:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(paths["regular"])))
        pdfmetrics.registerFont(TTFont(BOLD_FONT_NAME, str(paths["bold"])))
    except TTFError as exc:
        raise FontMissing(
            gettext("The Korean PDF font cannot be read: %(error)s") % {"error": exc}
        ) from exc
    addMapping(FONT_NAME, 0, 0, FONT_NAME)
    addMapping(FONT_NAME, 1, 0, BOLD_FONT_NAME)
    addMapping(FONT_NAME, 0, 1, FONT_NAME)
    addMapping(FONT_NAME, 1, 1, BOLD_FONT_NAME)
    return FONT_NAME, BOLD_FONT_NAME


def ensure_fonts() -> tuple[str, str]:
    """Register the Korean fonts once; raise :class:`FontMissing` with a clear message."""
    return _register_fonts(str(font_dir()))


@dataclass(frozen=True)
class _Styles:
    title: object
    subtitle: object
    heading: object
    body: object
    item: object
    sub: object
    draft: object


def _styles() -> _Styles:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = ensure_fonts()
    base = ParagraphStyle(
        "hyeopchi-body",
        fontName=regular,
        fontSize=10.5,
        leading=16,
        wordWrap="CJK",
        spaceAfter=2,
    )
    return _Styles(
        title=ParagraphStyle(
            "hyeopchi-title",
            parent=base,
            fontName=bold,
            fontSize=17,
            leading=24,
            alignment=TA_CENTER,
            spaceAfter=6,
        ),
        subtitle=ParagraphStyle(
            "hyeopchi-subtitle", parent=base, alignment=TA_CENTER, textColor=colors.grey
        ),
        heading=ParagraphStyle(
            "hyeopchi-heading",
            parent=base,
            fontName=bold,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
        ),
        body=base,
        item=ParagraphStyle("hyeopchi-item", parent=base, leftIndent=14, firstLineIndent=-14),
        sub=ParagraphStyle("hyeopchi-sub", parent=base, leftIndent=26, textColor=colors.black),
        draft=ParagraphStyle(
            "hyeopchi-draft",
            parent=base,
            fontName=bold,
            fontSize=13,
            leading=18,
            alignment=TA_CENTER,
            textColor=colors.red,
            borderColor=colors.red,
            borderWidth=1,
            borderPadding=4,
            spaceBefore=4,
            spaceAfter=10,
        ),
    )


def _p(text: str, style) -> object:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def _text_block(text: str, style) -> list:
    """Free text: one paragraph per non-empty line."""
    return [_p(line.rstrip(), style) for line in (text or "").splitlines() if line.strip()]


def build_pdf(title: str, flowables: list, *, watermark: str = "", margin_mm: float = 20) -> bytes:
    """An A4 PDF of ``flowables`` in the Nanum fonts, pages numbered, an optional
    watermark across every page (e.g. for drafts). Every document of the site uses it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    regular, bold = ensure_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin_mm * mm,
        rightMargin=margin_mm * mm,
        topMargin=margin_mm * mm,
        bottomMargin=margin_mm * mm,
        title=title,
        author="Hyeopchi",
        creator="Hyeopchi",
        lang=document_language(),
    )

    def decorate(canvas, document):
        canvas.saveState()
        canvas.setFont(regular, 9)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, wording("page", n=document.page))
        if watermark:
            canvas.setFont(bold, 54)
            canvas.setFillColor(colors.Color(1, 0, 0, alpha=0.12))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, 0, watermark)
        canvas.restoreState()

    doc.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


# ---------------------------------------------------------------- shared pieces


def _title(meeting: Meeting, prefix: str) -> str:
    body = meeting.body.display_name
    if meeting.number:
        return wording(f"{prefix}_n", body=body, n=meeting.number)
    if meeting.kind == MeetingKind.EXTRAORDINARY:
        return wording(f"{prefix}_extra", body=body)
    return wording(prefix, body=body)


def _when(meeting: Meeting) -> str:
    text = format_datetime(meeting.starts_at)
    if meeting.ends_at:
        end = timezone.localtime(meeting.ends_at, SEOUL)
        if end.date() == timezone.localtime(meeting.starts_at, SEOUL).date():
            text += f" ~ {end:%H:%M}"
        else:
            text += f" ~ {format_datetime(meeting.ends_at)}"
    return text


def _item_line(item: AgendaItem) -> str:
    line = f"{item.number}. {item.title}"
    label = item.attachment_label.strip()
    if label:
        line += f" : [{label.strip('[]')}]"
    elif item.attachment:
        line += f" : [{wording('attachment')}]"
    return line


def _agenda_section(items: Iterable[AgendaItem], styles: _Styles, *, descriptions: bool) -> list:
    flowables: list = []
    for item in items:
        flowables.append(_p(_item_line(item), styles.item))
        if descriptions:
            flowables += _text_block(item.description, styles.sub)
    return flowables or [_p(wording("none"), styles.item)]


def _next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def _next_meeting_lines(meeting: Meeting, styles: _Styles) -> list:
    following = _next_meeting(meeting)
    if following is None:
        return [_p(f"- {wording('undecided')}", styles.item)]
    lines = [f"- {wording('when')} : {format_datetime(following.starts_at)}"]
    if following.venue:
        lines.append(f"- {wording('where')} : {following.venue}")
    return [_p(line, styles.item) for line in lines]


def _key_dates(meeting: Meeting, styles: _Styles) -> list:
    """The regular schedule of the meeting's series and its dates for the rest of the year."""
    series = meeting.series
    if series is None:
        return []
    local = timezone.localtime(meeting.starts_at, SEOUL)
    upcoming = (
        Meeting.objects.filter(
            series=series, starts_at__gt=meeting.starts_at, starts_at__year=local.year
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    starts = [timezone.localtime(m.starts_at, SEOUL) for m in upcoming]
    days = ", ".join(f"{s.month}/{s.day}" for s in starts)
    first = timezone.localtime(series.first_start, SEOUL)
    line = f"- {wording('regular_schedule')} : {schedule_wording(series.rrule)} {first:%H:%M}"
    if days:
        line += f" ({days})"
    return [_p(wording("key_dates"), styles.heading), _p(line, styles.item)]


# ---------------------------------------------------------------- meeting package


def meeting_package_pdf(meeting: Meeting) -> bytes:
    """회의자료: title, 일시, 장소, report and decision items with attachment labels,
    next meeting and the regular schedule. Agenda only: no attendance, no personal data.
    """
    styles = _styles()
    items = list(meeting.agenda_items.order_by("section", "number"))
    title = _title(meeting, "package_title")
    flow: list = [_p(title, styles.title)]
    if meeting.title:
        flow.append(_p(meeting.title, styles.subtitle))
    if meeting.status == MeetingStatus.CANCELLED:
        flow.append(_p(wording("cancelled"), styles.draft))
    flow += [
        _p(f"{wording('when')} : {_when(meeting)}", styles.body),
        _p(f"{wording('where')} : {meeting.venue or wording('undecided')}", styles.body),
        _p(wording("reports"), styles.heading),
        *_agenda_section(
            [i for i in items if i.section == AgendaSection.REPORT], styles, descriptions=True
        ),
        _p(wording("decision_items"), styles.heading),
        *_agenda_section(
            [i for i in items if i.section == AgendaSection.DECISION], styles, descriptions=True
        ),
    ]
    other = [i for i in items if i.section == AgendaSection.OTHER]
    if other:
        flow += [
            _p(wording("other_items"), styles.heading),
            *_agenda_section(other, styles, descriptions=True),
        ]
    flow += [_p(wording("next_meeting"), styles.heading), *_next_meeting_lines(meeting, styles)]
    flow += _key_dates(meeting, styles)
    return build_pdf(title, flow)


# ---------------------------------------------------------------- minutes


def _attendance(meeting: Meeting, styles: _Styles) -> list:
    groups = (
        (Capacity.MEMBER, "cap_member"),
        (Capacity.OBSERVER, "cap_observer"),
        (Capacity.STAFF, "cap_staff"),
    )
    attendances = list(meeting.attendances.select_related("person"))
    flow = [_p(f"{wording('attendees')} : {wording('total', n=len(attendances))}", styles.body)]
    for capacity, key in groups:
        names = sorted(a.person.public_name for a in attendances if a.capacity == capacity)
        if not names:
            continue
        flow.append(
            _p(
                f"- ({wording(key)}, {wording('people', n=len(names))}) {', '.join(names)}",
                styles.item,
            )
        )
    flow += _quorum_line(meeting, styles)
    return flow


def _quorum_line(meeting: Meeting, styles: _Styles) -> list:
    from .rulebooks import NoRulebook
    from .services import meeting_quorum

    if not meeting.attendances.exists():
        return []
    try:
        result = meeting_quorum(meeting).result
    except (NoRulebook, LookupError, ValueError):
        return []
    state = wording("quorum_met" if result.met else "quorum_not_met")
    return [
        _p(
            "- "
            + wording(
                "quorum",
                enrolled=result.enrolled,
                present=result.present,
                required=result.required,
                state=state,
            ),
            styles.item,
        )
    ]


def _vote_lines(motion: Motion, styles: _Styles) -> list:
    if motion.outcome == Outcome.PENDING or motion.yes is None:
        return [_p(wording("outcome_pending"), styles.sub)]
    text = wording("votes", yes=motion.yes, no=motion.no or 0, abstain=motion.abstain or 0)
    if motion.roll_call:
        text += f" ({wording('roll_call')})"
    text += f" → {wording('outcome_' + motion.outcome)}"
    lines = [_p(text, styles.sub)]
    basis = motion.outcome_basis or {}
    if {"enrolled", "present", "yes_required"} <= set(basis):
        lines.append(
            _p(
                wording(
                    "vote_basis",
                    enrolled=basis["enrolled"],
                    present=basis["present"],
                    yes_required=basis["yes_required"],
                ),
                styles.sub,
            )
        )
    return lines


def _decisions(meeting: Meeting, minutes: Minutes, styles: _Styles, *, public: bool) -> list:
    decisions = meeting.decisions.select_related("motion").order_by("id")
    if public:
        decisions = decisions.filter(published=True)
    flow: list = []
    number = 0
    decided_motions = set()
    for decision in decisions:
        number += 1
        flow.append(_p(f"{number}. {decision.title}", styles.item))
        flow += _text_block(decision.text, styles.sub)
        if decision.motion is not None:
            decided_motions.add(decision.motion_id)
            flow += _vote_lines(decision.motion, styles)
    # Motions that were voted on without becoming a decision (failed, no quorum).
    others = meeting.motions.exclude(outcome__in=[Outcome.PENDING, Outcome.PASSED]).exclude(
        pk__in=decided_motions
    )
    for motion in others.order_by("id"):
        number += 1
        flow.append(_p(f"{number}. {motion.title}", styles.item))
        flow += _vote_lines(motion, styles)
    flow += _text_block(minutes.decisions_text, styles.body)
    return flow or [_p(wording("none"), styles.item)]


def _actions(meeting: Meeting, styles: _Styles) -> list:
    flow: list = []
    for action in meeting.action_items.select_related("owner"):
        parts = [f"- {action.description}"]
        owner = action.owner.public_name if action.owner else action.owner_text
        if owner:
            parts.append(f"{wording('owner')}: {owner}")
        if action.due_on:
            parts.append(f"{wording('due')}: {format_date(action.due_on)}")
        if action.done_on:
            parts.append(f"{wording('done')}: {format_date(action.done_on)}")
        flow.append(_p(" / ".join(parts), styles.item))
    if flow:
        flow.insert(0, _p(wording("actions"), styles.body))
    return flow


def minutes_pdf(minutes: Minutes, *, public: bool = True) -> bytes:
    """회의록: 개요, 참석자 (masked names by capacity), 보고사항, 논의, 결정사항 with vote
    figures, 향후 일정. Draft minutes carry a "초안 (DRAFT)" marker on every page.

    ``public`` leaves out decisions not yet published (for readers without access to drafts).
    """
    meeting = minutes.meeting
    styles = _styles()
    items = list(meeting.agenda_items.order_by("section", "number"))
    title = _title(meeting, "minutes_title")
    draft = minutes.status == MinutesStatus.DRAFT
    flow: list = [_p(title, styles.title)]
    if draft:
        flow += [_p(wording("draft"), styles.draft), _p(wording("draft_note"), styles.subtitle)]
    kind = "extraordinary" if meeting.kind == MeetingKind.EXTRAORDINARY else "regular"
    flow += [
        _p(f"1. {wording('overview')}", styles.heading),
        _p(f"- {wording('when')} : {_when(meeting)}", styles.item),
        _p(f"- {wording('where')} : {meeting.venue or '-'}", styles.item),
        _p(f"- {wording('kind')} : {wording(kind)}", styles.item),
        *_text_block(minutes.overview, styles.body),
        _p(f"2. {wording('attendees')}", styles.heading),
        *_attendance(meeting, styles),
        _p(f"3. {wording('report_items')}", styles.heading),
        *_agenda_section(
            [i for i in items if i.section == AgendaSection.REPORT], styles, descriptions=False
        ),
        *_text_block(minutes.reports, styles.body),
        _p(f"4. {wording('discussion')}", styles.heading),
        *_agenda_section(
            [i for i in items if i.section != AgendaSection.REPORT], styles, descriptions=False
        ),
        *_text_block(minutes.discussion, styles.body),
        _p(f"5. {wording('decisions')}", styles.heading),
        *_decisions(meeting, minutes, styles, public=public),
        _p(f"6. {wording('next_steps')}", styles.heading),
        *_text_block(minutes.next_steps, styles.body),
        *_actions(meeting, styles),
        _p(wording("next_meeting"), styles.body),
        *_next_meeting_lines(meeting, styles),
    ]
    return build_pdf(title, flow, watermark=wording("draft") if draft else "")
