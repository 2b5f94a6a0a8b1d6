"""Events, the testimony form, act verification, victims and places."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.selectors import pending_request
from refuge.core.errors import DomainError
from refuge.documentation import permissions, selectors
from refuge.documentation.choices import AgeGroup, Gender
from refuge.documentation.consent import ConsentBook, case_consent_of
from refuge.documentation.destruction import DELETE_SOURCE, SourceDeletion
from refuge.documentation.forms import (
    ConsentForm,
    EventForm,
    EvidenceForm,
    PlaceForm,
    SourceDeleteForm,
    TestimonyForm,
    VerifyForm,
    VictimAttributesForm,
    VictimLinkForm,
)
from refuge.documentation.models import Event, Place
from refuge.documentation.services import reads
from refuge.documentation.services.acts import verify_act
from refuge.documentation.services.case_links import link_victim, linkable_cases
from refuge.documentation.services.events import update_event
from refuge.documentation.services.places import PlaceInput, create_custom_place, find_place
from refuge.documentation.services.records import (
    EventInput,
    SourceInput,
    record_consent,
    request_source_deletion,
    source_removal,
    update_victim_attributes,
)
from refuge.documentation.services.sharing import share_event_with_team
from refuge.documentation.services.testimony import NewPerpetrator, Testimony, record_testimony
from refuge.vault import api as vault

DOCUMENT = Capability.DOCUMENT


@operator_required(DOCUMENT)
def event_list(request: OperatorRequest) -> HttpResponse:
    return render(
        request, "documentation/event_list.html", {"events": selectors.events_list()[:500]}
    )


@operator_required(DOCUMENT)
def event_detail(request: OperatorRequest, event_id: int) -> HttpResponse:
    event = permissions.get_event_for(request.user, event_id)
    dossier = reads.read_event(request.user, event)
    book = ConsentBook.for_records([], dossier.sources)
    return render(
        request,
        "documentation/event_detail.html",
        {
            "withheld_sources": {source.pk for source in dossier.sources if not book.keeps(source)},
            "my_cases": set(linkable_cases(request.user).values_list("pk", flat=True)),
            "dossier": dossier,
            "event": event,
            "evidence_form": EvidenceForm(),
        },
    )


def _new_event(data: dict[str, Any]) -> EventInput | None:
    if "event_type" not in data:
        return None
    return EventInput(
        event_type=data["event_type"],
        title=data["title"],
        description=data["description"],
        start_date=data["start_date"],
        end_date=data["end_date"],
        date_precision=data["date_precision"],
        place=find_place(data["place"]),
    )


def _testimony(data: dict[str, Any], event: Event | None) -> Testimony:
    name = data["new_perpetrator_name"].strip()
    return Testimony(
        source=SourceInput(
            kind=data["source_kind"],
            origin_name=data["origin_name"],
            summary=data["summary"],
            received_on=data["received_on"],
            contact_ref=data["contact_ref"],
            case=data["case"],
            given_by=data["given_by"],
        ),
        violations=data["violations"],
        event=event,
        new_event=_new_event(data),
        existing_victims=[*data.get("victims", []), *data["victim_pseudonyms"]],
        new_victim_names=data["new_victims"],
        new_victims_gender=data.get("new_victims_gender") or Gender.UNKNOWN,
        new_victims_age_group=data.get("new_victims_age_group") or AgeGroup.UNKNOWN,
        existing_perpetrators=list(data["perpetrators"]),
        new_perpetrator=NewPerpetrator(
            name=name,
            kind=data["new_perpetrator_kind"],
            affiliation=data["new_perpetrator_affiliation"],
        )
        if name
        else None,
        perpetrator_role=data["perpetrator_role"],
        giver_is_victim=data["giver_is_victim"],
    )


def _references(request: HttpRequest) -> dict[str, int]:
    """?contact=12&case=3&person=5 from the hotline or a case: the testimony is linked without
    retyping (the form offers only cases shared with the operator)."""
    fields = (("contact_ref", "contact"), ("case", "case"), ("given_by", "person"))
    return {
        field: int(value)
        for field, name in fields
        if (value := request.GET.get(name, "")).isdigit() and len(value) < 12
    }


@operator_required(DOCUMENT)
@require_http_methods(["GET", "POST"])
def take_testimony(request: OperatorRequest, event_id: int | None = None) -> HttpResponse:
    """New event from a call, or (event_id) one more source for an existing event."""
    event = permissions.get_event_for(request.user, event_id) if event_id else None
    if event is not None and request.method == "POST":
        permissions.require_readable(event)
    form = TestimonyForm(
        request.POST or None, operator=request.user, event=event, initial=_references(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = record_testimony(
                actor=request.user, testimony=_testimony(form.cleaned_data, event)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Recorded %(source)s: %(count)d act(s) linked.")
                % {"source": result.source.reference, "count": len(result.acts)},
            )
            return redirect("documentation:event", event_id=result.event.pk)
    if event is not None and request.method == "GET":
        victims = form.fields["victims"].queryset  # type: ignore[attr-defined]
        reads.shown_in_form(request.user, *victims, event=event.pk)  # names shown as choices
    return render(
        request,
        "documentation/testimony_form.html",
        {
            "form": form,
            "event": event,
            "places": Place.objects.all(),
        },
    )


@operator_required(DOCUMENT)
@require_http_methods(["GET", "POST"])
def event_edit(request: OperatorRequest, event_id: int) -> HttpResponse:
    event = permissions.get_event_for(request.user, event_id)
    if not vault.can_read(event.envelope_id):
        messages.error(request, _("This event is not shared with you."))
        return redirect("documentation:event", event_id=event.pk)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = EventInput(
                place=find_place(data["place"]),
                **{
                    name: data[name]
                    for name in (
                        "event_type",
                        "title",
                        "description",
                        "start_date",
                        "end_date",
                        "date_precision",
                    )
                },
            )
            update_event(actor=request.user, event=event, changes=changes, version=data["version"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("documentation:event", event_id=event.pk)
    else:
        reads.shown_in_form(request.user, event, form="edit")
    return render(
        request,
        "documentation/event_form.html",
        {"form": form, "event": event, "places": Place.objects.all()},
    )


@operator_required(DOCUMENT)
@require_POST
def event_share(request: OperatorRequest, event_id: int) -> HttpResponse:
    event = permissions.get_event_for(request.user, event_id)
    added = share_event_with_team(actor=request.user, event=event)
    messages.success(request, _("Shared with the team: %(count)d new grant(s).") % {"count": added})
    return redirect("documentation:event", event_id=event.pk)


@operator_required(DOCUMENT)
@require_POST
def act_verify(request: OperatorRequest, act_id: int) -> HttpResponse:
    act = permissions.get_act_for(request.user, act_id)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the act is verified."))
    else:
        try:
            verify_act(
                actor=request.user,
                act=act,
                reasoning=form.cleaned_data["reasoning"],
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        except vault.VaultError:
            messages.error(request, _("This event is not shared with you."))
        else:
            messages.success(request, _("The act is marked verified."))
    return redirect("documentation:event", event_id=act.event_id)


@operator_required(DOCUMENT)
@require_http_methods(["GET", "POST"])
def victim_detail(request: OperatorRequest, victim_id: int) -> HttpResponse:
    victim = permissions.get_victim_for(request.user, victim_id)
    if request.method == "POST":
        permissions.require_readable(victim)
    form = ConsentForm(request.POST or None, initial={"consents": victim.consent_identified_use})
    if request.method == "POST" and form.is_valid():
        try:
            record_consent(
                actor=request.user, victim=victim, consents=form.cleaned_data["consents"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Consent recorded."))
        return redirect("documentation:victim", victim_id=victim.pk)
    acts = reads.read_victim(request.user, victim)
    case_consent = case_consent_of(victim, request.user)
    link_form = VictimLinkForm(operator=request.user, initial={"person": victim.case_person_id})
    can_link = link_form.has_choices() and (case_consent is None or case_consent.case is not None)
    return render(
        request,
        "documentation/victim_detail.html",
        {
            "victim": victim,
            "form": form,
            "acts": acts,
            "case_consent": case_consent,
            "link_form": link_form if can_link else None,
            "attributes_form": VictimAttributesForm(
                initial={"gender": victim.gender, "age_group": victim.age_group}
            ),
        },
    )


@operator_required(DOCUMENT)
@require_http_methods(["GET", "POST"])
def source_delete(request: OperatorRequest, source_id: int) -> HttpResponse:
    """Say what deleting the source changes; ask for it, with a reason (a second person
    confirms, refuge.approvals)."""
    source = permissions.get_source_for(request.user, source_id)
    removal = source_removal(source)
    back = removal.acts[0].event_id if removal.acts else None
    form = SourceDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = request_source_deletion(
                actor=request.user, source=source, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _after_request(request, action, back)
    if request.method == "GET":
        reads.shown_in_form(request.user, source, form="delete")
    return render(
        request,
        "documentation/source_delete.html",
        {
            "source": source,
            "removal": removal,
            "form": form,
            "back": back,
            "readable": vault.can_read(source.envelope_id),
            "pending": pending_request(DELETE_SOURCE, source),
            "consent_withdrawn": SourceDeletion().fast_path(request.user, source, {}) is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _after_request(request: HttpRequest, action: PendingAction, back: int | None) -> HttpResponse:
    if action.status == ActionStatus.DONE_AT_ONCE:
        messages.success(
            request,
            _("%(source)s is deleted: its giver withdrew consent to keep it.")
            % {"source": action.reference},
        )
        return (
            redirect("documentation:event", event_id=back)
            if back
            else redirect("documentation:events")
        )
    messages.success(
        request,
        _(
            "Deletion of %(source)s requested: nothing is deleted until a "
            "coordinator or a lawyer confirms it."
        )
        % {"source": action.reference},
    )
    return redirect("approvals:detail", action_id=action.pk)


@operator_required(DOCUMENT)
@require_POST
def victim_link(request: OperatorRequest, victim_id: int) -> HttpResponse:
    """Say which person of a case (shared with the operator) this victim is, or none."""
    victim = permissions.get_victim_for(request.user, victim_id)
    permissions.require_readable(victim)
    form = VictimLinkForm(request.POST, operator=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a person of a case shared with you."))
    else:
        link_victim(actor=request.user, victim=victim, person=form.cleaned_data["person"])
        messages.success(request, _("The link to the case file is saved."))
    return redirect("documentation:victim", victim_id=victim.pk)


@operator_required(DOCUMENT)
@require_POST
def victim_attributes(request: OperatorRequest, victim_id: int) -> HttpResponse:
    """Record a victim's gender and age group (only someone the victim is sealed to)."""
    victim = permissions.get_victim_for(request.user, victim_id)
    permissions.require_readable(victim)
    form = VictimAttributesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a gender and an age group from the lists."))
    else:
        update_victim_attributes(
            actor=request.user,
            victim=victim,
            gender=form.cleaned_data["gender"],
            age_group=form.cleaned_data["age_group"],
        )
        messages.success(request, _("Gender and age group saved."))
    return redirect("documentation:victim", victim_id=victim.pk)


@operator_required(DOCUMENT)
@require_http_methods(["GET", "POST"])
def place_list(request: OperatorRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = create_custom_place(actor=request.user, place=PlaceInput(**form.cleaned_data))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Place added: %(name)s") % {"name": place})
            return redirect("documentation:places")
    places = Place.objects.select_related("parent").order_by("kind", "name_en")
    return render(request, "documentation/place_list.html", {"places": places, "form": form})
