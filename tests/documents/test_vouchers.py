"""The written vouchers of intake (行政许可法 art. 32): a sealed, dated acceptance notice or
refusal decision, issued once by a background job after the window's act, downloadable by
those who may see the case, verifiable by number and by file."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django_tasks_db.models import DBTaskResult

from cases import intake
from cases.models import CaseState
from cases.supervision import tick
from documents import seal, verify
from documents.models import DocumentSequence, IntakeVoucher
from documents.render import cn_date
from documents.tasks import issue_voucher_later, vouchers_withheld

from .conftest import partial_data, pdf_text, rendered

pytestmark = pytest.mark.django_db

DATABASE = {"BACKEND": "django_tasks_db.DatabaseBackend"}


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run the window's act as a request would: its after-commit work (the voucher job, with
    no worker configured) runs when it returns."""

    def act(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return act


@pytest.fixture
def accepted(submitted, clerk, after_commit):
    return after_commit(intake.accept, submitted.pk, clerk)


@pytest.fixture
def refused(submitted, clerk, after_commit):
    return after_commit(intake.refuse_intake, submitted.pk, clerk, "申请事项不属于本县管辖范围")


def content(voucher) -> bytes:
    with voucher.file.open("rb") as f:
        return f.read()


def text(voucher, tmp_path) -> str:
    return "".join(pdf_text(content(voucher), tmp_path).split())


def test_acceptance_issues_one_sealed_acceptance_notice(accepted, tmp_path):
    voucher = IntakeVoucher.objects.get(case=accepted)

    assert voucher.kind == "acceptance"
    assert voucher.number == "示审批受字〔2026〕1号"
    assert voucher.signer == "示范县行政审批局（电子印章）"
    assert verify.verify_file(content(voucher)).ok
    event = accepted.events.get(kind="acceptance_voucher_issued")
    assert event.payload == {"voucher": voucher.number, "sha256": voucher.sha256}


def test_the_acceptance_notice_names_the_items_their_limits_and_the_finish_date(accepted, tmp_path):
    accepted.refresh_from_db()
    printed = text(IntakeVoucher.objects.get(case=accepted), tmp_path)

    assert printed.startswith("受理通知书示审批受字〔2026〕1号")
    assert "示范机械制造有限公司（统一社会信用代码：91350100M000100Y43）" in printed
    assert f"（办件编号：{accepted.number}）" in printed
    assert "受理日期为2026年2月10日" in printed
    assert "本件由行政审批局受理并牵头办理" in printed
    assert "序号事项实施部门承诺时限1" in printed
    assert "建设用地规划许可自然资源局20个工作日" in printed
    assert "地名核准自然资源局即办" in printed
    assert "消防设计审查住房城乡建设局30个自然日" in printed
    assert f"本件预计于{cn_date(accepted.due_date)}前办结" in printed
    assert "查询码在https://lianban.example.gov.cn/progress/查询办理进度" in printed
    assert printed.endswith("示范县行政审批局2026年2月10日扫码核验真伪—1—")
    assert accepted.query_code not in printed  # the case page shows it to the party alone
    assert printed.count("2026年2月10日") >= 3  # submitted, accepted, and the voucher's date


def test_acceptance_by_default_cites_article_32_and_dates_from_receipt(
    submitted, travel, after_commit, tmp_path
):
    travel(2026, 2, 25)
    with_voucher = after_commit(tick)

    assert with_voucher["accepted_by_default"] == 1
    voucher = IntakeVoucher.objects.get(case=submitted)
    printed = text(voucher, tmp_path)
    assert "本机关未在五个工作日内一次性告知需要补正的全部内容" in printed
    assert "第三十二条第一款第（四）项，自收到申请材料之日即2026年2月10日起受理" in printed
    assert "2026年2月25日" in printed  # the voucher's own date
    assert verify.verify_file(content(voucher)).ok


def test_refusal_issues_a_decision_with_the_reason_and_the_remedies(refused, tmp_path):
    voucher = IntakeVoucher.objects.get(case=refused)
    printed = text(voucher, tmp_path)

    assert voucher.kind == "refusal"
    assert voucher.number == "示审批不受字〔2026〕1号"
    assert printed.startswith("不予受理决定书示审批不受字〔2026〕1号")
    assert "经审查，本机关决定不予受理。" in printed
    assert "理由：申请事项不属于本县管辖范围。" in printed
    assert (
        "如对本决定不服，可以自收到本决定书之日起六十日内向示范县人民政府申请行政复议，"
        "也可以在六个月内向示范县人民法院提起行政诉讼。"
    ) in printed
    assert "建设用地规划许可、地名核准" in printed  # what was applied for
    assert verify.verify_file(content(voucher)).ok
    assert refused.events.filter(kind="refusal_voucher_issued").count() == 1


def test_the_refusal_names_the_countys_own_remedy_bodies(
    submitted, clerk, after_commit, settings, tmp_path
):
    settings.RECONSIDERATION_BODY = "东山县人民政府"
    settings.COURT_NAME = "西岭区人民法院"
    after_commit(intake.refuse_intake, submitted.pk, clerk, "不属于本县管辖")

    printed = text(IntakeVoucher.objects.get(case=submitted), tmp_path)
    assert "向东山县人民政府申请行政复议" in printed
    assert "向西岭区人民法院提起行政诉讼" in printed


def test_running_the_job_again_makes_no_second_voucher(accepted):
    first = IntakeVoucher.objects.get(case=accepted)

    assert issue_voucher_later.call(accepted.pk, "acceptance") == first.number
    assert issue_voucher_later.call(accepted.pk, "acceptance") == first.number
    assert IntakeVoucher.objects.filter(case=accepted).count() == 1
    assert accepted.events.filter(kind="acceptance_voucher_issued").count() == 1
    assert DocumentSequence.objects.get(prefix="示审批受字", year=2026).last == 1


def test_a_case_without_the_act_gets_no_voucher(accepted):
    assert issue_voucher_later.call(accepted.pk, "refusal") == ""
    assert not IntakeVoucher.objects.filter(case=accepted, kind="refusal").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_make_one_voucher(submitted, clerk):
    with vouchers_withheld():
        intake.accept(submitted.pk, clerk)

    def job():
        try:
            return issue_voucher_later.call(submitted.pk, "acceptance")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        numbers = list(pool.map(lambda _n: job(), range(2)))
    assert numbers == ["示审批受字〔2026〕1号"] * 2
    assert IntakeVoucher.objects.filter(case=submitted).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_with_a_worker_the_act_commits_and_the_voucher_waits_for_it(
    submitted, clerk, after_commit, settings
):
    settings.TASKS = {"default": DATABASE, "queue": DATABASE}
    case = after_commit(intake.accept, submitted.pk, clerk)

    assert case.state == CaseState.IN_REVIEW
    assert not IntakeVoucher.objects.exists()
    job = DBTaskResult.objects.get(task_path=issue_voucher_later.module_path)
    assert job.args_kwargs["args"] == [case.pk, "acceptance"]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert IntakeVoucher.objects.get(case=case).kind == "acceptance"


def test_a_failing_seal_fails_the_job_and_leaves_the_acceptance_untouched(
    submitted, clerk, after_commit, settings, tmp_path
):
    settings.KEYS_DIR = tmp_path / "no-keys"
    case = after_commit(intake.accept, submitted.pk, clerk)

    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.accepted_on is not None
    assert case.events.filter(kind="accepted").count() == 1
    assert not IntakeVoucher.objects.exists()
    assert not case.events.filter(kind="acceptance_voucher_issued").exists()
    result = issue_voucher_later.enqueue(case.pk, "acceptance")
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "documents.issuing.SealNotConfigured"
    assert not DocumentSequence.objects.filter(prefix="示审批受字", last__gt=0).exists()
    assert not (settings.MEDIA_ROOT / "documents").exists()


def test_the_demos_simulated_year_gets_no_vouchers(submitted, clerk, after_commit):
    with vouchers_withheld():
        after_commit(intake.accept, submitted.pk, clerk)

    assert not IntakeVoucher.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "clerk", "lead"])
