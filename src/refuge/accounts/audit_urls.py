from django.urls import path

from refuge.accounts import console_views

app_name = "audit"
urlpatterns = [
    path("", console_views.audit_log_view, name="log"),
]
