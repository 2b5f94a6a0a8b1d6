from django.urls import path

from refuge.channels import views

app_name = "channels"
urlpatterns = [
    path("contacts/<int:contact_id>/invite/", views.invite, name="invite"),
    path("settings/", views.channel_settings, name="settings"),
    path("settings/email/", views.save_email, name="save_email"),
    path("settings/telegram/", views.save_telegram, name="save_telegram"),
    path("settings/<str:channel>/check/", views.check, name="check"),
]
