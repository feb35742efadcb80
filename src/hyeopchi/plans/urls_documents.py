"""Downloads of a plan's official documents (plan PDF, budget XLSX, 서식 2-1 … 3-2)."""

from django.urls import path

from . import views_documents as views

app_name = "plan_documents"
urlpatterns = [
    path("plans/<int:pk>/documents/", views.documents_index, name="index"),
    path("plans/<int:pk>/documents/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/documents/budget.xlsx", views.budget_xlsx, name="budget_xlsx"),
    path("plans/<int:pk>/documents/form-2-1/", views.application_form, name="form_2_1"),
    path("plans/<int:pk>/documents/form-2-2.pdf", views.discussion_roster_pdf, name="form_2_2"),
    path("plans/<int:pk>/documents/form-3-1/", views.submission_form, name="form_3_1"),
    path("plans/<int:pk>/documents/form-3-2.pdf", views.council_roster_pdf, name="form_3_2"),
]