def test_the_party_and_the_lead_department_download_the_voucher(client, request, accepted, role):
    voucher = IntakeVoucher.objects.get(case=accepted)
    client.force_login(request.getfixturevalue(role))

    panel = client.get(f"/documents/case/{accepted.pk}/").content.decode()
    assert voucher.number in panel
    response = client.get(f"/documents/voucher/{voucher.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content(voucher)
    assert 'filename="acceptance-2026-1.pdf"' in response["Content-Disposition"]
    response.close()


def test_an_authorised_agent_downloads_the_voucher(client, accepted, applicant, agent):
    from cases.models import Authorisation
    from lianban import clock

    Authorisation.objects.create(applicant=applicant, agent=agent, granted_at=clock.now())
    voucher = IntakeVoucher.objects.get(case=accepted)
    client.force_login(agent)

    response = client.get(f"/documents/voucher/{voucher.pk}/download/")
    assert response.status_code == 200
    response.close()


def test_an_outsider_gets_404(client, accepted, charlie):
    voucher = IntakeVoucher.objects.get(case=accepted)
    client.force_login(charlie)

    assert client.get(f"/documents/voucher/{voucher.pk}/download/").status_code == 404
    assert client.get(f"/documents/case/{accepted.pk}/").status_code == 404


def test_the_verification_page_answers_a_vouchers_number(client, refused):
    voucher = IntakeVoucher.objects.get(case=refused)

    body = client.get("/documents/verify/", {"number": voucher.number}).content.decode()
    assert "不予受理决定书 示审批不受字〔2026〕1号 已登记" in body
    assert "申请事项不属于本县管辖范围" not in body  # a number lookup shows no content


def test_the_api_verifies_a_vouchers_number_and_file(client, accepted):
    voucher = IntakeVoucher.objects.get(case=accepted)

    by_number = client.get("/api/documents/verify", {"number": voucher.number}).json()
    assert by_number["ok"] is True
    assert (by_number["number"], by_number["status"]) == (voucher.number, "valid")
    upload = SimpleUploadedFile("v.pdf", content(voucher), content_type="application/pdf")
    by_file = client.post("/api/documents/verify", {"file": upload}).json()
    assert by_file["ok"] is True
    assert by_file["headline"] == f"核验通过：这是受理通知书 {voucher.number} 的原件。"


def test_a_changed_voucher_fails_verification(client, accepted):
    voucher = IntakeVoucher.objects.get(case=accepted)
    changed = content(voucher).replace(b"/Producer", b"/Producex", 1)

    assert changed != content(voucher)
    assert not verify.verify_file(changed).ok


def test_a_file_is_sealed_and_checked_in_a_thread_whose_event_loop_runs():
    """A test driving a browser accepts a case in Playwright's loop; the voucher is sealed
    right after that commit, in the same thread, where pyHanko's asyncio.run would refuse."""
    pdf = rendered(partial_data())

    async def inside_a_loop():
        with seal.seal_signer() as signer:
            signed = seal.sign(pdf.content, signer, placement=pdf.seal)
        return verify.check_signature(signed, seal.load_root()).ok

    assert asyncio.run(inside_a_loop())


def test_a_refused_applicant_finds_the_decision_and_no_promise_of_a_document(
    client, refused, applicant
):
    client.force_login(applicant)

    panel = client.get(f"/documents/case/{refused.pk}/").content.decode()
    assert "不予受理决定书" in panel
    assert "尚未出具批复文件" not in panel


@pytest.mark.parametrize("fixture", ["accepted", "refused"])
def test_the_case_page_offers_the_voucher_and_names_it_in_the_history(
    client, request, applicant, fixture
):
    case = request.getfixturevalue(fixture)
    voucher = IntakeVoucher.objects.get(case=case)
    client.force_login(applicant)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/documents/voucher/{voucher.pk}/download/" in page
    assert voucher.number in page
    label = "出具受理通知书" if fixture == "accepted" else "出具不予受理决定书"
    assert label in page
