from django.urls import path

from refuge.channels import views

app_name = "channels"
urlpatterns = [
    path("contacts/<int:contact_id>/invite/", views.invite, name="invite"),
]
