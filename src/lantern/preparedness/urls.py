from django.urls import path

from lantern.preparedness import views

app_name = "preparedness"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("compare/", views.compare_view, name="compare"),
    path("actions/", views.actions_view, name="actions"),
    path("actions/<int:action_id>/status/", views.action_status_view, name="action_status"),
    path("roles/", views.roles_view, name="roles"),
    path("roles/<int:role_id>/acknowledge/", views.role_acknowledge_view, name="role_acknowledge"),
    path("<int:assessment_id>/", views.assessment_view, name="assessment"),
    path("<int:assessment_id>/submit/", views.submit_view, name="submit"),
    path("<int:assessment_id>/priorities/", views.priorities_view, name="priorities"),
    path("<int:assessment_id>/report/", views.report_view, name="report"),
    path("<int:assessment_id>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("<int:assessment_id>/items/<int:answer_id>/", views.item_view, name="item"),
]
