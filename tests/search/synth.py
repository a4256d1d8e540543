"""Synthetic subjects for the search tests and benchmark (bench/bench_search.py): realistic Chinese company,
shop and person names with valid codes.

Not part of the product. Names follow the usual pattern [region] + 字号 + [industry] + legal form, with Zipf-like
character frequencies so that some 字号 are shared by many companies, as in a real city; deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from functools import cache

import pandas as pd

from generator.identifiers import USCC_ALPHABET, uscc_check_char

CITY = "临江市"
DISTRICTS = [
    "江北区",
    "江南区",
    "临湖区",
    "高新区",
    "经开区",
    "东城区",
    "西城区",
    "滨江县",
    "青山县",
    "白石镇",
]
AREA = {d: f"3309{n:02d}" for n, d in enumerate(DISTRICTS, start=2)}
TRADE = (
    "恒盛华泰鑫源隆兴达昌宏伟嘉信瑞丰晟通利和顺安康德永金银海天星光明新中国际东方南北西宇宙航远博雅"
    "聚福祥云龙凤鹏程锦绣万佳美乐旺发荣耀辉煌创汇众合力强胜远景诚鼎立昊阳春秋冬夏青松柏翠竹兰梅菊"
    "亿百千红蓝绿紫金玉宝石林森江河湖山川峰岭泽润涛波浪沙洲岛湾港城邦家园居宏图伟业腾飞越卓尔优品"
    "正大同心至诚信义仁智勇威盛昶晖煜炜烨炎焱鑫淼森磊晶琳琪瑶瑾璐璟瑜琦珂珑珍珠翡翠钻铭铎锋锐钧"
)
INDUSTRY = "建材 科技 贸易 商贸 餐饮管理 物流 电子 建筑工程 装饰工程 房地产开发 食品 医药 化工 机械设备 汽车销售 信息技术 网络科技 文化传媒 教育咨询 环保科技 农业开发 服装 印刷 包装 五金 电器 酒店管理 物业管理 劳务 运输 石材 家具 纺织 塑料制品 生物科技 能源 新材料 投资管理 企业管理咨询 广告 旅游 水产 茶业 酒业 医疗器械 钢结构 水泥制品 木业 玩具 工艺品 眼镜 鞋业 皮革 陶瓷 灯饰 照明 通信 软件 数据服务".split()  # noqa: SIM905
FORMS = (
    ["有限公司"] * 12
    + ["有限责任公司"] * 3
    + ["股份有限公司", "有限公司江北分公司", "厂", "经营部", "工作室"]
)
SHOPS = "小吃店 便利店 五金店 理发店 副食店 水果店 服装店 烟酒店 餐馆 汽车修理部 农资店 药店 面馆 超市 美容店".split()  # noqa: SIM905
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉鹏飞玉梅红波斌宇浩凯健俊帆帅旭宁龙"
    "林欣怡佳琪婷雪梦晨阳子涵轩睿博文杰思雨萱可馨欣悦诗琪雅静宏志晓东海燕春梅冬梅丹丹亮成新民小明"
)


@cache
def _cumulative(chars: str, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (i + 1) ** exponent for i in range(len(chars))))


def _zipf(rng: random.Random, chars: str, exponent: float = 1.05) -> str:
    return rng.choices(chars, cum_weights=_cumulative(chars, exponent))[0]


def _uscc(rng: random.Random, first: str, area: str) -> str:
    body = first + area + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def _org(rng: random.Random) -> tuple[str, str, str]:
    district = rng.choice(DISTRICTS)
    region = rng.choices(["", CITY, CITY + district, "临江"], [35, 40, 20, 5])[0]
    trade = "".join(_zipf(rng, TRADE) for _ in range(rng.choices([2, 3], [8, 2])[0]))
    form = rng.choice(FORMS)
    name = region + trade + rng.choice(INDUSTRY) + form
    if rng.random() < 0.04:
        name = region + trade + rng.choice(INDUSTRY) + "专业合作社"
    return name, _uscc(rng, "9" + rng.choice("1111111112"), AREA[district]), "org"


def _shop(rng: random.Random) -> tuple[str, str, str]:
    district = rng.choice(DISTRICTS)
    owner = _zipf(rng, SURNAMES) + "记" if rng.random() < 0.3 else _zipf(rng, TRADE) + _zipf(rng, TRADE)
    name = rng.choice(["", CITY, district]) + owner + rng.choice(SHOPS)
    code = _uscc(rng, "92", AREA[district]) if rng.random() < 0.8 else ""
    return name, code, "individual-business"


def _person(rng: random.Random) -> tuple[str, str, str]:
    given = "".join(_zipf(rng, GIVEN, 0.8) for _ in range(rng.choices([1, 2], [3, 7])[0]))
    return _zipf(rng, SURNAMES, 0.9) + given, "", "person"


def synth_subjects(count: int, seed: int = 1) -> pd.DataFrame:
    """``count`` subjects (about 60 % companies, 15 % individual businesses, 25 % persons), unique codes."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str, str, int]] = []
    seen: set[str] = set()
    while len(rows) < count:
        name, code, kind = rng.choices([_org, _shop, _person], [60, 15, 25])[0](rng)
        if code in seen:
            continue
        if code:
            seen.add(code)
        rows.append(_row(rng, len(rows), name, code, kind))
    return pd.DataFrame(rows, columns=["name", "code", "kind", "url", "masked_id", "records"])


def _row(
    rng: random.Random, number: int, name: str, code: str, kind: str
) -> tuple[str, str, str, str, str, int]:
    records = 1 + int(rng.expovariate(0.6))
    if kind == "person":
        digest = hashlib.sha256(f"{number}".encode()).hexdigest()[:16]
        masked = f"3309{rng.randint(2, 11):02d}********{rng.randint(0, 9999):04d}"
        return name, "", kind, f"records/{digest[:2]}/{digest}.html", masked, records
    key = code or hashlib.sha256(name.encode()).hexdigest()[:18].upper()
    return name, code, kind, f"subjects/{key[-2:]}/{key}.html", "", records


AUTHORITIES = "市场监督管理局 交通运输局 生态环境局 应急管理局 住房和城乡建设局 税务局 卫生健康委员会 农业农村局 公安局 城市管理局".split()  # noqa: SIM905
REASONS = [
    "未取得食品经营许可从事食品经营活动",
    "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品",
    "未按规定办理道路运输经营许可擅自从事道路运输经营",
    "生产经营单位主要负责人未履行安全生产管理职责",
    "违反规定排放大气污染物",
    "在禁渔期内进行捕捞",
]


def with_facts(frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """``frame`` with what results show up front: about 2 % of organisations on a list, counts by kind that add
    up to ``records``, and for each person's record a date, an authority and a 事由 of realistic length."""
    rng = random.Random(seed)
    person = (frame["kind"] == "person").tolist()
    lists = [rng.choices(["", "punishment", "watch", "incentive"], [98, 1, 0.5, 0.5])[0] for _ in person]
    penalty = [rng.randint(0, r) for r in frame["records"].tolist()]
    return frame.assign(
        lists=["" if p else t for p, t in zip(person, lists, strict=True)],
        penalty=penalty,
        licensing=[r - p for r, p in zip(frame["records"].tolist(), penalty, strict=True)],
        date=[
            f"20{rng.randint(21, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if p else ""
            for p in person
        ],
        authority=[CITY + rng.choice(AUTHORITIES) if p else "" for p in person],
        reason=[rng.choice(REASONS) if p else "" for p in person],
    )
