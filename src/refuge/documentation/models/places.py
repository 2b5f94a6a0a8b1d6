"""The gazetteer: districts and towns of the region, plus custom places such as facilities."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from refuge.documentation.choices import PlaceKind

COARSE_STEP = Decimal("0.1")  # about 11 km north-south: a district, not a street


def coarsen(value: Decimal | None) -> Decimal | None:
    """Round a coordinate to 0.1 degree, so a stored point never pins down a house."""
    if value is None:
        return None
    return (Decimal(value) / COARSE_STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * COARSE_STEP


class Place(models.Model):
    """A named place. Names are public geography, never a person's address (that is sealed
    in the event's description); coordinates are coarsened unless the place is a facility."""

    code = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_ru = models.CharField(_("name in Russian"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("within"),
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    is_custom = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name_en"]

    def __str__(self) -> str:
        return self.name_ru if (get_language() or "ru").startswith("ru") else self.name_en

    def district(self) -> Place | None:
        """The district (or city district) this place lies in; itself for a district."""
        place: Place | None = self
        while place is not None and place.kind not in (PlaceKind.DISTRICT, PlaceKind.REGION):
            place = place.parent
        return place
