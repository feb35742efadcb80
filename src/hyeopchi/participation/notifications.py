"""Notifications: an in-app inbox (``Notification``) and e-mail through Django's mail
backend (console in the demo, ``mail.outbox`` in tests).

Messages are written in the site's default language (Korean) because the recipient is
not the person making the request. E-mails leave only after the transaction commits, so a
rolled-back step never announces itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import timezone, translation

from hyeopchi.core.models import Role

from .models import Notification

MESSAGE_MAX = 300


def after_commit(send) -> None:
    transaction.on_commit(send)


def staff_of(district_id: int | None):
    """Users who act for the responsible office: the district's secretariat staff, or the
    city officers for city-wide proposals (district_id None)."""
    User = get_user_model()
    if district_id is None:
        users = User.objects.filter(role_assignments__role=Role.CITY_OFFICER)
    else:
        users = User.objects.filter(
            role_assignments__role=Role.DISTRICT_STAFF, role_assignments__district_id=district_id
        )
    return users.filter(is_active=True).distinct()


def site_language():
    """Messages stored for others are written in the site's default language."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(users: Iterable, message: str, url: str = "", *, email: bool = True) -> int:
    """Notify each user once (in the inbox and, if they have an address, by e-mail)."""
    recipients = {u.pk: u for u in users if u is not None and u.pk is not None}
    if not recipients:
        return 0
    message = message[:MESSAGE_MAX]
    Notification.objects.bulk_create(
        [Notification(user_id=pk, message=message, url=url) for pk in recipients],
        batch_size=2000,
    )
    if email:
        addresses = sorted({u.email for u in recipients.values() if u.email})
        if addresses:
            link = _absolute(url)
            body = f"{message}\n\n{link}" if link else message
            after_commit(lambda: _send(addresses, message, body))
    return len(recipients)


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if not url:
        return ""
    return f"{base}{url}" if base else url


def _send(addresses: list[str], subject: str, body: str) -> None:
    """One message per recipient (no one sees another's address)."""
    subject = " ".join(f"[협치 Hyeopchi] {subject}".split())[:150]
    connection = get_connection(fail_silently=True)
    connection.send_messages(
        [
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in addresses
        ]
    )


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(user, "_hyeopchi_unread", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        user._hyeopchi_unread = cached
    return cached


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: the given ids, or all of them."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    done = qs.update(read_at=timezone.now())
    if hasattr(user, "_hyeopchi_unread"):
        del user._hyeopchi_unread
    return done
