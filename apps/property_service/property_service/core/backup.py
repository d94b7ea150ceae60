"""Backups of a site: its database and its media folder in one ``.tar.gz`` archive.

The archive holds:
- ``manifest.json``: the site, the database engine, the time, the app version, the last applied
  migration per app and the row count of every table;
- the dump: ``db.sqlite3`` (a copy made with SQLite's online backup API) or ``dump.sql``
  (``mariadb-dump --single-transaction``, consistent without locking InnoDB tables);
- ``media/``: the uploaded files.

A restore goes into an empty database only (``force`` overrides), checks the manifest first
(engine, migrations not newer than the code's) and compares the restored row counts with the
manifest's afterwards.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = "property-service-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_DUMP = "db.sqlite3"
SQL_DUMP = "dump.sql"
MEDIA = "media"
# Tables whose rows a freshly migrated, empty site already has: they do not make it "in use".
BOOKKEEPING_TABLES = {
    "django_migrations", "django_content_type", "auth_permission", "auth_group",
    "auth_group_permissions",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass
class RestoreReport:
    archive: Path
    manifest: dict
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    older_migrations: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches


def app_version() -> str:
    try:
        return importlib.metadata.version("property-service")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("mysql"):
        return "mysql"
    raise BackupError(f"Backups support SQLite and MariaDB only, not {engine}.")


def open_connection(settings_dict: dict, alias: str = "backup"):
    """A Django connection of its own to the database ``settings_dict`` names."""
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(dict(settings_dict), alias)


def row_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def migration_state(connection) -> dict[str, str]:
    """The last applied migration per app (migration names are numbered)."""
    last: dict[str, str] = {}
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return last
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            if name > last.get(app, ""):
                last[app] = name
    return last


# --- credentials for the MariaDB tools: a temporary defaults file, never the command line ---

def _defaults_file(settings_dict: dict, directory: Path) -> Path:
    path = directory / "client.cnf"
    lines = ["[client]", f"user={settings_dict.get('USER') or ''}",
             f"password={settings_dict.get('PASSWORD') or ''}",
             "default-character-set=utf8mb4"]
    host = settings_dict.get("HOST") or ""
    if host.startswith("/"):
        lines.append(f"socket={host}")
    elif host:
        lines.append(f"host={host}")
    if settings_dict.get("PORT"):
        lines.append(f"port={settings_dict['PORT']}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupError(f"None of {', '.join(names)} is installed.")


def _run(command: list[str], **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, **kwargs)
    if result.returncode != 0:
        error = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed: {error}")


MIGRATION_ROW = re.compile(rb"^INSERT INTO `django_migrations` VALUES \(\d+,'([^']*)','([^']*)'")


def _read_dump(dump: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and the last migration per app read from a dump made with one INSERT per
    row: exactly what it restores, from the dump's own snapshot."""
    counts: dict[str, int] = {}
    last: dict[str, str] = {}
    with dump.open("rb") as handle:
        for line in handle:
            if line.startswith(b"CREATE TABLE `"):
                counts.setdefault(line.split(b"`")[1].decode(), 0)
            elif line.startswith(b"INSERT INTO `"):
                name = line.split(b"`")[1].decode()
                counts[name] = counts.get(name, 0) + 1
                migration = MIGRATION_ROW.match(line)
                if migration:
                    app, applied = (part.decode() for part in migration.groups())
                    if applied > last.get(app, ""):
                        last[app] = applied
    return counts, last


# --- backup ---

def default_backup_dir() -> Path:
    return Path(settings.SITE_DIR) / "backups"


def create_backup(*, output: Path | None = None, using: str = "default") -> Path:
    """Write the archive of the site's database and media to ``output`` (a folder, or a file
    name ending in ``.tar.gz``); return its path."""
    connection = connections[using]
    settings_dict = connection.settings_dict
    engine = engine_of(settings_dict)
    now = timezone.localtime(timezone.now())
    site = getattr(settings, "SITE", "default")
    name = f"{site}-{now:%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output) if output else default_backup_dir()
    target = output if output.name.endswith(".tar.gz") else output / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="backup-") as work:
        work = Path(work)
        if engine == "sqlite":
            dump = work / SQLITE_DUMP
            source = sqlite3.connect(str(settings_dict["NAME"]))
            copy = sqlite3.connect(str(dump))
            try:
                with copy:
                    source.backup(copy)
            finally:
                source.close()
                copy.close()
            copied = open_connection({**settings_dict, "NAME": str(dump), "OPTIONS": {}})
            try:
                counts = row_counts(copied)
                migrations = migration_state(copied)
            finally:
                copied.close()
        else:
            dump = work / SQL_DUMP
            defaults = _defaults_file(settings_dict, work)
            command = [_tool("mariadb-dump", "mysqldump"), f"--defaults-extra-file={defaults}",
                       "--single-transaction", "--routines", "--triggers", "--hex-blob",
                       "--default-character-set=utf8mb4", "--skip-extended-insert",
                       "--no-autocommit", "--result-file", str(dump), settings_dict["NAME"]]
            _run(command)
            defaults.unlink()
            counts, migrations = _read_dump(dump)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "site": site,
            "engine": engine, "created": now.isoformat(), "app_version": app_version(),
            "dump": dump.name, "migrations": migrations, "row_counts": counts,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True),
                                     encoding="utf-8")
        partial = target.with_name(target.name + ".part")
        # Personal data: readable by the site's owner only, from the first byte.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(partial, 0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
        partial.replace(target)
    return target


