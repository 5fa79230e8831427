"""The headline figures of a Département over a period, as the
`stats_report` command prints them (JSON or CSV)."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caseload.models import Departement, Territory
from stats import figures


def departement_filters(code, start, end, **extra):
    """Filters over every territory of the Département `code`."""
    departement = Departement.objects.filter(code=(code or "").strip().upper()).first()
    if departement is None:
        raise ValidationError(_("Département inconnu : « %(code)s ».") % {"code": code})
    territory_ids = tuple(
        Territory.objects.filter(departement=departement).values_list("pk", flat=True)
    )
    return figures.Filters(
        departement_id=departement.pk, territory_ids=territory_ids, start=start, end=end, **extra
    )


def parse_period(start, end):
    """(start, end) dates from YYYY-MM-DD texts, or a ValidationError in French."""

    def read(text, option):
        try:
            return datetime.date.fromisoformat((text or "").strip())
        except ValueError:
            raise ValidationError(
                _("%(option)s : date invalide « %(value)s » (attendu AAAA-MM-JJ).")
                % {"option": option, "value": text}
            ) from None

    start_day, end_day = read(start, "--start"), read(end, "--end")
    if end_day <= start_day:
        raise ValidationError(
            _(
                "--end (%(end)s) doit être postérieure à --start (%(start)s) : la période est [début, fin)."
            )
            % {"start": start_day.isoformat(), "end": end_day.isoformat()}
        )
    return start_day, end_day


def headline_report(f: figures.Filters):
    head = figures.headline(f)
    delays = figures.delays(f)
    return {
        "departement_id": f.departement_id,
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "people_followed": head["people_followed"],
        "people_known_before": head["known"],
        "people_never_seen": head["never_seen"],
        "entries": head["entries"],
        "re_entries": head["re_entries"],
        "entry_delay_median_days": delays["entry"]["median_days"],
        "entry_within_15_days_share": delays["entry"]["on_time_share"],
        "orientation_within_6_weeks_share": delays["orientation"]["on_time_share"],
        "contract_within_1_month_share": delays["contract"]["on_time_share"],
        "exits": head["exits"],
        "exits_by_outcome": figures.exits_by_outcome(f),
        "back_to_activity_share": head["back_to_activity_share"],
        "loads_by_role": figures.loads(f),
        **appointments_report(f),
    }


def appointments_report(f: figures.Filters):
    """The convocation and no-show keys of the report."""
    attendance = figures.attendance(f)
    first = figures.first_appointment(f)
    keep = ("written", "sent", "skipped", "failed", "delivered", "undelivered", "delivered_share")
    return {
        "convocations_by_channel": {
            row["channel"]: {key: row[key] for key in keep} for row in figures.convocations(f)
        },
        "appointments_attended_or_missed": attendance["recorded"],
        "no_shows": attendance["by_attendance"]["no_show"],
        "no_show_rate": attendance["no_show_rate"],
        "first_appointment_delay_median_days": first["median_days"],
        "first_appointment_within_15_days_share": first["within_15_days_share"],
        "people_flagged_for_two_no_shows": figures.no_show_flags(f)["flagged_in_period"],
    }


def flatten(data, prefix=""):
    """[(dotted key, value)] of a nested dict, for the CSV output."""
    rows = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, f"{name}.")
        else:
            rows.append((name, value))
    return rows


def report_csv(report):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["indicateur", "valeur"])
    for key, value in flatten(report):
        writer.writerow([key, "" if value is None else value])
    return out.getvalue()
