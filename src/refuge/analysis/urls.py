from django.urls import path

from refuge.analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("report.csv", views.report_csv_view, name="report_csv"),
    path("report.pdf", views.report_pdf_view, name="report_pdf"),
    path("estimate/", views.estimate_view, name="estimate"),
    path("review/", views.review_view, name="review"),
    path("review/<int:candidate_id>/", views.decide_view, name="decide"),
    path("people/", views.clusters_view, name="clusters"),
    path("people/run/", views.run_linkage_view, name="run_linkage"),
    path("people/<int:run_id>/<int:person>/split/", views.split_view, name="split"),
    path("people/<int:run_id>/<int:person>/merge/", views.merge_view, name="merge"),
]
