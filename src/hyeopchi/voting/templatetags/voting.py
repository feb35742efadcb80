"""Template helpers of the voting pages."""

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

# A count's status. The model's labels ("done", "failed") share their words with other
# apps' records (an action item's "done" date, a motion that "failed"); these have their
# own context so that each language can say what a count's state is.
RUN_STATUS = {
    "queued": pgettext_lazy("count status", "queued"),
    "running": pgettext_lazy("count status", "running"),
    "done": pgettext_lazy("count status", "finished"),
    "failed": pgettext_lazy("count status", "failed"),
}


@register.filter
def run_status(status: str) -> str:
    return str(RUN_STATUS.get(status, status))
