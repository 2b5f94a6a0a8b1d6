from django.dispatch import Signal

# Sent by intake.services inside the submission's transaction, with `thread=` and `channel=`
# (how it came: "web", or a channel's name); the hotline turns it into a queue entry, so a
# report and its contact are committed together or not at all.
report_submitted = Signal()
# Sent when a reporter writes again in their mailbox, with `thread=` and `message=`.
reporter_wrote = Signal()
# Sent in the transaction of an operator's reply, with `thread=` and `message=` and `text=`
# (the reply in clear, inside the operator's request): a channel that brought the thread sends
# the reply back the way it came (refuge.channels).
operator_replied = Signal()
