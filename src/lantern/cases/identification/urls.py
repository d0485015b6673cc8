"""The identification pages, in the case registry's namespace (before the case page's `<reference>/`)."""

from django.urls import path

from lantern.cases.identification import views

urlpatterns = [
    path("anonymous-notifications/", views.notifications_view, name="notifications"),
    path("<str:reference>/indicators/", views.checklist_view, name="indicators"),
]
