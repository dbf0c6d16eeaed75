"""The whole path in a real browser: apply, one-time notice, supply, accept, parallel review
with a supplement and a refusal, the joint meeting, the decision, the sealed document, its
download and its public verification. Every step checks what the page shows."""

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseState, ReviewTask, TaskState

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def paper(name):
    return {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF}


def messages(page):
    return page.locator("ul.messages")


def task_of(case, code) -> ReviewTask:
    return ReviewTask.objects.get(case=case, item__code=code)


def fits_375(page) -> bool:
    page.set_viewport_size({"width": 375, "height": 800})
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def documents_app_serves_issue(case) -> bool:
    try:
        resolve(f"/documents/case/{case.pk}/issue/")
    except Resolver404:
        return False
    return True


def apply_for_the_project(page, url, *, english=False):
    page.goto(url("/cases/apply/"))
    page.get_by_role("link", name="工业厂房建设项目").click()
    page.get_by_label("Project name" if english else "项目名称").fill("年产一万台农机装备项目")
    # 项目备案证明 is left out: the window will ask for it in the one-time notice.
    for name in ("申请表", "施工图设计文件", "施工合同", "环境影响报告表"):
        page.get_by_label(name, exact=True).set_input_files(paper(name))
    page.get_by_role("button", name="Submit application" if english else "提交申请").click()


def approve(page, url, task, *, conditions="", english=False):
    page.goto(url(f"/cases/tasks/{task.pk}/"))
    page.evaluate("window.notReloaded = true")
    if conditions:
        page.get_by_label("Licence conditions" if english else "许可条件").fill(conditions)
    page.get_by_role("button", name="Approve" if english else "同意准予", exact=True).click()
    panel = page.locator("#task-actions")
    expect(panel).to_contain_text("Approved." if english else "已准予")
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the panel in place


