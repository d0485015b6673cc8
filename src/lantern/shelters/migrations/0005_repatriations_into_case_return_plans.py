"""A shelter's repatriation becomes the case's return plan (docs/decisions/0014): each row is copied into
cases.ReturnPlan with its country, days, status and the person's own request, then the shelters table goes.

The rows were recorded before the pre-return risk assessment and the receiving organisation existed: those stay
blank on the copy (the case page shows a dash). A repatriation still open on a case that has an open return plan
of its own already is copied as cancelled: one open plan per case, and the caseworker's is the fuller one."""

from django.db import migrations

OPEN = ("planned", "blocked")


def copy_into_return_plans(apps, schema_editor):
    Repatriation = apps.get_model("shelters", "Repatriation")
    ReturnPlan = apps.get_model("cases", "ReturnPlan")
    for old in Repatriation.objects.select_related("stay").order_by("pk"):
        status = old.status
        case_id = old.stay.case_id
        if status in OPEN and ReturnPlan.objects.filter(case_id=case_id, status__in=OPEN).exists():
            status = "cancelled"
        ReturnPlan.objects.create(
            case_id=case_id,
            country=old.country,
            planned_on=old.planned_on,
            status=status,
            blocked_since=old.blocked_since,
            done_on=old.done_on,
            own_request=old.own_request,
            own_request_text=old.own_request_text,
            risk_level="",
            planned_by=None,
            planned_at=old.stay.admitted_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("shelters", "0004_residents_in_regular_beds_out_of_quarantine"),
        ("cases", "0022_return_despite_removal_order_removal_carried_out"),
    ]

    operations = [
        migrations.RunPython(copy_into_return_plans, migrations.RunPython.noop),
        migrations.DeleteModel(name="Repatriation"),
    ]
