from django.urls import URLPattern, URLResolver, path

from refuge.intake import views

app_name = "intake"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report, name="report"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/open/", views.mailbox_open, name="mailbox_open"),
    path("mailbox/write/", views.mailbox_write, name="mailbox_write"),
    path("mailbox/leave/", views.mailbox_leave, name="mailbox_leave"),
    path("mailbox/erase/", views.mailbox_erase, name="mailbox_erase"),
    path("exit/", views.quick_exit, name="quick_exit"),
]
