"""The publication pages, under /insights/publication/ where they were when publication was part of insights."""

from django.urls import URLPattern, path

from lantern.publication import views

app_name = "publication"

urlpatterns: list[URLPattern] = [
    path("", views.publication_view, name="publish"),
    path("policy/", views.publication_policy_view, name="policy"),
    path("ctdc-k11.csv", views.ctdc_download_view, name="ctdc"),
    path("<int:release_id>/", views.publication_release_view, name="release"),
    path("<int:release_id>/table.csv", views.publication_download_view, {"name": "table.csv"}, name="table"),
    path("<int:release_id>/chart.svg", views.publication_download_view, {"name": "chart.svg"}, name="chart"),
    path("<int:release_id>/note.md", views.publication_download_view, {"name": "note.md"}, name="note"),
]
