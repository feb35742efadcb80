"""Pages of forums (공론장), their statistics and the quarterly process-management sheet."""

app_name = "forums"
urlpatterns: list = []
