#!/bin/sh
# The image's entry: `web` (migrate, then gunicorn), `worker`, or any command (`manage.py backup`, a shell).
set -eu
cd /opt/legwork/app
case "${1:-web}" in
  web)
    # Migrations on start. With several web containers against one PostgreSQL, set MIGRATE_ON_START=0 on all
    # but one (or run `migrate` once as a release step) so two never migrate at the same time.
    if [ "${MIGRATE_ON_START:-1}" = 1 ]; then
      python manage.py migrate --no-input
      python manage.py createcachetable
    fi
    exec gunicorn --config deploy/gunicorn.conf.py legwork.wsgi
    ;;
  worker)
    exec python manage.py worker
    ;;
  worker-once)
    # One pass over what is due, then exit (a health probe of the image, or a cron-style worker).
    exec python manage.py worker --once
    ;;
  manage.py)
    shift
    exec python manage.py "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
