"""The sample city's 失信惩戒措施清单 (kind measures): fixed, hand-written rows in the three categories of the
national basic list, each naming the lists (CS_MDMC) whose entries it applies to.

Stage: sample (reference data). Guarantees: the same rows for every seed; every list name in CS_MDMC is a
punishment or watch list of ``list_defs``; CS_BH numbers are unique.
"""

from __future__ import annotations

from generator.sample.list_defs import (
    ABNORMAL,
    SAFETY_WATCH,
    SERIOUS_MARKET,
    SERIOUS_SAFETY,
    SERIOUS_TAX,
    WAGES,
)

CUT, MANAGE, MARKET = "减损权益或增加义务的措施", "管理措施", "市场和社会主体实施的措施"
ALL_SERIOUS = (SERIOUS_MARKET, SERIOUS_SAFETY, WAGES, SERIOUS_TAX)
SUBJECT = "列入名单的失信主体"
SUBJECT_AND_HEADS = "列入名单的失信主体及其法定代表人、主要负责人"
GUOFA33 = (
    "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）"
)
GUOBAN49 = "《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）"
GUOBAN42 = "《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》（国办发〔2020〕42号）"
SAMR44 = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第十四条"
MEM11 = "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第十四条"
WAGE_REG = "《保障农民工工资支付条例》第四十八条"
DISCLOSURE = "《企业信息公示暂行条例》第十八条"
TAX_CREDIT = "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）"

