"""Access expectations for the channels' console actions (merged by tests/test_access_matrix.py).

The web mailbox invitation is a contact action: whoever handles contacts and reads the contact.
The table's contact (hotline's, a logged call) did not come by a channel: the allowed roles
are told so (302 back to the contact); the effects check uses a mail's contact.
"""

from __future__ import annotations

from typing import Any

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.channels.tests.support import received_mail
from refuge.testing.access_matrix import Effect, World, console

HANDLERS = {Role.COORDINATOR, Role.OPERATOR, Role.CASE_WORKER}

COORDINATOR = {Role.COORDINATOR}
MAILBOX = {
    "enabled": "on",
    "host": "imap.example.org",
    "port": "993",
    "security": "tls",
    "user": "hotline",
    "password": "mailbox password",
    "folder": "INBOX",
    "delete_sealed": "on",
    "version": "0",
}

EXPECTED = {
    "channels:invite": console(HANDLERS, method="post", ok=302),
    "channels:settings": console(COORDINATOR),
    "channels:save_email": console(COORDINATOR, method="post", ok=302, data=MAILBOX),
    "channels:save_telegram": console(COORDINATOR, method="post", ok=302, data={"version": "0"}),
    # The table's channel is "telegram", set up nowhere: the check says so (302).
    "channels:check": console(COORDINATOR, method="post", ok=302),
}


def url_kwargs(world: World) -> dict[str, Any]:
    readers = [world.operators[role.value] for role in HANDLERS]
    Operator.objects.filter(pk__in=[reader.pk for reader in readers]).update(is_on_intake_duty=True)
    received = received_mail()
    Operator.objects.filter(pk__in=[reader.pk for reader in readers]).update(
        is_on_intake_duty=False
    )
    assert received.thread is not None
    return {"mail_contact_id": received.thread.contact.pk, "channel": "telegram"}


SETTINGS = "the channels belong to the installation: holding the capability is all it takes"
EFFECTS = {
    "channels:invite": Effect(by=Role.OPERATOR.value, params={"contact_id": "mail_contact_id"}),
    "channels:settings": Effect.read_only("a page: a POST shows it and writes nothing"),
    "channels:save_email": Effect(data=MAILBOX, outsider=False, reason=SETTINGS),
    "channels:save_telegram": Effect(
        data={"version": "0", "token": "123:abc"}, outsider=False, reason=SETTINGS
    ),
    "channels:check": Effect(
        changes=False,
        outsider=False,
        reason="with nothing saved, a check writes only its audit entry",
    ),
}
