from django.urls import path, re_path

from lantern.portal import views

app_name = "portal"

LANG = r"(?P<lang>[a-z]{2,3})"

urlpatterns = [
    path("", views.language_pick, name="pick"),
    # Staff pages first: "staff" is never a language code.
    path("staff/messages/", views.messages_view, name="messages"),
    path("staff/messages/<int:message_id>/<str:language>/", views.message_edit_view, name="message_edit"),
    path("staff/call-backs/", views.intakes_view, name="intakes"),
    path("staff/call-backs/<int:intake_id>/", views.intake_view, name="intake"),
    path("staff/call-backs/<int:intake_id>/<str:action>/", views.intake_action_view, name="intake_action"),
    re_path(rf"^{LANG}/$", views.home_view, name="home"),
    re_path(rf"^{LANG}/services/$", views.services_view, name="services"),
    re_path(rf"^{LANG}/call-back/$", views.callback_view, name="callback"),
    re_path(rf"^{LANG}/safety/$", views.safety_view, name="safety"),
]
