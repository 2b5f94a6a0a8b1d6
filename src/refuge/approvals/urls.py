from django.urls import path

from refuge.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("<int:action_id>/", views.action_detail, name="detail"),
    path("<int:action_id>/confirm/", views.action_confirm, name="confirm"),
    path("<int:action_id>/refuse/", views.action_refuse, name="refuse"),
]
