"""Backups: ``backup`` writes the database and media to an archive; ``restore`` brings them back
into an empty site only, and verifies what it restored against the archive's manifest.

The round trip runs on the test database's engine: SQLite by default, MariaDB when the suite
runs with a MariaDB ``DATABASE_URL`` (the restore target is then a scratch database)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from property_service.core.backup import (
    BackupError,
    create_backup,
    open_connection,
    read_manifest,
    restore_backup,
    row_counts,
)
from property_service.registry.models import Resident
from property_service.workorders.models import WorkOrder

from tests.factories.registry import OccupancyFactory
from tests.factories.workorders import WorkOrderFactory

# Dumps read committed data; the flush after each test is followed by the database's first
# state again (content types, permissions, the standards), as the other tests expect it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRATCH_DATABASE = "test_property_service_restore"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "workorders").mkdir(parents=True)
    (root / "workorders" / "leak.jpg").write_bytes(b"\xff\xd8\xff photo bytes \x00\x01")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def target(tmp_path):
    """The settings of an empty database to restore into, of the test database's engine."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        settings_dict["OPTIONS"] = {}
        yield settings_dict
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
        cursor.execute(f"CREATE DATABASE {SCRATCH_DATABASE} CHARACTER SET utf8mb4 "
                       f"COLLATE utf8mb4_unicode_ci")
    settings_dict["NAME"] = SCRATCH_DATABASE
    yield settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")


@pytest.fixture
def site_data(transactional_db, place_a, place_b):
    """Committed rows a dump must carry: residents and work orders in several states."""
    OccupancyFactory(unit=place_a.unit, resident__name="王小明")
    for state in ["new", "assigned", "done", "closed"]:
        WorkOrderFactory(unit=place_a.unit, state=state, description=f"漏水 {state}")
    WorkOrderFactory(unit=place_b.unit, state="new")


