"""Print the current two-factor code for the demo programme admin and lead (DEBUG only)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from culture_of_care.demo import DEMO_TOTP_SECRET


def current_code() -> str:
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


class Command(BaseCommand):
    help = "Print the current demo two-factor code."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo codes are only available when DEBUG is on.")
        self.stdout.write(current_code())
