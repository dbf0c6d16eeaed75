"""Backup and restore: the database and every stored file in one archive that proves itself.

The archive is a .tar.gz with these members:

    data.json      every row of every app except contenttypes, auth.permission and sessions,
                   in Django's fixture format (loaddata reads it), foreign keys to content
                   types, permissions and users as natural keys
    media/…        every file under MEDIA_ROOT (uploads, issued documents)
    keys/…         the files under KEYS_DIR, only with include_keys (they are never under media/)
    manifest.json  written last: every other member with its SHA-256 and size, the applied
                   migrations, and when and from what the backup was made

`restore` checks every member against the manifest before it writes anything, then loads the
rows and writes the files in one transaction; if anything fails, the database is rolled back
and the files it wrote are removed (files it replaced are put back). `lianban backup` and
`lianban restore` are the commands; RELIABILITY.md shows them at work."""

import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.util
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from . import clock
from .errors import Conflict, DomainError

FORMAT = "lianban-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
# Rebuilt by `migrate` on any installation (content types, permissions) or not worth keeping
# (sessions: a restored database must not honour sessions issued by another one).
EXCLUDED = {"contenttypes", "auth.permission", "sessions"}
_CHUNK = 1024 * 1024
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_MEMBER_NAME = re.compile(r"^(?:media|keys)/[^\x00-\x1f\\]+$")

# Checks run after a restore: (label, module, function yielding problems). A module that is
# not installed is reported as skipped. documents has no stored-document check yet; when
# documents.verify grows `verify_stored()`, it is picked up here.
AFTER_RESTORE_CHECKS = [
    ("事件哈希链", "cases.events", "verify_all"),
    ("批复文件核验", "documents.verify", "verify_stored"),
]


class BackupError(DomainError):
    code = "backup"


# ---- what goes in ----------------------------------------------------------------------


def _excluded(model) -> bool:
    return model._meta.app_label in EXCLUDED or model._meta.label_lower in EXCLUDED


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model whose rows the archive carries, in an order loaddata can follow."""
    chosen = [
        m for m in apps.get_models() if not _excluded(m) and m._meta.managed and not m._meta.proxy
    ]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds (ECMA-262). The case event chain hashes
    timestamps to the microsecond, so a backup must keep every digit."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _rows() -> Iterator[models.Model]:
    for model in backed_up_models():
        yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _files_under(root: Path, *, skip: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(relative posix name, path) of every regular file under root; symlinks are not followed."""
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_symlink() or not path.is_file():
                continue
            if skip is not None and _inside(path, skip):
                continue
            yield path.relative_to(root).as_posix(), path


