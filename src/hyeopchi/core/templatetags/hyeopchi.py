from django import template
from django.utils import translation

from .. import dates, money

register = template.Library()


@register.filter
def won(amount):
    """10억 5,000만 원 in Korean, ₩1,050,000,000 in English."""
    if amount is None or amount == "":
        return ""
    if (translation.get_language() or "ko").startswith("en"):
        return money.format_won_en(int(amount))
    return money.format_won(int(amount))


@register.filter
def thousand_won(amount):
    return "" if amount is None else money.format_thousand_won(int(amount))


@register.filter
def kdate(value):
    return dates.format_date(value)


@register.filter
def kdatetime(value):
    return dates.format_datetime(value)


@register.filter
def shown_name(person, private=False):
    """A person's name as this viewer may see it: full for staff, masked (김*수) otherwise."""
    if person is None:
        return ""
    return person.name if private else person.public_name


@register.filter
def share(value):
    """A fraction such as 7/10 as a percentage: 70%."""
    if value is None or value == "":
        return ""
    percent = float(value) * 100
    text = f"{percent:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


@register.filter
def threshold(spec):
    """A rulebook threshold in words: "more than 1/2 of enrolled members"."""
    if spec is None:
        return ""
    from django.utils.translation import gettext as _

    base = _("enrolled members") if spec.base == "enrolled" else _("members present")
    words = {"fraction": f"{spec.fraction} ({share(spec.fraction)})", "base": base}
    if spec.strict:
        return _("more than %(fraction)s of %(base)s") % words
    return _("at least %(fraction)s of %(base)s") % words


@register.simple_tag
def user_roles(user):
    """Labels of the roles a signed-in user holds, for the page header."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_hyeopchi_role_labels", None)
    if cached is not None:
        return cached
    from django.utils.translation import gettext as _

    labels = []
    if user.is_superuser:
        labels.append(str(_("administrator (superuser)")))
    for assignment in user.role_assignments.select_related("district"):
        label = assignment.get_role_display()
        if assignment.district is not None:
            label = f"{label} · {assignment.district.name}"
        labels.append(str(label))
    if not labels:
        labels.append(str(_("resident")))
    user._hyeopchi_role_labels = labels
    return labels


@register.filter
def audit_action(action):
    from ..audit import action_label

    return action_label(action)
