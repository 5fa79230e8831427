"""The dashboard's tables, built once from the figures and used three ways:
the accessible table under each chart, the chart's data, and the CSV/XLSX
exports (`stats.exports`). A table knows which of its columns count people,
so that the exports leaving the Département can show small counts as "< 5"."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _

from appointments.enums import Attendance
from beneficiaries.enums import BarrierKind
from caseload.enums import Programme, StaffRole
from pathways.enums import DeadlineKind, ExitOutcome


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list
    # Columns that count people (small counts hidden in exports leaving the Département).
    count_columns: tuple = ()
    # Chart: type and the columns drawn as series (labels: the first column).
    chart: str = ""
    series: tuple = ()
    note: str = ""
    chart_data: dict = field(default_factory=dict)
    # When the figures were precomputed at night (None: computed for this page).
    computed_at: datetime.datetime | None = None

    @property
    def shown_rows(self):
        """The rows with each cell as text (`_shown`)."""
        return [[_shown(cell) for cell in row] for row in self.rows]

    @property
    def chart_id(self):
        return f"donnees-{self.key}"

    def __post_init__(self):
        if self.chart:
            self.chart_data = {
                "type": self.chart,
                "labels": [str(row[0]) for row in self.rows],
                "datasets": [
                    {
                        "label": str(self.columns[index]),
                        "data": [_number(row[index]) for row in self.rows],
                    }
                    for index in self.series
                ],
            }


def _shown(value):
    """A cell as the page prints it: integers as they are, other numbers
    localised, labels translated (once per cell, not through the template's
    filters: a dashboard prints some 600 cells)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float | Decimal | datetime.date):
        return localize(value)
    return str(value)


def _number(value):
    return value if isinstance(value, int | float) else None


def percent(value):
    """A share shown as a percentage, "—" without a denominator."""
    return "—" if value is None else f"{value * 100:.0f} %"


def days(value):
    return "—" if value is None else value


def _month(day):
    return date_format(day, "F Y")


