"""Stop at once, with a clear message, when PostgreSQL or Redis is unreachable.

Reads the same variables as the test settings (DATABASE_URL, REDIS_URL).
"""

import os
import sys
from urllib.parse import urlparse

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_rsa")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def check_postgresql():
    """Reach the server, and create the project's database when it is missing
    (the test database itself is created by pytest-django)."""
    import psycopg
    from psycopg import sql

    url = urlparse(DATABASE_URL)
    dbname = url.path.lstrip("/") or "parcours_rsa"
    try:
        with psycopg.connect(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password or None,
            dbname="postgres",
            connect_timeout=3,
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except psycopg.Error as exc:
        return (
            f"PostgreSQL est injoignable sur {url.hostname}:{url.port or 5432} ({exc}).\n"
            "  Démarrez-le, par exemple : pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start\n"
            "  ou indiquez un autre serveur avec DATABASE_URL=postgres://utilisateur@hôte:port/base"
        )
    return None


def check_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        url = urlparse(REDIS_URL)
        return (
            f"Redis est injoignable sur {url.hostname}:{url.port or 6379} ({exc}).\n"
            "  Démarrez-le, par exemple : redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n"
            "  ou indiquez un autre serveur avec REDIS_URL=redis://hôte:port/base"
        )
    return None


def main():
    problems = [p for p in (check_postgresql(), check_redis()) if p]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(2)
    print("PostgreSQL et Redis sont joignables.")


if __name__ == "__main__":
    main()
