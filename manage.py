#!/usr/bin/env python
"""Django's command-line utility for Parcours RSA."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from core.audit import command_context

    # Every change a command makes is traced to it (history and access log).
    with command_context(sys.argv[1] if len(sys.argv) > 1 else "manage.py"):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
