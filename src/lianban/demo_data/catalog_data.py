"""示范县 (a fictional county, region 139999): its departments, approval items and project
types, written the way a county's list (政务服务事项清单) publishes them.

Names, legal bases and legal time limits are the national ones. Where a law or regulation
sets no time limit for a licence, the Administrative Licensing Law's default applies
(《中华人民共和国行政许可法》第四十二条: 20 working days). Limits are written as the source
writes them: "15日" where the regulation says 日 (calendar days), "20个工作日" where it says
工作日, "即办" for an on-the-spot decision. Promised limits are what a reforming county
publishes: shorter, and 即办 under 告知承诺.

A paper another item issues (营业执照, 建设工程规划许可证 …) appears as a material only on
items that name the issuing item as a prerequisite: the county already holds it (免提交).

This module is the source; scripts/build_demo_catalog.py writes 示范县事项清单.xlsx from it,
and tests/lianban/test_demo_catalog.py keeps the two in step and checks the data's rules.
"""

REGION_CODE = "139999"

# (部门编码, 部门名称). The first thirteen match lianban/demo.py's minimal demo.
DEPARTMENTS = [
    ("XZSP", "行政审批局"),
    ("FGJ", "发展改革局"),
    ("ZRZY", "自然资源局"),
    ("ZJJ", "住房城乡建设局"),
    ("STHJ", "生态环境局"),
    ("YJGL", "应急管理局"),
    ("XF", "消防救援大队"),
    ("RF", "人防办"),
    ("SLJ", "水利局"),
    ("SCJG", "市场监管局"),
    ("WJJ", "卫生健康局"),
    ("JTJ", "交通运输局"),
    ("SWJ", "税务局"),
    ("WGLJ", "文化广电旅游局"),
    ("CGJ", "城市管理局"),
    ("QXJ", "气象局"),
    ("GAJ", "公安局"),
    ("RSJ", "人力资源社会保障局"),
]

# Legal bases quoted by more than one item.
_PROJECT_RULES = "《企业投资项目核准和备案管理条例》"
_MULTI_PERMIT = (
    "《自然资源部关于以“多规合一”为基础推进规划用地“多审合一、多证合一”改革的通知》"
    "（自然资规〔2019〕2号）"
)
_EIA = "《中华人民共和国环境影响评价法》第十六条、第二十二条；《建设项目环境保护管理条例》第九条"
_PERMIT_RULES = "《排污许可管理条例》第二条、第十二条"
_FIRE_RULES = "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）"
_CIVIL_DEFENCE = "《中华人民共和国人民防空法》第二十二条；《人民防空工程建设管理规定》"
_REGISTRATION = "《不动产登记暂行条例》第二十条"
_LIGHTNING = "《雷电防护装置设计审核和竣工验收规定》（中国气象局令第37号）"
_CITY_ROADS = "《城市道路管理条例》"
_STATE_COUNCIL_412 = "《国务院对确需保留的行政审批项目设定行政许可的决定》"

# Papers many items ask for; spelled once so the same paper is the same material.
ID = "法定代表人身份证件"
PROXY = "授权委托书"
AGENT_ID = "经办人身份证件"
LICENCE = "营业执照"
PREMISES = "经营场所使用证明"
FLOOR_PLAN = "场所平面布置图"
FILING = "企业投资项目备案证明"
LAND_CONTRACT = "国有建设用地使用权出让合同"
LAND_PAYMENT = "土地出让价款缴纳凭证"
LAND_TITLE = "不动产权证书（国有建设用地使用权）"
BUILDING_PERMIT = "建设工程规划许可证"
SURVEY = "竣工联合测绘成果报告"
PLANNING_CHECK = "建设工程规划核实意见书"
COMPLETION_REPORT = "工程竣工验收报告"
FIRE_DRAWINGS = "涉及消防的建设工程竣工图纸"
DESIGN_SCHEME = "建设工程设计方案"
SITE_MAP = "拟选址位置图"
SAFETY_TRAINING = "主要负责人安全培训合格证明"
SAFETY_RULES = "安全生产管理制度"
EIA_APPLICATION = "环境影响评价文件审批申请书"
REGISTRATION_FORM = "不动产登记申请书"
CONSTRUCTION_CONTRACT = "建设工程施工合同"
DRAWINGS = "施工图设计文件"


def _item(
    code,
    name,
    department,
    kind,
    legal,
    promised,
    *,
    result,
    basis,
    materials=(),
    prerequisites=(),
    fee="不收费",
    handling="网上预审",
    visits=0,
    notice_commitment=False,
    joint_meeting=False,
):
    """One row of the 事项 sheet; values as the workbook shows them."""
    return {
        "code": code,
        "name": name,
        "department": department,
        "kind": kind,
        "legal_limit": legal,
        "promised_limit": promised,
        "prerequisites": tuple(prerequisites),
        "materials": tuple(materials),
        "result": result,
        "fee": fee,
        "legal_basis": basis,
        "handling": handling,
        "visits": visits,
        "notice_commitment": notice_commitment,
        "joint_meeting": joint_meeting,
    }


