from django.urls import URLPattern, path

from lantern.insights import views

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard_view, name="dashboard"),
    path("indicators/", views.indicators_view, name="indicators"),
    path("impact/", views.impact_view, name="impact"),
]