# --- restore ---

def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.getmember(MANIFEST)
            manifest = json.loads(archive.extractfile(member).read().decode("utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"No such archive: {archive_path}") from error
    except KeyError as error:
        raise BackupError(f"{archive_path} is not a property-service backup: "
                          f"it holds no {MANIFEST}.") from error
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive "
                          f"(corrupt or not a .tar.gz): {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a property-service backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive_path} is a backup of format version "
                          f"{manifest.get('format_version')}, this code reads {FORMAT_VERSION}.")
    return manifest


def check_migrations(manifest: dict) -> bool:
    """Refuse a backup made by newer code; True when it is older (``migrate`` is needed)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    on_disk: dict[str, set[str]] = {}
    for app, name in loader.disk_migrations:
        on_disk.setdefault(app, set()).add(name)
    older = False
    for app, name in manifest["migrations"].items():
        if name not in on_disk.get(app, set()):
            raise BackupError(f"The backup was made by newer code: migration {app}.{name} "
                              f"is unknown here. Restore it with the version that made it.")
        if name != max(on_disk[app]):
            older = True
    return older


def data_tables(connection) -> list[str]:
    """The tables of the database that hold rows (other than what migrating alone writes)."""
    return [name for name, count in row_counts(connection).items()
            if count and name not in BOOKKEEPING_TABLES]


def restore_backup(archive_path: Path, *, force: bool = False,
                   using: str = "default", target: dict | None = None,
                   media_root: Path | None = None) -> RestoreReport:
    """Restore the archive into the database ``target`` (default: the site's) and the media
    folder; refuse when either already holds data unless ``force``."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    settings_dict = dict(target or connections[using].settings_dict)
    engine = engine_of(settings_dict)
    if manifest["engine"] != engine:
        raise BackupError(f"The backup is of a {manifest['engine']} database, this site uses "
                          f"{engine}.")
    older = check_migrations(manifest)
    media_root = Path(media_root or settings.MEDIA_ROOT)

    connection = open_connection(settings_dict, alias="restore-target")
    try:
        in_use = data_tables(connection)
    finally:
        connection.close()
    media_in_use = media_root.is_dir() and any(media_root.iterdir())
    if (in_use or media_in_use) and not force:
        what = []
        if in_use:
            what.append(f"the database already holds data ({', '.join(in_use[:5])}"
                        f"{', ...' if len(in_use) > 5 else ''})")
        if media_in_use:
            what.append(f"the media folder {media_root} is not empty")
        raise BackupError("Refusing to restore: " + " and ".join(what)
                          + ". Restore into an empty site, or pass --force to overwrite it.")

    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        work = Path(work)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{archive_path} cannot be unpacked (corrupt?): {error}") from error
        dump = work / manifest["dump"]
        if manifest["dump"] not in (SQLITE_DUMP, SQL_DUMP) or not dump.is_file():
            raise BackupError(f"{archive_path} holds no database dump.")
        for alias in connections:
            if connections[alias].settings_dict.get("NAME") == settings_dict["NAME"]:
                connections[alias].close()
        if engine == "sqlite":
            source = sqlite3.connect(str(dump))
            destination = sqlite3.connect(str(settings_dict["NAME"]))
            try:
                with destination:
                    source.backup(destination)
            finally:
                source.close()
                destination.close()
        else:
            defaults = _defaults_file(settings_dict, work)
            command = [_tool("mariadb", "mysql"), f"--defaults-extra-file={defaults}",
                       "--default-character-set=utf8mb4", settings_dict["NAME"]]
            with dump.open("rb") as handle:
                _run(command, stdin=handle)
        media = work / MEDIA
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)

    connection = open_connection(settings_dict, alias="restore-check")
    try:
        restored = row_counts(connection)
    finally:
        connection.close()
    mismatches = {name: (count, restored.get(name))
                  for name, count in manifest["row_counts"].items()
                  if restored.get(name) != count}
    return RestoreReport(archive=archive_path, manifest=manifest, mismatches=mismatches,
                         older_migrations=older)

