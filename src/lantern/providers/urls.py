from django.urls import path

from lantern.providers import views

app_name = "providers"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("review/", views.review_view, name="review"),
    path("<int:organisation_id>/status/", views.status_view, name="status"),
    path("<int:organisation_id>/offers/new/", views.offer_new_view, name="offer_new"),
    path("offers/<int:offering_id>/translation/", views.translation_view, name="translation"),
]
