"""Verification: the registered file, byte for byte, a valid seal, not revoked."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from documents.issuing import revoke_document
from documents.verify import (
    NotAPdf,
    check_signature,
    normalise_number,
    verify_file,
    verify_number,
)


def _content(document) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


def _changed(content: bytes) -> bytes:
    position = content.index(b"/Producer")
    return content[:position] + b"/Producex" + content[position + 9 :]


@pytest.mark.django_db
def test_the_registered_file_verifies(issued):
    verdict = verify_file(_content(issued))
    assert verdict.ok
    assert verdict.headline == "核验通过：这是批复文件 示审批〔2026〕1号 的原件，现行有效。"
    assert all(f.ok for f in verdict.findings)
    assert any("示范县行政审批局（电子印章）" in f.text for f in verdict.findings)


@pytest.mark.django_db
def test_one_changed_byte_fails_verification(issued):
    verdict = verify_file(_changed(_content(issued)))
    assert not verdict.ok
    texts = [f.text for f in verdict.findings if not f.ok]
    assert (
        "此文件自称是批复文件 示审批〔2026〕1号，但与登记的原件不一致：文件被改动过，或不是原件。"
        in texts
    )
    assert "电子签章无效：文件内容在签署后被改动过。" in texts


@pytest.mark.django_db
def test_a_revoked_document_verifies_as_revoked_naming_its_successor(issued, lead):
    revoke_document(issued.pk, lead, "许可证编号有误", reissue=True)

    verdict = verify_file(_content(issued))
    assert not verdict.ok
    assert verdict.headline == "核验未通过：批复文件 示审批〔2026〕1号 已被撤销。"
    status = verdict.findings[-1]
    assert not status.ok
    assert "撤销理由：许可证编号有误" in status.text
    assert "替代文件为 示审批〔2026〕2号" in status.text


@pytest.mark.django_db
def test_a_revoked_documents_status_reads_as_sentences_in_either_language(issued, lead):
    revoke_document(issued.pk, lead, "许可证编号有误", reissue=True)
    chinese = verify_number("示审批〔2026〕1号").findings[-1].text
    assert chinese.startswith("该文件已于 2026-11-20 撤销。替代文件为")
    with translation.override("en"):
        english = verify_number("示审批〔2026〕1号").findings[-1].text
    assert "revoked on 2026-11-20. It is replaced by 示审批〔2026〕2号;" in english


@pytest.mark.django_db
def test_the_successor_verifies(issued, lead):
    old = revoke_document(issued.pk, lead, "许可证编号有误", reissue=True)
    assert verify_file(_content(old.successor)).ok


@pytest.mark.django_db
def test_number_lookup_answers_status_without_personal_data(issued, lead):
    revoke_document(issued.pk, lead, "申请人王丽要求更正", reissue=True)

    verdict = verify_number("示审批[2026]1号")
    assert not verdict.ok
    assert "替代文件为 示审批〔2026〕2号" in verdict.findings[-1].text
    shown = verdict.headline + "".join(f.text for f in verdict.findings)
    for private in ("王丽", "示范机械制造", "农机", "91350100M000100Y43"):
        assert private not in shown
    assert verify_number("示审批〔2026〕2号").ok


@pytest.mark.django_db
def test_an_unknown_number_is_not_registered():
    verdict = verify_number("示审批〔2026〕99号")
    assert not verdict.ok
    assert verdict.headline == "登记簿中没有文号为 示审批〔2026〕99号 的批复文件。"


@pytest.mark.django_db
def test_a_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(NotAPdf):
        verify_file(b"GIF89a not a document")


@pytest.mark.django_db
def test_an_unsigned_pdf_is_not_a_document():
    verdict = verify_file(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert not verdict.ok
    assert [f.ok for f in verdict.findings] == [False, False]


def test_numbers_are_normalised_as_people_type_them():
    assert normalise_number(" 示审批（2026）1 号") == "示审批〔2026〕1号"
    assert normalise_number("示审批【2026】1号") == "示审批〔2026〕1号"


@pytest.mark.django_db
def test_command_exits_zero_for_a_valid_document_only(issued, lead, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(_content(issued))
    call_command("document", "verify", str(good))
    assert "核验通过" in capsys.readouterr().out

    changed = tmp_path / "changed.pdf"
    changed.write_bytes(_changed(_content(issued)))
    with pytest.raises(SystemExit) as exit_changed:
        call_command("document", "verify", str(changed))
    assert exit_changed.value.code == 1

    revoke_document(issued.pk, lead, "有误", reissue=True)
    with pytest.raises(SystemExit) as exit_revoked:
        call_command("document", "verify", str(good))
    assert exit_revoked.value.code == 1
    assert "替代文件为 示审批〔2026〕2号" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_refuses_what_is_not_a_pdf(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="不是 PDF") as info:
        call_command("document", "verify", str(path))
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_a_registered_document_outlives_its_seal_certificate(
    decided_case, lead, settings, tmp_path
):
    from documents import keys, seal
    from documents.issuing import issue_document

    short_lived = keys.init_keys(
        tmp_path / "keys",
        organisation="示范县行政审批局",
        region_code="139999",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        seal_years=1,
    )
    settings.KEYS_DIR = short_lived.root_cert.parent
    with time_machine.travel(dt.datetime(2020, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        document = issue_document(decided_case.pk, lead)

    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        judged_today = check_signature(_content(document), seal.load_root())
        verdict = verify_file(_content(document))
    assert not judged_today.trusted  # the seal certificate expired in 2021
    assert verdict.ok  # the registry proves the file existed in 2020, when it was valid