class _Hashing:
    """Reads through to a file and hashes exactly the bytes tarfile takes."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    stat = path.stat()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
    with path.open("rb") as handle:
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    return {"name": name, "sha256": reader.sha256.hexdigest(), "size": info.size}


@dataclass
class BackupSummary:
    path: Path
    objects: int
    files: int
    keys: int
    size: int
    lost: list[str] = field(default_factory=list)  # files rows name that are not in it (files_lost)


def create(path: Path, *, include_keys: bool = False) -> BackupSummary:
    """Write a backup archive to `path`. The rows are read in one transaction (a consistent
    snapshot on PostgreSQL) before the files, so every file a row names is in the archive."""
    path = Path(path)
    media_root, keys_dir = Path(settings.MEDIA_ROOT), Path(settings.KEYS_DIR)
    if _inside(path.parent, media_root) or _inside(path.parent, keys_dir):
        raise BackupError(_("备份文件不能放在 MEDIA_ROOT 或 KEYS_DIR 之内。"))
    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lianban-backup-", dir=path.parent) as work:
        data = Path(work) / DATA
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with _reading_transaction():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = applied_migrations()
            counter = _Counter(_rows())
            with data.open("w", encoding="utf-8") as stream:
                serializers.serialize(
                    "json",
                    counter,
                    stream=stream,
                    cls=ExactJSONEncoder,
                    use_natural_foreign_keys=True,
                    ensure_ascii=False,
                )
            recorded = list(recorded_files())  # in the same snapshot as the rows
        members = []
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                members.append(_add(archive, DATA, data))
                for name, file in _files_under(media_root, skip=keys_dir):
                    members.append(_add(archive, f"media/{name}", file))
                if include_keys:
                    for name, file in _files_under(keys_dir):
                        members.append(_add(archive, f"keys/{name}", file))
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": clock.now().isoformat(),
                    "django": django.get_version(),
                    "database": connection.vendor,
                    "objects": counter.count,
                    "include_keys": include_keys,
                    "migrations": migrations,
                    "members": members,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(clock.now().timestamp()), 0o600
                archive.addfile(info, io.BytesIO(body))
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(
        path=path,
        objects=counter.count,
        files=sum(m["name"].startswith("media/") for m in members),
        keys=sum(m["name"].startswith("keys/") for m in members),
        size=path.stat().st_size,
        # A file missing from MEDIA_ROOT (a volume not mounted, a file deleted by hand) makes
        # a backup that restores documents nobody can download: said now, not on restore day.
        lost=files_lost(recorded, {m["name"]: m["sha256"] for m in members}),
    )


@contextlib.contextmanager
def _reading_transaction():
    """The transaction the rows are read in. On SQLite the settings begin every transaction
    IMMEDIATE (taking the write lock), which for a backup of a county's rows meant a minute
    in which the server answered 500 "database is locked" and worker jobs failed. A DEFERRED
    one only reads: WAL gives it a snapshot at its first read and writers go on meanwhile."""
    sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
    if not sqlite:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()  # the mode is set again whenever a connection opens
    mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
    try:
        with transaction.atomic():
            yield
    finally:
        connection.transaction_mode = mode


class _Counter:
    def __init__(self, iterable):
        self.iterable = iterable
        self.count = 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


# ---- reading an archive back -----------------------------------------------------------


@dataclass
class VerifiedArchive:
    manifest: dict
    data: Path
    files: dict[str, Path]  # member name -> its verified copy in the work directory


def _safe_member_name(name: str) -> bool:
    if name in (DATA, MANIFEST):
        return True
    if not _MEMBER_NAME.match(name):
        return False
    parts = PurePosixPath(name).parts
    return all(part not in ("", ".", "..") for part in parts) and len(parts) >= 2


def verify(path: Path, work: Path) -> VerifiedArchive:
    """Copy every member into `work` while hashing it, then hold each against the manifest.
    Raise BackupError naming the first member that does not match; nothing else is written."""
    seen: dict[str, tuple[str, int, Path]] = {}
    manifest_bytes = None
    try:
        archive = tarfile.open(path, mode="r:gz")
    except (OSError, tarfile.TarError) as e:
        raise BackupError(_("无法读取备份文件：%(error)s") % {"error": e}) from e
    with archive:
        try:
            for index, member in enumerate(archive):
                name = member.name
                if not member.isreg() or not _safe_member_name(name):
                    raise BackupError(
                        _("备份中有不允许的成员“%(name)s”，拒绝恢复。") % {"name": name}
                    )
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(_("备份中成员“%(name)s”重复出现。") % {"name": name})
                source = archive.extractfile(member)
                if name == MANIFEST:
                    if member.size > _MAX_MANIFEST_BYTES:
                        raise BackupError(_("备份清单过大。"))
                    manifest_bytes = source.read()
                    continue
                target = work / (DATA if name == DATA else f"m{index:08d}")
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = (digest.hexdigest(), size, target)
        except (OSError, tarfile.TarError, EOFError) as e:
            raise BackupError(_("备份文件已损坏，无法读取：%(error)s") % {"error": e}) from e
    if manifest_bytes is None:
        raise BackupError(_("备份中没有清单 manifest.json。"))
    try:
        manifest = json.loads(manifest_bytes)
        listed = {m["name"]: (m["sha256"], int(m["size"])) for m in manifest["members"]}
    except (ValueError, KeyError, TypeError) as e:
        raise BackupError(_("备份清单 manifest.json 无法解析。")) from e
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(_("这不是本系统能识别的备份格式。"))
    for name, (sha256, size) in listed.items():
        if name not in seen:
            raise BackupError(_("清单列出的成员“%(name)s”不在备份中。") % {"name": name})
        got_sha, got_size, _path = seen[name]
        if got_size != size or got_sha != sha256:
            raise BackupError(
                _("成员“%(name)s”与清单记录的 SHA-256 或大小不符，备份已损坏或被改动。")
                % {"name": name}
            )
    for name in seen:
        if name not in listed:
            raise BackupError(_("成员“%(name)s”不在清单中。") % {"name": name})
    if DATA not in seen:
        raise BackupError(_("备份中没有数据库内容 data.json。"))
    files = {name: entry[2] for name, entry in seen.items() if name != DATA}
    return VerifiedArchive(manifest=manifest, data=seen[DATA][2], files=files)


# ---- restoring -------------------------------------------------------------------------


@dataclass
class CheckResult:
    label: str
    ran: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class RestoreSummary:
    objects: int
    files: int
    keys: int
    created_at: str
    newer_migrations: list[str]
    checks: list[CheckResult]
    requeued_jobs: int = 0

    @property
    def ok(self) -> bool:
        return all(not c.problems for c in self.checks)


def _existing_rows() -> list[tuple[str, int]]:
    counts = []
    for model in backed_up_models():
        n = model._base_manager.count()
        if n:
            counts.append((str(model._meta.verbose_name), n))
    return counts


def _target(name: str) -> Path:
    area, _slash, rest = name.partition("/")
    root = Path(settings.MEDIA_ROOT if area == "media" else settings.KEYS_DIR)
    path = root / rest
    if not _inside(path, root):
        raise BackupError(_("成员“%(name)s”指向存储目录之外，拒绝恢复。") % {"name": name})
    return path


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a backup from a newer schema; return the migrations only this installation has."""
    theirs = {(app, n) for app, names in manifest.get("migrations", {}).items() for n in names}
    ours = {(app, n) for app, names in applied_migrations().items() for n in names}
    missing = sorted(theirs - ours)
    if missing:
        raise Conflict(
            _("备份来自更新的版本，本系统缺少这些迁移：%(names)s。请先升级并执行 migrate。")
            % {"names": "、".join(f"{a}.{n}" for a, n in missing[:10])}
        )
    newer = sorted(ours - theirs)
    # loaddata puts old rows into the current tables, but what a data migration would have
    # done to them (cases.0004 settling decided items' lights) never happens: the restore
    # goes through the backup's schema instead, then migrates forward.
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    changing = sorted(
        {
            app
            for app, name in newer
            if (app, name) in graph.nodes
            and any(
                isinstance(op, RunPython | RunSQL) for op in graph.nodes[(app, name)].operations
            )
        }
    )
    if changing:
        back = [
            f"lianban migrate {app} {max(manifest['migrations'].get(app, []), default='zero')}"
            for app in changing
        ]
        raise Conflict(
            _(
                "备份早于本系统的数据迁移（%(names)s），直接载入会漏掉这些迁移对数据的修改。"
                "请先把本系统迁移回备份时的状态（%(commands)s），恢复后再执行 lianban migrate。"
            )
            % {
                "names": "、".join(f"{a}.{n}" for a, n in newer if a in changing),
                "commands": "；".join(back),
            }
        )
    return [f"{a}.{n}" for a, n in newer]


