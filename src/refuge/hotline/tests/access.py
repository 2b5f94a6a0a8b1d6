"""Access expectations for the hotline console (merged by tests/test_access_matrix.py).

The world's contact and profile are made by the hotline operator and shared (a vault grant)
with the case worker and the coordinator: every role holding HANDLE_CONTACTS reaches them,
the others get 403. cases:open_from_contact uses this contact_id too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.hotline import services
from refuge.hotline.models import Contact, ExposureAlert, Profile, ProfileFlagKind
from refuge.intake.attachments import clean_file
from refuge.intake.models import Attachment, ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.intake.tests.support import jpeg_with_gps
from refuge.testing import keyring_for
from refuge.testing.access_matrix import Effect, IdSwap, World, console
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring

HANDLERS = {Role.COORDINATOR, Role.OPERATOR, Role.CASE_WORKER}
COORDINATOR = {Role.COORDINATOR}


def _post(ok: int = 302, allowed: set[Role] = HANDLERS) -> Any:
    return console(allowed, method="post", ok=ok)


EXPECTED = {
    "hotline:queue": console(HANDLERS),
    "hotline:call": console(HANDLERS),
    "hotline:supervisor": console(COORDINATOR),
    "hotline:contact": console(HANDLERS),
    # Contact actions: an empty form is refused with a message, back to the contact (302).
    "hotline:take": _post(),
    "hotline:hand_over": _post(),
    "hotline:edit": _post(),
    "hotline:reply": _post(),
    "hotline:note": _post(),
    "hotline:attachment": console(HANDLERS),
    "hotline:close": _post(),
    "hotline:merge": _post(),
    "hotline:new_profile": _post(),
    "hotline:link_profile": _post(),
    "hotline:profile": console(HANDLERS),
    "hotline:add_identifier": _post(),
    "hotline:add_flag": _post(),
    # An empty form is refused with a message (302); a non-reader of the profile gets 404
    # (test_flags.py, test_exposure.py).
    "hotline:lift_flag": _post(),
    "hotline:resolve_alert": _post(),
    "hotline:intake_duty": console(COORDINATOR),
    "hotline:set_intake_duty": _post(allowed=COORDINATOR),
    "hotline:reveal": _post(ok=200),
    "hotline:templates": console(HANDLERS),
    "hotline:template_new": console(COORDINATOR),
    "hotline:template_edit": console(COORDINATOR),
}


def make_contact(owner: Operator) -> Contact:
    """A phone call logged by `owner`, with a callback number (an identifier)."""
    with vault.activated(keyring_for(owner)):
        return services.log_call(
            operator=owner,
            call=services.CallRecord(
                started_at=timezone.now(),
                ended_at=None,
                caller_pseudonym="Ансар",
                what_they_said="Hiding at a friend's place.",
                urgency=Urgency.HIDING,
                risk_flags=["hiding"],
                next_step="",
                next_step_at=None,
                callback_number="+7 928 123-45-67",
            ),
        ).contact


def first_identifier(contact: Contact) -> int:
    return int(contact.identifiers.order_by("pk").values_list("pk", flat=True)[0])


def make_profile(owner: Operator) -> Profile:
    with vault.activated(keyring_for(owner)):
        return services.create_profile(operator=owner, pseudonym="Ласточка")


def make_photo_report(readers: list[Operator]) -> int:
    """A web report with one photo, sealed to `readers`; returns the photo's id."""
    with vault.activated(Keyring()):
        submission = submit_report(
            body="Фото с места",
            reporter_kind=ReporterKind.OTHER,
            urgency=Urgency.DETAINED,
            attachments=[clean_file(jpeg_with_gps())],
        )
        for reader in readers:
            vault.share(submission.thread.envelope_id, reader=reader, granted_by=None)
    return int(
        Attachment.objects.filter(message__thread=submission.thread)
        .values_list("pk", flat=True)
        .get()
    )


def _share(envelope_id: UUID, owner: Operator, readers: list[Operator]) -> None:
    with vault.activated(keyring_for(owner)):
        for reader in readers:
            vault.share(envelope_id, reader=reader, granted_by=owner)


def url_kwargs(world: World) -> dict[str, Any]:
    owner = world.operators[Role.OPERATOR.value]
    others = [world.operators[Role.CASE_WORKER.value], world.operators[Role.COORDINATOR.value]]
    contact = make_contact(owner)
    profile = make_profile(owner)
    _share(contact.envelope_id, owner, others)
    _share(profile.envelope_id, owner, others)
    template = services.save_template(
        operator=world.operators[Role.COORDINATOR.value],
        template=None,
        title="Greeting",
        language="ru",
        body="Здравствуйте. Мы на связи.",
    )
    photo_id = make_photo_report([owner, *others])
    with vault.activated(keyring_for(owner)):
        flag = services.flag_profile(
            operator=owner,
            profile=profile,
            kind=ProfileFlagKind.DO_NOT_CONTACT,
            expires_at=timezone.now() + timedelta(days=7),
        )
    alert = ExposureAlert.objects.create(contact=contact)
    return {
        "contact_id": contact.pk,
        "profile_id": profile.pk,
        "attachment_id": photo_id,
        "identifier_id": first_identifier(contact),
        "template_id": template.pk,
        "flag_id": flag.pk,
        "alert_id": alert.pk,
        **_more_contacts(owner, others),
    }


