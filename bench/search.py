"""Full-text search at province scale: build the index, then time realistic queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_search_bench \\
        .venv/bin/python bench/search.py [--rows 300000] [--queries 200] [--jobs 2]
        [--rebuild] [--jit-off]

Fills the database named by DATABASE_URL (migrated if empty; without DATABASE_URL a fresh
SQLite file under a temporary directory) with `--rows` proposals with titles and bodies in
the styles members write (about 600 characters each) across 100 districts, unless it
already holds them; builds their text index with `textindex`'s `rebuild()` (timed; again
with `--rebuild`), then runs `--queries` queries through `textsim.search()` the ways the
product does and prints p50/p95 in ms:

- list: the proposals API / list page: the count up to `textsim.search.COUNT_CAP`
  (`count()`) + the first page of 50 in the list's order (`selectors.LIST_ORDER`),
  province-wide;
- count: the exact count of the same search (the list's count before the cap);
- ranked: the header search: the 11 best matches, province-wide;
- district: the header search in one district's scope, the index told the district
  (`organisations`, as the product's searches in a narrow scope do);
- substring: the old icontains search, on `--substring` (20) of the queries, for comparison.

Target: <= 50 ms p95 at 300,000 proposals on PostgreSQL.
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

PROVINCE = "检索基准省政协"

MATTERS = [
    ("老年人助餐", "社区老年食堂运营成本高，助餐点覆盖不足"),
    ("居家养老服务", "居家养老服务供给不足，专业护理人员短缺"),
    ("养老机构建设", "养老院床位结构不合理，护理型床位占比偏低"),
    ("老旧小区加装电梯", "老旧住宅楼多为六层无电梯，老年人上下楼困难"),
    ("老旧小区停车难", "小区停车位严重不足，车辆乱停乱放"),
    ("中小学课后服务", "课后服务内容单一，家长接送困难"),
    ("义务教育均衡发展", "城乡学校办学条件差距较大，优质教育资源不足"),
    ("学前教育普惠", "普惠性幼儿园学位紧张，收费偏高"),
    ("职业教育产教融合", "职业院校专业设置与产业需求脱节"),
    ("中小学生近视防控", "学生近视率逐年上升，户外活动时间不足"),
    ("校园食品安全", "学校食堂和校外配餐监管存在薄弱环节"),
    ("基层医疗服务能力", "社区卫生服务中心诊疗能力弱，群众首诊意愿低"),
    ("家庭医生签约服务", "家庭医生签约后服务内容空转，群众获得感不强"),
    ("异地就医直接结算", "异地就医备案手续繁琐，直接结算覆盖面窄"),
    ("长期护理保险", "失能老人照护负担重，长期护理保险试点范围小"),
    ("农村人居环境整治", "农村生活污水和垃圾处理设施不完善"),
    ("高标准农田建设", "农田水利设施老化，建后管护机制缺失"),
    ("村级集体经济", "村级集体经济薄弱，增收渠道单一"),
    ("乡村旅游发展", "乡村旅游同质化严重，配套设施不足"),
    ("河道水环境治理", "部分河道水质反弹，截污纳管不彻底"),
    ("城区防汛排涝", "城区排水管网标准低，汛期易积水"),
    ("建筑工地扬尘治理", "建筑工地扬尘污染影响周边居民"),
    ("餐饮油烟噪声扰民", "临街餐饮油烟和噪声扰民投诉多"),
    ("电动自行车充电安全", "电动自行车楼道充电火灾隐患突出"),
    ("物业服务管理", "物业服务质量不高，业主委员会成立难"),
    ("保障性租赁住房", "新市民和青年人租房难、租房贵"),
    ("燃气管道更新改造", "老旧燃气管道腐蚀老化，存在安全隐患"),
    ("共享单车停放", "共享单车乱停乱放挤占人行道"),
    ("公共厕所建设", "公共厕所数量不足、分布不均"),
    ("公交线路优化", "公交线路重复设置，偏远片区覆盖不足"),
    ("农村公路养护", "农村公路养护资金不足，路面破损"),
    ("网约车规范经营", "网约车非法营运和安全问题时有发生"),
    ("预付卡消费监管", "商家收取预付费后跑路，消费者维权难"),
    ("高校毕业生就业", "高校毕业生就业压力大，基层岗位吸引力不足"),
    ("农民工欠薪治理", "工程建设领域拖欠农民工工资问题仍有发生"),
    ("职业技能培训", "培训内容与岗位需求不匹配，培训补贴申领复杂"),
    ("新就业形态劳动者权益", "外卖骑手和网约车司机社会保险参保率低"),
    ("数字鸿沟适老化", "老年人使用智能手机就医出行困难"),
    ("政务服务一网通办", "部门数据共享不足，群众办事重复提交材料"),
    ("营商环境优化", "中小企业融资难融资贵，涉企检查频繁"),
    ("非物质文化遗产保护", "非遗传承人老龄化，传承后继乏人"),
    ("基层公共文化服务", "基层图书馆文化馆利用率不高"),
    ("全民健身场地", "健身步道和运动场地不足，学校场馆开放难"),
    ("无障碍环境建设", "无障碍设施缺失或被占用，残疾人出行不便"),
    ("家庭教育指导", "家庭教育指导服务覆盖面窄，专业力量不足"),
    ("未成年人保护", "未成年人沉迷网络，校园周边环境复杂"),
    ("生育支持政策", "托育服务供给不足，生育养育成本高"),
    ("危险化学品安全监管", "危险化学品运输和储存环节监管存在盲区"),
    ("应急避难场所", "应急避难场所数量不足，标识不清"),
    ("垃圾分类", "垃圾分类投放准确率低，分类运输不到位"),
]
PLACES = ["城区", "农村", "山区", "新城", "开发区", "老城区", "街道", "乡镇", "县城", "社区"]
VERBS = ["加快推进", "进一步完善", "切实加强", "着力解决", "统筹推进", "规范", "优化", "做好"]
UNITS = ["民盟", "民建", "民进", "农工党", "致公党", "九三学社", "工商联", "无党派人士"]
FACTS = [
    "近年来，{place}{topic}工作取得了一定成效，但仍存在一些问题。",
    "据调研，全区{topic}相关投诉去年达{n}件，同比增长{m}%。",
    "{problem}，群众反映强烈。",
    "我们走访了{n}个社区和{m}个村，发现{problem}。",
    "{place}常住人口{n}万人，其中60岁以上老年人占比{m}%。",
    "部分{place}由于历史原因，{problem}的情况较为普遍。",
]
ANALYSIS = [
    "究其原因，一是投入不足，二是部门协同不够，三是政策宣传不到位。",
    "{topic}涉及多个部门，职责边界不清，存在推诿现象。",
    "现行政策对{topic}的支持力度有限，资金保障机制尚未建立。",
    "基层工作力量薄弱，专业人才缺乏，信息化水平不高。",
    "社会力量参与{topic}的积极性不高，市场化运作机制不健全。",
]
SUGGESTIONS = [
    "一是加大财政投入，将{topic}纳入年度民生实事项目。",
    "二是建立部门联席会议制度，明确{place}各方责任。",
    "三是引导社会资本参与，探索政府购买服务模式。",
    "四是加强督查考核，把{topic}成效纳入目标责任考核。",
    "五是加强宣传引导，营造全社会关心支持{topic}的良好氛围。",
    "建议借鉴先进地区经验，在{place}开展{topic}试点，逐步推开。",
]

QUERIES_TWO_CHAR = [
    "教育", "养老", "电梯", "停车", "就业", "医保", "物业", "燃气", "河道", "公交",
    "托育", "非遗", "扬尘", "油烟", "欠薪", "近视", "食堂", "农田", "旅游", "垃圾",
]  # fmt: skip
QUERIES_PHRASE = [
    "老年人助餐", "加装电梯", "课后服务", "家庭医生", "异地就医", "长期护理保险",
    "高标准农田", "集体经济", "排水管网", "电动自行车充电", "保障性租赁住房",
    "共享单车", "预付卡", "外卖骑手", "智能手机", "一网通办", "融资难", "健身步道",
    "无障碍设施", "垃圾分类", "危险化学品", "应急避难场所", "义务教育", "普惠性幼儿园",
]  # fmt: skip
QUERIES_MULTI = [
    "农村 养老", "城区 停车", "老旧小区 电梯", "学校 食品安全", "社区 助餐",
    "农村 公路 养护", "高校毕业生 就业", "乡镇 垃圾分类", "山区 教育", "新城 公交",
]  # fmt: skip
QUERIES_RARE = ["殡葬改革", "海绵城市", "候鸟", "古树名木", "地名文化", "桥梁检测"]


def setup(database_url: str | None):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        tmp = tempfile.mkdtemp(prefix="xs-search-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "textsim_searchentry" not in connection.introspection.table_names():
        print("migrating …", flush=True)
    call_command("migrate", verbosity=0)  # also a database an earlier version filled


def body(rng: random.Random, topic: str, problem: str, place: str) -> tuple[str, str, str]:
    def fill(templates, k):
        return "".join(
            t.format(
                topic=topic,
                problem=problem,
                place=place,
                n=rng.randint(3, 900),
                m=rng.randint(2, 60),
            )
            for t in rng.sample(templates, k)
        )

    return fill(FACTS, 4), fill(ANALYSIS, 3), fill(SUGGESTIONS, 5)


def build(rows: int, seed: int = 7):
    from django.db import transaction

    from xieshang.orgs.models import Level, Organisation
    from xieshang.orgs.services import organisation_create
    from xieshang.proposals.models import Proposal

    province = Organisation.objects.filter(name=PROVINCE).first()
    if province is None:
        province = organisation_create(name=PROVINCE, level=Level.PROVINCE, parent=None)
    districts = list(Organisation.objects.filter(parent=province).order_by("pk"))
    for i in range(len(districts), 100):
        districts.append(
            organisation_create(name=f"基准第{i + 1}区政协", level=Level.DISTRICT, parent=province)
        )
    ids = [province.pk] + [d.pk for d in districts]
    have = Proposal.objects.filter(organisation_id__in=ids).count()
    if have >= rows:
        print(f"{have} proposals already there", flush=True)
        return province, districts
    rng = random.Random(seed)
    started = time.monotonic()
    chunk = 5000
    for start in range(have, rows, chunk):
        batch = []
        for i in range(start, min(rows, start + chunk)):
            topic, problem = rng.choice(MATTERS)
            place = rng.choice(PLACES)
            facts, analysis, suggestions = body(rng, topic, problem, place)
            org = districts[i % len(districts)]
            year = 2018 + i % 9
            batch.append(
                Proposal(
                    organisation=org,
                    year=year,
                    title=f"关于{rng.choice(VERBS)}{place}{topic}的建议",
                    number=f"{year}{i:06d}",
                    facts=facts,
                    analysis=analysis,
                    suggestions=suggestions,
                    proposer_body=rng.choice(UNITS) if i % 5 == 0 else "",
                    status="accepted",
                )
            )
        with transaction.atomic():
            Proposal.objects.bulk_create(batch)
        print(f"  {start + len(batch)} proposals", flush=True)
    print(f"wrote {rows - have} proposals in {time.monotonic() - started:.0f} s", flush=True)
    return province, districts


def mask_digits_in_segmenting():
    """Segment each clause once per shape of its digits: jieba cuts a run of digits apart
    from the Chinese around it, so "达123件" and "达45件" are cut alike. The bench's bodies
    repeat a few dozen clause shapes with random numbers, which defeats `index._cut`'s cache;
    with this the rebuild of 300k rows takes minutes instead of half an hour on 2 cores.
    The bench checks on 2,000 clauses that the words come out the same."""
    import re

    from xieshang.textsim import index

    digits = re.compile(r"\d+")
    cached = index._cut
    real = cached.__wrapped__
    shapes: dict[str, tuple[str, ...]] = {}

    def cut(run: str) -> tuple[str, ...]:
        numbers = digits.findall(run)
        if not numbers:
            return cached(run)
        key = digits.sub("0", run)
        words = shapes.get(key)
        if words is None:
            words = shapes[key] = real(key)
        found = iter(numbers)
        return tuple(digits.sub(lambda m: next(found), w) for w in words)

    rng = random.Random(5)
    runs = []
    while len(runs) < 2000:
        topic, problem = rng.choice(MATTERS)
        text = "".join(body(rng, topic, problem, rng.choice(PLACES)))
        runs.extend(r for r in index.normalise(text).split(" ") if digits.search(r))
    assert all(cut(r) == real(r) for r in runs), "masked segmenting differs"
    index._cut = cut


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(name, values):
    print(
        f"{name:<10} n={len(values):<4} p50 {statistics.median(values):7.1f} ms   "
        f"p95 {pct(values, 95):7.1f} ms   max {max(values):7.1f} ms",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--substring", type=int, default=20, help="Queries timed the old way.")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the index even if full.")
    parser.add_argument(
        "--masked-digits",
        action="store_true",
        help="Rebuild faster: segment each clause once per shape of its digits (checked).",
    )
    parser.add_argument(
        "--jit-off", action="store_true", help="PostgreSQL: SET jit = off for the queries."
    )
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))

    from django.db import connection

    from xieshang.proposals.models import Proposal
    from xieshang.proposals.selectors import LIST_ORDER
    from xieshang.textsim import index, search
    from xieshang.textsim.models import SearchEntry
    from xieshang.textsim.search import COUNT_CAP, _substring_search, count

    province, districts = build(args.rows)
    ids = [province.pk] + [d.pk for d in districts]
    ct = index._content_type(Proposal)
    indexed = SearchEntry.objects.filter(content_type=ct).count()
    total = Proposal.objects.count()
    if args.rebuild or indexed < total:
        if args.masked_digits:
            mask_digits_in_segmenting()
        started = time.monotonic()
        index.rebuild([Proposal], jobs=args.jobs)
        took = time.monotonic() - started
        print(
            f"indexed {total} proposals in {took:.0f} s ({total / took:.0f}/s, {args.jobs} jobs)",
            flush=True,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size('textsim_searchentry_vector_gin')), "
                "pg_size_pretty(pg_relation_size('textsim_searchentry_title_gin')), "
                "pg_size_pretty(pg_total_relation_size('textsim_searchentry'))"
            )
            gin, title_gin, table = cursor.fetchone()
        print(
            f"GIN index {gin}, title GIN index {title_gin}; entries table with its indexes {table}",
            flush=True,
        )

    if args.jit_off and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    rng = random.Random(11)
    pool = QUERIES_TWO_CHAR + QUERIES_PHRASE + QUERIES_MULTI + QUERIES_RARE
    queries = [rng.choice(pool) for _ in range(args.queries)]
    fields = ["number", "title", "facts", "analysis", "suggestions", "proposer_body"]
    province_qs = Proposal.objects.filter(organisation_id__in=ids)
    # Warm up: the tokenizer, the content type cache, the connection.
    for q in pool[:5]:
        list(search(province_qs, fields, q)[:1])

    times = {"list": [], "count": [], "ranked": [], "district": [], "substring": []}
    hits = []
    capped = 0
    for i, q in enumerate(queries):
        found = search(province_qs, fields, q)

        def list_page(found=found):
            nonlocal capped
            capped += not count(found).exact
            list(found.order_by(*LIST_ORDER)[:50])

        times["list"].append(timed(list_page))
        times["count"].append(timed(lambda found=found: hits.append(found.count())))
        times["ranked"].append(
            timed(lambda q=q: list(search(province_qs, fields, q, ranked=True)[:11]))
        )
        district = districts[i % len(districts)]
        in_district = Proposal.objects.filter(organisation=district)
        # As the product's searches do: the index is told the scope's organisations.
        times["district"].append(
            timed(
                lambda q=q, d=in_district, o=[district.pk]: list(
                    search(d, fields, q, ranked=True, organisations=o)[:11]
                )
            )
        )
        if i < args.substring:
            times["substring"].append(
                timed(
                    lambda q=q: list(
                        _substring_search(province_qs, fields, q).order_by(*LIST_ORDER)[:50]
                    )
                )
            )
    print(
        f"\n{connection.vendor}, {total} proposals, {len(queries)} queries "
        f"(matches per query: median {statistics.median(hits):.0f}, max {max(hits)}; "
        f"the list's count capped at {COUNT_CAP:,} for {capped})"
    )
    for name, values in times.items():
        if values:
            report(name, values)
    # What the p95 is made of: the slowest queries of each shape.
    for name, values in times.items():
        slowest = sorted(zip(values, queries, strict=False), reverse=True)[:4]
        if slowest:
            print(f"slowest {name}: " + ", ".join(f"{q} {ms:.0f} ms" for ms, q in slowest))


if __name__ == "__main__":
    main()
