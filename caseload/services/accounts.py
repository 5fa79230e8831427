"""Accounts managed by administrators: inviting a staff member, sending a
password reset link, forcing a password change at the next login.

No administrator ever sets another user's password: the person chooses it
through a link sent to their own address. Each act is written to the admin's
log (`LogEntry`, shown in the user's history) and to the security logger, by
ids only.
"""

import logging
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caseload.enums import StaffRole
from caseload.models import StaffProfile
from caseload.perms import can_administer_user, scope_of
from caseload.services.reference import admin_group
from core.models import User

logger = logging.getLogger(__name__)


class _OneUserResetForm(PasswordResetForm):
    """Django's reset form and token, for one given user (whatever their
    password: an invited user has none yet) instead of every account that
    has the typed address."""

    def __init__(self, user):
        super().__init__(data={"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.email else []


def _send_reset_link(user_pk, *, invitation=False):
    """Email the reset link (after the commit: a rolled-back change sends
    nothing). The token is never stored: the link goes straight to the
    configured email backend."""
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        return
    form = _OneUserResetForm(user)
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    prefix = "invitation" if invitation else "password_reset"
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name=f"registration/{prefix}_subject.txt",
        email_template_name=f"registration/{prefix}_email.txt",
        from_email=settings.DEFAULT_FROM_EMAIL,
        extra_email_context={"site_name": "Parcours RSA"},
    )


def _log(*, acting_user, user, message, flag=CHANGE):
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[user],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )
    logger.info("account %s: %s by user %s", user.pk, message, acting_user.pk)


def _check(acting_user, user):
    if not can_administer_user(acting_user, user):
        raise PermissionDenied(_("Vous ne pouvez pas gérer ce compte."))


@transaction.atomic
def user_password_reset_send(*, acting_user, user):
    """Email the user a link to choose a new password."""
    _check(acting_user, user)
    if not user.email:
        raise ValidationError(
            _("%(user)s n'a pas d'adresse électronique : aucun lien ne peut être envoyé.")
            % {"user": user.username}
        )
    if not user.is_active:
        raise ValidationError(
            _("Le compte %(user)s est désactivé : aucun lien ne peut être envoyé.")
            % {"user": user.username}
        )
    _log(
        acting_user=acting_user,
        user=user,
        message="Lien de réinitialisation du mot de passe envoyé",
    )
    transaction.on_commit(lambda: _send_reset_link(user.pk))


@transaction.atomic
def user_password_change_force(*, acting_user, user):
    """At their next page, the user must choose a new password first."""
    _check(acting_user, user)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.must_change_password = True
    _log(
        acting_user=acting_user,
        user=user,
        message="Changement du mot de passe imposé à la prochaine connexion",
    )


def user_password_change_done(*, user):
    """The user chose a new password: nothing more is asked of them."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False


@transaction.atomic
def staff_invite(
    *,
    acting_user,
    user,
    role,
    structure,
    territories=(),
    part_time_ratio=Decimal("1.00"),
):
    """A new staff member: their account (without a password) and profile;
    they get a link to choose their password. A Département admin invites
    into their own Département only and never appoints an admin; only a
    platform operator does (the new admin then reaches the Django admin)."""
    scope = scope_of(acting_user)
    territories = list(territories)
    if not scope.everything:
        if not scope.is_admin or scope.departement_id is None:
            raise PermissionDenied(_("Vous ne pouvez pas créer de compte."))
        if structure.departement_id != scope.departement_id or any(
            t.departement_id != scope.departement_id for t in territories
        ):
            raise PermissionDenied(_("Vous ne pouvez créer de compte que dans votre Département."))
        if role == StaffRole.ADMIN:
            raise PermissionDenied(_("Seul un opérateur de la plateforme nomme un administrateur."))
    if any(t.departement_id != structure.departement_id for t in territories):
        raise ValidationError(
            {"territories": _("Les territoires doivent être ceux du Département de la structure.")}
        )
    if not user.email:
        raise ValidationError({"email": _("L'adresse électronique est obligatoire.")})
    user.set_unusable_password()
    user.is_staff = role == StaffRole.ADMIN
    user.is_superuser = False
    user.save()
    profile = StaffProfile(
        user=user, role=role, structure=structure, part_time_ratio=part_time_ratio
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.territories.set(territories)
    if role == StaffRole.ADMIN:
        user.groups.add(admin_group())
    _log(
        acting_user=acting_user,
        user=user,
        message="Compte créé ; lien de choix du mot de passe envoyé",
        flag=ADDITION,
    )
    transaction.on_commit(lambda: _send_reset_link(user.pk, invitation=True))
    return profile
