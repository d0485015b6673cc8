from django.urls import URLPattern, path

from lantern.insights import views, views_publication

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard_view, name="dashboard"),
    path("indicators/", views.indicators_view, name="indicators"),
    path("impact/", views.impact_view, name="impact"),
]

# Privacy-safe publication
urlpatterns += [
    path("publication/", views_publication.publication_view, name="publication"),
    path("publication/policy/", views_publication.publication_policy_view, name="publication_policy"),
    path("publication/ctdc-k11.csv", views_publication.ctdc_download_view, name="publication_ctdc"),
    path("publication/<int:release_id>/", views_publication.publication_release_view, name="publication_release"),
    path(
        "publication/<int:release_id>/table.csv",
        views_publication.publication_download_view,
        {"name": "table.csv"},
        name="publication_table",
    ),
    path(
        "publication/<int:release_id>/chart.svg",
        views_publication.publication_download_view,
        {"name": "chart.svg"},
        name="publication_chart",
    ),
    path(
        "publication/<int:release_id>/note.md",
        views_publication.publication_download_view,
        {"name": "note.md"},
        name="publication_note",
    ),
]