# (分类, 惩戒对象, 适用名单, 惩戒措施, 设定依据, 实施主体)
ROWS: tuple[tuple[str, str, tuple[str, ...], str, str, str], ...] = (
    (CUT, SUBJECT, ALL_SERIOUS, "依法限制参加政府采购活动",
     "《中华人民共和国政府采购法》第二十二条第一款第（五）项；《中华人民共和国政府采购法实施条例》第十九条",
     "各级财政部门、采购人、采购代理机构"),
    (CUT, SUBJECT, ALL_SERIOUS, "依法限制参与依法必须进行招标的工程建设项目投标", GUOFA33,
     "各级发展改革、住房城乡建设、交通运输、水利等招标投标行政监督部门"),
    (CUT, SUBJECT, ALL_SERIOUS, "依法限制申请政府补贴、财政性资金支持和社会保障资金支持", GUOFA33,
     "各级财政部门及资金主管部门"),
    (CUT, SUBJECT_AND_HEADS, (SERIOUS_TAX,), "欠缴税款且未提供担保的，依法阻止其法定代表人出境",
     "《中华人民共和国税收征收管理法》第四十四条", "税务机关、出入境管理机关"),
    (CUT, SUBJECT, (WAGES,), "在政府资金支持、政府采购、招投标、融资贷款、市场准入、税收优惠等方面依法依规予以限制",
     WAGE_REG, "各级相关部门"),
    (CUT, SUBJECT_AND_HEADS, (WAGES,), "在交通出行方面依法依规予以限制", WAGE_REG, "交通运输、铁路、民航管理部门"),
    (CUT, SUBJECT, (SERIOUS_SAFETY,), "依法暂停审批其新的重大项目申报，核减、停止拨付或者收回政府补贴资金", MEM11,
     "各级发展改革、财政、应急管理部门"),
    (CUT, SUBJECT, (SERIOUS_SAFETY,), "依法限制或者禁止其参与工程建设项目招标投标", MEM11, "各级招标投标行政监督部门"),
    (CUT, SUBJECT, (SERIOUS_MARKET,), "在审查行政许可、资质、资格时作为重要考量因素，依法从严审查", SAMR44,
     "各级市场监督管理部门"),
    (CUT, SUBJECT, (SERIOUS_MARKET, SERIOUS_SAFETY), "依法限制取得或者降低相关资质等级", GUOFA33, "资质审批部门"),
    (CUT, SUBJECT, (SERIOUS_MARKET,), "委托承担政府采购项目、工程招投标时作为重要考量因素", SAMR44,
     "各级财政部门、招标投标行政监督部门"),
    (CUT, SUBJECT_AND_HEADS, ALL_SERIOUS, "依法限制担任国有企业法定代表人、董事、监事、高级管理人员", GUOFA33,
     "各级国有资产监督管理部门"),
    (CUT, SUBJECT, (SERIOUS_TAX,), "依法限制其取得政府供应土地", GUOFA33, "各级自然资源部门"),
    (MANAGE, SUBJECT, (SERIOUS_MARKET, ABNORMAL), "列为重点监管对象，提高“双随机”抽查比例和频次", SAMR44,
     "各级市场监督管理部门"),
    (MANAGE, SUBJECT, (SERIOUS_SAFETY, SAFETY_WATCH), "列为重点监管对象，增加监督检查频次", MEM11,
     "各级负有安全生产监督管理职责的部门"),
    (MANAGE, SUBJECT, ALL_SERIOUS, "不适用告知承诺制", GUOBAN42, "各级行政许可实施机关"),
    (MANAGE, SUBJECT, (*ALL_SERIOUS, ABNORMAL), "不予授予相关荣誉称号等表彰奖励，已授予的依法撤销",
     SAMR44 + "；" + DISCLOSURE, "各级评选表彰主办部门"),
    (MANAGE, SUBJECT, (ABNORMAL,), "在政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中作为重要考量因素，依法予以限制或者禁入",
     DISCLOSURE, "各级相关部门"),
    (MANAGE, SUBJECT, (SERIOUS_TAX,), "纳税信用级别直接判为D级", TAX_CREDIT + "第二十条", "税务机关"),
    (MANAGE, SUBJECT, (SERIOUS_TAX,), "增值税专用发票领用按辅导期一般纳税人政策办理", TAX_CREDIT + "第三十二条", "税务机关"),
    (MANAGE, SUBJECT, (SERIOUS_TAX,), "加强出口退税审核，提高监督检查频次", TAX_CREDIT + "第三十二条", "税务机关"),
    (MANAGE, SUBJECT, (WAGES,), "在评优评先中依法依规予以限制", WAGE_REG, "各级人力资源社会保障部门及相关部门"),
    (MANAGE, SUBJECT, (SAFETY_WATCH,), "在安全生产许可延期、换证时从严审查",
     "《临江市安全生产领域失信行为重点关注对象管理办法》（临应急发〔2020〕12号）第九条", "临江市应急管理局"),
    (MANAGE, SUBJECT, (*ALL_SERIOUS, ABNORMAL, SAFETY_WATCH), "在“信用临江”网站公示失信信息，并共享至全国信用信息共享平台",
     GUOBAN49, "临江市发展和改革委员会（临江市公共信用信息中心）"),
    (MANAGE, SUBJECT, ALL_SERIOUS, "在行政管理中作为重点审查对象，办理相关事项时加强审核", GUOBAN49, "各级行政机关"),
    (MANAGE, SUBJECT, (SERIOUS_MARKET, SERIOUS_SAFETY), "约谈法定代表人或主要负责人，督促整改", GUOBAN49, "认定部门"),
    (MARKET, SUBJECT, ALL_SERIOUS, "金融机构在授信审批中审慎评估，依法提高贷款利率或者限制贷款", GUOFA33,
     "银行业金融机构"),
    (MARKET, SUBJECT, ALL_SERIOUS, "保险机构依法调整保险费率", GUOFA33, "保险机构"),
    (MARKET, SUBJECT, (*ALL_SERIOUS, ABNORMAL), "行业协会商会按照章程采取通报批评、降低会员等级、取消会员资格等自律措施",
     GUOFA33, "行业协会商会"),
    (MARKET, SUBJECT, (*ALL_SERIOUS, ABNORMAL), "市场主体在交易前查询信用状况，审慎选择交易对象", GUOBAN49, "各类市场主体"),
    (MARKET, SUBJECT, ALL_SERIOUS, "信用服务机构在信用评级、信用评价中依法作为降级依据", GUOBAN49, "信用服务机构"),
    (MARKET, SUBJECT, (SERIOUS_MARKET, WAGES), "招标人、采购人在招标文件中将其列为否决投标的情形", GUOFA33,
     "依法必须进行招标项目的招标人"),
)  # fmt: skip


def rows() -> list[dict[str, str]]:
    """The measures as CS_ records, numbered 1-01, 1-02 … per category."""
    out: list[dict[str, str]] = []
    counters = {CUT: 0, MANAGE: 0, MARKET: 0}
    for category, target, lists, measure, basis, body in ROWS:
        counters[category] += 1
        number = f"{(CUT, MANAGE, MARKET).index(category) + 1}-{counters[category]:02d}"
        out.append({"CS_BH": number, "CS_FL": category, "CS_DX": target, "CS_MDMC": "；".join(lists),
                    "CS_CS": measure, "CS_YJ": basis, "CS_SSZT": body, "BZ": ""})  # fmt: skip
    return out
