"""Access expectations for case management (merged by tests/test_access_matrix.py).

The world's case is opened by the case worker (its lead) and shared with the coordinator:
both reach every page of it; roles without MANAGE_CASES get 403. Stages are the
coordinator's (a case worker gets 403), and so is the shelter register (VIEW_SHELTERS).
cases:open_from_contact uses hotline's contact, shared with both.

The case worker leads the case and the coordinator is on it: both may change its lead
(cases:change_lead) and edit its task; reopening is the coordinator's alone, and answers 200
with a refusal in the form for this case, which is open. Partners (and cases:edit_partner) are
for APPROVE_SPENDING, which case workers and coordinators hold.

`operator_id` (cases:unshare) is the case worker: the coordinator may take the case away from
them (302); removing oneself is refused as not found (404). The value also serves the
accounts pages, which only the coordinator opens.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.cases.models import Case, Stage
from refuge.cases.models.choices import (
    ConsentKind,
    NeedCategory,
    NeedStatus,
    SpendingCategory,
    StageCode,
)
from refuge.cases.services import (
    money,
    movement,
    opening,
    persons,
    plan,
    referral,
    stages,
    tasks,
)
from refuge.cases.tests.partners import make_partner
from refuge.hotline.tests.access import make_contact
from refuge.testing import keyring_for, make_operator
from refuge.testing.access_matrix import Effect, IdSwap, World, console, custom
from refuge.vault import api as vault

MANAGE = {Role.COORDINATOR, Role.CASE_WORKER}
COORDINATOR = {Role.COORDINATOR}

_GET_PAGES = (
    "list",
    "my_work",
    "export_anonymised",
    "open_from_contact",
    "detail",
    "timeline",
    "change_stage",
    "edit_risk",
    "add_verification",
    "add_need",
    "edit_need",
    "add_note",
    "add_person",
    "edit_person",
    "remove_person",
    "record_consent",
    "request_referral",
    "add_task",
    "edit_task",
    "add_checkin",
    "plan_movement",
    "place_in_shelter",
    "request_spending",
    "record_exposure",
    "share",
    "change_lead",
    "download_package",
    "referral_guide",
)
# One-button actions: done or refused with a message, back to a page (302).
_POST_ACTIONS = ("complete_task", "confirm_checkin", "decide_spending", "decide_referral")

EXPECTED = {
    **{f"cases:{name}": console(MANAGE) for name in _GET_PAGES},
    **{f"cases:{name}": console(MANAGE, method="post", ok=302) for name in _POST_ACTIONS},
    "cases:unshare": custom(
        anonymous=302,
        method="post",
        coordinator=302,
        case_worker=404,
        operator=403,
        lawyer=403,
        analyst=403,
    ),
    # The case worker (lead) confirms first: the route is destroyed, so the coordinator (also
    # a reader of routes) then finds nothing (404).
    "cases:confirm_arrival": custom(
        anonymous=302,
        method="post",
        case_worker=302,
        coordinator=404,
        operator=403,
        lawyer=403,
        analyst=403,
    ),
    "cases:stages": console(COORDINATOR),
    "cases:edit_stage": console(COORDINATOR),
    "cases:reopen": console(COORDINATOR),
    "cases:partners": console(MANAGE),
    "cases:edit_partner": console(MANAGE),
    "cases:shelters": console(COORDINATOR),
}


def make_case(owner: Operator, *, with_: list[Any] | None = None) -> Case:
    with vault.activated(keyring_for(owner)):
        return opening.open_case(opened_by=owner, pseudonym="Swallow", case_workers=with_ or [])


def _fill(case: Case, worker: Operator, coordinator: Operator) -> dict[str, Any]:
    """A person with consent and a sealed referral, a need, a task, a check-in, a movement,
    a spending request: one of everything a case URL can name."""
    person = case.persons.get()
    partner = make_partner("Rainbow Railroad", saved_by=coordinator, confirmed_by=worker)
    with vault.activated(keyring_for(worker)):
        persons.save_person(
            case=case,
            person=person,
            pseudonym="Swallow",
            legal_name="Islam Dudaev",
            phone="+7 999 123-45-67",
            contact_details="Signal only",
            saved_by=worker,
        )
        persons.record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[partner],
            recorded_by=worker,
        )
        pending = referral.request_referral(person=person, partner=partner, requested_by=worker)
        need = plan.save_need(
            case=case,
            need=None,
            category=NeedCategory.SHELTER,
            status=NeedStatus.NEEDED,
            provider=None,
            details="Two nights",
            cost_details="",
            saved_by=worker,
        )
        task = tasks.add_task(
            case=case, title="Call back", owner=worker, due_at=None, created_by=worker
        )
        checkin = tasks.schedule_checkin(
            case=case,
            person=None,
            due_at=timezone.now() + timedelta(hours=2),
            grace_minutes=30,
            created_by=worker,
        )
        planned = movement.plan_movement(
            case=case,
            route="Grozny - Moscow",
            tickets="Bus",
            departure="Tomorrow",
            planned_by=worker,
        )
        spending = money.request_spending(
            case=case,
            category=SpendingCategory.TRAVEL,
            amount=Decimal("120.00"),
            currency="EUR",
            purpose="Bus tickets",
            requested_by=worker,
        )
        still_open = referral.request_referral(person=person, partner=partner, requested_by=worker)
    with vault.activated(keyring_for(coordinator)):
        referral.decide_referral(referral=pending, approve=True, decided_by=coordinator)
        shelter = movement.register_shelter(
            code="matrix-1", address="Somewhere 1", notes="", registered_by=coordinator
        )
    return {
        "person_id": person.pk,
        "need_id": need.pk,
        "task_id": task.pk,
        "checkin_id": checkin.pk,
        "movement_id": planned.pk,
        "spending_id": spending.pk,
        "referral_id": pending.pk,
        "partner_id": partner.pk,
        "open_referral_id": still_open.pk,
        "shelter_pk": shelter.pk,
    }


def _closed_case(worker: Operator, coordinator: Operator) -> Case:
    case = make_case(worker, with_=[coordinator])
    with vault.activated(keyring_for(worker)):
        stages.move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.CLOSED),
            moved_by=worker,
            version=case.version,
            reason="Safe abroad",
        )
    return case


def url_kwargs(world: World) -> dict[str, Any]:
    worker = world.operators[Role.CASE_WORKER.value]
    coordinator = world.operators[Role.COORDINATOR.value]
    case = make_case(worker, with_=[coordinator])
    spare = make_operator("matrix-spare-worker", Role.CASE_WORKER)  # one to share the case with
    return {
        "case_id": case.pk,
        **_fill(case, worker, coordinator),
        "decision": "approve",
        "operator_id": worker.pk,
        "stage_id": Stage.objects.order_by("pk")[0].pk,
        "closed_case_id": _closed_case(worker, coordinator).pk,
        "spare_pk": spare.pk,
    }


def _person(world: World, owner: Operator) -> dict[str, Any]:
    case = make_case(owner)
    return {"case_id": case.pk, "person_id": case.persons.get().pk}


def _need(world: World, owner: Operator) -> dict[str, Any]:
    case = make_case(owner)
    with vault.activated(keyring_for(owner)):
        need = plan.save_need(
            case=case,
            need=None,
            category=NeedCategory.SHELTER,
            status=NeedStatus.NEEDED,
            provider=None,
            details="",
            cost_details="",
            saved_by=owner,
        )
    return {"case_id": case.pk, "need_id": need.pk}


def _task(world: World, owner: Operator) -> dict[str, Any]:
    case = make_case(owner)
    with vault.activated(keyring_for(owner)):
        task = tasks.add_task(
            case=case, title="Call back", owner=owner, due_at=None, created_by=owner
        )
    return {"case_id": case.pk, "task_id": task.pk}


def _case(world: World, owner: Operator) -> dict[str, Any]:
    return {"case_id": make_case(owner).pk}


ID_SWAPS = [
    IdSwap(
        "cases:detail",
        role=Role.CASE_WORKER,
        make=lambda world, owner: {"case_id": make_case(owner).pk},
    ),
    IdSwap(
        "cases:timeline",
        role=Role.CASE_WORKER,
        make=lambda world, owner: {"case_id": make_case(owner).pk},
    ),
    IdSwap("cases:edit_person", role=Role.CASE_WORKER, make=_person),
    IdSwap("cases:record_consent", role=Role.CASE_WORKER, make=_person),
    IdSwap("cases:edit_need", role=Role.CASE_WORKER, make=_need),
    IdSwap("cases:edit_task", role=Role.CASE_WORKER, make=_task),
    IdSwap("cases:change_lead", role=Role.CASE_WORKER, make=_case),
    IdSwap("cases:reopen", role=Role.COORDINATOR, make=_case),
    # A contact sealed to one case worker cannot be opened as a case by another.
    IdSwap(
        "cases:open_from_contact",
        role=Role.CASE_WORKER,
        make=lambda world, owner: {"contact_id": make_contact(owner).pk},
    ),
]


# Effects: what each form posts to change the world's case. The refused
# roles, and a case worker or coordinator the case is not shared with (the outsider), post
# the same and must change nothing.


def _kwargs(world: World) -> dict[str, Any]:
    return world.extra["kwargs"]


def _case_version(world: World, key: str = "case_id") -> int:
    return Case.objects.get(pk=_kwargs(world)[key]).version


def _stage_pk(code: StageCode) -> int:
    return Stage.objects.get(code=code).pk


def _versioned(**values: Any) -> Any:
    return lambda world: {"version": _case_version(world), **values}


def _task_edit(world: World) -> dict[str, Any]:
    from refuge.cases.models import Task

    task = Task.objects.get(pk=_kwargs(world)["task_id"])
    return {"version": task.version, "title": "Call back tonight", "owner": task.owner_id}


def _partner(world: World) -> dict[str, Any]:
    from refuge.cases.models import Partner

    partner = Partner.objects.get(pk=_kwargs(world)["partner_id"])
    return {
        "name": "Rainbow Railroad Berlin",
        "public_key": partner.public_key,
        "is_active": "on",
        "version": partner.version,
    }


REASON = "The person asked for it on the phone."
NO_OWNER = "every holder of the capability works on it: it has no owner"
EFFECTS = {
    "cases:open_from_contact": Effect(data={"pseudonym": "Wren"}),
    "cases:change_stage": Effect(
        data=lambda world: {
            "version": _case_version(world),
            "stage": _stage_pk(StageCode.VERIFICATION),
            "reason": "",
        }
    ),
    "cases:reopen": Effect(
        params={"case_id": "closed_case_id"},
        data=lambda world: {
            "version": _case_version(world, "closed_case_id"),
            "stage": _stage_pk(StageCode.IN_HIDING),
            "reason": "Threatened again",
        },
    ),
    "cases:change_lead": Effect(
        data=lambda world: {
            "version": _case_version(world),
            "lead": world.operators[Role.COORDINATOR.value].pk,
        }
    ),
    "cases:edit_risk": Effect(data=_versioned(threat_police="on", code_words="blue kettle")),
    "cases:add_verification": Effect(data={"item": "voice_or_video", "note": "Video call"}),
    "cases:add_need": Effect(data={"category": "shelter", "status": "needed"}),
    "cases:edit_need": Effect(data={"category": "shelter", "status": "arranged"}),
    "cases:add_note": Effect(data={"body": "Called back, safe tonight"}),
    "cases:add_person": Effect(data={"pseudonym": "Brother"}),
    "cases:edit_person": Effect(data={"pseudonym": "Swallow", "legal_name": "Islam D."}),
    "cases:remove_person": Effect(data={"keep": "anonymised", "reason": REASON}),
    "cases:record_consent": Effect(data={"kind": "media", "is_granted": "no"}),
    "cases:request_referral": Effect(data=lambda world: {"partner": _kwargs(world)["partner_id"]}),
    "cases:add_task": Effect(
        data=lambda world: {
            "title": "Find a lawyer",
            "owner": world.operators[Role.CASE_WORKER.value].pk,
        }
    ),
    "cases:edit_task": Effect(data=_task_edit),
    "cases:complete_task": Effect(),
    "cases:add_checkin": Effect(data={"due_at": "2099-01-01T10:00", "grace_minutes": "30"}),
    "cases:confirm_checkin": Effect(),
    "cases:plan_movement": Effect(data={"route": "Moscow - Tbilisi", "tickets": "Train"}),
    # The table's 404 for the coordinator is the order of its visitors (the case worker has
    # confirmed first); a coordinator on the case may confirm an arrival too.
    "cases:confirm_arrival": Effect(also_allowed=(Role.COORDINATOR.value,)),
    "cases:place_in_shelter": Effect(data=lambda world: {"shelter": _kwargs(world)["shelter_pk"]}),
    "cases:request_spending": Effect(
        data={"category": "travel", "amount": "40.00", "currency": "EUR", "purpose": "Train"}
    ),
    "cases:decide_spending": Effect(by=Role.COORDINATOR.value),  # not the requester
    "cases:record_exposure": Effect(data={"cause": "detained", "exposed_names": "on"}),
    "cases:share": Effect(data=lambda world: {"operator": _kwargs(world)["spare_pk"]}),
    "cases:unshare": Effect(by=Role.COORDINATOR.value),
    "cases:decide_referral": Effect(
        by=Role.COORDINATOR.value, params={"referral_id": "open_referral_id"}
    ),
    "cases:stages": Effect(
        data={"code": "awaiting_visa", "name": "Awaiting visa", "order": "65", "is_active": "on"}
    ),
    "cases:edit_stage": Effect(
        data={"code": "x", "name": "Just opened", "order": "1", "is_active": "on"},
        outsider=False,
        reason=NO_OWNER,
    ),
    "cases:partners": Effect(
        data=lambda world: {
            "name": "Safe Passage",
            "public_key": vault.new_partner_keypair()[1],
            "is_active": "on",
            "reason": "Key handed over in person.",
        }
    ),
    "cases:edit_partner": Effect(data=_partner, outsider=False, reason=NO_OWNER),
    "cases:shelters": Effect(data={"code": "matrix-2", "address": "Elsewhere 2"}),
}
