"""Pages of the plan cycle, plans, tasks, indicators and budget lines."""

app_name = "plans"
urlpatterns: list = []
