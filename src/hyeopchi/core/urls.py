# No namespace: settings name LOGIN_URL = "login" and LOGIN_REDIRECT_URL = "home".
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("history/<str:label>/<str:pk>/", views.history, name="history"),
]
