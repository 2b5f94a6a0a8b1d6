from django.urls import URLPattern, URLResolver, path

from refuge.documentation.views import events, evidence, lists

app_name = "documentation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", events.event_list, name="events"),
    path("events/<int:event_id>/", events.event_detail, name="event"),
    path("testimony/", events.testimony, name="testimony"),
    path("events/<int:event_id>/source/", events.testimony, name="event_source"),
    path("events/<int:event_id>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("acts/", lists.act_list, name="acts"),
    path("acts/export.<str:file_format>", lists.act_export, name="acts_export"),
    path("acts/<int:act_id>/verify/", events.act_verify, name="act_verify"),
    path("victims/<int:victim_id>/", events.victim_detail, name="victim"),
    path("places/", events.place_list, name="places"),
    path("evidence/<int:evidence_id>/", evidence.evidence_detail, name="evidence"),
    path("evidence/<int:evidence_id>/download/", evidence.evidence_download,
         name="evidence_download"),
    path("evidence/<int:evidence_id>/export/", evidence.evidence_export, name="evidence_export"),
]
