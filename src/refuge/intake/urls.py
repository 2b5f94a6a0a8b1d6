from django.urls import URLPattern, URLResolver, path

from refuge.intake import views

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report, name="report"),
    path("receipt/<slug:reference>/", views.receipt, name="receipt"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/open/", views.mailbox_open, name="mailbox_open"),
    path("mailbox/write/", views.mailbox_write, name="mailbox_write"),
    path("mailbox/leave/", views.mailbox_leave, name="mailbox_leave"),
]
