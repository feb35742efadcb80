"""Pages of the plan cycle, plans, tasks, indicators and budget lines."""

from django.urls import path

from . import cycle_views, views_plans

app_name = "plans"
urlpatterns = [
    # cycle
    path("plans/cycles/", cycle_views.city_cycles, name="city_cycles"),
    path("districts/<str:code>/cycle/<int:year>/", cycle_views.district_cycle, name="cycle"),
    path("districts/<str:code>/cycle/<int:year>/open/", cycle_views.cycle_open, name="cycle_open"),
    path(
        "districts/<str:code>/cycle/<int:year>/stages/add/", cycle_views.stage_add, name="stage_add"
    ),
    path("plans/stages/<int:pk>/edit/", cycle_views.stage_edit, name="stage_edit"),
    path("plans/stages/<int:pk>/remove/", cycle_views.stage_remove, name="stage_remove"),
    # plans
    path("districts/<str:code>/plans/", views_plans.plan_list, name="list"),
    path("districts/<str:code>/plans/new/", views_plans.plan_create, name="create"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="edit"),
    path("plans/sections/<int:pk>/edit/", views_plans.section_edit, name="section_edit"),
    path("plans/<int:pk>/goals/add/", views_plans.goal_add, name="goal_add"),
    path("plans/goals/<int:pk>/remove/", views_plans.goal_remove, name="goal_remove"),
    path(
        "plans/<int:pk>/declarations/",
        views_plans.declaration_confirm,
        name="declaration_confirm",
    ),
    # tasks, indicators, budget lines
    path("plans/<int:pk>/tasks/new/", views_plans.task_create, name="task_create"),
    path("plans/tasks/<int:pk>/", views_plans.task_detail, name="task"),
    path("plans/tasks/<int:pk>/edit/", views_plans.task_edit, name="task_edit"),
    path(
        "plans/tasks/<int:pk>/indicators/new/",
        views_plans.indicator_create,
        name="indicator_create",
    ),
    path("plans/indicators/<int:pk>/edit/", views_plans.indicator_edit, name="indicator_edit"),
    path("plans/tasks/<int:pk>/lines/new/", views_plans.line_create, name="line_create"),
    path("plans/tasks/<int:pk>/lines/check/", views_plans.line_check, name="line_check"),
    path("plans/lines/<int:pk>/edit/", views_plans.line_edit, name="line_edit"),
    path("plans/lines/<int:pk>/remove/", views_plans.line_remove, name="line_remove"),
]
