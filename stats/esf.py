"""The yearly activity report in the shape the European Social Fund asks
for: participants entering by sex and age band, their situation on entry,
their results on exit. Over any period (a calendar year for the ESF)."""

from django.db import connection
from django.utils.translation import gettext as _

from pathways.enums import ExitOutcome
from stats import figures
from stats.tables import Table

AGE_BANDS = (("under_25", None, 25), ("25_54", 25, 55), ("55_plus", 55, None))


def entrants(f: figures.Filters):
    """{(civility, age band, known_to_departement): people entering}: one
    statement. The age is the age on the day the pathway opened."""
    scoped, params = figures._pathway_condition_sql(
        figures.pathways(f).filter(figures._opened_in_period(f))
    )
    sql = f"""
        SELECT b.civility,
               CASE
                   WHEN b.birth_date IS NULL THEN 'unknown'
                   WHEN DATE_PART('year', AGE(pathways_pathway.opened_on, b.birth_date)) < 25 THEN 'under_25'
                   WHEN DATE_PART('year', AGE(pathways_pathway.opened_on, b.birth_date)) < 55 THEN '25_54'
                   ELSE '55_plus'
               END AS band,
               b.known_to_departement,
               COUNT(DISTINCT b.id)
        FROM pathways_pathway
        JOIN beneficiaries_beneficiary b ON b.id = pathways_pathway.beneficiary_id
        WHERE {scoped}
        GROUP BY 1, 2, 3
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(civility, band, known): n for civility, band, known, n in cursor.fetchall()}


def esf_table(f: figures.Filters, exits_by_outcome, *, counts=None):
    """The ESF table; `counts` may come precomputed (`stats.snapshots`)."""
    counts = entrants(f) if counts is None else counts
    bands = [
        ("under_25", _("Moins de 25 ans")),
        ("25_54", _("25 à 54 ans")),
        ("55_plus", _("55 ans et plus")),
        ("unknown", _("Âge inconnu")),
    ]
    sexes = [("mme", _("Femmes")), ("m", _("Hommes")), ("", _("Sexe non renseigné"))]

    def total(civility=None, band=None, known=None):
        return sum(
            n
            for (c, b, k), n in counts.items()
            if (civility is None or c == civility)
            and (band is None or b == band)
            and (known is None or k == known)
        )

    rows = [[_("Participants entrés"), total()]]
    for civility, label in sexes:
        rows.append([label, total(civility=civility)])
        for band, band_label in bands:
            rows.append([f"{label} — {band_label}", total(civility=civility, band=band)])
    rows.append([_("Situation à l'entrée : déjà connus du Département"), total(known=True)])
    rows.append([_("Situation à l'entrée : jamais accompagnés"), total(known=False)])
    employment = sum(exits_by_outcome[o] for o in (ExitOutcome.CDI, ExitOutcome.CDD))
    rows += [
        [_("Résultats à la sortie : sorties"), sum(exits_by_outcome.values())],
        [_("Résultats à la sortie : en emploi (CDI, CDD)"), employment],
        [
            _("Résultats à la sortie : création d'entreprise"),
            exits_by_outcome[ExitOutcome.BUSINESS_CREATION],
        ],
        [_("Résultats à la sortie : en formation"), exits_by_outcome[ExitOutcome.TRAINING]],
        [
            _("Résultats à la sortie : autres sorties"),
            sum(
                exits_by_outcome[o]
                for o in (ExitOutcome.MOVED_AWAY, ExitOutcome.END_OF_RIGHTS, ExitOutcome.OTHER)
            ),
        ],
    ]
    return Table(
        key="fse",
        title=_("Rapport d'activité au format FSE"),
        columns=[_("Indicateur"), _("Participants")],
        rows=rows,
        count_columns=(1,),
        note=_(
            "Pour le rapport annuel, choisissez une année civile (du 1er janvier au 1er janvier "
            "suivant)."
        ),
    )
