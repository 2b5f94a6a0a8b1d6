"""Hotline services: keyword-only, one transaction each, audited in it."""

from refuge.hotline.flags import contact_indexes
from refuge.hotline.services.calls import (
    CallRecord,
    LoggedCall,
    RepeatCheck,
    add_profile_identifier,
    check_repeat_caller,
    create_profile,
    flag_profile,
    link_contact,
    log_call,
    open_profile,
    reveal_identifier,
)
from refuge.hotline.services.exposure import (
    alerts_for_contact,
    alerts_visible_to,
    raise_exposure_alerts,
    resolve_alert,
)
from refuge.hotline.services.flags import index_contact_line, lift_flag
from refuge.hotline.services.followups import mark_read, receive_follow_up
from refuge.hotline.services.intake import (
    complete_intake_grants,
    intake_duty_overview,
    lapse_intake_grants,
    seal_open_contacts_to,
    seal_reopened_contact,
    waiting_out_of_reach,
)
from refuge.hotline.services.messages import (
    add_note,
    read_attachment,
    reply_to_reporter,
    save_template,
)
from refuge.hotline.services.queue import (
    ContactChanges,
    close_contact,
    hand_over,
    mark_case_opened,
    merge_contact,
    open_contact,
    take_contact,
    update_contact,
)

__all__ = [
    "CallRecord",
    "ContactChanges",
    "LoggedCall",
    "RepeatCheck",
    "add_note",
    "add_profile_identifier",
    "alerts_for_contact",
    "alerts_visible_to",
    "check_repeat_caller",
    "close_contact",
    "complete_intake_grants",
    "contact_indexes",
    "create_profile",
    "flag_profile",
    "hand_over",
    "index_contact_line",
    "intake_duty_overview",
    "lapse_intake_grants",
    "lift_flag",
    "link_contact",
    "log_call",
    "mark_case_opened",
    "mark_read",
    "merge_contact",
    "open_contact",
    "open_profile",
    "raise_exposure_alerts",
    "read_attachment",
    "receive_follow_up",
    "reply_to_reporter",
    "resolve_alert",
    "reveal_identifier",
    "save_template",
    "seal_open_contacts_to",
    "seal_reopened_contact",
    "take_contact",
    "update_contact",
    "waiting_out_of_reach",
]
