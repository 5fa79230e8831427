"""The password hasher: Argon2id with the parameters of OWASP's Password
Storage Cheat Sheet (19 MiB of memory, 2 iterations, 1 lane) instead of
Django's defaults (100 MiB, 2 iterations, 8 lanes).

Why: with Django's defaults one login took 0.31 s of CPU on our 2-core
servers — eight lanes on two cores run one after the other — and a wave of
logins at nine in the morning queued every page behind it (the load
benchmark's login p95 was 630 ms). OWASP's configuration is its stated
minimum for Argon2id and costs 40 ms. Accounts are further protected by the
lockout after repeated failures (django-axes) and, for managers and
administrators, by the second factor (docs/security.md).

Existing hashes keep working: the parameters are stored in each hash, and
Django rehashes a password with these at its owner's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
