from django.urls import path

from refuge.cases.views import admin, cases, movement, parts

app_name = "cases"
C = "<int:case_id>/"
urlpatterns = [
    path("", cases.case_list, name="list"),
    path("mine/", cases.my_work, name="my_work"),
    path("export/anonymised.csv", cases.export_anonymised, name="export_anonymised"),
    path("open/<int:contact_id>/", cases.open_from_contact, name="open_from_contact"),
    path(C, cases.case_detail, name="detail"),
    path(C + "timeline/", cases.case_timeline, name="timeline"),
    path(C + "stage/", cases.change_stage, name="change_stage"),
    path(C + "reopen/", cases.reopen, name="reopen"),
    path(C + "lead/", admin.change_lead, name="change_lead"),
    path(C + "risk/", cases.edit_risk, name="edit_risk"),
    path(C + "verification/", parts.add_verification, name="add_verification"),
    path(C + "needs/new/", parts.save_need, name="add_need"),
    path(C + "needs/<int:need_id>/", parts.save_need, name="edit_need"),
    path(C + "notes/new/", parts.add_note, name="add_note"),
    path(C + "persons/new/", parts.save_person, name="add_person"),
    path(C + "persons/<int:person_id>/", parts.save_person, name="edit_person"),
    path(C + "persons/<int:person_id>/remove/", parts.remove_person, name="remove_person"),
    path(C + "persons/<int:person_id>/consent/", parts.record_consent, name="record_consent"),
    path(C + "persons/<int:person_id>/referral/", admin.request_referral, name="request_referral"),
    path(C + "tasks/new/", parts.add_task, name="add_task"),
    path(C + "tasks/<int:task_id>/", parts.edit_task, name="edit_task"),
    path("tasks/<int:task_id>/done/", parts.complete_task, name="complete_task"),
    path(C + "checkins/new/", parts.add_checkin, name="add_checkin"),
    path(C + "checkins/<int:checkin_id>/confirm/", parts.confirm_checkin, name="confirm_checkin"),
    path(C + "movements/new/", movement.plan_movement, name="plan_movement"),
    path(
        C + "movements/<int:movement_id>/arrived/", movement.confirm_arrival, name="confirm_arrival"
    ),
    path(C + "shelter/", movement.place_in_shelter, name="place_in_shelter"),
    path(C + "spending/new/", movement.request_spending, name="request_spending"),
    path(
        C + "spending/<int:spending_id>/<slug:decision>/",
        movement.decide_spending,
        name="decide_spending",
    ),
    path(C + "exposure/new/", movement.record_exposure, name="record_exposure"),
    path(C + "share/", admin.share, name="share"),
    path(C + "share/<int:operator_id>/remove/", admin.unshare, name="unshare"),
    path(
        C + "referrals/<int:referral_id>/package/", admin.download_package, name="download_package"
    ),
    path(
        C + "referrals/<int:referral_id>/<slug:decision>/",
        admin.decide_referral,
        name="decide_referral",
    ),
    path("referral-guide/", admin.referral_guide, name="referral_guide"),
    path("stages/", admin.stage_list, name="stages"),
    path("stages/<int:stage_id>/", admin.stage_list, name="edit_stage"),
    path("partners/", admin.partner_list, name="partners"),
    path("partners/<int:partner_id>/", admin.partner_list, name="edit_partner"),
    path("shelters/", admin.shelter_list, name="shelters"),
]
