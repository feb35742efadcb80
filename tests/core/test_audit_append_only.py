import pytest

from hyeopchi.core import audit
from hyeopchi.core.models import AuditEvent, District


def test_audit_history_cannot_be_rewritten_in_bulk(db):
    district = District.objects.get(code="11530")
    event = audit.record(district, "checked", reason="bulk test")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.reason == "bulk test"
    assert list(audit.history(district)) == [event]