def _more_contacts(owner: Operator, others: list[Operator]) -> dict[str, Any]:
    """For the effects check: one back in the queue (to take), one to merge into, one web
    report with a mailbox (to reply to)."""
    queued, other = make_contact(owner), make_contact(owner)
    with vault.activated(keyring_for(owner)):
        services.hand_over(contact=queued, operator=owner, to=None)
    Operator.objects.filter(pk=owner.pk).update(is_on_intake_duty=True)
    report = submit_report(
        body="They took my brother.", reporter_kind=ReporterKind.OTHER, urgency=Urgency.DETAINED
    ).thread.contact
    Operator.objects.filter(pk=owner.pk).update(is_on_intake_duty=False)
    for contact in (queued, other, report):
        _share(contact.envelope_id, owner, others)
    return {
        "queued_contact_id": queued.pk,
        "other_contact_id": other.pk,
        "report_contact_id": report.pk,
    }


ID_SWAPS = [
    IdSwap(
        "hotline:attachment",
        role=Role.OPERATOR,
        make=lambda world, owner: {"attachment_id": make_photo_report([owner])},
    ),
    IdSwap(
        "hotline:contact",
        role=Role.OPERATOR,
        make=lambda world, owner: {"contact_id": make_contact(owner).pk},
    ),
    IdSwap(
        "hotline:profile",
        role=Role.OPERATOR,
        make=lambda world, owner: {"profile_id": make_profile(owner).pk},
    ),
    IdSwap(
        "hotline:reveal",
        role=Role.OPERATOR,
        method="post",
        make=lambda world, owner: {"identifier_id": first_identifier(make_contact(owner))},
    ),
]


# Effects: the data each form posts. The refused roles, and an operator
# the contact or profile is not sealed to (the outsider), post the same and change nothing.


def _version(world: World, key: str = "contact_id") -> int:
    return Contact.objects.get(pk=world.extra["kwargs"][key]).version


PAGE = "a page: a POST shows it and writes nothing (its read is audited, outside the snapshot)"
OPERATOR = Role.OPERATOR.value
EFFECTS = {
    "hotline:queue": Effect.read_only(PAGE),
    "hotline:supervisor": Effect.read_only(PAGE),
    "hotline:contact": Effect.read_only(PAGE),
    "hotline:profile": Effect.read_only(PAGE),
    "hotline:templates": Effect.read_only(PAGE),
    "hotline:intake_duty": Effect.read_only(PAGE),
    "hotline:set_intake_duty": Effect(
        data={"on_duty": "1"}, outsider=False, reason="coordinators put any operator on intake duty"
    ),
    "hotline:lift_flag": Effect(by=OPERATOR, data={"reason": "She moved away."}),
    "hotline:resolve_alert": Effect(by=OPERATOR),
    "hotline:call": Effect(
        data={
            "started_at": "2026-01-01T10:00",
            "urgency": "hiding",
            "what_they_said": "Needs a safe place tonight",
        }
    ),
    "hotline:take": Effect(by=OPERATOR, params={"contact_id": "queued_contact_id"}),
    "hotline:hand_over": Effect(
        by=OPERATOR, data=lambda world: {"to": world.operators[Role.CASE_WORKER.value].pk}
    ),
    "hotline:edit": Effect(
        by=OPERATOR,
        data=lambda world: {
            "version": _version(world),
            "urgency": "in_danger",
            "status": "in_progress",
            "summary": "Called back",
        },
    ),
    "hotline:reply": Effect(
        by=OPERATOR, params={"contact_id": "report_contact_id"}, data={"text": "Мы на связи."}
    ),
    "hotline:note": Effect(by=OPERATOR, data={"text": "Called back"}),
    "hotline:close": Effect(
        by=OPERATOR, data=lambda world: {"version": _version(world), "reason": "resolved"}
    ),
    "hotline:merge": Effect(
        by=OPERATOR,
        data=lambda world: {
            "version": _version(world),
            "into": world.extra["kwargs"]["other_contact_id"],
        },
    ),
    "hotline:new_profile": Effect(by=OPERATOR, data={"pseudonym": "Кестрел"}),
    "hotline:link_profile": Effect(
        by=OPERATOR, data=lambda world: {"profile": world.extra["kwargs"]["profile_id"]}
    ),
    "hotline:add_identifier": Effect(by=OPERATOR, data={"kind": "telegram", "value": "@kestrel"}),
    "hotline:add_flag": Effect(
        by=OPERATOR, data={"kind": "do_not_contact", "expires_at": "2099-01-01T10:00"}
    ),
    # Revealing writes only its audit row; the outsider's attempt is a 404, audited too.
    "hotline:reveal": Effect(
        by=OPERATOR, changes=False, reason="a reveal is only read and audited"
    ),
    "hotline:template_new": Effect(data={"title": "Bye", "language": "ru", "body": "До связи."}),
    "hotline:template_edit": Effect(
        data={"title": "Greeting", "language": "ru", "body": "Здравствуйте!", "version": "0"},
        outsider=False,
        reason="templates have no owner",
    ),
}
