from django.urls import path

from refuge.accounts import preference_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.code_view, name="code"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("password/", views.password_change_view, name="password_change"),
    path("operators/", views.operator_list_view, name="operators"),
    path("operators/new/", views.operator_create_view, name="operator_create"),
    path("operators/<int:operator_id>/", views.operator_edit_view, name="operator_edit"),
    path("operators/<int:operator_id>/reset/", views.operator_reset_view, name="operator_reset"),
    path("operators/<int:operator_id>/unlock/", views.operator_unlock_view, name="operator_unlock"),
    path(
        "operators/<int:operator_id>/lift-delay/",
        views.operator_lift_delay_view,
        name="operator_lift_delay",
    ),
    path("reopen/", views.reopen_view, name="reopen"),
    path("duress/", views.duress_password_view, name="duress_password"),
    path("emergency-lock/", views.emergency_lock_view, name="emergency_lock"),
    path("settings/", preference_views.preferences_view, name="preferences"),
    path("language/", preference_views.language_view, name="language"),
]
