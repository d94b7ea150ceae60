"""Sites: one deployment's configuration and data under ``sites/<name>/``.

Like a bench site, a site folder holds ``site.env`` (database URL, Redis URL, secret key, allowed
hosts, time zone, language, email settings), ``media/`` and, for the embedded default, its SQLite
database. ``SITE`` (default ``default``) picks one. The first run writes ``site.env`` with a newly
generated secret key; it is never committed (see ``.gitignore``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SITES_DIR = BASE_DIR / "sites"

SITE_ENV_TEMPLATE = """\
# Configuration of the site "{name}". Generated on first run; never commit this file.
# Environment variables of the same name take precedence over the values here.
SECRET_KEY={secret_key}
DEBUG=false
# true: the production profile (gunicorn behind TLS, HTTPS only); see the README's "Production".
PRODUCTION=false
# Empty DATABASE_URL: the embedded SQLite database in this folder (db.sqlite3).
# MariaDB: mysql://user:password@127.0.0.1:3306/property_service
DATABASE_URL=
# Empty REDIS_URL: local-memory cache and the database (ORM) as the django-q2 broker.
REDIS_URL=
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:8000,http://localhost:8000
TIME_ZONE=Asia/Shanghai
LANGUAGE_CODE=zh-hans
EMAIL_URL=consolemail://
DEFAULT_FROM_EMAIL=property-service@localhost
"""


def site_dir(name: str | None = None) -> Path:
    """Return the folder of the site ``name`` (or of ``$SITE``), creating it on first use."""
    name = name or os.environ.get("SITE", "default")
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"Invalid site name: {name!r}")
    path = SITES_DIR / name
    (path / "media").mkdir(parents=True, exist_ok=True)
    config = path / "site.env"
    if not config.exists():
        text = SITE_ENV_TEMPLATE.format(name=name, secret_key=secrets.token_urlsafe(50))
        # O_EXCL: two processes starting together (web + scheduler) must not both write it.
        try:
            fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    return path
