"""Pages of budget change requests (사업비 변경)."""

from django.urls import path

from . import views_changes as views

app_name = "plan_changes"
urlpatterns = [
    path("plans/<int:pk>/changes/", views.change_list, name="list"),
    path("plans/<int:pk>/changes/new/", views.change_create, name="create"),
    path("plans/changes/<int:pk>/", views.change_detail, name="detail"),
    path("plans/changes/<int:pk>/decide/", views.change_decide, name="decide"),
    path("plans/changes/<int:pk>/consult/", views.change_consult, name="consult"),
    path("plans/changes/<int:pk>/withdraw/", views.change_withdraw, name="withdraw"),
]
