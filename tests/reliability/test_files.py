"""Uploaded papers and their rows stay together: a file is deleted only when its row is known
not to exist, and `lianban audit files` finds what a killed process left behind."""

import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from cases import engine
from cases.models import CaseMaterial
from lianban import clock

from .conftest import pdf


def stored(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_a_paper_is_kept_when_the_commit_fails_after_the_database_committed(
    monday, soak_catalog, applicant, settings, monkeypatch
):
    """The connection can die after the server has committed: the row exists, so must the file."""
    real_commit = connection.commit

    def committed_then_lost():
        real_commit()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "commit", committed_then_lost)
    files = {str(soak_catalog["form"].pk): pdf()}
    with pytest.raises(OperationalError):
        engine.apply(applicant, title="厂房", project_type=soak_catalog["project"], files=files)
    monkeypatch.undo()
    paper = CaseMaterial.objects.get()
    assert stored(settings) == {paper.file.name}


@pytest.mark.django_db(transaction=True)
def test_the_papers_of_a_rolled_back_application_are_deleted(
    monday, soak_catalog, applicant, settings, monkeypatch
):
    def broken(*args, **kwargs):
        raise OperationalError("lost the connection")

    monkeypatch.setattr(engine, "append_event", broken)
    files = {str(soak_catalog["form"].pk): pdf()}
    with pytest.raises(OperationalError):
        engine.apply(applicant, title="厂房", project_type=soak_catalog["project"], files=files)
    assert not CaseMaterial.objects.exists()
    assert stored(settings) == set()


def orphan(settings, name: str, *, age_seconds: int) -> Path:
    path = Path(settings.MEDIA_ROOT, "cases", "2026", "03", name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 left by a killed process")
    old = clock.now().timestamp() - age_seconds  # ages count on the one clock
    os.utime(path, (old, old))
    return path


@pytest.mark.django_db
def test_audit_files_lists_old_orphans_and_deletes_them_only_when_asked(
    in_review, settings, capsys
):
    paper = CaseMaterial.objects.get(case=in_review)
    old = orphan(settings, "old.pdf", age_seconds=2 * 3600)
    young = orphan(settings, "young.pdf", age_seconds=60)
    call_command("audit", "files")
    out = capsys.readouterr().out
    assert "cases/2026/03/old.pdf" in out and "young.pdf" not in out and old.exists()
    call_command("audit", "files", "--delete")
    assert not old.exists() and young.exists() and Path(paper.file.path).exists()


@pytest.mark.django_db
def test_audit_files_fails_on_a_paper_that_no_longer_matches_its_hash(in_review, capsys):
    paper = CaseMaterial.objects.get(case=in_review)
    Path(paper.file.path).write_bytes(b"%PDF-1.4 changed")
    with pytest.raises(CommandError):
        call_command("audit", "files")
    assert "SHA-256" in capsys.readouterr().err