def _clear_tables() -> None:
    """Empty every table a backup fills, and the sessions: inside the caller's transaction."""
    keep = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if _excluded(m)}
    sessions = apps.get_model("sessions", "Session")._meta.db_table
    tables = [
        t
        for t in connection.introspection.django_table_names(only_existing=True)
        if t not in keep or t == sessions
    ]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this
        # transaction; run them now (as Django's own test teardown does).
        connection.check_constraints()
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))


class _FileWriter:
    """Writes restored files, remembering how to undo: files it created are removed, files it
    replaced are put back."""

    def __init__(self):
        self.created: list[Path] = []
        self.replaced: list[tuple[Path, Path]] = []  # (target, original moved aside)

    def write(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, staging)
        if target.exists():
            aside = target.with_name(f".{target.name}.before-restore")
            os.replace(target, aside)
            self.replaced.append((target, aside))
        else:
            self.created.append(target)
        os.replace(staging, target)

    def undo(self) -> None:
        for path in self.created:
            path.unlink(missing_ok=True)
        for target, aside in self.replaced:
            os.replace(aside, target)

    def commit(self) -> None:
        for _target_path, aside in self.replaced:
            aside.unlink(missing_ok=True)


def restore(path: Path, *, force: bool = False, accept_lost_files: bool = False) -> RestoreSummary:
    """Restore an archive made by `create`. Refuses a database that already has rows, or
    stored files that differ from the archive's, unless `force`; then replaces them.
    Refuses an archive without the files its rows name (an issued document, a paper), or
    with other bytes than the rows record, unless `accept_lost_files`; the check after the
    restore then lists them."""
    # Unpacked next to MEDIA_ROOT, not in /tmp: a county's files may not fit a small tmpfs.
    spool = Path(settings.MEDIA_ROOT).parent
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".lianban-restore-", dir=spool) as work:
        archive = verify(Path(path), Path(work))
        newer = _check_migrations(archive.manifest)
        targets = {name: _target(name) for name in archive.files}
        if not force:
            if existing := _existing_rows():
                listing = "、".join(f"{label} {n} 条" for label, n in existing[:5])
                raise Conflict(
                    _("数据库不是空的（%(rows)s）。确认要用备份覆盖，请加 --force。")
                    % {"rows": listing}
                )
            for name, source in archive.files.items():
                target = targets[name]
                if target.exists() and _sha256_of(target) != _sha256_of(source):
                    raise Conflict(
                        _("已有内容不同的文件“%(name)s”。确认要用备份覆盖，请加 --force。")
                        % {"name": name}
                    )
        writer = _FileWriter()
        try:
            with transaction.atomic():
                _clear_tables()
                if archive.manifest.get("objects", 1):  # loaddata refuses an empty fixture
                    call_command("loaddata", str(archive.data), verbosity=0)
                requeued = requeue_interrupted_jobs()
                # The restored rows against the archive's files, before a file is written.
                archived = {m["name"]: m["sha256"] for m in archive.manifest["members"]}
                lost = files_lost(list(recorded_files()), archived, kept=True)
                if lost and not accept_lost_files:
                    raise Conflict(_lost_message(lost))
                for name, source in archive.files.items():
                    writer.write(source, targets[name])
        except BaseException as e:
            writer.undo()
            _forget_cached_rows()
            if isinstance(e, DomainError | KeyboardInterrupt):
                raise
            raise BackupError(_("恢复失败，数据库和文件均未改变：%(error)s") % {"error": e}) from e
        writer.commit()
    _forget_cached_rows()
    return RestoreSummary(
        objects=archive.manifest.get("objects", 0),
        files=sum(n.startswith("media/") for n in archive.files),
        keys=sum(n.startswith("keys/") for n in archive.files),
        created_at=archive.manifest.get("created_at", ""),
        newer_migrations=newer,
        checks=[check_stored_files(), *run_after_restore_checks()],
        requeued_jobs=requeued,
    )


