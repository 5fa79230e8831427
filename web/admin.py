"""The Django admin does not show two-factor devices: their pages would show
every user's secret key, whatever the Département. An administrator resets a
user's second factor from `accounts:two_factor_accounts`, scoped and audited."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
