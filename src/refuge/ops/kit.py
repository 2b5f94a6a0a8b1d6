"""The disaster kit `refuge setup` prints: what to keep, where, and who keeps it.

After the one disaster backups exist for (the server seized or destroyed), these three
things, and nothing else, bring every record back on a new machine (docs/backup-and-
emergency.md, "Disaster drill"): a backup file, its passphrase, and k recovery shares. The
secret key and the signing key travel inside every backup, under the passphrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class KitFacts:
    threshold: int
    shares: int
    backup_dir: str
    signing_fingerprint: str


def disaster_kit(facts: KitFacts) -> list[str]:
    """The kit's lines in the active language."""
    if facts.backup_dir:
        where = _(
            "Scheduled backups are written to %(dir)s (`refuge backup` with no file). Copy "
            "them off this server every day, to a place a seizure of this building does not "
            "reach; check a copy there with `refuge backup verify FILE`."
        ) % {"dir": facts.backup_dir}
    else:
        where = _(
            "No backup directory is set (REFUGE_BACKUP_DIR): set it, run `refuge backup` "
            "daily from a timer, and copy the backups off this server to a place a seizure "
            "of this building does not reach."
        )
    return [
        _("DISASTER KIT: what brings every record back if this server is seized or destroyed."),
        "",
        _(
            "1. The backup passphrase (asked by `refuge backup`, or REFUGE_BACKUP_PASSPHRASE "
            "for scheduled backups). Two coordinators learn it or keep it on paper, never on "
            "this server. It opens the backups and the installation's keys inside them."
        ),
        _(
            "2. The recovery shares (printed once, when the recovery key was made): "
            "%(threshold)d of %(shares)d rebuild it. Give each one to a different trustee, "
            "on paper; no one holds two; do not keep them all in one city. Write down who "
            "holds which share number."
        )
        % {"threshold": facts.threshold, "shares": facts.shares},
        "3. " + where,
        "",
        _(
            "You do not need to keep the secret key or the signing key: every backup carries "
            "them, encrypted under the passphrase."
        ),
        _(
            "On a new machine: `refuge restore FILE`, restart, `refuge recover --operator "
            "COORDINATOR` with %(threshold)d shares, then `refuge audit verify`. Rehearse it "
            "once a year on a spare machine."
        )
        % {"threshold": facts.threshold},
        _(
            "Publish the fingerprint of this installation's signing key, so anyone can check "
            "its signed audit heads: %(fingerprint)s"
        )
        % {"fingerprint": facts.signing_fingerprint},
    ]


def disaster_kit_in_both_languages(facts: KitFacts) -> list[str]:
    """Russian first (the organisation's language), then English, for every trustee."""
    lines: list[str] = []
    for language in ("ru", "en"):
        with translation.override(language):
            lines += [*disaster_kit(facts), ""]
    return lines
