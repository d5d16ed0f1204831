"""Stress deals for the layout and validator tests: the samples pushed to what breaks layouts.

40 line items with long descriptions and long SKUs, a long client name, long Chinese units
(套/件, 人·天, 台（套）), huge and tiny amounts, many payment milestones.  Written as YAML next to
a copy of the sample tender and meeting, so that they go through the public loaders.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import example

EN_UNITS = ["truck", "project", "licence-year", "workstation", "day", "site", "kit", "user"]
ZH_UNITS = ["套/件", "人·天", "台（套）", "套", "件", "平方米", "项", "年"]
EN_WORDS = ("Cloud-native multi-warehouse inventory synchronisation connector with predictive "
            "replenishment, role-based dashboards and 24/7 monitoring").split()
ZH_TEXT = "云端多仓库存同步连接器，含预测性补货、按角色的驾驶舱与全天候监控服务及现场实施"


def _items(zh: bool) -> list[dict]:
    items = []
    for i in range(40):
        n = 4 + (i * 7) % 18  # 4 to 21 words or a like share of the Chinese text
        desc = ZH_TEXT[: 6 + (i * 5) % (len(ZH_TEXT) - 6)] if zh else " ".join(EN_WORDS[:n])
        sku = f"SKU-{i:02d}" if i % 3 else f"ENT-CONNECTOR-SAPTM-{2026 + i}-EXT{i:03d}"
        if i == 0:
            price, qty = "98765432.10", 1200  # a huge line: about 118.5 billion
        elif i == 1:
            price, qty = "0.01", 1  # a tiny one
        else:
            price, qty = str(100 + (i * 3779) % 250000), 1 + (i * 13) % 900
        item = {"sku": sku, "description": desc, "quantity": qty,
                "unit": (ZH_UNITS if zh else EN_UNITS)[i % 8], "unit_price": price}
        if i % 4 == 2:
            item["discount_percent"] = 12.5
        items.append(item)
    return items


def _milestones(zh: bool) -> list[dict]:
    names_zh = ["合同签订后预付款", "设计方案评审通过后", "第一批设备到货验收合格后", "第二批设备到货验收合格后",
                "系统安装调试完成后", "试运行三个月且各项指标达标后", "最终验收合格后", "质保期满后"]
    names_en = ["On signature", "On design review approval", "On delivery of the first batch of equipment",
                "On delivery of the second batch of equipment", "On installation and commissioning",
                "After three months of trial operation meeting every KPI", "On final acceptance",
                "At the end of the warranty period"]
    shares = [10, 10, 15, 15, 15, 15, 10, 10]
    out = []
    for k, (name, pct) in enumerate(zip(names_zh if zh else names_en, shares)):
        m = {"milestone": name, "percent": pct, "due_days": 7 + 5 * k}
        if k == 7:
            m["retention"] = True
        out.append(m)
    return out


def write_stress(folder: Path, base: str) -> tuple[Path, Path, Path]:
    """The stress deal, tender and meeting made from the ``base`` locale's samples (zh_CN, en_US)."""
    zh = base.startswith("zh")
    folder.mkdir(parents=True, exist_ok=True)
    deal = yaml.safe_load(example(f"deal-{base}.yaml").read_text(encoding="utf-8"))
    deal["client"]["name"] = ("中国东方国际物流集团有限公司华东区域供应链管理与智能制造服务分公司" if zh else
                              "Gulf Logistics Holding and International Freight Forwarding Services LLC (Dubai Branch)")
    deal["client"]["pain_points"] = [
        {"need": "降低产线停机损失" if zh else "Real-time shipment visibility across every warehouse and carrier",
         "impact": "每年非计划停机损失约 200 万元" if zh else "12% of customer calls ask where an order is", "explicit": True}]
    deal["items"] = _items(zh)
    deal["terms"]["payment"] = _milestones(zh)
    deal.pop("negotiation", None)
    tender = yaml.safe_load(example(f"tender-{base}.yaml").read_text(encoding="utf-8"))
    tender["buyer"] = deal["client"]["name"]
    tender["ceiling_price"] = 999999999999
    meeting = yaml.safe_load(example(f"meeting-{base}.yaml").read_text(encoding="utf-8"))
    meeting.setdefault("agreed", {})["payment"] = _milestones(zh)
    meeting["agreed"].pop("price", None)
    paths = []
    for name, data in (("deal", deal), ("tender", tender), ("meeting", meeting)):
        path = folder / f"{name}-stress-{base}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1], paths[2]
