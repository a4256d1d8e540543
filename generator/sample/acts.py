"""What a synthetic administrative penalty is made of: one ``Act`` per kind of violation.

Stage: sample (reference data types). Guarantees: each act names a real law and article, the deciding
department group, the 处罚类别 combinations (2021 行政处罚法 art. 9 names) with weights, the fine range in yuan,
which subjects commit it and the 领域 (特种设备/安全生产/消防) where the rules set a minimum period.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# 2021 category → how batches decided before 2021-07-15 (the old 行政处罚法 list) wrote it.
OLD_NAMES = {
    "没收违法所得": "没收违法所得、没收非法财物",
    "没收非法财物": "没收违法所得、没收非法财物",
    "暂扣许可证件": "暂扣或者吊销许可证、暂扣或者吊销执照",
    "吊销许可证件": "暂扣或者吊销许可证、暂扣或者吊销执照",
    "降低资质等级": "其他",
    "通报批评": "其他",
    "限制开展生产经营活动": "其他",
    "限制从业": "其他",
    "责令关闭": "其他",
}
SEVERE = ("吊销许可证件", "责令停产停业", "责令关闭", "限制从业", "行政拘留")


@dataclass(frozen=True)
class Act:
    """One kind of violation and how it is punished."""

    dept: str  # department group (see departments.members)
    wfxw: str  # 违法行为类型
    facts: (
        str  # 违法事实 template: {found} {place} {product} {qty} {value} {gain} {area} {tax} {people} {hours}
    )
    basis: str  # 处罚依据
    cats: str  # "警告:3|警告+罚款:5" — 处罚类别 combinations with weights
    fine: tuple[int, int] = (0, 0)  # yuan, when 罚款 is among the categories
    kinds: tuple[int, int, int] = (6, 4, 0)  # weights of 法人及非法人组织, 个体工商户, 自然人
    groups: tuple[str, ...] = ("trade",)  # industries the subjects come from
    field: str = ""  # 领域
    products: tuple[str, ...] = ("商品",)
    licence: str = ""  # the licence suspended or revoked (暂扣/吊销)
    weight: float = 1.0

    @cached_property
    def options(self) -> tuple[tuple[tuple[str, ...], float], ...]:
        """The category combinations and their weights."""
        out = []
        for part in self.cats.split("|"):
            combo, weight = part.rsplit(":", 1)
            out.append((tuple(combo.split("+")), float(weight)))
        return tuple(out)
