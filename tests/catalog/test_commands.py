"""`lianban catalog check|import|export FILE` and `lianban plan`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from catalog.models import ApprovalItem
from lianban import cli

from .conftest import ITEMS, item_row, write_xlsx


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def bad_book(tmp_path):
    rows = [
        *ITEMS,
        item_row(事项编码="X1", 承诺时限="二十几天"),
        item_row(事项编码="X2", 实施部门="气象局"),
    ]
    return write_xlsx(tmp_path / "bad.xlsx", items=rows)


def test_check_passes_a_good_file_without_touching_the_database(book):
    out, err = run("catalog", "check", str(book))
    assert out.strip() == "检查通过：5个部门、6个事项、1个项目类型。"
    assert err == ""


def test_check_lists_every_problem_and_fails(bad_book):
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("catalog", "check", str(bad_book), stdout=io.StringIO(), stderr=err)
    assert exc.value.returncode == 1
    assert "发现2处错误" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("［事项］第8行 F列“承诺时限”：无法识别时限“二十几天”")
    assert lines[1].startswith("［事项］第9行 C列“实施部门”：未知部门“气象局”")


def test_the_console_script_exits_non_zero_on_errors(bad_book, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["lianban", "catalog", "check", str(bad_book)])
    assert exc.value.code == 1
    assert "未知部门“气象局”" in capsys.readouterr().err


@pytest.mark.django_db
def test_import_refuses_a_bad_file_and_writes_nothing(bad_book):
    with pytest.raises(CommandError):
        run("catalog", "import", str(bad_book))
    assert not ApprovalItem.objects.exists()


@pytest.mark.django_db
def test_import_then_export(book, tmp_path):
    out, _err = run("catalog", "import", str(book))
    assert "事项：新增6个" in out
    assert ApprovalItem.objects.count() == 6
    out, _err = run("catalog", "export", str(tmp_path / "out.xlsx"))
    assert (tmp_path / "out.xlsx").exists()
    assert "已导出到" in out


def test_plan_from_a_file_prints_a_timeline(book):
    out, _err = run("plan", "厂房建设", "--start", "2026-02-11", "--catalog", str(book))
    assert "第1阶段 立项用地（牵头：自然资源局）" in out
    assert "关键路径（* 标出）：P1 → P2 → P4 → P5" in out
    assert (
        "并联办结：2026-02-28，共8个工作日；串联办理需至2026-03-18，共21个工作日；节省13个工作日。"
        in out
    )
    assert "申请材料：提交7份（各事项分别要求共13份）。到现场：3次（串联办理5次）。" in out
    line = next(x for x in out.splitlines() if "P4" in x and "建设工程规划许可" in x)
    assert line.startswith("* ") and "2026-02-25 → 2026-02-28" in line


def test_plan_json_has_exactly_the_documented_keys(book):
    out, _err = run("plan", "厂房建设", "--start", "2026-02-11", "--catalog", str(book), "--json")
    data = json.loads(out)
    assert {
        "project_type",
        "start",
        "finish",
        "total_working_days",
        "serial_working_days",
        "critical_path",
        "items",
        "materials",
        "visits",
    } <= set(data)
    assert (
        data["start"],
        data["finish"],
        data["total_working_days"],
        data["serial_working_days"],
    ) == (
        "2026-02-11",
        "2026-02-28",
        8,
        21,
    )
    assert data["critical_path"] == ["P1", "P2", "P4", "P5"]
    assert {"code", "name", "department", "start", "due"} <= set(data["items"][0])
    assert (data["materials"]["submitted"], data["materials"]["requested_separately"]) == (7, 13)
    assert data["visits"] == 3


def test_plan_of_items_by_code(book):
    out, _err = run(
        "plan", "--items", "P4", "--start", "2026-02-11", "--catalog", str(book), "--json"
    )
    assert sorted(i["code"] for i in json.loads(out)["items"]) == ["P1", "P2", "P3", "P4"]


@pytest.mark.django_db
def test_plan_from_the_database(book):
    run("catalog", "import", str(book))
    out, _err = run("plan", "厂房建设", "--start", "2026-02-11", "--json")
    assert json.loads(out)["finish"] == "2026-02-28"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["不存在的项目"], "项目类型“不存在的项目”不存在。"),
        (["厂房建设", "--start", "2026-2-30"], "开始日期应写成 YYYY-MM-DD"),
        (["厂房建设", "--start", "2026-12-20"], "2027年的工作日安排尚未录入"),
        ([], "请给出项目类型名称"),
    ],
)
def test_plan_explains_what_went_wrong(book, args, says):
    with pytest.raises(CommandError) as exc:
        run("plan", *args, "--catalog", str(book))
    assert says in str(exc.value)
