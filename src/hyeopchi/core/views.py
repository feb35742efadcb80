"""Core pages: home, sign-in and sign-out, and the audit history of an object."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import audit
from .forms import ThrottledAuthenticationForm
from .models import District
from .permissions import Action, user_can


def home(request):
    """The 25 districts and the city-level bodies."""
    districts = District.objects.annotate(body_count=Count("bodies")).order_by("name_ko")
    city_bodies = []
    if apps.is_installed("hyeopchi.bodies"):
        # Looked up by name so that core does not import a higher app.
        body_model = apps.get_model("bodies", "Body")
        city_bodies = body_model.objects.filter(scope="city").select_related("parent")
    return render(request, "core/home.html", {"districts": districts, "city_bodies": city_bodies})


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"


class LogoutView(auth_views.LogoutView):
    template_name = "registration/logged_out.html"


def _district_of(obj) -> int | None:
    district_id = getattr(obj, "district_id", None)
    if district_id is None and hasattr(obj, "audit_district_id"):
        district_id = obj.audit_district_id
    return district_id


def _is_published(obj) -> bool:
    return getattr(obj, "published", None) is True or getattr(obj, "status", None) == "published"


def history(request, label: str, pk: str):
    """The append-only history of one object.

    Staff of the object's district (and city officers) see everything; others see the
    history of published items only, without who made each change.
    """
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    config = model._meta.app_config
    if not config.name.startswith("hyeopchi.") or config.label == "core":
        raise Http404
    try:
        obj = get_object_or_404(model, pk=pk)
    except (ValueError, TypeError):
        raise Http404 from None
    private = user_can(request.user, Action.VIEW_PRIVATE, _district_of(obj))
    if not private and not _is_published(obj):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return render(
        request,
        "core/history.html",
        {
            "object": obj,
            "object_label": model._meta.verbose_name,
            "events": audit.history(obj),
            "private": private,
        },
    )