def _lost_message(lost: list[str]) -> str:
    shown = "；".join(lost[:5]) + ("……" if len(lost) > 5 else "")
    return _(
        "备份缺少 %(n)s 个记录在册的文件，或其内容与记录的 SHA-256 不符（%(files)s）。"
        "照此恢复，这些批复文件和材料将无法下载和核验。请改用完整的备份；"
        "确认仍要恢复，请加 --accept-lost-files，恢复后的校验会逐一列出它们。"
    ) % {"n": len(lost), "files": shown}


def requeue_interrupted_jobs() -> int:
    """Background jobs a worker was running when the rows were read are RUNNING in the
    archive, and no worker ever picks a RUNNING job up again: the job (a document to issue, a
    mail to send) would be lost. Their work commits in a transaction of its own, which the
    snapshot either holds or not, so they go back to the queue; a job whose work did land finds
    nothing left to do (issuing checks the case's state), a mail may go out twice."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="RUNNING").update(status="READY", started_at=None)


def _forget_cached_rows() -> None:
    """Caches that remember rows by primary key must not outlive a replaced database."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    if importlib.util.find_spec("workdays.service"):
        importlib.import_module("workdays.service").invalidate()


# ---- checks after a restore ------------------------------------------------------------


@dataclass
class RecordedFile:
    """A stored file a row names: which row (in words), the file's name under MEDIA_ROOT, and
    the SHA-256 the row records (case papers, approval documents), or None."""

    what: str
    name: str
    sha256: str | None


