"""Pages of agendas (의제) and priority rounds."""

app_name = "agendas"
urlpatterns: list = []
