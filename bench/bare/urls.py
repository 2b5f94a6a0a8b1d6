from django.urls import path

from bench.bare import views

urlpatterns = [
    path("", views.report, name="report"),
    path("receipt/", views.receipt, name="receipt"),
]
