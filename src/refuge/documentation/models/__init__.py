from refuge.documentation.evidence.models import CustodyEntry, Evidence, EvidenceLink
from refuge.documentation.models.places import Place, coarsen
from refuge.documentation.models.records import (
    Act,
    ActPerpetrator,
    ActSource,
    Event,
    Perpetrator,
    Source,
    Victim,
)

__all__ = [
    "Act",
    "ActPerpetrator",
    "ActSource",
    "CustodyEntry",
    "Event",
    "Evidence",
    "EvidenceLink",
    "Perpetrator",
    "Place",
    "Source",
    "Victim",
    "coarsen",
]