def build_tables(data):
    """[Table] of the dashboard, from `figures.all_figures`."""
    head = data["headline"]
    tables = [
        Table(
            key="synthese",
            title=_("Synthèse"),
            columns=[_("Indicateur"), _("Valeur")],
            rows=[
                [_("Personnes suivies"), head["people_followed"]],
                [_("dont connues du Département"), head["known"]],
                [_("dont jamais vues"), head["never_seen"]],
                [_("Entrées (parcours ouverts)"), head["entries"]],
                [_("dont réentrées"), head["re_entries"]],
                [_("Sorties"), head["exits"]],
                [_("dont retour à l'activité"), head["back_to_activity"]],
                [_("Part de retour à l'activité"), percent(head["back_to_activity_share"])],
            ],
            count_columns=(1,),
        ),
        Table(
            key="dispositifs",
            title=_("Personnes suivies par dispositif"),
            columns=[_("Dispositif"), _("Personnes")],
            rows=[[row["label"], row["people"]] for row in data["followed_by_programme"]],
            count_columns=(1,),
            chart="bar",
            series=(1,),
        ),
    ]
    delays = data["delays"]
    labels = {
        DeadlineKind.ENTRY: _("Entrée en parcours (15 jours)"),
        DeadlineKind.ORIENTATION: _("Orientation (6 semaines)"),
        DeadlineKind.CONTRACT: _("Contrat d'engagement (1 mois)"),
    }
    tables.append(
        Table(
            key="delais",
            title=_("Délais"),
            columns=[
                _("Délai"),
                _("Échéances de la période"),
                _("Tenus"),
                _("Tenus en retard"),
                _("Dépassés"),
                _("En cours"),
                _("Part tenue"),
                _("Médiane (jours)"),
            ],
            rows=[
                [
                    labels[kind],
                    delays[kind]["cohort"],
                    delays[kind]["on_time"],
                    delays[kind]["late"],
                    delays[kind]["overdue"],
                    delays[kind]["open"],
                    percent(delays[kind]["on_time_share"]),
                    days(delays[kind]["median_days"]),
                ]
                for kind in labels
            ],
            count_columns=(1, 2, 3, 4, 5),
        )
    )
    entry = delays[DeadlineKind.ENTRY]["distribution"]
    tables.append(
        Table(
            key="delai_entree",
            title=_("Jours entre la date de référence et le premier entretien"),
            columns=[_("Jours"), _("Personnes")],
            rows=[[band, count] for band, count in entry.items()],
            count_columns=(1,),
            chart="bar",
            series=(1,),
        )
    )
    waiting = data["waiting"]
    tables.append(
        Table(
            key="en_attente",
            title=_("Personnes en attente d'un premier entretien au %(day)s, par ancienneté")
            % {"day": date_format(waiting["as_of"], "SHORT_DATE_FORMAT")},
            columns=[_("Jours d'attente"), _("Personnes")],
            rows=[[band, count] for band, count in waiting["bands"].items()],
            count_columns=(1,),
            chart="bar",
            series=(1,),
        )
    )
    tables.append(
        Table(
            key="etapes",
            title=_("Étapes : entonnoir, durée médiane, retours en arrière"),
            columns=[
                _("Étape"),
                _("Parcours de la période l'ayant atteinte"),
                _("Durée médiane (jours)"),
                _("Retours à cette étape"),
            ],
            rows=[
                [row["label"], row["reached"], days(row["median_days"]), row["moves_back"]]
                for row in data["stages"]
            ],
            count_columns=(1, 3),
            chart="bar",
            series=(1,),
        )
    )
    exits = data["exits_by_outcome"]
    tables.append(
        Table(
            key="sorties",
            title=_("Sorties par issue"),
            columns=[_("Issue"), _("Sorties")],
            rows=[[ExitOutcome(value).label, count] for value, count in exits.items()],
            count_columns=(1,),
            chart="bar",
            series=(1,),
        )
    )
    tables.append(
        Table(
            key="cohortes",
            title=_("Cohortes par mois d'entrée : part de retour à l'activité"),
            columns=[
                _("Mois d'entrée"),
                _("Entrées"),
                _("à 3 mois"),
                _("à 6 mois"),
                _("à 12 mois"),
            ],
            rows=[
                [
                    _month(row["month"]),
                    row["entered"],
                    percent(row["activity_3m_share"]),
                    percent(row["activity_6m_share"]),
                    percent(row["activity_12m_share"]),
                ]
                for row in data["cohorts"]
            ],
            count_columns=(1,),
            note=_("« — » : l'horizon n'est pas encore atteint pour tout le mois."),
        )
    )
    tables.append(
        Table(
            key="freins",
            title=_("Freins : fréquence et levée"),
            columns=[
                _("Frein"),
                _("Personnes concernées"),
                _("Part des personnes suivies"),
                _("Part levée"),
                _("Délai médian de levée (jours)"),
            ],
            rows=[
                [
                    BarrierKind(row["kind"]).label,
                    row["people"],
                    percent(row["prevalence"]),
                    percent(row["lifted_share"]),
                    days(row["median_days_to_lift"]),
                ]
                for row in data["barriers"]
            ],
            count_columns=(1,),
        )
    )
    tables.append(
        Table(
            key="prise_de_contact",
            title=_("Prises de contact avec les personnes jamais vues, par résultat"),
            columns=[_("Résultat"), _("Tentatives"), _("Personnes")],
            rows=[[r["label"], r["attempts"], r["people"]] for r in data["outreach"]],
            count_columns=(2,),
        )
    )
    tables.append(
        Table(
            key="entretiens",
            title=_("Entretiens réalisés par référent et par mois"),
            columns=[
                _("Mois"),
                _("Rôle"),
                _("Entretiens"),
                _("Référents"),
                _("Moyenne par référent"),
            ],
            rows=[
                [
                    _month(row["month"]),
                    row["role_label"],
                    row["interviews"],
                    row["referents"],
                    row["per_referent"],
                ]
                for row in data["interviews"]
            ],
            count_columns=(2,),
        )
    )
    hours = data["weekly_hours"]
    tables.append(
        Table(
            key="heures",
            title=_("Heures d'activité hebdomadaires des contrats en cours"),
            columns=[_("Indicateur"), _("Valeur")],
            rows=[
                [_("Contrats en cours"), hours["contracts"]],
                [_("15 heures ou plus"), hours["at_least_minimum"]],
                [_("Part à 15 heures ou plus"), percent(hours["at_least_minimum_share"])],
                [_("Réduites : santé"), hours["reduced_health"]],
                [_("Réduites : handicap"), hours["reduced_disability"]],
                [_("Réduites : parent isolé"), hours["reduced_single_parent"]],
                [_("Médiane (heures)"), days(hours["median_hours"])],
            ],
            count_columns=(1,),
        )
    )
    tables += appointment_tables(data)
    load_rows = []
    for role, by_programme in data["loads"].items():
        for programme, row in by_programme.items():
            load_rows.append(
                [
                    f"{StaffRole(role).label} — {Programme(programme).label}",
                    row["staff"],
                    row["people"],
                    row["average"],
                    row["maximum"],
                    "—" if row["cap"] is None else row["cap"],
                    "—" if row["effective_cap_total"] is None else row["effective_cap_total"],
                    percent(row["load_share"]),
                    row["staff_over_cap"],
                ]
            )
    tables.append(
        Table(
            key="charges",
            title=_("Charges face aux plafonds, par rôle et dispositif"),
            columns=[
                _("Rôle — dispositif"),
                _("Professionnels"),
                _("Personnes suivies"),
                _("Moyenne"),
                _("Maximum"),
                _("Plafond (temps plein)"),
                _("Plafonds cumulés"),
                _("Taux de charge"),
                _("Au-delà du plafond"),
            ],
            rows=load_rows,
            count_columns=(2,),
            chart="bar",
            series=(2, 6),
            note=_("« — » : plafond non défini par le Département."),
        )
    )
    return tables


