from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from refuge.core import views as core_views
from refuge.ops import views as ops_views

# Public pages are Russian at "/" and English under "/en/": one link, no language cookie.
urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
]
urlpatterns += i18n_patterns(
    path("", include("refuge.intake.urls")),
    path("console/", include("refuge.accounts.console_urls")),
    path("console/accounts/", include("refuge.accounts.urls")),
    path("console/audit/", include("refuge.accounts.audit_urls")),
    path("console/approvals/", include("refuge.approvals.urls")),
    path("console/hotline/", include("refuge.hotline.urls")),
    path("console/channels/", include("refuge.channels.urls")),
    path("console/cases/", include("refuge.cases.urls")),
    path("console/documentation/", include("refuge.documentation.urls")),
    path("console/analysis/", include("refuge.analysis.urls")),
    path("console/oncall/", include("refuge.oncall.urls")),
    path("console/ops/", include("refuge.ops.urls")),
    prefix_default_language=False,
)

handler400 = "refuge.core.views.bad_request"
# Refusals are audited (a 403, a 404 on an existing object), then shown as usual.
handler403 = "refuge.audit.denials.permission_denied"
handler404 = "refuge.audit.denials.page_not_found"
handler500 = "refuge.core.views.server_error"
