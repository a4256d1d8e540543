"""Licensing items of the sample city: which department grants what, to whom, for how long, and how
its decision or certificate is numbered.

Stage: sample (reference data). Guarantees: 许可类别 from the V2 code list (普通/特许/认可/核准/登记/其他);
validity in days (0 = 长期, written 2099-12-31; -1 = the licence states no end); number formats that look
like the real ones without copying any real document.
"""

from __future__ import annotations

from dataclasses import dataclass

LONG = 0  # 长期有效
NONE = -1  # no validity stated


@dataclass(frozen=True)
class Item:
    """One licensing item."""

    dept: str  # department group
    document: str  # 行政许可决定文书名称
    certificate: str  # 许可证书名称 ("" when no certificate is issued)
    category: str  # 许可类别
    scopes: tuple[str, ...]  # 许可内容 variants
    days: int  # validity in days, or LONG / NONE
    number: str  # format of the licence number: {district} {year} {seq} {code} {rand}
    kinds: tuple[int, int, int] = (6, 4, 0)
    groups: tuple[str, ...] = ("trade",)
    by_number: bool = False  # the licence number doubles as 文书号 (no separate decision number)
    weight: float = 1.0


Y = 365
ITEMS = (
    Item("sp", "食品经营许可决定书", "食品经营许可证", "普通",
         ("经营项目：预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售",
          "经营项目：热食类食品制售；冷食类食品制售", "经营项目：自制饮品制售；预包装食品（不含冷藏冷冻食品）销售",
          "经营项目：糕点类食品（含裱花蛋糕）制售"),
         5 * Y, "JY{kind}{district}{seq6}{rand1}", (3, 7, 0), ("food", "trade"), True, 6),
    Item("sp", "药品经营许可决定书", "药品经营许可证", "普通",
         ("经营范围：处方药、甲类非处方药、乙类非处方药：中成药、化学药制剂、抗生素制剂、生化药品",
          "经营范围：乙类非处方药：中成药、化学药制剂"),
         5 * Y, "临DB{seq7}", (8, 2, 0), ("med",), weight=1),
    Item("zj", "建筑工程施工许可决定书", "建筑工程施工许可证", "普通",
         ("建设规模：{area}平方米；工程名称：{trade}项目（一期）", "建设规模：{area}平方米；工程名称：{trade}厂房及配套设施"),
         NONE, "{city}{date8}{seq4}", (10, 0, 0), ("build", "prop"), True, 2),
    Item("zj", "建筑业企业资质许可决定书", "建筑业企业资质证书", "认可",
         ("资质类别及等级：建筑工程施工总承包三级", "资质类别及等级：市政公用工程施工总承包三级；施工劳务不分等级"),
         5 * Y, "D3{city}{seq5}", (10, 0, 0), ("build",), weight=1),
    Item("hb", "排污许可决定书", "排污许可证", "普通",
         ("许可排放污染物：颗粒物、二氧化硫、氮氧化物", "许可排放污染物：化学需氧量、氨氮、总磷"),
         5 * Y, "{code}001{rand_letter}", (10, 0, 0), ("chem", "mfg", "build"), weight=2),
    Item("jt", "道路运输经营许可决定书", "道路运输经营许可证", "普通",
         ("经营范围：道路普通货物运输", "经营范围：道路普通货物运输；货物专用运输（集装箱）", "经营范围：危险货物运输（2类1项、3类）"),
         4 * Y, "临交运管许可字{city}{seq6}号", (6, 3, 1), ("transport",), weight=2),
    Item("jt", "网络预约出租汽车驾驶员证核发决定书", "网络预约出租汽车驾驶员证", "认可",
         ("准予从事网络预约出租汽车客运服务",), 6 * Y, "LJWY{seq8}", (0, 0, 10), ("transport",), weight=1.5),
    Item("yj", "危险化学品经营许可决定书", "危险化学品经营许可证", "普通",
         ("许可范围：汽油、柴油（闭杯闪点≤60℃）零售", "许可范围：乙醇、丙酮、甲苯（无储存）"),
         3 * Y, "临危化经字〔{year}〕{seq3}号", (7, 3, 0), ("chem",), weight=1),
    Item("xf", "公众聚集场所投入使用、营业前消防安全检查决定书", "公众聚集场所投入使用、营业前消防安全检查合格证", "普通",
         ("场所名称：{trade}；使用面积：{area}平方米",), LONG, "临消安检字〔{year}〕第{seq4}号",
         (5, 5, 0), ("culture", "service", "food"), weight=2),
    Item("wj", "医疗机构执业许可决定书", "医疗机构执业许可证", "普通",
         ("诊疗科目：内科；外科；中医科", "诊疗科目：口腔科", "诊疗科目：全科医疗科；预防保健科"),
         5 * Y, "PDY{seq6}{city}{rand1}", (6, 4, 0), ("med",), weight=1),
    Item("wj", "公共场所卫生许可决定书", "公共场所卫生许可证", "普通",
         ("许可项目：理发店、美容店", "许可项目：宾馆", "许可项目：公共浴室"),
         4 * Y, "临卫公证字〔{year}〕第{seq5}号", (3, 7, 0), ("service",), weight=2),
    Item("yc", "烟草专卖零售许可决定书", "烟草专卖零售许可证", "特许",
         ("经营范围：卷烟、雪茄烟零售",), 5 * Y, "{city}{seq6}", (1, 9, 0), ("trade", "food"), True, 3),
    Item("cg", "户外广告设施设置许可决定书", "", "普通",
         ("设置地点：{trade}门前；面积：{size}平方米",), 2 * Y, "临城执广许〔{year}〕{seq4}号",
         (5, 5, 0), ("culture", "trade", "food"), weight=1.5),
    Item("cg", "临时占用城市道路许可决定书", "", "普通",
         ("占用地点：{trade}门前；占用面积：{size}平方米；用途：施工围挡",), 90, "临城执占许〔{year}〕{seq4}号",
         (5, 3, 2), ("build", "transport"), weight=1.5),
    Item("sj", "特种设备使用登记决定书", "特种设备使用登记证", "登记",
         ("设备类别：曳引驱动乘客电梯", "设备类别：固定式压力容器", "设备类别：场（厂）内专用机动车辆（叉车）"),
         LONG, "梯11临{seq5}({yy})", (9, 1, 0), ("mfg", "prop", "food", "chem"), True, 2),
    Item("zr", "建设工程规划许可决定书", "建设工程规划许可证", "普通",
         ("建设规模：{area}平方米；建设位置：{trade}地块",), NONE, "建字第{city}{year}{seq5}号",
         (10, 0, 0), ("build", "prop"), weight=1),
    Item("sl", "取水许可决定书", "取水许可证", "普通",
         ("取水量：{size}万立方米/年；水源类型：地表水",), 5 * Y, "取水(临)字[{year}]第{seq3}号",
         (6, 2, 2), ("agri", "mfg"), weight=0.7),
    Item("rs", "人力资源服务许可决定书", "人力资源服务许可证", "普通",
         ("服务范围：为劳动者介绍用人单位；为用人单位推荐劳动者",), LONG, "临人社服许〔{year}〕{seq3}号",
         (10, 0, 0), ("service",), weight=0.5),
    Item("wl", "出版物经营许可决定书", "出版物经营许可证", "普通",
         ("经营范围：图书、报纸、期刊零售",), 6 * Y, "新出发临字第{seq5}号", (3, 7, 0), ("edu", "trade"), weight=0.7),
    Item("wl", "娱乐经营许可决定书", "娱乐经营许可证", "普通",
         ("经营范围：歌舞娱乐场所", "经营范围：游艺娱乐场所"), LONG, "{city}{seq6}", (5, 5, 0), ("culture",), weight=0.7),
    Item("fg", "企业投资项目核准决定书", "", "核准",
         ("项目名称：{trade}年产{area}吨新材料生产线项目",), NONE, "临发改审批〔{year}〕{seq3}号",
         (10, 0, 0), ("mfg", "chem"), weight=0.4),
    Item("ny", "农药经营许可决定书", "农药经营许可证", "普通",
         ("经营范围：农药（不含限制使用农药）",), 5 * Y, "农药经许（临）{district}{seq4}", (2, 8, 0), ("agri",), weight=1),
    Item("ny", "动物防疫条件合格证核发决定书", "动物防疫条件合格证", "其他",
         ("场所类型：动物饲养场（生猪）",), LONG, "（{district}）动防合字第{seq6}号", (5, 2, 3), ("agri",), weight=0.6),
)  # fmt: skip
