"""The named lists of the sample city: 严重失信主体名单 (punishment), 重点关注对象名单 (watch) and
守信激励对象名单 (incentive), each with its deciding department, reasons, legal basis, validity and exit rule.

Stage: sample (reference data). Guarantees: list names (MD_MDMC) are exactly the names the measures list
(CS_MDMC) refers to; bases cite real national rules (one watch list cites a fictional local rule of the
fictional city).
"""

from __future__ import annotations

from dataclasses import dataclass

Y = 365


@dataclass(frozen=True)
class ListDef:
    """One named list."""

    name: str  # 名单名称 (MD_MDMC)
    list_type: str  # punishment | watch | incentive
    dept: str  # department group deciding the listing
    mid: str  # 文号 middle part, e.g. 严列
    reasons: tuple[str, ...]
    basis: str
    exit_rule: str  # 移出条件
    days: int  # listing validity (0: until removed)
    kinds: tuple[int, int, int] = (9, 1, 0)
    groups: tuple[str, ...] = ("trade", "food", "mfg", "build", "service", "tech")
    weight: float = 1.0


SERIOUS_MARKET = "市场监督管理严重违法失信名单"
SERIOUS_SAFETY = "安全生产严重失信主体名单"
WAGES = "拖欠农民工工资失信联合惩戒对象名单"
SERIOUS_TAX = "重大税收违法失信主体名单"
ABNORMAL = "经营异常名录"
SAFETY_WATCH = "安全生产失信重点关注名单"
TAX_A = "纳税信用A级纳税人名单"
CONTRACT = "守合同重信用企业名单"
LABOUR = "劳动保障守法诚信示范单位名单"

LISTS = (
    ListDef(SERIOUS_MARKET, "punishment", "sj", "严列",
            ("因提交虚假材料取得市场主体登记被撤销登记", "被列入经营异常名录届满三年仍未履行相关义务",
             "因生产销售不符合食品安全标准的食品受到较重行政处罚", "因发布虚假广告受到较重行政处罚"),
            "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）第九条",
            "列入之日起满三年移出；列入满一年，已履行行政处罚义务并整改到位的，可申请提前移出", 3 * Y,
            (85, 15, 0), ("food", "trade", "med", "mfg"), 3),
    ListDef(SERIOUS_SAFETY, "punishment", "yj", "严失",
            ("发生较大生产安全事故，对事故发生负有责任", "未依法取得安全生产许可擅自从事生产经营活动",
             "存在重大事故隐患，拒不执行停产停业整顿指令"),
            "《安全生产严重失信主体名单管理办法》（应急管理部令第11号）第六条",
            "管理期限为三年；列入满一年且已履行行政处罚、整改到位的，可申请提前移出", 3 * Y,
            (8, 0, 2), ("chem", "mfg", "build"), 1.5),
    ListDef(WAGES, "punishment", "rs", "欠薪列",
            ("克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
             "因拖欠农民工工资违法行为引发群体性事件，造成严重不良社会影响"),
            "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）第五条",
            "列入期限为三年；已改正拖欠工资违法行为且作出信用承诺的，可申请提前移出", 3 * Y,
            (6, 0, 4), ("build",), 1.5),
    ListDef(SERIOUS_TAX, "punishment", "sw", "重案",
            ("偷税数额一百万元以上且占各种应纳税总额百分之十以上", "虚开增值税专用发票", "逃避追缴欠税数额十万元以上"),
            "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）第六条",
            "自公布之日起满三年停止公布；按规定缴清税款、滞纳金和罚款的，可申请提前停止公布", 3 * Y,
            (9, 1, 0), ("trade", "build", "mfg", "prop"), 2),
    ListDef(ABNORMAL, "watch", "sj", "异列",
            ("未按照《企业信息公示暂行条例》第八条规定的期限公示年度报告", "通过登记的住所或者经营场所无法联系",
             "公示企业信息隐瞒真实情况、弄虚作假"),
            "《企业信息公示暂行条例》第十七条第一款",
            "补报年度报告并公示，或依法办理住所（经营场所）变更登记后，可申请移出", 0, (10, 0, 0), weight=4),
    ListDef(SAFETY_WATCH, "watch", "yj", "关注",
            ("一年内因安全生产违法行为受到两次以上行政处罚", "对一般生产安全事故负有责任"),
            "《临江市安全生产领域失信行为重点关注对象管理办法》（临应急发〔2020〕12号）第五条",
            "列入期限为一年，期满自动移出；整改到位的可申请提前移出", Y, (10, 0, 0), ("chem", "mfg", "build"), 1),
    ListDef(TAX_A, "incentive", "sw", "A级",
            ("{year}年度纳税信用评价结果为A级",),
            "《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）第二十九条",
            "有效期至下一年度评价结果发布；期间发现不符合A级条件的，调整评价结果并移出", Y, (10, 0, 0), weight=3),
    ListDef(CONTRACT, "incentive", "sj", "守重",
            ("连续两年守合同重信用，经公示无异议",),
            "《市场监管总局关于开展“守合同重信用”企业公示活动的通知》",
            "公示有效期为两年；期间发生严重违法失信行为的，撤销公示并移出", 2 * Y, (10, 0, 0), weight=1),
    ListDef(LABOUR, "incentive", "rs", "诚信",
            ("劳动保障守法诚信等级评价为A级",),
            "《企业劳动保障守法诚信等级评价办法》（人社部规〔2016〕1号）第五条",
            "有效期为两年；期间发生重大劳动保障违法行为的，取消称号并移出", 2 * Y, (10, 0, 0),
            ("mfg", "build", "service"), 1),
)  # fmt: skip
