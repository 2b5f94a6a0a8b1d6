from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "refuge.approvals"
    label = "approvals"
