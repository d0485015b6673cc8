from django.urls import path

from lantern.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.log_view, name="log"),
    path("case/<str:reference>/", views.case_log_view, name="case_log"),
    path("deliveries/<int:delivery_id>/retry/", views.retry_view, name="retry"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("templates/", views.templates_view, name="templates"),
]
