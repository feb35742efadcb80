"""The Django admin's view of people: enough to link a person to a sign-in account (the
API's ``PUT /people/{id}/account`` does the same for district staff)."""

from django.contrib import admin

from .models import Person
from .services import save_person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "organisation", "user")
    list_filter = ("district",)
    search_fields = ("name", "user__username")
    raw_id_fields = ("user", "organisation")
    list_select_related = ("district", "organisation", "user")

    def save_model(self, request, obj, form, change):
        # Through the service, so that the change is in the audit history like any other.
        save_person(obj, actor=request.user)
