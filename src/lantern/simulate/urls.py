from django.urls import URLPattern, path

from lantern.simulate import views

app_name = "simulate"

urlpatterns: list[URLPattern] = [
    path("", views.simulate_view, name="page"),
    path("runs/<int:run_id>/", views.run_view, name="run"),
]
