"""Synthetic 行政检查 records (kind other-act, "双随机、一公开" results) and the dataset's own Table Schema.

Stage: sample. Guarantees: ``SCHEMA_YAML`` is a Frictionless Table Schema with gongshi extensions that
``generator.schema.parse_schema`` accepts (primaryKey = 检查文书编号 + 检查机关代码, roles for date, subject,
department, document and summary); records use only organisations and 个体工商户, unique keys, and results
from the national 抽查结果 code list.
"""

from __future__ import annotations

import functools

import numpy as np
import yaml

from generator.sample import fmt, subjects
from generator.sample import plan as P
from generator.sample.context import Context, group_codes
from generator.sample.departments import DEPARTMENTS, column, members
from generator.sample.plan import Plan
from generator.sample.rand import I64, Obj, salt, strs, weighted
from generator.schema import Schema, parse_schema

RESULTS = (
    ("未发现问题", 70, ""), ("发现问题已责令改正", 17, "已责令限期改正，经复查已整改到位"),
    ("发现问题已立案查处", 4, "已依法立案调查"), ("未发现开展本次抽查涉及的经营活动", 4, ""),
    ("通过登记的住所（经营场所）无法联系", 3, "已依法列入经营异常名录"), ("发现问题已移交处理", 2, "已移交有管辖权的部门处理"),
)  # fmt: skip
CHECK_TYPES = (("双随机抽查", 55), ("日常检查", 20), ("专项检查", 15), ("重点检查", 6), ("投诉举报核查", 4))
MATTERS = (  # (department group, 检查事项, industries)
    ("sj", "食品销售者经营条件和食品安全状况检查", ("food",)),
    ("sj", "企业公示信息抽查", ("trade", "tech", "service", "build")),
    ("sj", "特种设备使用单位监督检查", ("mfg", "prop", "chem")),
    ("sj", "产品质量监督检查", ("trade", "mfg")),
    ("hb", "排污单位污染物排放情况检查", ("chem", "mfg")),
    ("yj", "工贸企业安全生产检查", ("mfg", "chem")),
    ("xf", "人员密集场所消防安全检查", ("culture", "service", "food")),
    ("zj", "建筑施工安全和工程质量检查", ("build",)),
    ("jt", "道路运输企业安全生产检查", ("transport",)),
    ("wj", "公共场所卫生监督检查", ("service", "culture")),
    ("wl", "娱乐场所和上网服务营业场所经营行为检查", ("culture",)),
    ("rs", "用人单位劳动保障书面审查", ("mfg", "build", "service")),
)
_DEPT_INDEX = {d.key: i for i, d in enumerate(DEPARTMENTS)}
_ORG_FIELD = {"field": "JC_XDR_LB", "in": ["法人及非法人组织"]}
_KINDS = ["法人及非法人组织", "个体工商户", "自然人"]


def _field(name: str, title: str, description: str, **extra: object) -> dict[str, object]:
    return {
        "name": name,
        "title": title,
        "type": extra.pop("type", "string"),
        "description": description,
        **extra,
    }


SCHEMA = {
    "title": "行政检查", "description": "行政检查（“双随机、一公开”抽查及其他监督检查）结果信息。",
    "primaryKey": ["JC_JCBH", "JC_JCJGDM"],
    "roles": {"date": "JC_JCRQ", "subject_name": "JC_XDR_MC", "subject_type": "JC_XDR_LB", "subject_code": "JC_XDR_SHXYM",
              "department": "JC_JCJG", "department_code": "JC_JCJGDM", "document": "JC_JCBH", "summary": "JC_JCSX"},
    "fields": [
        _field("JC_XDR_MC", "检查对象名称", "被检查的市场主体名称。", constraints={"required": True, "maxLength": 200}),
        _field("JC_XDR_LB", "检查对象类别", "法人及非法人组织、个体工商户或自然人。", constraints={"required": True, "enum": _KINDS}),
        _field("JC_XDR_SHXYM", "统一社会信用代码", "检查对象的统一社会信用代码；法人及非法人组织必填。",
               aliases=["检查对象统一社会信用代码"], constraints={"minLength": 18, "maxLength": 18}, check="uscc",
               requiredWhen=_ORG_FIELD),
        _field("JC_JCBH", "检查文书编号", "检查结果告知书或检查记录的编号；与检查机关代码一起构成记录键。",
               example="临市监检〔2024〕0123号", constraints={"required": True, "maxLength": 128}),
        _field("JC_JCSX", "检查事项", "依据抽查事项清单确定的检查事项。", constraints={"required": True, "maxLength": 500}),
        _field("JC_JCLX", "检查类型", "双随机抽查、日常检查、专项检查、重点检查或投诉举报核查。",
               constraints={"required": True, "enum": [t for t, _ in CHECK_TYPES]}),
        _field("JC_JHMC", "抽查计划名称", "双随机抽查所属的年度抽查计划。", constraints={"maxLength": 200}),
        _field("JC_JCRQ", "检查完成日期", "检查完成的日期。", type="date", constraints={"required": True}),
        _field("JC_JCJL", "检查结果", "按全国统一的抽查结果类型填写。",
               constraints={"required": True, "enum": [r for r, _, _ in RESULTS]}),
        _field("JC_CLQK", "后续处理情况", "发现问题后的处理情况。", constraints={"maxLength": 1000}),
        _field("JC_JCJG", "检查机关", "实施检查的行政机关全称。", constraints={"required": True, "maxLength": 200}),
        _field("JC_JCJGDM", "检查机关统一社会信用代码", "检查机关的统一社会信用代码。",
               constraints={"required": True, "minLength": 18, "maxLength": 18}, check="uscc"),
        _field("BZ", "备注", "备注。", constraints={"maxLength": 1000}),
    ],
}  # fmt: skip
SCHEMA_YAML = (
    "# Table Schema of the 行政检查 dataset (Frictionless Table Schema + gongshi extensions:\n"
    "#   aliases, check, requiredWhen, roles). Written by `gongshi sample`.\n"
    + yaml.safe_dump(SCHEMA, allow_unicode=True, sort_keys=False, width=1000)
)


