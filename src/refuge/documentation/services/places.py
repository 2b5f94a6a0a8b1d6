from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.documentation.choices import PlaceKind
from refuge.documentation.errors import UnknownPlace
from refuge.documentation.models import Place, coarsen
from refuge.documentation.services.common import audit_created, provisional_reference


@dataclass(frozen=True, slots=True)
class PlaceInput:
    kind: PlaceKind
    name_en: str
    name_ru: str
    parent: Place
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def find_place(name: str) -> Place:
    """A place by its Russian or English name, or by its code; UnknownPlace otherwise."""
    text = " ".join(name.split())
    for lookup in ("code__iexact", "name_ru__iexact", "name_en__iexact"):
        place = Place.objects.filter(**{lookup: text}).order_by("kind", "pk").first()
        if place is not None:
            return place
    raise UnknownPlace(
        _("Unknown place: %(name)s. Add it as a custom place first.") % {"name": text[:80]}
    )


@transaction.atomic
def create_custom_place(*, actor: Operator, place: PlaceInput) -> Place:
    """Add a place the gazetteer lacks; coordinates are coarsened unless it is a facility."""
    require(actor, Capability.DOCUMENT)
    if place.kind in (PlaceKind.REGION, PlaceKind.DISTRICT):
        raise DomainError(_("Districts come from the gazetteer; add a town or a facility."))
    precise = place.kind == PlaceKind.FACILITY
    record = Place.objects.create(
        code=f"custom-{slugify(place.name_en)[:30]}-{provisional_reference()[:8]}",
        kind=place.kind,
        name_en=place.name_en.strip(),
        name_ru=place.name_ru.strip(),
        parent=place.parent,
        is_custom=True,
        created_by=actor,
        latitude=place.latitude if precise else coarsen(place.latitude),
        longitude=place.longitude if precise else coarsen(place.longitude),
    )
    audit_created(actor, record)
    return record