def key_rows(conn) -> dict[str, list[tuple]]:
    """A checksum of key rows: work orders' number and state, residents' id and name."""
    rows = {}
    for model, columns in [(WorkOrder, ["number", "state"]), (Resident, ["id", "name"])]:
        quoted = ", ".join(conn.ops.quote_name(column) for column in columns)
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT {quoted} FROM {conn.ops.quote_name(model._meta.db_table)} "
                           f"ORDER BY {conn.ops.quote_name(columns[0])}")
            rows[model._meta.db_table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def restored(settings_dict):
    conn = open_connection(settings_dict, alias="restored")
    try:
        return row_counts(conn), key_rows(conn)
    finally:
        conn.close()


def test_a_backup_restored_into_an_empty_site_has_every_row_and_media_file(
        site_data, media, target, tmp_path):
    archive = create_backup(output=tmp_path / "backups")
    assert archive.name.endswith(".tar.gz") and archive.parent == tmp_path / "backups"
    assert archive.stat().st_mode & 0o077 == 0, "only the site's owner may read a backup"
    manifest = read_manifest(archive)
    source_counts = row_counts(connection)
    assert manifest["engine"] == ("sqlite" if connection.vendor == "sqlite" else "mysql")
    assert manifest["row_counts"] == source_counts
    assert manifest["row_counts"][WorkOrder._meta.db_table] == 5
    assert manifest["migrations"]["property_service"]

    restored_media = tmp_path / "restored-media"
    report = restore_backup(archive, target=target, media_root=restored_media)

    assert report.ok, report.mismatches
    counts, keys = restored(target)
    assert counts == source_counts
    assert keys == key_rows(connection)
    assert ("王小明",) in [(name,) for _, name in keys[Resident._meta.db_table]]
    assert (restored_media / "workorders" / "leak.jpg").read_bytes() == \
        (media / "workorders" / "leak.jpg").read_bytes()


def test_a_restore_into_a_site_that_holds_data_is_refused_unless_forced(
        site_data, media, target, tmp_path):
    archive = create_backup(output=tmp_path)
    restore_backup(archive, target=target, media_root=tmp_path / "restored-media")
    # Change the restored site, so that an overwrite would show.
    conn = open_connection(target, alias="changed")
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {conn.ops.quote_name(WorkOrder._meta.db_table)}")
        if not conn.get_autocommit():
            conn.commit()
    finally:
        conn.close()

    with pytest.raises(BackupError, match="already holds data.*--force"):
        restore_backup(archive, target=target, media_root=tmp_path / "empty-media")
    assert restored(target)[0][WorkOrder._meta.db_table] == 0

    report = restore_backup(archive, target=target, media_root=tmp_path / "restored-media",
                            force=True)
    assert report.ok, report.mismatches
    assert restored(target)[1] == key_rows(connection)


def test_the_restore_command_refuses_the_sites_own_database_with_a_non_zero_exit(
        site_data, media, tmp_path):
    call_command("backup", "--output", str(tmp_path), stdout=io.StringIO())
    archive = next(tmp_path.glob("*.tar.gz"))
    with pytest.raises(CommandError, match="Refusing to restore: the database already holds"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert WorkOrder.objects.count() == 5


def test_a_media_folder_that_is_not_empty_is_not_overwritten(site_data, media, target, tmp_path):
    archive = create_backup(output=tmp_path)
    with pytest.raises(BackupError, match="media folder .* is not empty"):
        restore_backup(archive, target=target, media_root=media)


def rewrite_manifest(archive: Path, destination: Path, **changes) -> Path:
    """A copy of ``archive`` whose manifest has ``changes``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(destination, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data.read())
                manifest.update(changes)
                body = json.dumps(manifest).encode()
                member.size = len(body)
                data = io.BytesIO(body)
            copy.addfile(member, data)
    return destination


def test_a_corrupt_or_foreign_archive_is_refused_with_a_clear_message(db, target, tmp_path):
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"this is not a gzip file at all")
    with pytest.raises(BackupError, match="not a readable backup archive"):
        restore_backup(corrupt, target=target, media_root=tmp_path / "m")

    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        (tmp_path / "notes.txt").write_text("hello")
        archive.add(tmp_path / "notes.txt", arcname="notes.txt")
    with pytest.raises(BackupError, match="not a property-service backup"):
        restore_backup(foreign, target=target, media_root=tmp_path / "m")

    with pytest.raises(CommandError, match="not a property-service backup"):
        call_command("restore", str(foreign), stdout=io.StringIO())


def test_an_archive_of_another_engine_or_of_newer_migrations_is_refused(
        site_data, media, target, tmp_path):
    archive = create_backup(output=tmp_path / "original")
    other = "mysql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match=f"backup is of a {other} database"):
        restore_backup(rewrite_manifest(archive, tmp_path / "engine.tar.gz", engine=other),
                       target=target, media_root=tmp_path / "m")

    migrations = {**read_manifest(archive)["migrations"], "property_service": "9999_future"}
    with pytest.raises(BackupError, match="newer code.*property_service.9999_future"):
        restore_backup(rewrite_manifest(archive, tmp_path / "newer.tar.gz",
                                        migrations=migrations),
                       target=target, media_root=tmp_path / "m")
    conn = open_connection(target, alias="untouched")
    try:
        assert WorkOrder._meta.db_table not in row_counts(conn), "nothing was restored"
    finally:
        conn.close()


def test_a_restore_whose_row_counts_differ_from_the_manifest_is_reported(
        site_data, media, target, tmp_path):
    archive = create_backup(output=tmp_path / "original")
    counts = {**read_manifest(archive)["row_counts"]}
    counts[WorkOrder._meta.db_table] += 1
    report = restore_backup(rewrite_manifest(archive, tmp_path / "off.tar.gz", row_counts=counts),
                            target=target, media_root=tmp_path / "m")
    assert not report.ok
    assert report.mismatches == {WorkOrder._meta.db_table: (6, 5)}
