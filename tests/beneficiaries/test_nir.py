import pytest
from django.core.exceptions import ValidationError

from beneficiaries.validators import nir_with_key, validate_nir
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.caseload.factories import TerritoryFactory

VALID_NIR = "185044523401218"  # key 97 - 1850445234012 % 97 = 18
# Keys computed by hand: 2A counts as 19, 2B as 18 in the key computation.
VALID_NIR_2A = "185042A00401254"  # 97 - 1850419004012 % 97 = 54
VALID_NIR_2B = "285112B03314513"  # 97 - 2851118033145 % 97 = 13

KEY_MESSAGE = "La clé du NIR ne correspond pas : vérifiez les 15 caractères saisis."
LENGTH_MESSAGE = "Le NIR doit compter 15 caractères (13 chiffres et une clé de 2 chiffres)."


def messages_for(nir):
    with pytest.raises(ValidationError) as excinfo:
        validate_nir(nir)
    return excinfo.value.messages


def person_with(nir):
    territory = TerritoryFactory()
    return BeneficiaryFactory.build(departement=territory.departement, territory=territory, nir=nir)


def test_a_valid_nir_passes():
    validate_nir(VALID_NIR)


def test_a_nir_with_a_wrong_key_is_refused_with_the_french_message_about_the_key():
    assert messages_for("185044523401219") == [KEY_MESSAGE]


@pytest.mark.parametrize("nir", ["18504452340121", "1850445234012180"])
def test_a_nir_of_the_wrong_length_is_refused(nir):
    assert messages_for(nir) == [LENGTH_MESSAGE]


@pytest.mark.parametrize(
    "body", ["185042A004012", "285112B033145", "199022A123456", "201012B001999"]
)
def test_a_corsican_nir_with_its_computed_key_passes(body):
    validate_nir(nir_with_key(body))


@pytest.mark.parametrize("nir", [VALID_NIR_2A, VALID_NIR_2B])
def test_a_corsican_nir_with_a_key_computed_by_hand_passes(nir):
    validate_nir(nir)


@pytest.mark.parametrize("nir", [VALID_NIR, VALID_NIR_2A, VALID_NIR_2B])
def test_nir_with_key_agrees_with_the_keys_computed_by_hand(nir):
    assert nir_with_key(nir[:13]) == nir


def test_a_corsican_nir_with_a_wrong_key_is_refused():
    assert messages_for("185042A00401255") == [KEY_MESSAGE]


def test_the_beneficiary_model_accepts_a_valid_nir():
    person_with(VALID_NIR).full_clean()


@pytest.mark.parametrize("nir", [VALID_NIR_2A, VALID_NIR_2B])
def test_the_beneficiary_model_accepts_a_valid_corsican_nir(nir):
    person_with(nir).full_clean()


def test_the_beneficiary_model_refuses_a_nir_with_a_wrong_key():
    with pytest.raises(ValidationError) as excinfo:
        person_with("185044523401219").full_clean()

    assert excinfo.value.message_dict == {"nir": [KEY_MESSAGE]}


def test_the_beneficiary_model_refuses_a_corsican_nir_with_a_wrong_key():
    with pytest.raises(ValidationError) as excinfo:
        person_with("285112B03314514").full_clean()

    assert excinfo.value.message_dict == {"nir": [KEY_MESSAGE]}


def test_the_beneficiary_model_refuses_a_nir_of_the_wrong_length():
    with pytest.raises(ValidationError) as excinfo:
        person_with("18504452340121").full_clean()

    assert LENGTH_MESSAGE in excinfo.value.message_dict["nir"]


def test_the_beneficiary_model_accepts_no_nir():
    person_with("").full_clean()
