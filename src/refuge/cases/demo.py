"""Demo cases: three fictional evacuations at different stages. DEMO ONLY, all invented."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from refuge.accounts.demo import DEMO_PASSWORD
from refuge.accounts.models import Operator
from refuge.approvals.selectors import pending_request
from refuge.approvals.services import confirm_action
from refuge.cases.models import (
    Case,
    ConsentKind,
    NeedCategory,
    NeedStatus,
    Partner,
    SpendingCategory,
    Stage,
    StageCode,
    VerificationCheck,
)
from refuge.cases.partner_keys import CHANGE_PARTNER_KEY, key_fingerprint
from refuge.cases.services import money, movement, persons, plan, referral, stages, tasks
from refuge.cases.services.opening import open_case_from_contact
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.vault import api as vault


def _as(operator: Operator) -> vault.Keyring:
    return vault.Keyring(
        operator_id=operator.pk, private_key=vault.unlock_private_key(operator, DEMO_PASSWORD)
    )


def _open(
    coordinator: Operator, worker: Operator, pseudonym: str, report: str, urgency: Urgency
) -> Case:
    thread = submit_report(body=report, reporter_kind=ReporterKind.SELF, urgency=urgency).thread
    with vault.activated(_as(coordinator)):
        case = open_case_from_contact(
            contact_id=thread.contact.pk,
            opened_by=coordinator,
            pseudonym=pseudonym,
            case_workers=[worker],
        )
        case.lead = worker
        case.save(update_fields=["lead"])
    return case


def _move(case: Case, code: StageCode, by: Operator, reason: str = "") -> None:
    case = Case.objects.select_related("stage").get(pk=case.pk)
    stages.move_case(
        case=case,
        stage=Stage.objects.get(code=code),
        moved_by=by,
        version=case.version,
        reason=reason,
    )


def _confirm_partner_key(partner: Partner, *, public_key: str, by: Operator) -> None:
    """The demo's second person reads the key's fingerprint back, as a real one would."""
    action = pending_request(CHANGE_PARTNER_KEY, partner)
    if action is None:
        raise RuntimeError("the demo partner's key was not asked for")
    confirm_action(action=action, confirmed_by=by, read_back=key_fingerprint(public_key))


def seed() -> list[str]:
    """Create the demo cases (once); return the lines to print."""
    if Case.objects.exists():
        return ["cases: demo cases exist already"]
    coordinator = Operator.objects.get(username="coordinator")
    worker = Operator.objects.get(username="caseworker")
    now = timezone.now()
    private, public = vault.new_partner_keypair()
    partner = referral.save_partner(
        partner=None,
        name="Northern Rainbow Shelter Network",
        public_key=public,
        is_active=True,
        saved_by=coordinator,
        reason="Key handed over at the network's office (demo).",
    )
    _confirm_partner_key(partner, public_key=public, by=worker)
    with vault.activated(_as(coordinator)):
        shelter = movement.register_shelter(
            code="sever-2",
            address="(fictional) Sadovaya 14",
            notes="Two beds, host speaks Chechen",
            registered_by=coordinator,
        )

    first = _open(
        coordinator,
        worker,
        "Swallow",
        "Men from my village are asking my family "
        "where I am. I am staying with a friend for two more nights.",
        Urgency.HIDING,
    )
    with vault.activated(_as(worker)):
        _move(first, StageCode.VERIFICATION, worker)
        plan.add_verification_item(
            case=first,
            item=VerificationCheck.VOICE_OR_VIDEO,
            note="Short video call, matches the report",
            checked_by=worker,
        )
        tasks.add_task(
            case=first,
            title="Second call with a trusted community contact",
            owner=worker,
            due_at=now - timedelta(hours=3),
            created_by=worker,
        )

    second = _open(
        coordinator,
        worker,
        "Kestrel",
        "I was detained for three days. They took my phone. I am hiding now.",
        Urgency.DETAINED,
    )
    with vault.activated(_as(worker)):
        plan.add_verification_item(
            case=second,
            item=VerificationCheck.TRUSTED_REFERRER,
            note="Known to a partner lawyer",
            checked_by=worker,
        )
        _move(second, StageCode.IN_HIDING, worker)
        movement.place_in_shelter(case=second, shelter=shelter, placed_by=worker)
        tasks.schedule_checkin(
            case=second,
            person=None,
            due_at=now - timedelta(hours=2),
            grace_minutes=30,
            created_by=worker,
        )
        tasks.schedule_checkin(
            case=second,
            person=None,
            due_at=now + timedelta(hours=20),
            grace_minutes=60,
            created_by=worker,
        )
        plan.save_need(
            case=second,
            need=None,
            category=NeedCategory.TRAVEL_DOCUMENTS,
            status=NeedStatus.NEEDED,
            provider=None,
            details="Internal passport kept by the family",
            cost_details="",
            saved_by=worker,
        )
        money.request_spending(
            case=second,
            category=SpendingCategory.HOUSING,
            amount=Decimal("150.00"),
            currency="EUR",
            purpose="Two weeks of food and rent",
            requested_by=worker,
        )

    third = _open(
        coordinator,
        worker,
        "Heron",
        "My brother threatened to kill me. I need to leave Russia.",
        Urgency.LEAVE_REGION,
    )
    with vault.activated(_as(worker)):
        plan.add_verification_item(
            case=third, item=VerificationCheck.STORY_CONSISTENT, note="", checked_by=worker
        )
        person = persons.save_person(
            case=third,
            person=third.persons.get(),
            pseudonym="Heron",
            legal_name="(fictional) Adam Demo",
            phone="+7 900 000-00-01",
            contact_details="Signal",
            saved_by=worker,
        )
        persons.record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[partner],
            recorded_by=worker,
        )
        persons.record_consent(
            person=person,
            kind=ConsentKind.PHONE_CONTACT,
            is_granted=False,
            partners=[],
            recorded_by=worker,
        )
        request = referral.request_referral(person=person, partner=partner, requested_by=worker)
        for code in (StageCode.LEAVING, StageCode.IN_SAFETY):
            _move(third, code, worker)
    with vault.activated(_as(coordinator)):
        referral.decide_referral(referral=request, approve=True, decided_by=coordinator)

    return [
        "cases: 3 demo cases (verification, in hiding with a missed check-in, in safety), "
        "shared with 'coordinator' and 'caseworker'; partner key pair for the demo "
        f"referral (private, DEMO ONLY): {private}"
    ]
