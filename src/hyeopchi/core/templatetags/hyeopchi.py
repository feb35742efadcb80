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
