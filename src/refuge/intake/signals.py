from django.dispatch import Signal

# Sent by intake.services inside the submission's transaction, with `thread=`; the hotline
# turns it into a queue entry, so a report and its contact are committed together or not at all.
report_submitted = Signal()
# Sent when a reporter writes again in their mailbox, with `thread=` and `message=`.
reporter_wrote = Signal()
