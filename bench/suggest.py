"""Department suggestion (智能分办): how often the unit that led is among the suggestions.

    .venv/bin/python bench/suggest.py [--var DIR] [--holdout 0.2] [--seed 7]

Seeds the district demo into a temporary SQLite database (or reuses the one under --var, so
tuning runs do not seed again), holds back a share of the assigned proposals, trains the
organisation's model on the rest (their lead and split assignments, as the product does)
and reports, on the held-back ones, top-1 and top-3 accuracy of the lead unit and the mean
confidence stated for the first suggestion.

The demo's proposals come from 20 matters, so held-back proposals have siblings on record.
Harder: held-back matters (every proposal of a matter held back at once), and NEW_MATTERS,
titles of matters the demo never assigned (with the unit a committee would choose), scored
by the model trained on all of the demo's assignments, and by remits alone (an
organisation with no history yet).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (title, the part of the lead unit's name that every level shares)
NEW_MATTERS = [
    ("关于规范校外培训机构收费的建议", "教育局"),
    ("关于加强中小学生近视防控的建议", "教育局"),
    ("关于新建小区配套幼儿园移交使用的建议", "教育局"),
    ("关于提高困难群众最低生活保障标准的建议", "民政局"),
    ("关于发展社区老年助餐服务的建议", "民政局"),
    ("关于规范殡葬服务收费的建议", "民政局"),
    ("关于加强农村留守儿童关爱保护的建议", "民政局"),
    ("关于整治电信网络诈骗的建议", "公安"),
    ("关于缓解学校周边上下学交通拥堵的建议", "公安"),
    ("关于优化公交线路和站点设置的建议", "交通运输局"),
    ("关于农村公路养护管理的建议", "交通运输局"),
    ("关于规范网约车经营秩序的建议", "交通运输局"),
    ("关于加强河道水环境治理落实河长制的建议", "水利局"),
    ("关于城区防汛排涝能力建设的建议", "水利局"),
    ("关于推进高标准农田建设的建议", "农业农村局"),
    ("关于发展壮大村级集体经济的建议", "农业农村局"),
    ("关于改善农村人居环境的建议", "农业农村局"),
    ("关于加强预付卡消费监管的建议", "市场监督管理局"),
    ("关于保障校园食品安全的建议", "市场监督管理局"),
    ("关于电梯等特种设备安全监管的建议", "市场监督管理局"),
    ("关于根治农民工欠薪问题的建议", "人力资源和社会保障局"),
    ("关于促进高校毕业生就业创业的建议", "人力资源和社会保障局"),
    ("关于加强职业技能培训的建议", "人力资源和社会保障局"),
    ("关于扩大长期护理保险试点的建议", "医疗保障局"),
    ("关于方便异地就医直接结算的建议", "医疗保障局"),
    ("关于提升社区卫生服务中心诊疗能力的建议", "卫生健康委员会"),
    ("关于推广家庭医生签约服务的建议", "卫生健康委员会"),
    ("关于完善生育支持政策的建议", "卫生健康委员会"),
    ("关于治理餐饮油烟和噪声扰民的建议", "生态环境"),
    ("关于加强建筑工地扬尘污染防治的建议", "生态环境"),
    ("关于规范物业服务管理的建议", "住房和城乡建设局"),
    ("关于加快保障性租赁住房建设的建议", "住房和城乡建设局"),
    ("关于老旧小区燃气管道更新改造的建议", "住房和城乡建设局"),
    ("关于规范共享单车停放秩序的建议", "城市管理局"),
    ("关于增设公共厕所和环卫设施的建议", "城市管理局"),
    ("关于治理占道经营的建议", "城市管理局"),
    ("关于建设健身步道和口袋公园运动场地的建议", "体育局"),
    ("关于推动学校体育场馆向社会开放的建议", "体育局"),
    ("关于加强非物质文化遗产保护传承的建议", "文化和旅游局"),
    ("关于发展乡村旅游的建议", "文化和旅游局"),
    ("关于提升基层图书馆文化馆服务的建议", "文化和旅游局"),
    ("关于加强电动自行车充电安全管理的建议", "消防救援"),
    ("关于规范应急避难场所建设的建议", "应急管理局"),
    ("关于加强危险化学品安全监管的建议", "应急管理局"),
    ("关于推进政务服务一网通办的建议", "行政审批局"),
    ("关于帮助老年人跨越数字鸿沟推进适老化服务的建议", "数据资源管理局"),
    ("关于落实减税降费政策的建议", "税务局"),
    ("关于加强新就业形态劳动者权益保障的建议", "总工会"),
    ("关于推进无障碍环境建设的建议", "残疾人联合会"),
    ("关于加强家庭教育指导服务的建议", "妇女联合会"),
    ("关于加快充电桩建设的建议", "供电公司"),
    ("关于提升科技成果转化效率的建议", "科学技术局"),
    ("关于加快数字经济和工业互联网发展的建议", "工业和信息化局"),
    ("关于加强退役军人就业创业扶持的建议", "退役军人事务局"),
    ("关于加强人民调解和法律援助的建议", "司法局"),
    ("关于加强古树名木保护的建议", "林业局"),
    ("关于引进总部企业发展楼宇经济的建议", "投资促进局"),
    ("关于防范和处置非法集资的建议", "地方金融监督管理局"),
    ("关于发展夜间经济激发消费活力的建议", "商务局"),
    ("关于加强科普阵地建设的建议", "科学技术协会"),
]


def _seed(var: str | None) -> None:
    fresh = var is None
    var = var or tempfile.mkdtemp(prefix="xs-suggest-")
    os.environ["XIESHANG_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.core.management import call_command

    from xieshang.proposals.models import Assignment

    call_command("migrate", verbosity=0)
    if fresh or not Assignment.objects.exists():
        t0 = time.perf_counter()
        call_command("seed_demo", profile="district", verbosity=0)
        print(f"seeded the district demo in {time.perf_counter() - t0:.0f} s ({var})")


def _rank(model, text: str, want) -> tuple[int | None, int]:
    """(position of the wanted unit among all, or None; confidence of the first, in %)"""
    ranked = model.suggest_text(text, limit=len(model.departments) or 1)
    names = [s.department for s in ranked]
    hit = next((i for i, d in enumerate(names) if want(d)), None)
    return hit, ranked[0].confidence if ranked else 0


def _report(label: str, hits: list, confidences: list) -> None:
    n = len(hits)
    top1 = sum(1 for h in hits if h == 0) / n
    top3 = sum(1 for h in hits if h is not None and h < 3) / n
    conf = statistics.mean(confidences) / 100 if confidences else 0
    print(f"{label:44} n={n:4d}  top-1 {top1:.3f}  top-3 {top3:.3f}  mean conf {conf:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", help="reuse (or seed once into) this var directory")
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    _seed(args.var)

    from xieshang.orgs.models import Department
    from xieshang.proposals import routing
    from xieshang.proposals.models import Assignment

    S = Assignment.Status
    rows = list(
        Assignment.objects.filter(status__in=[S.HANDLING, S.ANSWERED], department__is_active=True)
        .select_related("proposal", "department")
        .order_by("id")
    )
    org_id = rows[0].department.organisation_id
    departments = list(Department.objects.filter(organisation_id=org_id, is_active=True))
    # The unit that answers for each proposal: its lead, else its first split unit.
    lead: dict[int, int] = {}
    for a in rows:
        if a.role != Assignment.Role.CO and (
            a.proposal_id not in lead or a.role == Assignment.Role.LEAD
        ):
            lead.setdefault(a.proposal_id, a.department_id)
    proposals = sorted(lead)
    rng = random.Random(args.seed)
    held = set(rng.sample(proposals, round(len(proposals) * args.holdout)))

    def text(a) -> str:
        p = a.proposal
        return routing.proposal_text(p.title, p.facts, p.suggestions)

    def history(keep):
        return [
            (a.department_id, text(a), 1.0)
            for a in rows
            if a.role != Assignment.Role.CO and keep(a.proposal_id)
        ]

    t0 = time.perf_counter()
    routing.terms("加载分词词典")  # jieba loads its dictionary once per process
    print(f"segmenter loaded in {(time.perf_counter() - t0) * 1000:.0f} ms")
    t0 = time.perf_counter()
    model = routing.build(departments, history(lambda pk: pk not in held))
    build_ms = (time.perf_counter() - t0) * 1000
    print(
        f"organisation: {len(departments)} active units, {len(proposals)} assigned proposals, "
        f"{len(held)} held back; model built in {build_ms:.0f} ms"
    )
    by_pk = {a.proposal_id: a for a in rows}
    hits, confs = [], []
    t0 = time.perf_counter()
    for pk in sorted(held):
        hit, conf = _rank(model, text(by_pk[pk]), lambda d, pk=pk: d.pk == lead[pk])
        hits.append(hit)
        confs.append(conf)
    per_ms = (time.perf_counter() - t0) * 1000 / max(len(held), 1)
    _report("held-back demo assignments", hits, confs)
    first_right = [c for h, c in zip(hits, confs, strict=True) if h == 0]
    first_wrong = [c for h, c in zip(hits, confs, strict=True) if h != 0]
    print(
        f"{'':44} confidence when first is right {statistics.mean(first_right or [0]):.0f}%, "
        f"when wrong {statistics.mean(first_wrong or [0]):.0f}%; {per_ms:.1f} ms a proposal"
    )

    # Held-back matters: every proposal of a fifth of the demo's matters held back at once
    # (five rounds), so the model has never seen the matter, only its neighbours and remits.
    from xieshang.demo.proposals import TOPICS

    subjects = [t[0] for t in TOPICS]

    def subject(pk: int) -> str:
        title = by_pk[pk].proposal.title
        return next((s for s in subjects if s in title), title)

    order = sorted(set(map(subject, proposals)))
    rng.shuffle(order)
    hits, confs = [], []
    for fold in range(5):
        out = set(order[fold::5])
        m = routing.build(departments, history(lambda pk, out=out: subject(pk) not in out))
        for pk in proposals:
            if subject(pk) in out:
                hit, conf = _rank(m, text(by_pk[pk]), lambda d, pk=pk: d.pk == lead[pk])
                hits.append(hit)
                confs.append(conf)
    _report(f"held-back matters ({len(order)} matters, 5 rounds)", hits, confs)

    full = routing.build(departments, history(lambda pk: True))
    remits_only = routing.build(departments, [])
    for label, m in [
        ("new matters, history + remits", full),
        ("new matters, remits only", remits_only),
    ]:
        hits, confs = [], []
        missed = []
        for title, stem in NEW_MATTERS:
            hit, conf = _rank(m, routing.proposal_text(title), lambda d, s=stem: s in d.name)
            hits.append(hit)
            confs.append(conf)
            if hit is None or hit >= 3:
                missed.append(title)
        _report(label, hits, confs)
        for title in missed:
            print(f"{'':6}not in the first three: {title}")


if __name__ == "__main__":
    main()
