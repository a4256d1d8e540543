"""The fictional city of the sample catalog: its districts and the departments that decide and publish.

Stage: sample (reference data). Guarantees: fixed, seed-independent values; every department has a valid
统一社会信用代码 (机关 11…, 事业单位 12…) in the city's region codes; 文号 prefixes are unique per department.
The city (临江市, 信用临江) is fictional; its region codes are real-looking GB/T 2260 codes that
``stdnum.cn.ric`` accepts as 身份证 area codes for every birth year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

CITY = "临江市"
CITY_CODE = "610300"
DISTRICTS = (  # (name, region code) — the codes double as residents' 身份证 area codes
    ("江城区", "610323"),
    ("临港区", "610324"),
    ("北湖区", "610326"),
    ("青山县", "610327"),
    ("云溪县", "610328"),
)


@dataclass(frozen=True)
class Department:
    """A deciding authority: ``short`` + ``mid`` + 〔year〕 + number + 号 is its decision-number format."""

    key: str
    name: str
    code: str
    short: str
    mid: str = "罚"
    pad: int = 0  # zero-padding of the serial number (消防 writes 0012)


DEPARTMENTS = (
    Department("sj", "临江市市场监督管理局", "1161030008443717XU", "临市监", "处罚"),
    Department("hb", "临江市生态环境局", "11610300081257958X", "临环", "罚"),
    Department("zj", "临江市住房和城乡建设局", "11610300029091217J", "临住建", "罚字"),
    Department("jt", "临江市交通运输局", "11610300027763630J", "临交", "执罚"),
    Department("yj", "临江市应急管理局", "11610300011279270Y", "临应急", "罚"),
    Department("xf", "临江市消防救援支队", "116103000908589078", "临消", "行罚决字", 4),
    Department("sw", "国家税务总局临江市税务局", "11610300035994420F", "临税", "稽罚"),
    Department("cg", "临江市城市管理综合行政执法局", "116103000875373361", "临城执", "罚"),
    Department("wj", "临江市卫生健康委员会", "1161030003318466X0", "临卫", "医罚"),
    Department("ga", "临江市公安局", "11610300068838547H", "临公", "（治）行罚决字"),
    Department("zr", "临江市自然资源和规划局", "11610300042263677L", "临自然资", "罚"),
    Department("rs", "临江市人力资源和社会保障局", "116103000164017573", "临人社", "监罚"),
    Department("wl", "临江市文化和旅游局", "116103000279602472", "临文旅", "罚"),
    Department("sl", "临江市水利局", "116103000578486515", "临水", "罚"),
    Department("ny", "临江市农业农村局", "11610300020634131B", "临农", "农罚"),
    Department("yb", "临江市医疗保障局", "116103000808074799", "临医保", "罚"),
    Department("tj", "临江市统计局", "11610300065410633K", "临统", "罚"),
    Department("yc", "临江市烟草专卖局", "11610300067883557Y", "临烟", "罚"),
    Department("sp", "临江市行政审批服务局", "11610300076101430Y", "临审批", "许"),
    Department("fg", "临江市发展和改革委员会", "11610300042440012W", "临发改", "信"),
    Department("xy", "临江市公共信用信息中心", "12610300090141607P", "临信", "修"),
    Department("sj-jc", "临江市江城区市场监督管理局", "11610323002607666B", "江市监", "处罚"),
    Department("sj-lg", "临江市临港区市场监督管理局", "116103240519459364", "港市监", "处罚"),
    Department("sj-bh", "临江市北湖区市场监督管理局", "11610326021893573L", "湖市监", "处罚"),
    Department("sj-qs", "青山县市场监督管理局", "116103270834588686", "青市监", "处罚"),
    Department("sj-yx", "云溪县市场监督管理局", "11610328071546035Q", "云市监", "处罚"),
    Department("cg-jc", "临江市江城区城市管理和综合执法局", "11610323074074889X", "江城执", "罚"),
    Department("cg-bh", "临江市北湖区城市管理和综合执法局", "11610326022997817H", "湖城执", "罚"),
    Department("yj-qs", "青山县应急管理局", "11610327013299136P", "青应急", "罚"),
    Department("sp-jc", "临江市江城区行政审批服务局", "11610323012601006R", "江审批", "许"),
)
BY_KEY = {d.key: d for d in DEPARTMENTS}


def members(group: str) -> tuple[Department, ...]:
    """The departments of a group: ``sj`` is the city bureau plus the district bureaus ``sj-…``."""
    return tuple(d for d in DEPARTMENTS if d.key == group or d.key.startswith(group + "-"))


PUBLISHER = BY_KEY["fg"]


def column(attr: str, index: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """One attribute (name, code, short …) of the departments at ``index`` (positions in DEPARTMENTS)."""
    return np.asarray(np.asarray([getattr(d, attr) for d in DEPARTMENTS], dtype=object)[index], dtype=object)


CREDIT_CENTRE = BY_KEY["xy"]
