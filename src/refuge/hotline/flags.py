"""Safety flags follow the person: found by the blind indexes of what they gave us.

A flag is set on a profile. It shows wherever the same person turns up again, whether or not
anyone linked the new record to the profile: a call or web report whose number, handle or
name has the blind index of one of the profile's identifiers (or of a contact linked to it),
and a case person with such an identifier (cases reads `flags_matching`). The kind, who set it
and until when are shown to everyone met by the match; the note in words only to those who
can read the profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.hotline.models import Contact, Identifier, IdentifierKind, ProfileFlag
from refuge.hotline.selectors import profiles_visible_to

# How a flagged profile was reached, besides an identifier kind.
LINKED = "linked"
MATCH_LABELS = {
    LINKED: _("linked to the profile"),
    **{kind.value: kind.label for kind in IdentifierKind},
}


@dataclass(frozen=True, slots=True)
class FlagMatch:
    """A standing flag met by a record, how it was met, and whether the viewer may read its
    profile (and so its note)."""

    flag: ProfileFlag
    matched_by: tuple[str, ...]
    is_profile_visible: bool

    @property
    def matched_by_labels(self) -> list[str]:
        return [str(MATCH_LABELS.get(code, code)) for code in self.matched_by]


def standing_flags(*, now: datetime | None = None) -> QuerySet[ProfileFlag]:
    """Flags neither expired nor lifted."""
    return ProfileFlag.objects.filter(expires_at__gt=now or timezone.now(), lifted_at__isnull=True)


def flags_expired_between(start: datetime, end: datetime) -> int:
    """How many flags reached their expiry in [start, end) without being lifted first: they
    stopped showing then (standing_flags reads the time), the worker counts them daily."""
    return ProfileFlag.objects.filter(
        expires_at__gte=start, expires_at__lt=end, lifted_at__isnull=True
    ).count()


def profiles_matching(
    indexes: Iterable[str], *, exclude_contact_id: int | None = None
) -> dict[int, set[str]]:
    """Profile ids holding one of these blind indexes (directly, or through a linked
    contact), with the kinds of identifier that matched. A contact's own identifiers are left
    out when asking for that contact: they only lead back to its own profile."""
    wanted = sorted({index for index in indexes if index})
    if not wanted:
        return {}
    found: dict[int, set[str]] = {}
    matches = Identifier.objects.filter(blind_index__in=wanted)
    if exclude_contact_id is not None:
        matches = matches.exclude(contact_id=exclude_contact_id)
    rows = matches.values_list("kind", "profile_id", "contact__profile_id")
    for kind, profile_id, contact_profile_id in rows:
        for pk in (profile_id, contact_profile_id):
            if pk is not None:
                found.setdefault(pk, set()).add(kind)
    return found


def flags_matching(
    viewer: Operator,
    *,
    indexes: Iterable[str],
    profile_ids: Iterable[int | None] = (),
    exclude_contact_id: int | None = None,
) -> list[FlagMatch]:
    """Standing flags of the profiles these indexes reach, and of the profiles given (a
    contact's linked profile), most recent first."""
    reached = profiles_matching(indexes, exclude_contact_id=exclude_contact_id)
    for profile_id in profile_ids:
        if profile_id is not None:
            reached.setdefault(profile_id, set()).add(LINKED)
    if not reached:
        return []
    flags = list(
        standing_flags()
        .filter(profile_id__in=reached)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    visible = set(profiles_visible_to(viewer).filter(pk__in=reached).values_list("pk", flat=True))
    return [
        FlagMatch(flag, tuple(sorted(reached[flag.profile_id])), flag.profile_id in visible)
        for flag in flags
    ]


def contact_indexes(contact: Contact) -> list[str]:
    """Blind indexes of the contact's own identifiers and of its profile's."""
    query = Identifier.objects.filter(contact=contact)
    if contact.profile_id:
        query = query | Identifier.objects.filter(profile_id=contact.profile_id)
    return [index for index in query.values_list("blind_index", flat=True) if index]


def flags_for_contact(viewer: Operator, contact: Contact) -> list[FlagMatch]:
    """Every standing flag this contact meets: its own profile's, and those its identifiers
    reach without anyone having linked them."""
    return flags_matching(
        viewer,
        indexes=contact_indexes(contact),
        profile_ids=[contact.profile_id],
        exclude_contact_id=contact.pk,
    )


def blocking_verification(matches: Iterable[FlagMatch]) -> list[FlagMatch]:
    """The matches that speak against the person being who they say (infiltrator, account in
    someone else's hands)."""
    return [match for match in matches if match.flag.blocks_verification]
