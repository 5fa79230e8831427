from celery import shared_task

from stats.snapshots import precompute


@shared_task(
    name="stats.precompute_snapshots", ignore_result=True, time_limit=3600, soft_time_limit=3300
)
def precompute_snapshots():
    """Nightly (beat): the dashboard's heavy figures, for every Département."""
    return {"snapshots": precompute()}