# fmt: off
ITEMS = [
    # 发展改革局
    _item(
        "FGJ-001", "企业投资项目备案", "FGJ", "备案", "即办", "即办",
        materials=["企业投资项目备案信息表", "项目符合产业政策声明"],
        result=FILING,
        basis=f"{_PROJECT_RULES}第三条、第十三条",
        handling="全程网办",
    ),
    _item(
        "FGJ-002", "企业投资项目核准", "FGJ", "行政许可", "20个工作日", "10个工作日",
        prerequisites=["ZRZY-001"],
        materials=["项目申请报告", "建设项目用地预审与选址意见书", ID, PROXY],
        result="企业投资项目核准文件",
        basis=f"{_PROJECT_RULES}第三条、第十条；"
        "《企业投资项目核准和备案管理办法》（国家发展改革委令第2号）",
        visits=1,
        joint_meeting=True,
    ),
    _item(
        "FGJ-003", "固定资产投资项目节能审查", "FGJ", "行政许可", "20个工作日", "10个工作日",
        prerequisites=["FGJ-001"],
        materials=["节能审查申请书", "固定资产投资项目节能报告", FILING],
        result="节能审查意见",
        basis="《中华人民共和国节约能源法》第十五条；"
        "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）",
    ),
    # 自然资源局
    _item(
        "ZRZY-001", "建设项目用地预审与选址意见书核发", "ZRZY", "行政许可",
        "20个工作日", "7个工作日",
        materials=[
            "建设项目用地预审与选址申请表", "建设项目用地预审与选址申请报告", SITE_MAP, ID, PROXY,
        ],
        result="建设项目用地预审与选址意见书",
        basis="《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条；"
        f"《建设项目用地预审管理办法》；{_MULTI_PERMIT}",
        visits=1,
    ),
    _item(
        "ZRZY-002", "建设用地规划许可证核发", "ZRZY", "行政许可", "20个工作日", "3个工作日",
        prerequisites=["FGJ-001"],
        materials=["建设用地规划许可证申请表", FILING, LAND_CONTRACT, ID, PROXY],
        result="建设用地规划许可证",
        basis=f"《中华人民共和国城乡规划法》第三十八条；{_MULTI_PERMIT}",
        handling="全程网办",
    ),
    _item(
        "ZRZY-003", "国有建设用地使用权首次登记", "ZRZY", "行政确认", "30个工作日", "5个工作日",
        prerequisites=["SWJ-003"],
        materials=[
            REGISTRATION_FORM, LAND_CONTRACT, LAND_PAYMENT, "不动产权籍调查成果", "契税完税凭证",
            ID, PROXY,
        ],
        result=LAND_TITLE,
        fee="非住宅类每件550元（小微企业免收）",
        basis="《不动产登记暂行条例》第十四条、第二十条；《不动产登记暂行条例实施细则》",
        visits=1,
    ),
    _item(
        "ZRZY-004", "建设工程规划许可证核发", "ZRZY", "行政许可", "20个工作日", "5个工作日",
        prerequisites=["ZRZY-002"],
        materials=[
            "建设工程规划许可证申请表", "建设用地规划许可证", LAND_CONTRACT, DESIGN_SCHEME, ID, PROXY,
        ],
        result=BUILDING_PERMIT,
        basis="《中华人民共和国城乡规划法》第四十条",
        handling="全程网办",
    ),
    _item(
        "ZRZY-005", "建设工程规划核实", "ZRZY", "其他", "20个工作日", "5个工作日",
        prerequisites=["ZRZY-004", "ZJJ-003"],
        materials=["建设工程规划核实申请表", BUILDING_PERMIT, SURVEY, "建设工程竣工图"],
        result=PLANNING_CHECK,
        basis="《中华人民共和国城乡规划法》第四十五条",
        visits=1,
    ),
    _item(
        "ZRZY-006", "国有建设用地使用权及房屋所有权首次登记", "ZRZY", "行政确认",
        "30个工作日", "5个工作日",
        prerequisites=["ZRZY-003", "ZRZY-005", "ZJJ-006"],
        materials=[
            REGISTRATION_FORM, LAND_TITLE, PLANNING_CHECK, "竣工验收备案证明", SURVEY, ID, PROXY,
        ],
        result="不动产权证书（房屋所有权）",
        fee="住宅类每件80元，非住宅类每件550元（小微企业免收）",
        basis=f"{_REGISTRATION}；《不动产登记暂行条例实施细则》第三十五条",
        visits=1,
    ),
    _item(
        "ZRZY-007", "临时用地审批", "ZRZY", "行政许可", "20个工作日", "5个工作日",
        materials=["临时用地申请书", "临时使用土地合同", "土地复垦方案", "临时用地位置图"],
        result="临时用地批准文件",
        basis="《中华人民共和国土地管理法》第五十七条",
        visits=1,
    ),
    _item(
        "ZRZY-008", "建设项目压覆矿产资源查询", "ZRZY", "公共服务", "20个工作日", "3个工作日",
        materials=["压覆矿产资源查询申请表", SITE_MAP],
        result="压覆矿产资源查询意见",
        basis="《中华人民共和国矿产资源法》；"
        "《国土资源部关于进一步做好建设项目压覆重要矿产资源审批管理工作的通知》"
        "（国土资发〔2010〕137号）",
        handling="全程网办",
    ),
    _item(
        "ZRZY-009", "乡村建设规划许可证核发", "ZRZY", "行政许可", "20个工作日", "5个工作日",
        materials=["乡村建设规划许可申请表", DESIGN_SCHEME, "村民委员会书面意见", "申请人身份证件"],
        result="乡村建设规划许可证",
        basis="《中华人民共和国城乡规划法》第四十一条",
        handling="窗口办理",
        visits=1,
    ),
    # 住房城乡建设局
    _item(
        "ZJJ-001", "施工图设计文件审查备案", "ZJJ", "备案", "10个工作日", "5个工作日",
        prerequisites=["ZRZY-004"],
        materials=[DRAWINGS, "岩土工程勘察报告", BUILDING_PERMIT],
        result="施工图设计文件审查合格书",
        fee="不收费（政府购买施工图审查服务）",
        basis="《建设工程质量管理条例》第十一条；"
        "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房城乡建设部令第13号）",
        handling="全程网办",
    ),
    _item(
        "ZJJ-002", "特殊建设工程消防设计审查", "ZJJ", "行政许可", "15个工作日", "7个工作日",
        prerequisites=["ZRZY-004"],
        materials=["消防设计审查申请表", "消防设计文件", BUILDING_PERMIT],
        result="特殊建设工程消防设计审查意见书",
        basis=f"《中华人民共和国消防法》第十一条、第十二条；{_FIRE_RULES}第十五条、第二十二条",
        handling="全程网办",
    ),
    _item(
        "ZJJ-003", "建筑工程施工许可证核发", "ZJJ", "行政许可", "7日", "3个自然日",
        prerequisites=["ZRZY-004", "ZJJ-001"],
        materials=[
            "建筑工程施工许可证申请表", BUILDING_PERMIT, "施工图设计文件审查合格书",
            CONSTRUCTION_CONTRACT, "建设资金已经落实承诺书", "工程质量安全保证措施", ID, PROXY,
        ],
        result="建筑工程施工许可证",
        basis="《中华人民共和国建筑法》第七条、第八条；"
        "《建筑工程施工许可管理办法》第四条、第五条",
        handling="全程网办",
    ),
    _item(
        "ZJJ-004", "特殊建设工程消防验收", "ZJJ", "行政许可", "15日", "5个工作日",
        prerequisites=["ZJJ-002", "ZJJ-003"],
        materials=["消防验收申请表", COMPLETION_REPORT, FIRE_DRAWINGS],
        result="特殊建设工程消防验收意见书",
        basis=f"《中华人民共和国消防法》第十三条；{_FIRE_RULES}第二十六条",
        visits=1,
    ),
    _item(
        "ZJJ-005", "其他建设工程消防验收备案", "ZJJ", "备案", "即办", "即办",
        prerequisites=["ZJJ-003"],
        materials=["消防验收备案表", COMPLETION_REPORT, FIRE_DRAWINGS],
        result="建设工程消防验收备案凭证",
        basis=f"《中华人民共和国消防法》第十三条；{_FIRE_RULES}",
        handling="全程网办",
    ),
    _item(
        "ZJJ-006", "房屋建筑和市政基础设施工程竣工验收备案", "ZJJ", "备案", "即办", "即办",
        prerequisites=["ZRZY-005", "ZJJ-003"],
        materials=["工程竣工验收备案表", COMPLETION_REPORT, PLANNING_CHECK, "工程质量保修书"],
        result="竣工验收备案证明",
        basis="《建设工程质量管理条例》第四十九条；"
        "《房屋建筑和市政基础设施工程竣工验收备案管理办法》",
        handling="全程网办",
    ),
    _item(
        "ZJJ-007", "建设工程竣工档案验收", "ZJJ", "其他", "20个工作日", "3个工作日",
        prerequisites=["ZJJ-003"],
        materials=["建设工程竣工档案验收申请表", "建设工程竣工档案"],
        result="建设工程档案验收意见书",
        basis="《建设工程质量管理条例》第十七条；《城市建设档案管理规定》",
        visits=1,
    ),
    _item(
        "ZJJ-008", "商品房预售许可", "ZJJ", "行政许可", "10个工作日", "5个工作日",
        prerequisites=["ZRZY-003", "ZRZY-004", "ZJJ-003"],
        materials=[
            "商品房预售许可申请表", "房地产开发企业资质证书", LAND_TITLE, BUILDING_PERMIT,
            "建筑工程施工许可证", CONSTRUCTION_CONTRACT, "开发建设资金投入证明", "商品房预售方案",
        ],
        result="商品房预售许可证",
        basis="《中华人民共和国城市房地产管理法》第四十五条；"
        "《城市商品房预售管理办法》第五条、第六条、第七条",
        visits=1,
    ),
    _item(
        "ZJJ-009", "城镇污水排入排水管网许可", "ZJJ", "行政许可", "15日", "5个工作日",
        materials=[
            "排水许可申请表", "排水户内部排水管网及排放口位置图", "污水预处理设施有关材料",
            "排水水质达标承诺书",
        ],
        result="城镇污水排入排水管网许可证",
        basis="《城镇排水与污水处理条例》第二十一条；"
        "《城镇污水排入排水管网许可管理办法》第六条、第七条",
        handling="全程网办",
    ),
    # 生态环境局
    _item(
        "STHJ-001", "建设项目环境影响报告书审批", "STHJ", "行政许可", "60日", "20个工作日",
        materials=[EIA_APPLICATION, "环境影响报告书", "环境影响报告书公开版本", "公众参与说明"],
        result="环境影响报告书批复",
        basis=_EIA,
        visits=1,
        joint_meeting=True,
    ),
    _item(
        "STHJ-002", "建设项目环境影响报告表审批", "STHJ", "行政许可", "30日", "10个工作日",
        materials=[EIA_APPLICATION, "环境影响报告表"],
        result="环境影响报告表批复",
        basis=_EIA,
        handling="全程网办",
    ),
    _item(
        "STHJ-003", "建设项目环境影响登记表备案", "STHJ", "备案", "即办", "即办",
        materials=["建设项目环境影响登记表"],
        result="建设项目环境影响登记表备案回执",
        basis="《中华人民共和国环境影响评价法》第二十二条；"
        "《建设项目环境影响登记表备案管理办法》（环境保护部令第41号）",
        handling="全程网办",
    ),
    _item(
        "STHJ-004", "排污许可证核发（简化管理）", "STHJ", "行政许可", "20日", "5个工作日",
        prerequisites=["STHJ-002"],
        materials=[
            "排污许可证申请表", "自行监测方案", "排污许可证申请承诺书", "排污口规范化情况说明",
            "环境影响报告表批复",
        ],
        result="排污许可证（简化管理）",
        basis=_PERMIT_RULES,
        handling="全程网办",
    ),
    _item(
        "STHJ-005", "排污许可证核发（重点管理）", "STHJ", "行政许可", "30日", "10个工作日",
        prerequisites=["STHJ-001"],
        materials=[
            "排污许可证申请表", "自行监测方案", "排污许可证申请承诺书", "排污口规范化情况说明",
            "环境影响报告书批复",
        ],
        result="排污许可证（重点管理）",
        basis=_PERMIT_RULES,
        handling="全程网办",
    ),
    # 应急管理局
    _item(
        "YJGL-001", "危险化学品建设项目安全条件审查", "YJGL", "行政许可", "45日", "20个工作日",
        prerequisites=["FGJ-001"],
        materials=["建设项目安全条件审查申请书", "建设项目安全评价报告", FILING],
        result="危险化学品建设项目安全条件审查意见书",
        basis="《危险化学品安全管理条例》第十二条；"
        "《危险化学品建设项目安全监督管理办法》（国家安全生产监督管理总局令第45号）",
        visits=1,
        joint_meeting=True,
    ),
    _item(
        "YJGL-002", "危险化学品经营许可（不带储存设施）", "YJGL", "行政许可", "30日", "10个工作日",
        prerequisites=["SCJG-001"],
        materials=[
            "危险化学品经营许可证申请书", LICENCE, PREMISES, SAFETY_TRAINING, SAFETY_RULES,
        ],
        result="危险化学品经营许可证",
        basis="《危险化学品安全管理条例》第三十三条、第三十五条；《危险化学品经营许可证管理办法》",
        visits=1,
    ),
    _item(
        "YJGL-003", "烟花爆竹经营（零售）许可", "YJGL", "行政许可", "20日", "5个工作日",
        prerequisites=["SCJG-001"],
        materials=[
            "烟花爆竹经营（零售）许可证申请书", LICENCE, PREMISES, SAFETY_TRAINING,
            "零售点及其周围安全条件说明",
        ],
        result="烟花爆竹经营（零售）许可证",
        basis="《烟花爆竹安全管理条例》第十八条、第十九条；"
        "《烟花爆竹经营许可实施办法》（国家安全生产监督管理总局令第65号）",
        visits=1,
    ),
    _item(
        "YJGL-004", "生产经营单位生产安全事故应急预案备案", "YJGL", "备案", "5个工作日", "即办",
        materials=["应急预案备案申请表", "生产安全事故应急预案", "应急预案评审意见"],
        result="生产安全事故应急预案备案登记表",
        basis="《中华人民共和国安全生产法》第八十一条；"
        "《生产安全事故应急预案管理办法》（应急管理部令第2号）",
        handling="全程网办",
    ),
    # 消防救援大队
    _item(
        "XF-001", "公众聚集场所投入使用、营业前消防安全检查", "XF", "行政许可",
        "10个工作日", "即办",
        prerequisites=["SCJG-001"],
        materials=[
            "消防安全检查申报表", "公众聚集场所投入使用营业消防安全告知承诺书", LICENCE,
            FLOOR_PLAN, "场所消防设施平面图", "消防安全制度", "灭火和应急疏散预案",
        ],
        result="公众聚集场所投入使用、营业前消防安全检查意见书",
        basis="《中华人民共和国消防法》第十五条",
        handling="全程网办",
        notice_commitment=True,
    ),
    # 人防办
    _item(
        "RF-001", "人民防空工程设计审查", "RF", "行政许可", "20个工作日", "5个工作日",
        prerequisites=["ZRZY-004"],
        materials=["人防工程设计审查申请表", DRAWINGS, BUILDING_PERMIT],
        result="人民防空工程设计审查意见书",
        basis=_CIVIL_DEFENCE,
        handling="全程网办",
    ),
    _item(
        "RF-002", "防空地下室易地建设审批", "RF", "行政许可", "20个工作日", "5个工作日",
        prerequisites=["ZRZY-004"],
        materials=["防空地下室易地建设申请表", BUILDING_PERMIT, DESIGN_SCHEME],
        result="防空地下室易地建设审批意见书",
        fee="按省定标准缴纳防空地下室易地建设费",
        basis=_CIVIL_DEFENCE,
        visits=1,
    ),
    _item(
        "RF-003", "人民防空工程竣工验收备案", "RF", "备案", "20个工作日", "5个工作日",
        prerequisites=["RF-001", "ZJJ-003"],
        materials=["人防工程竣工验收备案表", COMPLETION_REPORT, "人防工程竣工图"],
        result="人民防空工程竣工验收备案证明",
        basis=_CIVIL_DEFENCE,
        visits=1,
    ),
    # 水利局
    _item(
        "SLJ-001", "取水许可", "SLJ", "行政许可", "45个工作日", "15个工作日",
        prerequisites=["FGJ-001"],
        materials=[
            "取水许可申请书", "与第三者利害关系的相关说明", FILING, "建设项目水资源论证报告书",
        ],
        result="取水许可证",
        fee="不收费（取水后依法缴纳水资源税）",
        basis="《中华人民共和国水法》第七条、第四十八条；"
        "《取水许可和水资源费征收管理条例》第十一条",
        visits=1,
    ),
    _item(
        "SLJ-002", "生产建设项目水土保持方案审批", "SLJ", "行政许可", "20个工作日", "5个工作日",
        materials=["水土保持方案审批申请", "生产建设项目水土保持方案"],
        result="水土保持方案批复",
        basis="《中华人民共和国水土保持法》第二十五条、第二十六条",
        handling="全程网办",
    ),
    _item(
        "SLJ-003", "洪水影响评价类审批", "SLJ", "行政许可", "20个工作日", "10个工作日",
        materials=["洪水影响评价类审批申请书", "建设项目防洪评价报告", "工程位置图"],
        result="洪水影响评价类审批决定书",
        basis="《中华人民共和国水法》第三十八条；《中华人民共和国防洪法》第二十七条；"
        "《中华人民共和国河道管理条例》第十一条",
        visits=1,
    ),
    # 市场监管局
    _item(
        "SCJG-001", "企业设立登记", "SCJG", "行政许可", "3个工作日", "即办",
        materials=["公司登记（备案）申请书", "公司章程", "股东身份证件", ID, PREMISES],
        result=LICENCE,
        basis="《中华人民共和国公司法》第二十九条；"
        "《中华人民共和国市场主体登记管理条例》第十六条、第十九条",
        handling="全程网办",
    ),
    _item(
        "SCJG-002", "食品经营许可", "SCJG", "行政许可", "10个工作日", "3个工作日",
        prerequisites=["SCJG-001"],
        materials=[
            "食品经营许可申请书", LICENCE, "主要设备设施布局图和操作流程", "食品安全管理制度",
            "食品安全管理人员配备情况",
        ],
        result="食品经营许可证",
        basis="《中华人民共和国食品安全法》第三十五条；"
        "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
    ),
    _item(
        "SCJG-003", "仅销售预包装食品备案", "SCJG", "备案", "即办", "即办",
        prerequisites=["SCJG-001"],
        materials=["仅销售预包装食品备案信息采集表", LICENCE],
        result="仅销售预包装食品备案回执",
        basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        handling="全程网办",
    ),
    _item(
        "SCJG-004", "特种设备使用登记", "SCJG", "行政许可", "15个工作日", "1个工作日",
        prerequisites=["SCJG-001"],
        materials=["特种设备使用登记表", LICENCE, "特种设备产品合格证", "特种设备监督检验证明"],
        result="特种设备使用登记证",
        basis="《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》（TSG 08-2017）",
        handling="全程网办",
    ),
    _item(
        "SCJG-005", "个体工商户设立登记", "SCJG", "行政许可", "3个工作日", "即办",
        materials=["个体工商户登记（备案）申请书", "经营者身份证件", PREMISES],
        result="营业执照（个体工商户）",
        basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第十九条",
        handling="全程网办",
    ),
    # 卫生健康局
    _item(
        "WJJ-001", "公共场所卫生许可", "WJJ", "行政许可", "20日", "即办",
        prerequisites=["SCJG-001"],
        materials=[
            "公共场所卫生许可申请表", "公共场所卫生许可告知承诺书", LICENCE, FLOOR_PLAN,
            "卫生设施平面布局图", "卫生管理制度",
        ],
        result="公共场所卫生许可证",
        basis="《公共场所卫生管理条例》第四条、第八条；《公共场所卫生管理条例实施细则》",
        handling="全程网办",
        notice_commitment=True,
    ),
    _item(
        "WJJ-002", "诊所备案", "WJJ", "备案", "即办", "即办",
        materials=["诊所备案信息表", "医师执业证书", PREMISES, "诊所规章制度"],
        result="诊所备案凭证",
        basis="《医疗机构管理条例》；《诊所备案管理暂行办法》（国卫医政发〔2022〕33号）",
        visits=1,
    ),
    # 交通运输局
    _item(
        "JTJ-001", "涉路施工许可", "JTJ", "行政许可", "20日", "5个工作日",
        materials=[
            "涉路施工申请书", "涉路工程设计图", "涉路施工方案", "涉路工程安全技术评价报告",
            "施工险情和意外事故应急预案",
        ],
        result="涉路施工许可决定书",
        basis="《中华人民共和国公路法》第四十四条、第四十五条；《公路安全保护条例》第二十七条",
        visits=1,
    ),
    _item(
        "JTJ-002", "道路货物运输经营许可", "JTJ", "行政许可", "20日", "5个工作日",
        prerequisites=["SCJG-001"],
        materials=[
            "道路货物运输经营申请表", LICENCE, ID, "机动车行驶证", "驾驶人员从业资格证",
            SAFETY_RULES,
        ],
        result="道路运输经营许可证",
        basis="《中华人民共和国道路运输条例》第二十四条；《道路货物运输及站场管理规定》",
        handling="全程网办",
    ),
    # 税务局
    _item(
        "SWJ-001", "新办纳税人税务登记信息确认", "SWJ", "其他", "即办", "即办",
        prerequisites=["SCJG-001"],
        materials=[LICENCE, ID, "财务负责人身份证件", "办税人员身份证件"],
        result="税务登记信息确认回执",
        basis="《中华人民共和国税收征收管理法》第十五条",
        handling="全程网办",
    ),
    _item(
        "SWJ-002", "发票领用", "SWJ", "其他", "5个工作日", "即办",
        prerequisites=["SWJ-001"],
        materials=[AGENT_ID, "发票专用章印模"],
        result="发票票种核定及领用确认",
        basis="《中华人民共和国发票管理办法》第十五条",
        handling="全程网办",
    ),
    _item(
        "SWJ-003", "契税申报", "SWJ", "其他", "即办", "即办",
        materials=["契税纳税申报表", LAND_CONTRACT, LAND_PAYMENT],
        result="契税完税凭证",
        fee="不收费（依法缴纳契税）",
        basis="《中华人民共和国契税法》第十条、第十一条",
        handling="全程网办",
    ),
    _item(
        "SWJ-004", "增值税一般纳税人登记", "SWJ", "其他", "即办", "即办",
        prerequisites=["SWJ-001"],
        materials=["增值税一般纳税人登记表"],
        result="增值税一般纳税人登记确认",
        basis="《增值税一般纳税人登记管理办法》（国家税务总局令第43号）",
        handling="全程网办",
    ),
    # 公安局
    _item(
        "GAJ-001", "公章刻制备案", "GAJ", "备案", "即办", "即办",
        prerequisites=["SCJG-001"],
        materials=[LICENCE, ID, AGENT_ID],
        result="公章刻制备案回执",
        fee="新开办企业首套公章免费（政府购买服务）",
        basis="《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）；"
        "《印铸刻字业暂行管理规则》",
        handling="全程网办",
    ),
    # 人力资源社会保障局
    _item(
        "RSJ-001", "单位参保登记", "RSJ", "行政确认", "15日", "即办",
        prerequisites=["SCJG-001"],
        materials=[LICENCE, "单位参保登记表"],
        result="单位参保登记确认单",
        basis="《中华人民共和国社会保险法》第五十七条",
        handling="全程网办",
    ),
    _item(
        "RSJ-002", "单位用工备案", "RSJ", "公共服务", "即办", "即办",
        prerequisites=["SCJG-001"],
        materials=["单位用工备案表", "劳动合同"],
        result="单位用工备案回执",
        basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》",
        handling="全程网办",
    ),
    # 文化广电旅游局
    _item(
        "WGLJ-001", "娱乐场所经营许可", "WGLJ", "行政许可", "20日", "5个工作日",
        prerequisites=["SCJG-001"],
        materials=["娱乐场所经营许可申请书", LICENCE, ID, PREMISES, FLOOR_PLAN],
        result="娱乐经营许可证",
        basis="《娱乐场所管理条例》第九条；《娱乐场所管理办法》（文化部令第55号）",
        visits=1,
    ),
    _item(
        "WGLJ-002", "互联网上网服务营业场所经营单位设立审批", "WGLJ", "行政许可",
        "20个工作日", "10个工作日",
        prerequisites=["SCJG-001"],
        materials=["上网服务营业场所经营单位设立申请表", LICENCE, ID, PREMISES, FLOOR_PLAN],
        result="网络文化经营许可证",
        basis="《互联网上网服务营业场所管理条例》",
        visits=1,
    ),
    # 城市管理局
    _item(
        "CGJ-001", "城市建筑垃圾处置核准", "CGJ", "行政许可", "20日", "3个工作日",
        prerequisites=["ZRZY-004"],
        materials=[
            "城市建筑垃圾处置核准申请表", "建筑垃圾处置方案", "建筑垃圾运输合同", BUILDING_PERMIT,
        ],
        result="城市建筑垃圾处置核准文件",
        basis=f"《城市建筑垃圾管理规定》第七条；{_STATE_COUNCIL_412}第101项",
        handling="全程网办",
    ),
    _item(
        "CGJ-002", "临时占用城市道路许可", "CGJ", "行政许可", "20个工作日", "3个工作日",
        materials=["临时占用城市道路申请表", "占用道路位置示意图", "占道期间交通安全保障措施"],
        result="临时占用城市道路许可证",
        basis=f"{_CITY_ROADS}第三十一条",
        visits=1,
    ),
    _item(
        "CGJ-003", "挖掘城市道路许可", "CGJ", "行政许可", "20个工作日", "3个工作日",
        prerequisites=["ZRZY-004"],
        materials=["挖掘城市道路申请表", BUILDING_PERMIT, "挖掘道路施工图", "道路挖掘施工方案"],
        result="挖掘城市道路许可证",
        basis=f"{_CITY_ROADS}第三十三条",
        visits=1,
    ),
    _item(
        "CGJ-004", "户外广告设施设置许可", "CGJ", "行政许可", "20个工作日", "5个工作日",
        materials=[
            "户外广告设施设置申请表", "户外广告设施设计图及效果图", "设置场地使用权证明",
            "结构安全评估报告",
        ],
        result="户外广告设施设置许可决定书",
        basis=f"《城市市容和环境卫生管理条例》第十一条；{_STATE_COUNCIL_412}第102项",
        visits=1,
    ),
    _item(
        "CGJ-005", "店铺招牌设置", "CGJ", "其他", "20个工作日", "即办",
        prerequisites=["SCJG-001"],
        materials=["店铺招牌设置申请表", LICENCE, "招牌设计效果图", "招牌设置安全承诺书"],
        result="店铺招牌设置确认书",
        basis="《城市市容和环境卫生管理条例》第十一条",
        handling="全程网办",
        notice_commitment=True,
    ),
    _item(
        "CGJ-006", "临时占用城市绿化用地审批", "CGJ", "行政许可", "20个工作日", "5个工作日",
        materials=["临时占用城市绿化用地申请表", "占用绿地位置图", "绿地恢复方案"],
        result="临时占用城市绿化用地许可决定书",
        basis="《城市绿化条例》",
        visits=1,
    ),
    # 气象局
    _item(
        "QXJ-001", "雷电防护装置设计审核", "QXJ", "行政许可", "10个工作日", "5个工作日",
        materials=["雷电防护装置设计审核申请表", "雷电防护装置设计说明书和设计图纸", "防雷产品相关说明"],
        result="雷电防护装置设计核准意见书",
        basis="《中华人民共和国气象法》第三十一条；《气象灾害防御条例》第二十三条；"
        f"{_LIGHTNING}第七条、第十一条",
        handling="全程网办",
    ),
    _item(
        "QXJ-002", "雷电防护装置竣工验收", "QXJ", "行政许可", "10个工作日", "5个工作日",
        prerequisites=["QXJ-001"],
        materials=[
            "雷电防护装置竣工验收申请表", "雷电防护装置设计核准意见书", "雷电防护装置竣工图纸",
            "防雷产品安装记录",
        ],
        result="雷电防护装置验收意见书",
        basis=f"《气象灾害防御条例》第二十三条；{_LIGHTNING}",
        visits=1,
    ),
]
# fmt: on

