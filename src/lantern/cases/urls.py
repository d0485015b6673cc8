from django.urls import path

from lantern.cases import views
from lantern.cases.identification import urls as identification

app_name = "cases"

R = "<str:reference>"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_register_view, name="register"),
    path("export.csv", views.case_list_export_view, name="export"),
    path("find-by-name/", views.case_find_by_name_view, name="find_by_name"),
    path("break-glass/", views.break_glass_view, name="break_glass"),
    *identification.urlpatterns,
    path("nrm/", views.nrm_status_view, name="nrm"),
    path(f"{R}/", views.case_detail_view, name="detail"),
    path(f"{R}/edit/", views.case_edit_view, name="edit"),
    path(f"{R}/notes/", views.note_add_view, name="note_add"),
    path(f"{R}/consents/", views.consent_give_view, name="consent_give"),
    path(f"{R}/consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path(f"{R}/needs/", views.needs_view, name="needs"),
    path(f"{R}/risk/", views.risk_view, name="risk"),
    path(f"{R}/refer/", views.refer_view, name="refer"),
    path(f"{R}/decisions/", views.decide_view, name="decide"),
    path(f"{R}/decisions/<int:decision_id>/serve/", views.serve_view, name="serve"),
    path(f"{R}/close/", views.close_view, name="close"),
    path(f"{R}/follow-up/", views.follow_up_view, name="follow_up"),
    path(f"{R}/reopen/", views.reopen_view, name="reopen"),
    path(f"{R}/returns/", views.return_plan_view, name="return_plan"),
    path(f"{R}/returns/<int:plan_id>/done/", views.return_step_view, {"step": "done"}, name="return_done"),
    path(
        f"{R}/returns/<int:plan_id>/follow-up/", views.return_step_view, {"step": "follow_up"}, name="return_follow_up"
    ),
    path(f"{R}/returns/<int:plan_id>/cancel/", views.return_step_view, {"step": "cancel"}, name="return_cancel"),
    path(f"{R}/age-assessments/", views.child_step_view, {"step": "age_assessment"}, name="age_assessment"),
    path(f"{R}/guardians/", views.child_step_view, {"step": "guardian"}, name="guardian"),
    path(f"{R}/child-views/", views.child_step_view, {"step": "child_views"}, name="child_views"),
    path(f"{R}/best-interests/", views.child_step_view, {"step": "best_interests"}, name="best_interests"),
    path(f"{R}/assign-to-me/", views.assign_to_me_view, name="assign_to_me"),
    path(f"{R}/assign/", views.assign_view, name="assign"),
    path(f"{R}/transfer/", views.transfer_view, name="transfer"),
]
