from refuge.cases.models.case import (
    Case,
    CaseMember,
    CaseNote,
    CasePerson,
    PersonIdentifier,
    Stage,
    StageChange,
    VerificationItem,
)
from refuge.cases.models.choices import (
    BEFORE_VERIFIED,
    ON_THE_MOVE_STAGES,
    ConsentKind,
    ExposureCause,
    IdentifierKind,
    NeedCategory,
    NeedStatus,
    ReferralStatus,
    SpendingCategory,
    SpendingStatus,
    StageCode,
    TaskKind,
    Threat,
    VerificationCheck,
)
from refuge.cases.models.consent import Consent, ExposureReport, Referral
from refuge.cases.models.movement import Movement, Shelter, Spending
from refuge.cases.models.work import CheckIn, Need, Partner, Task

__all__ = [
    "BEFORE_VERIFIED", "ON_THE_MOVE_STAGES", "Case", "CaseMember", "CaseNote", "CasePerson",
    "CheckIn", "Consent", "ConsentKind", "ExposureCause", "ExposureReport", "IdentifierKind",
    "Movement", "Need", "NeedCategory", "NeedStatus", "Partner", "PersonIdentifier",
    "Referral", "ReferralStatus", "Shelter", "Spending", "SpendingCategory", "SpendingStatus",
    "Stage", "StageChange", "StageCode", "Task", "TaskKind", "Threat", "VerificationCheck",
    "VerificationItem",
]
