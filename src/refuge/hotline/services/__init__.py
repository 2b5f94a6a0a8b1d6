"""Hotline services: keyword-only, one transaction each, audited in it."""

from refuge.hotline.services.calls import (
    CallRecord,
    LoggedCall,
    RepeatCheck,
    add_profile_identifier,
    check_repeat_caller,
    contact_indexes,
    create_profile,
    flag_profile,
    link_contact,
    log_call,
    open_profile,
    reveal_identifier,
)
from refuge.hotline.services.followups import mark_read, receive_follow_up
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
    "check_repeat_caller",
    "close_contact",
    "contact_indexes",
    "create_profile",
    "flag_profile",
    "hand_over",
    "link_contact",
    "log_call",
    "mark_case_opened",
    "mark_read",
    "merge_contact",
    "open_contact",
    "open_profile",
    "read_attachment",
    "receive_follow_up",
    "reply_to_reporter",
    "reveal_identifier",
    "save_template",
    "take_contact",
    "update_contact",
]
