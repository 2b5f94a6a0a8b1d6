from django.urls import URLPattern, URLResolver, path

from refuge.documentation.views import events, evidence, imports, lists

app_name = "documentation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", events.event_list, name="events"),
    path("events/<int:event_id>/", events.event_detail, name="event"),
    path("events/<int:event_id>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:event_id>/share/", events.event_share, name="event_share"),
    path("testimony/", events.take_testimony, name="testimony"),
    path("events/<int:event_id>/source/", events.take_testimony, name="event_source"),
    path("events/<int:event_id>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path("acts/", lists.act_list, name="acts"),
    path("acts/export.<str:file_format>", lists.act_export, name="acts_export"),
    path("acts/<int:act_id>/verify/", events.act_verify, name="act_verify"),
    path("victims/<int:victim_id>/", events.victim_detail, name="victim"),
    path("victims/<int:victim_id>/link/", events.victim_link, name="victim_link"),
    path("victims/<int:victim_id>/attributes/", events.victim_attributes, name="victim_attributes"),
    path("sources/<int:source_id>/delete/", events.source_delete, name="source_delete"),
    path("places/", events.place_list, name="places"),
    path("import/", imports.import_list, name="import"),
    path("evidence/<int:evidence_id>/", evidence.evidence_detail, name="evidence"),
    path(
        "evidence/<int:evidence_id>/download/", evidence.evidence_download, name="evidence_download"
    ),
    path("evidence/<int:evidence_id>/export/", evidence.evidence_export, name="evidence_export"),
    path("evidence/<int:evidence_id>/destroy/", evidence.evidence_destroy, name="evidence_destroy"),
]
