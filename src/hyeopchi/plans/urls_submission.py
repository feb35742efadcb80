"""Pages of a plan's approval, submission, review, selection, agreement and payment."""

from django.urls import path

from . import views_submission as views

app_name = "submission"
urlpatterns = [
    path("plans/received/", views.receipts, name="receipts"),
    path("plans/<int:pk>/submission/", views.detail, name="detail"),
    path("plans/<int:pk>/versions/compare/", views.compare, name="compare"),
    path("plans/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("plans/<int:pk>/approve/", views.approve, name="approve"),
    path("plans/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("plans/<int:pk>/submit/", views.submit, name="submit"),
    path("plans/<int:pk>/late-exception/", views.exception, name="exception"),
    path("plans/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("plans/<int:pk>/revision/", views.revision, name="revision"),
    path("plans/<int:pk>/select/", views.select, name="select"),
    path("plans/<int:pk>/pb-approval/", views.pb_approve, name="pb_approve"),
    path("plans/<int:pk>/agreement/", views.agree, name="agree"),
    path("plans/<int:pk>/disbursement/", views.disburse, name="disburse"),
]
