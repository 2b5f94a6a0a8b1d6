from django.urls import path

from refuge.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.rota_view, name="rota"),
    path("shifts/add/", views.add_shift_view, name="add_shift"),
    path("shifts/<int:shift_id>/remove/", views.remove_shift_view, name="remove_shift"),
    path("settings/", views.alarm_settings_view, name="settings"),
    path("settings/telegram/link/", views.link_telegram_view, name="link_telegram"),
    path("settings/telegram/unlink/", views.unlink_telegram_view, name="unlink_telegram"),
]
