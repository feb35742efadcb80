"""Template helpers of the proposal pages and the header's notification count."""

from django import template

from hyeopchi.directory.masking import mask_name

from .. import notifications

register = template.Library()


@register.filter
def public_name(user):
    """A resident as the public sees them: 김*수 (masked full name or user name)."""
    if user is None:
        return ""
    return mask_name(user.get_full_name() or user.get_username())


@register.simple_tag
def unread_notifications(user):
    """The signed-in user's unread notifications (0 for visitors); one query per page."""
    return notifications.unread_count(user)