def test_the_whole_path_from_application_to_a_verified_document(
    open_as, county, live_server, artifacts
):
    def url(path):
        return live_server.url + path

    def shot(page, name):
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)

    # 1. A new enterprise user applies for the project type: five items, four departments.
    applicant = open_as("qiye")
    apply_for_the_project(applicant, url)
    expect(messages(applicant)).to_contain_text("申请已提交")
    case = Case.objects.get()
    expect(applicant.locator("h1")).to_have_text("年产一万台农机装备项目")
    expect(applicant.locator("dl.facts")).to_contain_text(case.number)
    expect(applicant.locator("dl.facts")).to_contain_text("行政审批局")  # the lead department
    shot(applicant, "01-applied")

    # 2. The window finds the missing paper and sends the one-time notice.
    clerk = open_as("chuangkou")
    clerk.get_by_role("link", name="受理队列").click()
    expect(clerk.locator("main table")).to_contain_text(case.number)
    clerk.get_by_role("link", name=case.number).click()
    missing = clerk.locator("table.checklist tr", has_text="项目备案证明")
    expect(missing).to_contain_text("未上传")
    expect(missing.get_by_label("缺少或有误")).to_be_checked()
    assert fits_375(clerk)
    shot(clerk, "02-intake-checklist-375")
    clerk.set_viewport_size({"width": 1100, "height": 900})
    clerk.get_by_role("button", name="出具一次性告知").click()
    expect(messages(clerk)).to_contain_text("一次性告知已出具")
    expect(clerk.locator(".case-head")).to_contain_text("一次性告知待补正")

    # 3. The applicant reads the notice and supplies the paper.
    applicant.goto(url(f"/cases/{case.pk}/"))
    notice = applicant.locator("section", has=applicant.locator("#h-notice"))
    expect(notice).to_contain_text("项目备案证明")
    expect(notice).to_contain_text("未提交此材料")
    notice.get_by_label("项目备案证明").set_input_files(paper("项目备案证明"))
    notice.get_by_role("button", name="提交补正材料").click()
    expect(messages(applicant)).to_contain_text("补正材料已提交")

    # 4. The window accepts: every clock starts.
    clerk.goto(url(f"/cases/{case.pk}/intake/"))
    expect(clerk.locator("table.checklist")).not_to_contain_text("未上传")
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(messages(clerk)).to_contain_text("已受理")
    expect(clerk.locator(".case-head")).to_contain_text("并联审批中")
    shot(clerk, "03-accepted")

    # 5. The departments review in parallel.
    land = open_as("zr_shenpi")
    land.get_by_role("link", name="审查任务").click()
    expect(land.locator("#task-list")).to_contain_text("建设用地规划许可")
    expect(land.locator("#task-list")).not_to_contain_text("建筑工程施工许可")
    expect(land.locator("#task-list .light-green")).to_have_count(1)
    approve(land, url, task_of(case, "ZR01"), conditions="按批准的用地范围建设")
    shot(land, "04-reviewer-approved")

    fire = open_as("xf_shenpi")
    approve(fire, url, task_of(case, "XF01"))

    housing = open_as("zj_shenpi")
    housing.get_by_role("link", name="审查任务").click()
    expect(housing.locator("#task-list tbody tr")).to_have_count(2)
    approve(housing, url, task_of(case, "ZJ01"))
    housing.goto(url(f"/cases/tasks/{task_of(case, 'ZJ02').pk}/"))
    expect(housing.locator("main")).to_contain_text("施工合同.pdf")  # the papers, viewable
    expect(housing.locator("main")).to_contain_text("消防救援大队")  # the others' progress
    assert fits_375(housing)
    housing.set_viewport_size({"width": 1100, "height": 900})
    housing.get_by_label("需要补正的内容").fill("施工合同缺少双方盖章页")
    housing.get_by_label("施工合同", exact=True).check()
    housing.get_by_role("button", name="要求补正").click()
    expect(housing.locator("#task-actions")).to_contain_text("已要求申请人补正")
    expect(housing.locator("#task-actions .task-state")).to_have_text("暂停计时")

    ecology = open_as("hb_shenpi")
    ecology.goto(url(f"/cases/tasks/{task_of(case, 'HB01').pk}/"))
    ecology.get_by_label("不予许可的理由").fill("项目选址位于水源保护区")
    ecology.get_by_role("button", name="提交不予许可意见").click()
    expect(ecology.locator("#task-actions")).to_contain_text("由牵头部门联席会议决定")
    expect(ecology.locator("#task-actions .task-state")).to_have_text("提交联席会议")

    # 6. The applicant supplies what 住建局 asked; 住建局 then approves.
    applicant.goto(url(f"/cases/{case.pk}/"))
    supplement = applicant.locator(
        "section", has=applicant.get_by_role("heading", name="补正：建筑工程施工许可")
    )
    expect(supplement).to_contain_text("施工合同缺少双方盖章页")
    supplement.get_by_label("施工合同").set_input_files(paper("施工合同（盖章）"))
    supplement.get_by_role("button", name="提交补正").click()
    expect(messages(applicant)).to_contain_text("补正已提交")
    approve(housing, url, task_of(case, "ZJ02"))

    # 7. The lead department settles the refused item in the joint meeting.
    lead = open_as("qiantou")
    lead.get_by_role("link", name="牵头办件").click()
    expect(lead.locator("main table")).to_contain_text("1 项待联席会议")
    lead.get_by_role("link", name=case.number).click()
    lead.get_by_role("link", name="召集联席会议").click()
    expect(lead.locator("main")).to_contain_text("项目选址位于水源保护区")
    # Called for this very minute: a meeting is recorded only once it has begun.
    lead.get_by_label("会议时间").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    lead.get_by_label("地点").fill("三楼会议室")
    lead.get_by_role("button", name="召集会议").click()
    expect(messages(lead)).to_contain_text("联席会议已召集")
    seat = lead.locator(".card", has=lead.locator("legend", has_text="生态环境局"))
    seat.get_by_label("书面意见", exact=True).check()
    seat.get_by_label("意见内容").fill("同意补充水源保护措施后准予")
    resolution = lead.locator(".card", has_text="审查建议不予许可")
    resolution.get_by_label("准予", exact=True).check()
    resolution.get_by_label("决议").fill("补充水源保护措施后准予许可")
    resolution.get_by_label("许可条件").fill("落实水源保护区防护措施")
    shot(lead, "05-meeting-record")
    lead.get_by_role("button", name="记录会议决议").click()
    expect(messages(lead)).to_contain_text("会议已记录")
    assert task_of(case, "HB01").state == TaskState.APPROVED

    # 8. The lead records the decision.
    lead.get_by_label("决定说明").fill("准予许可，请按许可条件组织建设。")
    lead.get_by_role("button", name="作出办件决定").click()
    expect(messages(lead)).to_contain_text("已作出办件决定：准予许可")
    assert Case.objects.get(pk=case.pk).state == CaseState.DECIDED
    shot(lead, "06-decided")

    assert documents_app_serves_issue(case), "the documents app serves the issue view"

    # 9. The document is issued with one seal.
    lead.get_by_role("button", name="出具批复文件并加盖电子印章").click()
    expect(messages(lead)).to_contain_text("已出具批复文件")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    number = case.documents.get().number

    # 10. The applicant downloads it from the case page.
    applicant.goto(url(f"/cases/{case.pk}/"))
    docs = applicant.locator("section", has=applicant.locator("#h-docs"))
    expect(docs).to_contain_text(number)
    expect(applicant.locator("ol.timeline")).to_contain_text("出具批复文件")
    assert fits_375(applicant)
    shot(applicant, "07-case-page-375")
    with applicant.expect_download() as download:
        docs.get_by_role("link", name="下载").click()
    saved = artifacts / "approval-document.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # 11. A visitor verifies it on the public page, without logging in.
    visitor = open_as(None)
    visitor.goto(url("/"))
    visitor.get_by_role("link", name="核验文件").click()
    visitor.get_by_label("批复文件（PDF）").set_input_files(str(saved))
    visitor.get_by_role("button", name="核验", exact=True).click()
    expect(visitor.locator("main")).to_contain_text(f"核验通过：这是批复文件 {number} 的原件")
    shot(visitor, "08-verified")

    # And the public progress lookup shows the case closed, without the applicant's name.
    visitor.goto(url("/"))
    visitor.get_by_label("办件编号").fill(case.number)
    visitor.get_by_label("查询码").fill(case.query_code)
    visitor.get_by_role("button", name="查询").click()
    expect(visitor.locator("main")).to_contain_text("已办结")
    expect(visitor.locator("main")).to_contain_text("生态环境局")
    expect(visitor.locator("main")).not_to_contain_text("示范农机装备有限公司")
    assert fits_375(visitor)


