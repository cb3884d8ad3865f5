from django.contrib import admin
from django.urls import include, path

from legwork import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("legwork.accounts.urls")),
    path("", include("legwork.coaching.urls")),
    path("", include("legwork.homework.urls")),
    path("", include("legwork.practice.urls")),
    path("", include("legwork.notebook.urls")),
    path("", include("legwork.exercises.urls")),
    path("", include("legwork.reminders.urls")),
    path("", include("legwork.insights.urls")),
    path("", include("legwork.conversation.urls")),  # threads and acknowledgements
    path("", include("legwork.quality.urls")),  # quality, check-ins, steps (issue 14)
    path("", include("legwork.exports.urls")),
    path("", include("legwork.api.urls")),
    path("", include("legwork.phone.urls")),  # the manifest and service worker at the site root
    # Running it for real: health page and Prometheus metrics (issue 17).
    path("", include("legwork.ops.urls")),
    path("", include("legwork.webhooks.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ Django's own error answers are JSON too (legwork/api/errors.py).
handler400 = "legwork.api.errors.bad_request"
handler403 = "legwork.api.errors.permission_denied"
handler404 = "legwork.api.errors.page_not_found"
handler500 = "legwork.api.errors.server_error"
