from django.core.management.base import BaseCommand

from appointments.outbox import MESSAGE_SEND_BATCH, messages_send


class Command(BaseCommand):
    help = "Envoie maintenant les messages en attente (SMS, courriels, courriers)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=MESSAGE_SEND_BATCH * 20)

    def handle(self, *args, limit, **options):
        sent = failed = 0
        while limit > 0:
            batch_sent, batch_failed = messages_send(limit=min(limit, MESSAGE_SEND_BATCH))
            sent += batch_sent
            failed += batch_failed
            if batch_sent + batch_failed == 0:
                break
            limit -= batch_sent + batch_failed
        self.stdout.write(f"sent: {sent}, failed: {failed}")