def appointment_tables(data):
    """Convocations by channel, attendance and no-shows, delay to the first
    appointment."""
    convocations = Table(
        key="convocations",
        title=_("Convocations par canal"),
        columns=[
            _("Canal"),
            _("Convocations"),
            _("Envoyées"),
            _("Non envoyées (coordonnée manquante)"),
            _("Abandonnées après échecs"),
            _("Remises"),
            _("Non remises"),
            _("Part remise"),
        ],
        rows=[
            [
                row["label"],
                row["written"],
                row["sent"],
                row["skipped"],
                row["failed"],
                row["delivered"] if row["reports_delivery"] else "—",
                row["undelivered"] if row["reports_delivery"] else "—",
                percent(row["delivered_share"]),
            ]
            for row in data["convocations"]
        ],
        count_columns=(1, 2, 3, 4, 5, 6),
        chart="bar",
        series=(2, 3),
        note=_(
            "Part remise : remises / envoyées, pour les canaux dont l'opérateur "
            "confirme la remise (SMS) ; « — » pour le courriel et le courrier."
        ),
    )
    attendance = data["attendance"]
    flags = data["no_show_flags"]
    absences = Table(
        key="absences",
        title=_("Présence aux rendez-vous de la période"),
        columns=[_("Présence"), _("Rendez-vous")],
        rows=[
            [a.label, attendance["by_attendance"][a.value]]
            for a in (Attendance.SEEN, Attendance.NO_SHOW, Attendance.EXCUSED, Attendance.CANCELLED)
        ],
        count_columns=(1,),
        chart="bar",
        series=(1,),
    )
    first = data["first_appointment"]
    rendez_vous = Table(
        key="rendez_vous",
        title=_("Absences et premier rendez-vous"),
        columns=[_("Indicateur"), _("Valeur")],
        rows=[
            [_("Taux d'absence sans prévenir"), percent(attendance["no_show_rate"])],
            [_("Rendez-vous tenus ou manqués"), attendance["recorded"]],
            [_("Personnes signalées pour deux absences (période)"), flags["flagged_in_period"]],
            [_("Signalements en cours en fin de période"), flags["open_at_end"]],
            [_("Entrées de la période (date de référence)"), first["cohort"]],
            [_("dont avec un premier rendez-vous"), first["with_appointment"]],
            [_("Délai médian jusqu'au premier rendez-vous (jours)"), days(first["median_days"])],
            [_("Premier rendez-vous sous 15 jours"), first["within_15_days"]],
            [_("Part sous 15 jours"), percent(first["within_15_days_share"])],
        ],
        count_columns=(1,),
        note=_(
            "Taux d'absence : absences sans prévenir / rendez-vous dont la présence est "
            "saisie (venue, absence, absence excusée). Part sous 15 jours : parmi les "
            "entrées ayant un premier rendez-vous ou dont les 15 jours sont passés sans."
        ),
    )
    return [convocations, absences, rendez_vous]


def _week_date(today, week):
    return date_format(today + datetime.timedelta(weeks=week), "SHORT_DATE_FORMAT")


def forecast_tables(projections, back_test_rows, today):
    """The capacity forecast and its back-test, as tables."""
    rows = []
    for p in projections:
        pool = p.pool
        rows.append(
            [
                pool.label,
                pool.load,
                "—" if pool.capacity is None else round(pool.capacity, 1),
                round(pool.inflow, 2),
                f"{pool.exit_rate * 100:.1f} %",
                p.final_load,
                "—"
                if p.saturation_week is None
                else _("semaine %(week)s (%(day)s)")
                % {"week": p.saturation_week, "day": _week_date(today, p.saturation_week)},
                percent(p.missing_entry_share),
            ]
        )
    return [
        Table(
            key="prevision",
            title=_("Prévision de capacité sur 26 semaines"),
            columns=[
                _("Territoire — rôle — dispositif"),
                _("Personnes suivies"),
                _("Capacité (plafonds effectifs)"),
                _("Arrivées par semaine"),
                _("Sorties par semaine"),
                _("Charge dans 26 semaines"),
                _("Saturation"),
                _("Nouveaux entrants au-delà de 15 jours"),
            ],
            rows=rows,
            count_columns=(1,),
            chart="bar",
            series=(1, 5, 2),
            note=_(
                "Méthode : arrivées et sorties des 13 dernières semaines, prolongées à "
                "l'identique ; au-delà de la capacité les nouveaux entrants attendent "
                "une place (voir docs/statistics.md)."
            ),
        ),
        Table(
            key="retro_prevision",
            title=_("Contrôle : prévision faite il y a 13 semaines et charge réelle"),
            columns=[
                _("Territoire — rôle — dispositif"),
                _("Charge prévue"),
                _("Charge réelle"),
                _("Écart"),
            ],
            rows=[[r["pool"], r["forecast"], r["actual"], r["error"]] for r in back_test_rows],
            count_columns=(2,),
            chart="bar",
            series=(1, 2),
        ),
    ]
