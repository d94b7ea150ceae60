from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="field:login"), name="logout"),
    path("start/", views.landing, name="landing"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("orders/<int:pk>/", views.order_page, name="order"),
    path("orders/<int:pk>/accept/", views.accept, name="accept"),
    path("orders/<int:pk>/start/", views.start, name="start"),
    path("orders/<int:pk>/photos/", views.photos, name="photos"),
    path("orders/<int:pk>/parts/", views.part, name="part"),
    path("orders/<int:pk>/finish/", views.finish, name="finish"),
    path("orders/<int:pk>/call/", views.call, name="call"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
