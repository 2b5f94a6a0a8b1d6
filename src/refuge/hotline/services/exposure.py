"""Exposure alerts: a detention or a seized phone may have given up someone the hotline knows.

Cases records the exposure and passes the blind indexes of what was given up; the hotline
raises one alert per profile (or per contact without a profile) holding one of them. An alert
names neither the exposure nor who recorded it, its audit entry has no actor, and it shows
on the contact or profile and at the top of the queue of whoever can read them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.hotline.models import Contact, ExposureAlert, Identifier
from refuge.hotline.selectors import contacts_visible_to, profiles_visible_to


def _reached(indexes: Iterable[str]) -> tuple[set[int], set[int]]:
    """Profiles, and contacts without a profile, holding one of these blind indexes."""
    profiles: set[int] = set()
    contacts: set[int] = set()
    wanted = sorted({index for index in indexes if index})
    rows = Identifier.objects.filter(blind_index__in=wanted).values_list(
        "profile_id", "contact_id", "contact__profile_id"
    )
    for profile_id, contact_id, contact_profile_id in rows:
        if profile_id or contact_profile_id:
            profiles.add(profile_id or contact_profile_id)
        elif contact_id:
            contacts.add(contact_id)
    return profiles, contacts


def _raise(**target: int) -> None:
    if ExposureAlert.objects.filter(resolved_at__isnull=True, **target).exists():
        return  # one standing alert is enough: nobody has warned them yet
    alert = ExposureAlert.objects.create(**target)
    # No actor and no source: the log must not link the alert to the exposure's case.
    record_event(AuditAction.RECORD_CREATED, target=alert, details={"kind": "exposure"})


@transaction.atomic
def raise_exposure_alerts(
    *,
    indexes: Iterable[str],
    exclude_contact_ids: Iterable[int | None] = (),
    exclude_profile_ids: Iterable[int | None] = (),
) -> int:
    """Alert on each hotline profile or lone contact these indexes reach; returns how many
    people were reached (the source's own records are excluded by the caller)."""
    profiles, contacts = _reached(indexes)
    profiles -= set(exclude_profile_ids)
    contacts -= set(exclude_contact_ids)
    for profile_id in sorted(profiles):
        _raise(profile_id=profile_id)
    for contact_id in sorted(contacts):
        _raise(contact_id=contact_id)
    return len(profiles) + len(contacts)


def alerts_for_contact(contact: Contact) -> list[ExposureAlert]:
    condition = Q(contact=contact)
    if contact.profile_id:
        condition |= Q(profile_id=contact.profile_id)
    return list(ExposureAlert.objects.filter(condition, resolved_at__isnull=True))


def _readable_alerts(viewer: Operator) -> QuerySet[ExposureAlert]:
    return ExposureAlert.objects.filter(
        Q(contact__in=contacts_visible_to(viewer)) | Q(profile__in=profiles_visible_to(viewer))
    )


def alerts_visible_to(viewer: Operator) -> QuerySet[ExposureAlert]:
    """Standing alerts on contacts or profiles this viewer can read."""
    return _readable_alerts(viewer).filter(resolved_at__isnull=True).order_by("raised_at", "pk")


@transaction.atomic
def resolve_alert(*, alert_id: int, operator: Operator) -> ExposureAlert:
    """Someone warned the person: the alert stops showing (audited). Marking it twice (two
    colleagues at once) changes nothing the second time."""
    require(operator, Capability.HANDLE_CONTACTS)
    alert = _readable_alerts(operator).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    resolved = ExposureAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=operator
    )
    if resolved:
        record_event(
            AuditAction.RECORD_CHANGED, actor=operator, target=alert, details={"resolved": True}
        )
    return alert
