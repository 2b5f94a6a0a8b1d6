from django.dispatch import Signal

# Sent inside the transaction that puts an operator on intake duty, with `operator=` and
# `granted_by=` (None from a command). The hotline seals the open contacts to them: accounts
# does not know what the queue holds.
intake_duty_started = Signal()

# Sent inside the emergency lock's transaction, with `actor=`: the alarms above accounts tell
# the other coordinators.
emergency_locked = Signal()
