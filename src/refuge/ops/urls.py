from django.urls import path

from refuge.ops import views

app_name = "ops"
urlpatterns = [
    path("scheduled-work/", views.scheduled_work_view, name="scheduled_work"),
]
