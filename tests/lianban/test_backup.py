"""Backup and restore: one archive with the rows, the stored files and a manifest of hashes.
Restore proves the archive before it writes anything and writes all of it or nothing."""

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import tarfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from cases import engine, intake
from cases.models import CaseEvent, CaseMaterial
from catalog.models import ApprovalItem, Material
from lianban import backup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Microseconds on purpose: the event chain hashes them, and JSON fixtures used to drop them.
APPLIED_AT = dt.datetime(2026, 2, 10, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    # flush and restore recreate content types inside the test's transaction; the rollback
    # afterwards brings the old rows back, so the cache must not remember the new ones.
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def county(applicant, clerk, dept_a, dept_b, settings):
    """A case applied for and accepted (events, tasks, an uploaded paper), one stored
    document file, and a seal key."""
    form = Material.objects.create(name="申请表")
    first = ApprovalItem.objects.create(
        code="A", name="建设用地规划许可", department=dept_a, legal_limit=20, promised_limit=20
    )
    second = ApprovalItem.objects.create(
        code="B", name="建设工程规划许可", department=dept_b, legal_limit=20, promised_limit=10
    )
    first.materials.set([form])
    second.materials.set([form])
    with time_machine.travel(APPLIED_AT, tick=False):
        case = engine.apply(
            applicant,
            title="示范机械厂房项目",
            items=[first, second],
            files={str(form.pk): SimpleUploadedFile("申请表.pdf", PDF)},
        )
        intake.accept(case.pk, clerk)
    document = Path(settings.MEDIA_ROOT) / "documents" / "2026" / "示审批〔2026〕1号.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(PDF + b"% the approval document\n")
    keys = Path(settings.KEYS_DIR)
    keys.mkdir(parents=True)
    (keys / "seal-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nsecret\n")
    return case


def rows() -> dict[str, list]:
    """Every backed-up row, comparable across databases (content types by natural key)."""
    return {
        model._meta.label: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backup.backed_up_models()
    }


def files(root) -> dict[str, bytes]:
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def wipe(settings):
    if connection.vendor == "postgresql":
        connection.check_constraints()  # TRUNCATE needs no deferred checks pending
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def restore(archive, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def members(archive) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def write(archive, contents: dict[str, bytes]) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


def rewrite(archive, change) -> None:
    """Rewrite the archive with `change(name, content) -> content` applied to each member."""
    write(archive, {name: change(name, c) for name, c in members(archive).items()})


@pytest.fixture
def archive(county, tmp_path):
    path = tmp_path / "backup.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def test_restore_into_an_empty_installation_gives_back_every_row_and_file(
    county, tmp_path, settings
):
    before_rows, before_files = rows(), files(settings.MEDIA_ROOT)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe(settings)
    assert not User.objects.exists() and not Path(settings.MEDIA_ROOT).exists()

    report = restore(archive)

    assert rows() == before_rows
    assert files(settings.MEDIA_ROOT) == before_files
    assert "事件哈希链：0 个问题" in report
    assert "存储文件：0 个问题" in report
    assert CaseEvent.objects.filter(case=county).first().at.microsecond == 123456


def test_manifest_lists_every_member_with_hash_size_and_the_migrations(archive):
    contents = members(archive)
    manifest = json.loads(contents.pop("manifest.json"))
    paper = CaseMaterial.objects.get().file.name
    assert {m["name"] for m in manifest["members"]} == set(contents)
    assert {"data.json", f"media/{paper}"} <= set(contents)
    for member in manifest["members"]:
        content = contents[member["name"]]
        assert member["size"] == len(content)
        assert member["sha256"] == hashlib.sha256(content).hexdigest()
    assert "0001_initial" in manifest["migrations"]["accounts"]


def test_data_leaves_out_content_types_permissions_and_sessions(archive):
    data = json.loads(members(archive)["data.json"])
    labels = {row["model"] for row in data}
    assert "accounts.user" in labels and "cases.caseevent" in labels
    assert not labels & {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def test_keys_stay_out_unless_asked_for(county, tmp_path, settings):
    plain, with_keys = tmp_path / "plain.tar.gz", tmp_path / "keys.tar.gz"
    call_command("backup", str(plain), stdout=io.StringIO())
    call_command("backup", str(with_keys), "--include-keys", stdout=io.StringIO())
    assert not any(name.startswith("keys/") for name in members(plain))
    assert "keys/seal-key.pem" in members(with_keys)

    wipe(settings)
    shutil.rmtree(settings.KEYS_DIR)
    restore(with_keys)
    assert (Path(settings.KEYS_DIR) / "seal-key.pem").read_text().endswith("secret\n")


def test_a_changed_byte_in_a_member_is_refused_naming_the_member(archive, settings):
    paper = f"media/{CaseMaterial.objects.get().file.name}"
    wipe(settings)

    def flip(name, content):
        return content[:-2] + bytes([content[-2] ^ 1]) + content[-1:] if name == paper else content

    rewrite(archive, flip)
    with pytest.raises(
        CommandError, match=re.escape(f"成员“{paper}”与清单记录的 SHA-256 或大小不符")
    ):
        restore(archive)
    assert not User.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists()


def test_a_member_missing_from_the_manifest_is_refused(archive, settings):
    wipe(settings)
    write(archive, {**members(archive), "media/extra.pdf": PDF})
    with pytest.raises(CommandError, match=re.escape("成员“media/extra.pdf”不在清单中")):
        restore(archive)


def test_a_path_leaving_the_media_directory_is_refused(archive, settings, tmp_path):
    wipe(settings)
    evil = "media/../../evil.txt"
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    manifest["members"].append(
        {"name": evil, "sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}
    )
    contents["manifest.json"] = json.dumps(manifest).encode()
    contents[evil] = b"x"
    write(archive, contents)
    with pytest.raises(CommandError, match=re.escape(f"不允许的成员“{evil}”")):
        restore(archive)
    assert not (tmp_path / "evil.txt").exists()


def test_a_backup_from_a_newer_schema_is_refused(archive, settings):
    wipe(settings)

    def newer(name, content):
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["migrations"]["accounts"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    rewrite(archive, newer)
    with pytest.raises(CommandError, match=re.escape("accounts.9999_from_the_future")):
        restore(archive)


def test_restore_refuses_a_database_with_rows_unless_forced(archive, settings):
    User.objects.create_user(username="mallory", password="x" * 12)
    with pytest.raises(CommandError, match=r"数据库不是空的.*--force"):
        restore(archive)
    assert User.objects.filter(username="mallory").exists()

    restore(archive, "--force")
    assert not User.objects.filter(username="mallory").exists()
    assert User.objects.filter(username="alice").exists()


def test_a_failed_restore_leaves_database_and_files_as_they_were(archive, settings, monkeypatch):
    User.objects.create_user(username="mallory", password="x" * 12)
    paper = Path(settings.MEDIA_ROOT) / CaseMaterial.objects.get().file.name
    paper.write_bytes(b"%PDF- the file as it is now")
    before_files = files(settings.MEDIA_ROOT)
    real_copy, copies = backup.shutil.copyfile, []

    def copy_then_fail(source, target):
        copies.append(target)
        if len(copies) == 2:
            raise OSError("disk full")
        return real_copy(source, target)

    monkeypatch.setattr(backup.shutil, "copyfile", copy_then_fail)
    with pytest.raises(CommandError, match="恢复失败，数据库和文件均未改变：disk full"):
        restore(archive, "--force")
    assert User.objects.filter(username="mallory").exists()
    assert files(settings.MEDIA_ROOT) == before_files


def test_a_changed_data_file_is_refused_before_anything_is_loaded(archive, settings):
    wipe(settings)

    def tamper(name, content):
        if name != "data.json":
            return content
        data = json.loads(content)
        event = next(row for row in data if row["model"] == "cases.caseevent")
        event["fields"]["actor_name"] = "别人"
        return json.dumps(data, ensure_ascii=False).encode()

    rewrite(archive, tamper)
    with pytest.raises(CommandError, match=re.escape("成员“data.json”与清单记录的 SHA-256")):
        restore(archive)
    assert not CaseEvent.objects.exists()


def test_restore_reports_an_event_chain_broken_before_the_backup(county, tmp_path, settings):
    CaseEvent.objects.filter(case=county, seq=1).update(actor_name="别人")
    events = CaseEvent.objects.count()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe(settings)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="校验发现 1 个问题"):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=errors)
    assert f"办件 {county.number} 第 1 条事件" in errors.getvalue()
    assert CaseEvent.objects.count() == events  # restored all the same: the archive is faithful


def test_a_backup_inside_the_media_directory_is_refused(county, settings):
    with pytest.raises(CommandError, match="不能放在 MEDIA_ROOT"):
        call_command("backup", str(Path(settings.MEDIA_ROOT) / "backup.tar.gz"))


def test_stored_file_check_names_a_missing_or_altered_file(county, settings):
    paper = CaseMaterial.objects.get()
    Path(settings.MEDIA_ROOT, paper.file.name).write_bytes(PDF + b"%altered")
    [problem] = backup.check_stored_files().problems
    assert paper.file.name in problem and "SHA-256 不符" in problem
    Path(settings.MEDIA_ROOT, paper.file.name).unlink()
    [problem] = backup.check_stored_files().problems
    assert problem.endswith("文件缺失")


# ---- the files rows name: an issued document restored must be one that can be downloaded ---


@pytest.fixture
def document(county, clerk, settings):
    """The county's approval document, registered: its row records the file's SHA-256."""
    from documents.models import ApprovalDocument

    name = "documents/2026/示审批〔2026〕1号.pdf"
    content = Path(settings.MEDIA_ROOT, name).read_bytes()
    return ApprovalDocument.objects.create(
        number="示审批〔2026〕1号",
        case=county,
        title="示范机械厂房项目批复",
        file=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        signer="示范县行政审批局",
        issued_at=APPLIED_AT,
        issued_by=clerk,
    )


def backup_without(document, settings, tmp_path, *, altered=False) -> tuple[Path, str]:
    """A backup made while the document's file was gone from MEDIA_ROOT (or changed)."""
    path = Path(settings.MEDIA_ROOT, document.file.name)
    if altered:
        path.write_bytes(PDF + b"% not what was sealed\n")
    else:
        path.unlink()
    archive, errors = tmp_path / "backup.tar.gz", io.StringIO()
    with pytest.raises(CommandError, match="缺少 1 个记录在册的文件"):
        call_command("backup", str(archive), stdout=io.StringIO(), stderr=errors)
    return archive, errors.getvalue()


def test_a_backup_missing_a_documents_file_is_written_but_fails_naming_it(
    document, settings, tmp_path
):
    archive, errors = backup_without(document, settings, tmp_path)

    assert archive.exists()
    assert f"批复文件 {document.number}: {document.file.name} 不在备份中" in errors


def test_restore_refuses_a_backup_that_would_lose_an_issued_document(document, settings, tmp_path):
    archive, _errors = backup_without(document, settings, tmp_path)
    wipe(settings)

    with pytest.raises(CommandError, match="备份缺少 1 个记录在册的文件") as refused:
        restore(archive)

    assert document.number in str(refused.value) and "--accept-lost-files" in str(refused.value)
    assert not User.objects.exists()
    assert not Path(settings.MEDIA_ROOT).exists()


def test_restore_refuses_a_document_whose_file_is_not_the_one_sealed(document, settings, tmp_path):
    archive, errors = backup_without(document, settings, tmp_path, altered=True)
    wipe(settings)

    assert "在备份中的内容与记录的 SHA-256 不符" in errors
    with pytest.raises(CommandError, match="SHA-256 不符"):
        restore(archive)
    assert not User.objects.exists()


def test_restore_told_to_accept_lost_files_restores_and_lists_them(document, settings, tmp_path):
    archive, _errors = backup_without(document, settings, tmp_path)
    wipe(settings)
    errors = io.StringIO()

    with pytest.raises(CommandError, match="校验发现 1 个问题"):
        call_command(
            "restore", str(archive), "--accept-lost-files", stdout=io.StringIO(), stderr=errors
        )

    assert User.objects.filter(username="alice").exists()
    assert f"{document.file.name} 文件缺失" in errors.getvalue()


def test_a_document_file_kept_in_place_is_not_lost(document, settings, tmp_path):
    content = Path(settings.MEDIA_ROOT, document.file.name).read_bytes()
    archive, _errors = backup_without(document, settings, tmp_path)
    Path(settings.MEDIA_ROOT, document.file.name).write_bytes(content)  # never lost here

    report = restore(archive, "--force")

    assert "存储文件：0 个问题" in report