def recorded_files() -> Iterator[RecordedFile]:
    for model in backed_up_models():
        file_fields = [f for f in model._meta.fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        names = {f.name for f in model._meta.fields}
        has_hash = len(file_fields) == 1 and "sha256" in names
        # A document by its number, a paper with its case's: what the county looks them up by.
        extra = ["number"] if "number" in names else ["case__number"] if "case" in names else []
        columns = ["pk", *(f.name for f in file_fields), *(["sha256"] if has_hash else []), *extra]
        for row in model._base_manager.values(*columns).iterator(chunk_size=2000):
            what = f"{model._meta.verbose_name} {row.get('number') or row['pk']}"
            if row.get("case__number"):
                what = _("%(what)s（办件 %(number)s）") % {
                    "what": what,
                    "number": row["case__number"],
                }
            for f in file_fields:
                if row[f.name]:
                    yield RecordedFile(what, row[f.name], row.get("sha256") if has_hash else None)


def check_stored_files() -> CheckResult:
    """Every file a row names is in storage, and where the row records the file's SHA-256
    (case papers, approval documents), the stored bytes still have it."""
    result = CheckResult("存储文件", ran=True)
    for recorded in recorded_files():
        label = f"{recorded.what}: {recorded.name}"
        path = Path(settings.MEDIA_ROOT) / recorded.name
        if not path.is_file():
            result.problems.append(f"{label} 文件缺失")
        elif recorded.sha256 and _sha256_of(path) != recorded.sha256:
            result.problems.append(f"{label} 文件内容与记录的 SHA-256 不符")
    return result


def files_lost(recorded: list[RecordedFile], archived: dict[str, str], *, kept=False) -> list[str]:
    """The recorded files an archive (member name -> SHA-256) lacks, or holds with bytes other
    than the row records: a document restored from it could not be downloaded or verified.
    With `kept`, a file already in MEDIA_ROOT with the right bytes is enough (restore leaves
    files it does not carry where they are)."""
    lost = []
    for file in recorded:
        sha256 = archived.get(f"media/{file.name}")
        if sha256 is not None and file.sha256 in (None, sha256):
            continue
        if kept and sha256 is None:
            path = Path(settings.MEDIA_ROOT) / file.name
            if path.is_file() and file.sha256 in (None, _sha256_of(path)):
                continue
        if sha256 is None:
            lost.append(_("%(what)s: %(name)s 不在备份中") % {"what": file.what, "name": file.name})
        else:
            lost.append(
                _("%(what)s: %(name)s 在备份中的内容与记录的 SHA-256 不符")
                % {"what": file.what, "name": file.name}
            )
    return lost


def run_after_restore_checks() -> list[CheckResult]:
    results = []
    for label, module_name, function_name in AFTER_RESTORE_CHECKS:
        app = module_name.partition(".")[0]
        check = None
        if apps.is_installed(app) and importlib.util.find_spec(module_name):
            check = getattr(importlib.import_module(module_name), function_name, None)
        if check is None:
            results.append(CheckResult(label, ran=False))
        else:
            results.append(CheckResult(label, ran=True, problems=[str(p) for p in check()]))
    return results
