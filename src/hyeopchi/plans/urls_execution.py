"""Pages of execution: quarterly progress reports, settlement, termination."""

from django.urls import path

from . import views_execution as views

app_name = "plan_execution"
urlpatterns = [
    path("plans/<int:pk>/reports/", views.report_list, name="reports"),
    path("plans/reports/<int:pk>/", views.report_detail, name="report"),
    path("plans/<int:pk>/settlement/", views.settlement, name="settlement"),
    path("plans/<int:pk>/settlement/submit/", views.settlement_submit, name="settlement_submit"),
    path("plans/<int:pk>/settlement/return/", views.settlement_return, name="settlement_return"),
    path("plans/<int:pk>/termination/", views.terminate, name="terminate"),
    path("plans/settlements/", views.settlement_list, name="settlements"),
]
