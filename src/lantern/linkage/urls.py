from django.urls import path

from lantern.linkage import views

app_name = "linkage"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("encode/", views.encode_view, name="encode"),
]
