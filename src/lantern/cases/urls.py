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
    path(f"{R}/journey/", views.journey_event_add_view, name="journey_add"),
    path(f"{R}/journey/<int:event_id>/remove/", views.journey_event_remove_view, name="journey_remove"),
    path(f"{R}/perpetrators/", views.perpetrator_add_view, name="perpetrator_add"),
    path(f"{R}/perpetrators/<int:perpetrator_id>/remove/", views.perpetrator_remove_view, name="perpetrator_remove"),
    path(f"{R}/plan/", views.plan_step_view, {"step": "plan"}, name="plan"),
    path(f"{R}/plan/actions/", views.plan_step_view, {"step": "plan_action"}, name="plan_action"),
    path(f"{R}/plan/actions/<int:action_id>/", views.plan_action_update_view, name="plan_action_update"),
    path(f"{R}/plan/agreement/", views.plan_step_view, {"step": "plan_agree"}, name="plan_agree"),
    path(f"{R}/plan/reviews/", views.plan_step_view, {"step": "plan_review"}, name="plan_review"),
    path(f"{R}/declined/", views.plan_step_view, {"step": "decline"}, name="decline"),
    path(f"{R}/declined/<int:declined_id>/withdraw/", views.decline_withdraw_view, name="decline_withdraw"),
    path(f"{R}/safety-plan/", views.plan_step_view, {"step": "safety_plan"}, name="safety_plan"),
    path(f"{R}/mediators/", views.plan_step_view, {"step": "mediator"}, name="mediator"),
    path(f"{R}/languages/", views.plan_step_view, {"step": "languages"}, name="languages"),
    path(f"{R}/assign-to-me/", views.assign_to_me_view, name="assign_to_me"),
    path(f"{R}/assign/", views.assign_view, name="assign"),
    path(f"{R}/transfer/", views.transfer_view, name="transfer"),
    path(f"{R}/permits/", views.permit_view, name="permit"),
    path(f"{R}/removal/", views.removal_view, name="removal"),
    path(f"{R}/removal/<int:risk_id>/resolve/", views.removal_resolve_view, name="removal_resolve"),
    path(f"{R}/charges/", views.charge_view, name="charge"),
    path(f"{R}/charges/<int:charge_id>/request/", views.np_request_view, name="np_request"),
    path(f"{R}/non-punishment/<int:request_id>/decide/", views.np_decide_view, name="np_decide"),
]