def schema() -> Schema:
    return parse_schema(SCHEMA, "other-act")


def plan(ctx: Context, rng: np.random.Generator, n: int) -> Plan:
    day = P.decision_days(rng, n)
    matter = rng.integers(0, len(MATTERS), n).astype(np.int64)
    cols = {"matter": matter, "dept": np.zeros(n, dtype=np.int64), "group": np.zeros(n, dtype=np.int64)}
    for i in np.unique(matter).tolist():
        m = matter == i
        depts = members(MATTERS[i][0])
        cols["dept"][m] = np.asarray([_DEPT_INDEX[d.key] for d in depts])[
            rng.integers(0, len(depts), int(m.sum()))
        ]
        cols["group"][m] = group_codes(rng, MATTERS[i][2], int(m.sum()))
    cols["kind"] = (rng.random(n) < 0.3).astype(np.int64)  # 个体工商户 = 1, else organisation
    cols["number"] = ctx.draw(rng, cols["kind"])
    cols["seq"] = P.serials(cols["dept"], day)
    return Plan(day, P.submission_days(rng, day), cols)


def materialise(ctx: Context, plan: Plan, idx: I64, alter: I64, fix_day: I64) -> dict[str, Obj]:
    c = {k: v[idx] for k, v in plan.cols.items()}
    day, s = plan.day[idx], salt(ctx.seed, "inspection")
    subj = subjects.columns(c["kind"], c["group"], c["number"], ctx.seed)
    dept = functools.partial(column, index=c["dept"])
    year = strs(P.day_years(day))
    ctype = np.asarray([t for t, _ in CHECK_TYPES], dtype=object)[
        weighted(idx, s, [w for _, w in CHECK_TYPES])
    ]
    result = weighted(idx, s + 1, [w for _, w, _ in RESULTS])
    batch_no = strs((P.periods(day, "month") % 12) // 4 + 1)
    plan_name = year + "年" + dept("name") + "“双随机、一公开”抽查计划（第" + batch_no + "批）"
    out = {
        "JC_XDR_MC": subj["name"], "JC_XDR_LB": subj["label"], "JC_XDR_SHXYM": subj["uscc"],
        "JC_JCBH": dept("short") + "检〔" + year + "〕" + fmt.padded(c["seq"], 4) + "号",
        "JC_JCSX": np.asarray([m for _, m, _ in MATTERS], dtype=object)[c["matter"]], "JC_JCLX": ctype,
        "JC_JHMC": np.where(ctype == "双随机抽查", plan_name, "").astype(object), "JC_JCRQ": fmt.iso(day),
        "JC_JCJL": np.asarray([r for r, _, _ in RESULTS], dtype=object)[result],
        "JC_CLQK": np.asarray([h for _, _, h in RESULTS], dtype=object)[result],
        "JC_JCJG": dept("name"), "JC_JCJGDM": dept("code"),
    }  # fmt: skip
    wrong = (alter == 1) & (result == 0)
    out["JC_JCJL"][wrong] = "未发现开展本次抽查涉及的经营活动"
    note = "更正：检查结果录入有误，已更正（" + fmt.iso(fix_day) + "）"
    out["BZ"] = np.where(alter == 2, note, "").astype(object)
    return out
