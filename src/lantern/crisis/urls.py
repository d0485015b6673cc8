from django.urls import path

from lantern.crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("<int:crisis_id>/measures/", views.measure_add_view, name="measure_add"),
    path("<int:crisis_id>/end/", views.crisis_end_view, name="end"),
    path("measures/<int:measure_id>/end/", views.measure_end_view, name="measure_end"),
]