def test_other_peoples_cases_and_tasks_answer_404(open_as, county, live_server):
    from cases import engine, intake

    applicant = county["applicant"]
    case = engine.apply(applicant, title="他人的项目", project_type=county["project"])
    intake.accept(case.pk, county["clerk"])
    housing_task = task_of(case, "ZJ02")

    land = open_as("zr_shenpi")
    response = land.goto(f"{live_server.url}/cases/tasks/{housing_task.pk}/")
    assert response.status == 404
    expect(land.locator("body")).not_to_contain_text("建筑工程施工许可")

    other = open_as("taren")
    response = other.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404
    expect(other.locator("body")).not_to_contain_text("他人的项目")


def test_the_path_in_english(open_as, county, live_server, artifacts):
    def url(path):
        return live_server.url + path

    applicant = open_as("qiye", english=True)
    expect(applicant.get_by_role("link", name="My cases", exact=True)).to_be_visible()
    apply_for_the_project(applicant, url, english=True)
    expect(messages(applicant)).to_contain_text("Application submitted")
    case = Case.objects.get()
    expect(applicant.locator("main")).to_contain_text("Review progress by department")

    clerk = open_as("chuangkou", english=True)
    clerk.goto(url(f"/cases/{case.pk}/intake/"))
    expect(clerk.locator("table.checklist")).to_contain_text("Not uploaded")
    clerk.get_by_role("button", name="Send the one-time notice").click()
    expect(messages(clerk)).to_contain_text("One-time notice sent")

    applicant.goto(url(f"/cases/{case.pk}/"))
    expect(applicant.locator("main")).to_contain_text("One-time notice")
    applicant.get_by_label("项目备案证明").set_input_files(paper("项目备案证明"))
    applicant.get_by_role("button", name="Submit the papers").click()
    expect(messages(applicant)).to_contain_text("Papers submitted")

    clerk.goto(url(f"/cases/{case.pk}/intake/"))
    clerk.get_by_role("button", name="Accept", exact=True).click()
    expect(messages(clerk)).to_contain_text("Accepted")
    expect(clerk.locator(".case-head")).to_contain_text("In parallel review")

    land = open_as("zr_shenpi", english=True)
    land.get_by_role("link", name="Review tasks").click()
    expect(land.locator("#task-list")).to_contain_text("建设用地规划许可")
    approve(
        land, url, task_of(case, "ZR01"), conditions="Build within the approved site", english=True
    )
    land.screenshot(path=artifacts / "09-english-approved.png", full_page=True)
    assert task_of(case, "ZR01").state == TaskState.APPROVED


def test_the_item_picker_fits_a_phone(open_as, county, live_server):
    # The table of items sits in a fieldset; it scrolls in its own box, not the page.
    page = open_as("qiye", width=375)
    page.goto(f"{live_server.url}/cases/apply/")
    expect(page.locator("fieldset table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
