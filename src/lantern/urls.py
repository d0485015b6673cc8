from django.urls import include, path

from lantern.api import api
from lantern.core.views import healthz
from lantern.core.views_account import language_view

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", language_view, name="set_language"),
    path("cases/", include("lantern.cases.urls")),
    path("crisis/", include("lantern.crisis.urls")),
    path("services/", include("lantern.providers.urls")),
    path("referrals/", include("lantern.referrals.urls")),
    path("beds/", include("lantern.shelters.urls")),
    path("justice/", include("lantern.justice.urls")),
    path("notifications/", include("lantern.notify.urls")),
    # Publication keeps the addresses it had inside insights (decision 0011).
    path("insights/publication/", include("lantern.publication.urls")),
    path("insights/", include("lantern.insights.urls")),
    path("linkage/", include("lantern.linkage.urls")),
    path("preparedness/", include("lantern.preparedness.urls")),
    path("simulate/", include("lantern.simulate.urls")),
    path("help/", include("lantern.portal.urls")),
    path("", include("lantern.core.urls")),
]

handler400 = "lantern.core.errors.bad_request"
handler403 = "lantern.core.errors.permission_denied"
handler404 = "lantern.core.errors.page_not_found"
handler500 = "lantern.core.errors.server_error"
