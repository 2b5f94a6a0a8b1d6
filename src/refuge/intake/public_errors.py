"""Strings of the shared error page (core/error.html) that a reporter can meet on the intake.

A reporter whose form lost its CSRF cookie, or who sends an oversized form, lands on the core
error page; it must speak Russian too. Listing the strings here puts them in the intake's
catalogue. If core ships its own catalogue, Django prefers it (core is installed first).
"""

from django.utils.translation import gettext_noop

PUBLIC_ERROR_STRINGS = (
    gettext_noop("Error"),
    gettext_noop("Refuge"),
    gettext_noop("The request could not be understood"),
    gettext_noop("Not allowed"),
    gettext_noop("Page not found"),
    gettext_noop("Something went wrong"),
    gettext_noop("The form expired or was sent from elsewhere. Go back, reload the page and try "
                 "again."),
    gettext_noop("The form was too large or malformed. Please go back and try again."),
    gettext_noop("You may not open this page."),
    gettext_noop("There is nothing at this address."),
    gettext_noop("Nothing you sent was lost or shown. Please try again in a moment."),
    gettext_noop("Home"),
)
