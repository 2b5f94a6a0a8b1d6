"""How sure we are that an act happened, computed from its sources, with the reasoning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refuge.documentation.choices import Confidence
from refuge.documentation.models import Act, Source


@dataclass(frozen=True, slots=True)
class Corroboration:
    confidence: Confidence
    independent_sources: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.confidence == Confidence.CORROBORATED:
            return ngettext(
                "Corroborated by %(count)d independent source",
                "Corroborated by %(count)d independent sources",
                self.independent_sources,
            ) % {"count": self.independent_sources}
        return str(self.confidence.label)


def _source_reasons(sources: list[Source]) -> tuple[int, list[str]]:
    first_by_origin: dict[str, Source] = {}
    reasons: list[str] = []
    for source in sorted(sources, key=lambda item: item.pk):
        earlier = first_by_origin.get(source.origin_key)
        if earlier is None:
            first_by_origin[source.origin_key] = source
            reasons.append(
                _("%(ref)s (%(kind)s): an independent origin.")
                % {"ref": source.reference, "kind": source.get_kind_display()}
            )
        else:
            reasons.append(
                _(
                    "%(ref)s comes from the same person or organisation as %(earlier)s:"
                    " not counted again."
                )
                % {"ref": source.reference, "earlier": earlier.reference}
            )
    return len(first_by_origin), reasons


def corroborate(act: Act, sources: Iterable[Source]) -> Corroboration:
    """Independent = different source persons or organisations (different origin keys)."""
    count, reasons = _source_reasons(list(sources))
    if act.verified_at is not None:
        reasons.append(
            _("Verified by %(who)s on %(date)s.")
            % {"who": act.verified_by, "date": timezone.localdate(act.verified_at).isoformat()}
        )
        return Corroboration(Confidence.VERIFIED, count, tuple(reasons))
    if count >= 2:
        confidence = Confidence.CORROBORATED
    elif count == 1:
        confidence = Confidence.SINGLE_SOURCE
        reasons.append(_("Only one source: look for a second, independent one."))
    else:
        confidence = Confidence.UNSOURCED
        reasons.append(_("No source is linked to this act."))
    return Corroboration(confidence, count, tuple(reasons))
