from django.urls import URLPattern

app_name = "insights"

urlpatterns: list[URLPattern] = []
