"""Lockout after failed logins (django-axes), counted per account and per address.

Axes counts the failures of each lockout parameter and compares the highest
with one limit. Here the two counts have their own limits: an account is
locked after `AXES_FAILURE_LIMIT` failures from any address (one account
guessed from many machines), an address after `AXES_IP_FAILURE_LIMIT`
failures over any accounts (one password tried on many accounts), higher so
that an office behind one address is not locked by a few typing mistakes.

A successful login clears its account's failures only: logging into one's
own account must not wipe the failures an address piled up on others.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        per_account, per_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        # The address's count, scaled to the account limit axes compares with.
        scaled = math.floor(
            per_address * settings.AXES_FAILURE_LIMIT / settings.AXES_IP_FAILURE_LIMIT
        )
        return max(per_account, scaled)

    def reset_user_attempts(self, request, credentials=None):
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_account.delete()
        return count
