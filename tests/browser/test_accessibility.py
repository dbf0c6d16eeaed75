"""GB/T 37668-2019 (WCAG 2.0 AA) on the key pages: axe-core finds no serious or critical
violation, on a desktop and on a phone, and every field points at its help and its errors.

axe comes from tests/browser/vendor (no network in CI). It is loaded as an init script, which
the site's Content-Security-Policy does not block, so the pages are checked as served."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}

# aria-describedby and aria-labelledby name elements by id: each must be on the page.
BROKEN_REFERENCES = """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')]
  .flatMap(e => [e.getAttribute('aria-describedby'), e.getAttribute('aria-labelledby')]
    .join(' ').split(/\\s+/).filter(id => id && !document.getElementById(id))
    .map(id => `${e.outerHTML.slice(0, 80)} -> #${id}`))"""


def problems(page) -> list[str]:
    """Serious and critical axe violations and dangling ARIA references, one line each."""
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )
    return found + page.evaluate(BROKEN_REFERENCES)


def audited(page, url, *, phone=False):
    page.set_viewport_size(PHONE if phone else {"width": 1280, "height": 900})
    page.goto(url)
    return problems(page)


@pytest.fixture
def open_with_axe(open_as):
    def open_page(username):
        page = open_as(username)
        page.context.add_init_script(path=AXE)
        return page

    return open_page


@pytest.fixture
def accepted_case(county):
    from cases import engine, intake

    case = engine.apply(
        county["applicant"], title="年产一万台农机装备项目", project_type=county["project"]
    )
    intake.accept(case.pk, county["clerk"])
    return case


def test_public_pages_pass_axe(open_with_axe, county, live_server):
    visitor = open_with_axe(None)
    for path, phone in [
        ("/", False),
        ("/", True),
        ("/catalog/items/ZR01/", True),
        ("/accounts/login/", False),
    ]:
        assert audited(visitor, live_server.url + path, phone=phone) == [], path
        assert visitor.title().endswith("联办")
    assert visitor.evaluate("document.documentElement.lang") == "zh-Hans"


def test_the_case_page_and_the_task_list_pass_axe_on_a_phone(
    open_with_axe, accepted_case, live_server
):
    applicant = open_with_axe("qiye")
    # The departments' table scrolls sideways on a phone: it must take the keyboard's focus.
    assert audited(applicant, f"{live_server.url}/cases/{accepted_case.pk}/", phone=True) == []
    expect(applicant.get_by_role("group", name="各部门审查进度")).to_have_attribute("tabindex", "0")

    reviewer = open_with_axe("zr_shenpi")
    assert audited(reviewer, f"{live_server.url}/cases/tasks/", phone=True) == []
    expect(reviewer.locator("#task-list .light-green")).to_have_text(
        "正常"
    )  # a word, not colour alone


def test_an_application_with_errors_ties_each_message_to_its_field(
    open_with_axe, county, live_server
):
    applicant = open_with_axe("qiye")
    applicant.goto(f"{live_server.url}/cases/apply/?project={county['project'].pk}")
    applicant.get_by_role("button", name="提交申请").click()

    title = applicant.get_by_label("项目名称")
    expect(title).to_be_focused()  # the keyboard lands on the first field in error
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description("这个字段是必填项。")
    # Each paper's field is described by the items that need it.
    expect(applicant.get_by_label("施工合同", exact=True)).to_have_accessible_description(
        "以下事项需要：建筑工程施工许可"
    )
    assert problems(applicant) == []


def open_task(page, live_server, case, code):
    from cases.models import ReviewTask

    task = ReviewTask.objects.get(case=case, item__code=code)
    page.goto(f"{live_server.url}/cases/tasks/{task.pk}/")
    page.evaluate("window.notReloaded = true")
    return task


def test_a_refused_htmx_submit_puts_the_keyboard_on_the_first_field_in_error(
    open_as, accepted_case, live_server
):
    reviewer = open_as("zr_shenpi")
    open_task(reviewer, live_server, accepted_case, "ZR01")
    reviewer.get_by_role("button", name="提交不予许可意见").click()

    opinion = reviewer.get_by_label("不予许可的理由")
    expect(opinion).to_be_focused()  # not the button pressed, which htmx would refocus
    expect(opinion).to_have_attribute("aria-invalid", "true")
    expect(opinion).to_have_accessible_description("这个字段是必填项。")
    assert reviewer.evaluate("window.notReloaded") is True  # htmx swapped the panel in place


def test_an_action_refused_as_a_whole_puts_the_keyboard_on_its_message(
    open_as, county, accepted_case, live_server
):
    from cases import review

    reviewer = open_as("zr_shenpi")
    task = open_task(reviewer, live_server, accepted_case, "ZR01")
    review.approve_task(task.pk, county["land"])  # a colleague, meanwhile
    reviewer.get_by_role("button", name="同意准予").click()

    message = reviewer.locator("#task-actions p.error")
    expect(message).to_contain_text("不能进行此操作")
    expect(message).to_be_focused()  # the button pressed is gone with the old panel
