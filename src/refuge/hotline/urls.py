from django.urls import path

from refuge.hotline.views import contact, intake, profiles, queue, templates

app_name = "hotline"
urlpatterns = [
    path("", queue.queue_view, name="queue"),
    path("calls/new/", queue.call_view, name="call"),
    path("supervisor/", queue.supervisor_view, name="supervisor"),
    path("contacts/<int:contact_id>/", contact.contact_view, name="contact"),
    path("contacts/<int:contact_id>/take/", contact.take_view, name="take"),
    path("contacts/<int:contact_id>/hand-over/", contact.hand_over_view, name="hand_over"),
    path("contacts/<int:contact_id>/edit/", contact.edit_view, name="edit"),
    path("contacts/<int:contact_id>/reply/", contact.reply_view, name="reply"),
    path("contacts/<int:contact_id>/note/", contact.note_view, name="note"),
    path("files/<int:attachment_id>/", contact.attachment_view, name="attachment"),
    path("contacts/<int:contact_id>/close/", contact.close_view, name="close"),
    path("contacts/<int:contact_id>/merge/", contact.merge_view, name="merge"),
    path("contacts/<int:contact_id>/profile/new/", contact.new_profile_view, name="new_profile"),
    path("contacts/<int:contact_id>/profile/link/", contact.link_profile_view, name="link_profile"),
    path("profiles/<int:profile_id>/", profiles.profile_view, name="profile"),
    path(
        "profiles/<int:profile_id>/identifiers/",
        profiles.add_identifier_view,
        name="add_identifier",
    ),
    path("profiles/<int:profile_id>/flags/", profiles.add_flag_view, name="add_flag"),
    path("flags/<int:flag_id>/lift/", profiles.lift_flag_view, name="lift_flag"),
    path(
        "exposure-alerts/<int:alert_id>/warned/", profiles.resolve_alert_view, name="resolve_alert"
    ),
    path("intake-duty/", intake.intake_duty_view, name="intake_duty"),
    path("intake-duty/<int:operator_id>/", intake.set_intake_duty_view, name="set_intake_duty"),
    path("identifiers/<int:identifier_id>/reveal/", profiles.reveal_view, name="reveal"),
    path("templates/", templates.template_list_view, name="templates"),
    path("templates/new/", templates.template_edit_view, name="template_new"),
    path("templates/<int:template_id>/", templates.template_edit_view, name="template_edit"),
]
