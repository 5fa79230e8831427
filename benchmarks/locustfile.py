"""The load of `make bench`: the three jobs of a Département at once.

    BENCH_ACCOUNTS=var/bench/accounts_100k.json locust -f benchmarks/locustfile.py \\
        --headless -u 50 -r 5 -t 120s --host http://127.0.0.1:8765

- referents (most users): log in, open their portfolio, open a person's
  record, log an interview there (the form as the page serves it), read
  their notifications;
- managers: log in with their second factor, read the dashboard `/equipe/`,
  the unassigned queue, balance it (the proposed plan, then its
  confirmation) and read the statistics;
- one administrator: logs in with their second factor and runs applicant
  imports in the background (upload, columns, confirmation; the Celery
  worker does the import), watching the progress page.

Every simulated user logs in once with an account of its own
(benchmarks/accounts.py). Pages are grouped by URL pattern (person ids
replaced by `[id]`) in locust's statistics. Only URLs and pages are used.
"""

import itertools
import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.web import LoginFailed, form_with, forms_of, login, record_links  # noqa: E402

ACCOUNTS = json.loads(Path(os.environ["BENCH_ACCOUNTS"]).read_text())
_lock = threading.Lock()
_next = {"referents": itertools.count(), "managers": itertools.count(), "admins": itertools.count()}
IMPORT_PATH = re.compile(r"/imports/(\d+)/")


def _account(kind):
    with _lock:
        accounts = ACCOUNTS[kind]
        return accounts[next(_next[kind]) % len(accounts)]


# A person reads what a page shows before the next click: 5 to 15 s between
# two requests (about 6 pages a minute, a busy user). `BENCH_WAIT=1,3` turns
# the run into a stress test: on 2 cores, 50 users asking every 2 s (about
# 25 requests a second) saturate the machine at ~15 requests a second and
# every page queues (p95 3.6 s on 2026-12-03); that measures the machine's
# ceiling, not what 50 people at work see.
WAIT_SECONDS = tuple(float(part) for part in os.environ.get("BENCH_WAIT", "5,15").split(","))


class BenchUser(HttpUser):
    abstract = True
    kind = None
    wait_time = between(*WAIT_SECONDS)

    def on_start(self):
        account = _account(self.kind)
        try:
            login(
                self.client,
                account["username"],
                ACCOUNTS["password"],
                totp_key=account.get("totp_key"),
            )
        except LoginFailed as error:
            events.request.fire(
                request_type="LOGIN",
                name=f"login {self.kind}",
                response_time=0,
                response_length=0,
                exception=error,
                context={},
            )
            self.stop()

    def page(self, path, name=None, ok=(200,)):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code not in ok:
                response.failure(f"{response.status_code}")
            return response


class Referent(BenchUser):
    kind = "referents"
    weight = 38

    def on_start(self):
        super().on_start()
        self.records = []

    @task(3)
    def portfolio(self):
        response = self.page("/portefeuille/")
        self.records = record_links(response.text) or self.records

    @task(4)
    def record(self):
        if not self.records:
            return self.portfolio()
        self.page(random.choice(self.records), name="/portefeuille/personnes/[id]/")

    @task(2)
    def log_interview(self):
        if not self.records:
            return self.portfolio()
        path = random.choice(self.records) + "entretiens/nouveau/"
        name = "/portefeuille/personnes/[id]/entretiens/nouveau/"
        form_page = self.page(path, name=name)
        form = form_with(form_page.text, "notes")
        if form is None:
            return
        data = form.data(notes="Entretien de suivi (banc d'essai).")
        with self.client.post(
            path, data=data, name=f"{name} POST", catch_response=True
        ) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}")

    @task(1)
    def notifications(self):
        self.page("/notifications/")


class Manager(BenchUser):
    kind = "managers"
    weight = 11

    @task(3)
    def dashboard(self):
        self.page("/equipe/")

    @task(3)
    def queue(self):
        self.page("/equipe/file/")

    @task(1)
    def balance(self):
        plan = self.page("/equipe/file/equilibrer/")
        form = next((f for f in forms_of(plan.text) if "confirmer" in f.action), None)
        if form is None or "plan" not in form.names():
            return
        with self.client.post(
            "/equipe/file/equilibrer/confirmer/",
            data=form.data(),
            name="/equipe/file/equilibrer/confirmer/ POST",
            catch_response=True,
        ) as response:
            # Two managers confirming the same plan: the second is refused
            # (409 or 403 with a message), which is the product's answer.
            if response.status_code >= 500:
                response.failure(f"{response.status_code}")
            else:
                response.success()

    @task(1)
    def overdue(self):
        self.page("/delais/depasses/")

    @task(1)
    def statistics(self):
        self.page("/statistiques/")


class Admin(BenchUser):
    kind = "admins"
    fixed_count = 1
    wait_time = between(5, 10)

    @task
    def import_file(self):
        """Upload, columns (as guessed), the analysis (dry run, Celery), the
        confirmation, the import (Celery), polling the progress as the page
        does."""
        csv_path = ACCOUNTS.get("import_csv")
        if not csv_path:
            return
        upload = self.page("/imports/nouveau/")
        form = form_with(upload.text, "file")
        if form is None:
            return
        with open(csv_path, "rb") as handle:
            response = self.client.post(
                "/imports/nouveau/",
                data=form.data(),
                files={"file": ("demandeurs.csv", handle, "text/csv")},
                name="/imports/nouveau/ POST",
            )
        match = IMPORT_PATH.search(response.url)
        if match is None:
            return
        base = f"/imports/{match.group(1)}/"
        # The columns form: a POST to the page itself (not the sheet choice,
        # nor the cancel or logout forms).
        columns = next(
            (
                f
                for f in forms_of(response.text)
                if f.method == "post" and not f.action and "sheet" not in f.names()
            ),
            None,
        )
        if columns is not None and "/colonnes/" in response.url:
            self.client.post(
                base + "colonnes/", data=columns.data(), name="/imports/[id]/colonnes/ POST"
            )
        self.wait_for(base)
        detail = self.page(base, name="/imports/[id]/")
        confirm = next((f for f in forms_of(detail.text) if "confirmer" in f.action), None)
        if confirm is None:
            return
        self.client.post(
            base + "confirmer/", data=confirm.data(), name="/imports/[id]/confirmer/ POST"
        )
        self.wait_for(base)
        self.page(base, name="/imports/[id]/")

    def wait_for(self, base, polls=120):
        """Poll the progress fragment (every 2 s, as the page does) until the
        phase is over (204)."""
        for _ in range(polls):
            response = self.page(
                base + "progression/", name="/imports/[id]/progression/", ok=(200, 204)
            )
            if response.status_code == 204 or response.headers.get("HX-Refresh"):
                return
            time.sleep(2)
