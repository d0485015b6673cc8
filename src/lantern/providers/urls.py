from django.urls import path

from lantern.providers import views

app_name = "providers"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<int:organisation_id>/status/", views.status_view, name="status"),
]
