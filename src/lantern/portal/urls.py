from django.conf import settings
from django.urls import path, re_path

from lantern.portal import views

app_name = "portal"

# Only the portal's languages: any other address falls through to the portal's own "not found".
LANG = "(?P<lang>" + "|".join(code for code, _name in settings.PORTAL_LANGUAGES) + ")"

urlpatterns = [
    path("", views.language_pick, name="pick"),
    # Staff pages first: "staff" is never a language code.
    path("staff/messages/", views.messages_view, name="messages"),
    # A language code is the only word in a portal URL; nothing typed by a person ever is.
    re_path(
        r"^staff/messages/(?P<message_id>[0-9]+)/(?P<language>[a-z]{2,3})/$",
        views.message_edit_view,
        name="message_edit",
    ),
    path("staff/call-backs/", views.intakes_view, name="intakes"),
    path("staff/call-backs/<int:intake_id>/", views.intake_view, name="intake"),
    *(
        path(
            f"staff/call-backs/<int:intake_id>/{action}/",
            views.intake_action_view,
            {"action": action},
            name=f"intake_{action}",
        )
        for action in ("case", "close")
    ),
    re_path(rf"^{LANG}/$", views.home_view, name="home"),
    re_path(rf"^{LANG}/services/$", views.services_view, name="services"),
    re_path(rf"^{LANG}/call-back/$", views.callback_view, name="callback"),
    re_path(rf"^{LANG}/safety/$", views.safety_view, name="safety"),
    # Anything else under the portal gets the portal's own "not found", which sets no cookie.
    re_path(r"^(?P<rest>.*)$", views.not_found_view, name="not_found"),
]
