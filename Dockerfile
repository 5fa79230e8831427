# Production image of Parcours RSA: gunicorn for the web, the same image for
# the Celery worker and beat (see docker-compose.yml).

FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 parcours
# The lock file pins every dependency with its hashes (`make lock`); the
# project itself is not installed, its apps run from /app.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
COPY --from=assets /build/node_modules ./node_modules
# The project's bytecode, compiled once here: PYTHONDONTWRITEBYTECODE keeps
# the processes from writing it, and each would otherwise compile every
# module when it starts (1.6 → 1.25 s to import the WSGI application).
RUN python -m compileall -q -x node_modules /app
RUN SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
    && mkdir -p var/imports && chown -R parcours var
USER parcours
EXPOSE 8000
# Workers: gunicorn.conf.py ((2 × cores) + 1, or WEB_CONCURRENCY).
# Access log: the path without its query string (searches carry names and CAF numbers).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(L)s"]
