"""The fixed date bounds (1900–2200) of the pathways' dates as CHECK
constraints, one active prescription per person and action, one current
contract per pathway."""

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0010_date_range_constraints"),
        ("pathways", "0009_repair_dates_and_duplicates"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.UniqueConstraint(
                condition=models.Q(("pathway__isnull", False), ("renews__isnull", True)),
                fields=("pathway",),
                name="contract_one_first_per_pathway",
                violation_error_message="Ce parcours a déjà un contrat : renouvelez-le plutôt que d'en signer un autre.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("signed_on__gte", datetime.date(1900, 1, 1)),
                    ("signed_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="contract_signed_on_range",
                violation_error_message="Date de signature : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("review_on__gte", datetime.date(1900, 1, 1)),
                    ("review_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="contract_review_on_range",
                violation_error_message="Date de réexamen : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reference_date__gte", datetime.date(1900, 1, 1)),
                    ("reference_date__lte", datetime.date(2200, 12, 31)),
                ),
                name="deadline_reference_date_range",
                violation_error_message="Date de référence : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("due_on__gte", datetime.date(1900, 1, 1)),
                    ("due_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="deadline_due_on_range",
                violation_error_message="Échéance : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("met_on__gte", datetime.date(1900, 1, 1)),
                        ("met_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("met_on__isnull", True),
                    _connector="OR",
                ),
                name="deadline_met_on_range",
                violation_error_message="Respecté le : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("cancelled_on__gte", datetime.date(1900, 1, 1)),
                        ("cancelled_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("cancelled_on__isnull", True),
                    _connector="OR",
                ),
                name="deadline_cancelled_on_range",
                violation_error_message="Annulé le : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="interview",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("occurred_on__gte", datetime.date(1900, 1, 1)),
                    ("occurred_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="interview_occurred_on_range",
                violation_error_message="Date de l'entretien : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="interview",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        (
                            "next_appointment_at__gte",
                            datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                        ),
                        (
                            "next_appointment_at__lt",
                            datetime.datetime(2201, 1, 1, 0, 0, tzinfo=datetime.UTC),
                        ),
                    ),
                    ("next_appointment_at__isnull", True),
                    _connector="OR",
                ),
                name="interview_next_appointment_at_range",
                violation_error_message="Prochain rendez-vous : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orientationdecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_on__gte", datetime.date(1900, 1, 1)),
                    ("decided_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="orientation_decided_on_range",
                violation_error_message="Date de décision : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orientationdecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("notified_on__gte", datetime.date(1900, 1, 1)),
                        ("notified_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("notified_on__isnull", True),
                    _connector="OR",
                ),
                name="orientation_notified_on_range",
                violation_error_message="Date de notification : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pathway",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("opened_on__gte", datetime.date(1900, 1, 1)),
                    ("opened_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="pathway_opened_on_range",
                violation_error_message="Ouverture du parcours : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pathway",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("entered_on__gte", datetime.date(1900, 1, 1)),
                        ("entered_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("entered_on__isnull", True),
                    _connector="OR",
                ),
                name="pathway_entered_on_range",
                violation_error_message="Entrée en parcours : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="prescription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["prescribed", "in_progress"])),
                fields=("beneficiary", "offer"),
                name="prescription_one_active_per_person_offer",
                violation_error_message="Cette action est déjà prescrite à cette personne et n'est pas terminée.",
            ),
        ),
        migrations.AddConstraint(
            model_name="prescription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("prescribed_on__gte", datetime.date(1900, 1, 1)),
                    ("prescribed_on__lte", datetime.date(2200, 12, 31)),
                ),
                name="prescription_prescribed_on_range",
                violation_error_message="Date de prescription : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="prescription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("starts_on__gte", datetime.date(1900, 1, 1)),
                        ("starts_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("starts_on__isnull", True),
                    _connector="OR",
                ),
                name="prescription_starts_on_range",
                violation_error_message="Début de l'action : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
        migrations.AddConstraint(
            model_name="prescription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("ends_on__gte", datetime.date(1900, 1, 1)),
                        ("ends_on__lte", datetime.date(2200, 12, 31)),
                    ),
                    ("ends_on__isnull", True),
                    _connector="OR",
                ),
                name="prescription_ends_on_range",
                violation_error_message="Fin de l'action : la date doit être comprise entre 1900 et 2200.",
            ),
        ),
    ]
