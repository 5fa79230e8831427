import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import override_settings

from core.hashers import OwaspArgon2PasswordHasher

OWASP = ["core.hashers.OwaspArgon2PasswordHasher"]


@override_settings(PASSWORD_HASHERS=OWASP)
def test_a_new_password_is_hashed_with_owasp_argon2id_parameters():
    encoded = make_password("un mot de passe solide")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@override_settings(PASSWORD_HASHERS=OWASP)
def test_a_password_hashed_with_django_defaults_is_still_accepted_and_upgraded():
    old = Argon2PasswordHasher().encode("un mot de passe solide", "selselselselsel1")
    upgraded = []

    accepted = check_password("un mot de passe solide", old, setter=upgraded.append)

    assert accepted
    assert upgraded == ["un mot de passe solide"]


@pytest.mark.parametrize("attribute", ["time_cost", "memory_cost", "parallelism"])
def test_the_hasher_keeps_the_owasp_minimum(attribute):
    minimum = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}

    assert getattr(OwaspArgon2PasswordHasher, attribute) >= minimum[attribute]