# 项目类型: each stage is (阶段, 牵头部门, [事项编码 …]) in 阶段顺序. A stage's items are
# reviewed in parallel as far as their prerequisites allow; a prerequisite sits in the
# same stage or an earlier one. The last stage of the building projects is the county's
# 竣工联合验收: 规划核实, 消防验收 (or its 备案), 人防验收 and 档案验收 together, then the
# 竣工验收备案 and the title registration.
# fmt: off
PROJECT_TYPES = [
    {
        # The four stages of 国办发〔2019〕11号 (全面开展工程建设项目审批制度改革).
        "name": "一般社会投资工业项目",
        "stages": [
            (
                "立项用地规划许可", "ZRZY",
                ["FGJ-001", "FGJ-003", "ZRZY-008", "SWJ-003", "ZRZY-003", "ZRZY-002"],
            ),
            ("工程建设许可", "ZRZY", ["ZRZY-004", "STHJ-002", "SLJ-002"]),
            ("施工许可", "ZJJ", ["ZJJ-001", "ZJJ-002", "ZJJ-003", "CGJ-001", "CGJ-003"]),
            (
                "竣工验收", "ZJJ",
                ["ZRZY-005", "ZJJ-004", "ZJJ-007", "ZJJ-006", "STHJ-004", "ZJJ-009", "ZRZY-006"],
            ),
        ],
    },
    {
        # 小型、功能单一、不涉及危险化学品: no 消防设计审查 (其他建设工程, 验收备案),
        # 环评登记表 instead of a report, 工程规划和施工许可 together, 验收与登记一次办.
        "name": "小型社会投资简易低风险项目",
        "stages": [
            ("立项用地规划许可", "FGJ", ["FGJ-001", "SWJ-003", "ZRZY-003", "ZRZY-002"]),
            ("工程建设许可和施工许可", "ZJJ", ["ZRZY-004", "STHJ-003", "ZJJ-001", "ZJJ-003"]),
            ("竣工验收和不动产登记", "ZJJ", ["ZRZY-005", "ZJJ-005", "ZJJ-006", "ZRZY-006"]),
        ],
    },
    {
        # Homes are 民用建筑: 人防 applies (《人民防空法》第二十二条), unlike the factory.
        "name": "房地产开发项目",
        "stages": [
            ("立项用地规划许可", "ZRZY", ["FGJ-001", "SWJ-003", "ZRZY-003", "ZRZY-002"]),
            ("工程建设许可", "ZRZY", ["ZRZY-004", "SLJ-002"]),
            (
                "施工许可", "ZJJ",
                ["ZJJ-001", "ZJJ-002", "RF-001", "ZJJ-003", "CGJ-001", "CGJ-003"],
            ),
            ("商品房预售", "ZJJ", ["ZJJ-008"]),
            (
                "竣工验收", "ZJJ",
                ["ZRZY-005", "ZJJ-004", "RF-003", "ZJJ-007", "ZJJ-006", "ZRZY-006"],
            ),
        ],
    },
    {
        # 一件事: open a restaurant. Since 国发〔2016〕12号 a restaurant needs no 公共场所卫生许可.
        "name": "开餐馆",
        "stages": [
            (
                "开办企业", "SCJG",
                ["SCJG-001", "GAJ-001", "SWJ-001", "SWJ-002", "RSJ-001", "RSJ-002"],
            ),
            ("经营许可", "SCJG", ["SCJG-002", "XF-001", "CGJ-005", "ZJJ-009"]),
        ],
    },
]
# fmt: on
