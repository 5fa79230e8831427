"""`python manage.py seed_demo`: the demo dataset and its logins (core/demo/)."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from demo import generator as demo


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"date invalide « {value} » : format attendu AAAA-MM-JJ"
        ) from exc


class Command(BaseCommand):
    help = (
        "Crée un jeu de données de démonstration déterministe (Loiret, Aube, "
        "Ille-et-Vilaine ; trois Départements de plus par tranche de 100 000 "
        "bénéficiaires au-delà de 200 000) et affiche les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--beneficiaries",
            type=int,
            default=demo.DEFAULT_BENEFICIARIES,
            help=f"nombre de bénéficiaires (défaut : {demo.DEFAULT_BENEFICIARIES})",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="graine : mêmes données pour la même graine"
        )
        parser.add_argument(
            "--today",
            type=iso_date,
            help="date de référence AAAA-MM-JJ dont partent toutes les dates (défaut : aujourd'hui)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="ne rien créer si un Département existe déjà (afficher seulement les comptes)",
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="afficher les comptes de démonstration sans rien créer",
        )

    def handle(self, *args, **options):
        if options["logins_only"]:
            self.print_logins()
            return
        if demo.has_data():
            if options["if_empty"]:
                self.stdout.write("La base contient déjà des données : rien n'a été créé.")
                # A database seeded before two-factor authentication: the demo
                # manager and admin get their device now.
                demo.ensure_demo_second_factor()
                self.print_logins()
                return
            raise CommandError(
                "La base contient déjà des Départements : les données de démonstration "
                "ne sont créées que dans une base vide (utilisez --if-empty pour ignorer)."
            )
        if options["beneficiaries"] < demo.MIN_BENEFICIARIES:
            raise CommandError(f"Il faut au moins {demo.MIN_BENEFICIARIES} bénéficiaires.")
        if options["beneficiaries"] > demo.max_beneficiaries():
            raise CommandError(
                f"Au plus {demo.max_beneficiaries():_} bénéficiaires : au-delà de 200_000, "
                "chaque tranche de 100_000 personnes occupe trois Départements de plus, "
                "et la liste des Départements est épuisée.".replace("_", " ")
            )
        self.stdout.write(
            f"Création des données de démonstration : {options['beneficiaries']} bénéficiaires, "
            f"graine {options['seed']}…"
        )
        result = demo.seed_demo(
            beneficiaries=options["beneficiaries"],
            seed=options["seed"],
            today=options["today"],
            progress=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.beneficiaries} bénéficiaires, {result.staff} professionnels et "
                f"{result.binomes} binômes créés en {result.seconds:.1f} s."
            )
        )
        self.print_logins()

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(demo.logins_table(demo.demo_login_rows()))
