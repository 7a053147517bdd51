"""Reference lists and small generators for the demo data set.

Everything here is plain data or a pure function of a `random.Random`, so the same seed
always yields the same people. Nothing touches the database.
"""

import datetime as dt
import random

from django.utils.translation import gettext_lazy as _

# --- Demo logins -------------------------------------------------------------------------
# (username, role value in orgs.Role, where the role is held, Chinese label shown by `serve`).
# "district" is the demo district (示范区政协), "city" its city, "province" the province
# above both (every profile has it; only the province profile fills it), "street" the
# district's first street.
DEMO_ACCOUNTS: list[tuple[str, str, str, object]] = [
    ("office", "office", "district", _("政协办公室")),
    ("proposal", "proposal_committee", "district", _("提案委员会")),
    ("committee", "committee_staff", "district", _("专委会工作人员（经济委员会）")),
    ("chair", "chair", "district", _("主席会议成员（政协主席）")),
    ("member", "member", "district", _("政协委员")),
    ("group_leader", "group_leader", "district", _("活动小组组长")),
    ("dept", "department", "district", _("承办单位经办人（区教育局）")),
    ("dept_leader", "department_leader", "district", _("承办单位负责人（区教育局）")),
    ("supervisor", "supervisor", "district", _("督查考核办")),
    ("party_office", "party_office", "district", _("区委办公室")),
    ("gov_office", "government_office", "district", _("区政府办公室")),
    ("standing", "standing_secretary", "district", _("区委常委会秘书")),
    ("orgdept", "organisation_dept", "district", _("区委组织部")),
    ("ufwd", "united_front", "district", _("区委统战部")),
    ("liaison", "liaison", "street", _("街道联络员（城关街道）")),
    ("sysadmin", "system_admin", "district", _("系统管理员")),
    ("secadmin", "security_admin", "district", _("安全管理员")),
    ("auditor", "audit_admin", "district", _("审计管理员")),
    ("city_office", "office", "city", _("市政协办公室")),
    ("province_office", "office", "province", _("省政协办公室")),
]
# The department that the `dept` and `dept_leader` accounts work for.
DEMO_DEPARTMENT = "区教育局"
# The committee the `committee` account works for.
DEMO_COMMITTEE = "经济委员会"

# --- Organisations -----------------------------------------------------------------------
PROVINCE_NAME = "示范省政协"
CITY_NAME = "示范市政协"
DISTRICT_NAME = "示范区政协"
DISTRICT_PLACE = "示范区"

STREETS = [
    "城关街道",
    "东湖街道",
    "西园街道",
    "南山街道",
    "北苑街道",
    "新华街道",
    "人民路街道",
    "解放街道",
    "青年路街道",
    "滨江街道",
    "望江街道",
    "金桥街道",
]
COMMUNITY_STEMS = ["花园", "翠竹", "锦绣", "和平", "幸福", "阳光", "春晖", "桂香", "长青"]
ROADS = ["中山路", "解放路", "人民路", "建设路", "文化路", "新华路", "滨江路", "学府路", "健康路"]

# Other districts and cities for the larger profiles (names are made up).
DISTRICT_STEMS = [
    "东湖区",
    "西山区",
    "南江区",
    "北塘区",
    "青云区",
    "临江县",
    "安平县",
    "长乐区",
    "白沙区",
    "金水区",
    "丰泽县",
    "云台区",
    "鹤山县",
    "清河区",
    "永宁县",
]
CITY_STEMS = [
    "示范市",
    "江城市",
    "云山市",
    "临海市",
    "青州市",
    "安远市",
    "丰城市",
    "泰和市",
    "宁川市",
    "凤阳市",
    "龙泉市",
    "金华山市",
    "石门市",
    "平原市",
    "德安市",
]

# 界别 (C5.4), in the order the committee prints them.
SECTORS = [
    "中共",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "无党派人士",
    "共青团",
    "工会",
    "妇联",
    "工商联",
    "经济界",
    "教育界",
    "科技界",
    "文化艺术界",
    "医药卫生界",
    "农业界",
    "社会福利和社会保障界",
    "少数民族和宗教界",
    "特邀人士",
]
FIELD_SECTORS = [
    "经济界",
    "教育界",
    "科技界",
    "文化艺术界",
    "医药卫生界",
    "农业界",
    "社会福利和社会保障界",
]

# (committee name, is the proposal committee)
COMMITTEES = [
    ("提案委员会", True),
    ("经济委员会", False),
    ("文史和学习委员会", False),
    ("社会和法制委员会", False),
    ("人口资源环境委员会", False),
    ("教科卫体委员会", False),
    ("农业和农村委员会", False),
    ("港澳台侨和外事委员会", False),
    ("民族和宗教委员会", False),
]
ACTIVITY_GROUPS = [
    "经济发展委员活动组",
    "城市建设委员活动组",
    "社会民生委员活动组",
    "文化教育委员活动组",
    "乡村振兴委员活动组",
]

# 承办单位 of a district (区 prefix is added for district nodes; streets are added too).
DEPARTMENTS = [
    "区发展和改革局",
    "区教育局",
    "区科学技术局",
    "区工业和信息化局",
    "区民族宗教事务局",
    "区公安分局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力资源和社会保障局",
    "区自然资源和规划分局",
    "区生态环境分局",
    "区住房和城乡建设局",
    "区交通运输局",
    "区水利局",
    "区农业农村局",
    "区商务局",
    "区文化和旅游局",
    "区卫生健康委员会",
    "区退役军人事务局",
    "区应急管理局",
    "区审计局",
    "区市场监督管理局",
    "区统计局",
    "区医疗保障局",
    "区城市管理局",
    "区体育局",
    "区信访局",
    "区行政审批局",
    "区机关事务管理局",
    "区国有资产监督管理办公室",
    "区投资促进局",
    "区林业局",
    "区人民防空办公室",
    "区地方金融监督管理局",
    "区数据资源管理局",
    "区税务局",
    "区消防救援大队",
    "区总工会",
    "团区委",
    "区妇女联合会",
    "区科学技术协会",
    "区残疾人联合会",
    "区红十字会",
    "区融媒体中心",
    "国网示范区供电公司",
]
# How many street offices (街道办事处) also act as handling units.
STREET_DEPARTMENTS = 6

# Party short names (orgs.Party.short_name, seeded by the orgs migration).
DEMOCRATIC_PARTIES = [
    # (short name, relative weight in a typical district committee)
    ("民革", 2),
    ("民盟", 4),
    ("民建", 4),
    ("民进", 4),
    ("农工党", 3),
    ("致公党", 1),
    ("九三学社", 2),
]
PEOPLES_ORGS = [("工商联", "工商联"), ("共青团", "共青团"), ("总工会", "工会"), ("妇联", "妇联")]

# --- People ------------------------------------------------------------------------------
# Common surnames, commonest first, chosen so that stroke counts run from 2 (丁) to 19 (谭)
# and the official stroke order has something to do.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤卜乔司"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛"]
MALE_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
    "飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
    "厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
    "致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
    "媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉"
    "君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫"
    "芸菲寒伊亚宜可姬舒影荔枝丽"
)
# Ethnicity: most members are 汉族; minority members come with fitting names where customary.
MINORITIES = ["回族", "满族", "蒙古族", "壮族", "土家族", "苗族", "朝鲜族", "维吾尔族", "藏族"]
UYGHUR_NAMES = ["阿依古丽·买买提", "艾尔肯·吐尔逊", "古丽娜尔·艾力", "买买提·依明"]
TIBETAN_NAMES = ["扎西次仁", "卓玛央金", "次旦多吉", "格桑拉姆"]

EDUCATION = [("研究生", 30), ("大学", 55), ("大专", 12), ("高中", 3)]

# Administrative-division codes used for the first six digits of the demo ID numbers.
AREA_CODES = [
    "110105",
    "310104",
    "330106",
    "320102",
    "420106",
    "440106",
    "510107",
    "610113",
    "370102",
    "430104",
    "350102",
    "210102",
]
MOBILE_PREFIXES = [
    "130",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "158",
    "159",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "199",
]

# Employers and posts by sector; "{place}" is the district's place name.
EMPLOYERS = {
    "中共": [
        "{place}{street}党工委书记",
        "{place}委党校常务副校长",
        "{place}人民检察院副检察长",
        "{place}人民法院副院长",
        "{place}机关事务管理局局长",
    ],
    "经济界": [
        "{company}董事长",
        "{company}总经理",
        "{place}农村商业银行行长",
        "{company}财务总监",
    ],
    "工商联": ["{company}董事长", "{company}总经理", "{place}商会会长"],
    "教育界": [
        "{place}第{n}中学校长",
        "{place}实验小学副校长",
        "{place}第{n}中学教师",
        "{place}职业技术学校校长",
        "示范大学教授",
    ],
    "科技界": [
        "示范大学{subject}学院教授",
        "{place}科技创新中心主任",
        "{company}首席技术官",
        "示范市农业科学研究院研究员",
    ],
    "文化艺术界": [
        "{place}文化馆馆长",
        "{place}图书馆副馆长",
        "示范市书法家协会理事",
        "{place}融媒体中心记者",
        "{company}艺术总监",
    ],
    "医药卫生界": [
        "{place}人民医院副院长",
        "{place}中医医院主任医师",
        "{place}妇幼保健院院长",
        "{place}{street}社区卫生服务中心主任",
        "{place}疾病预防控制中心副主任",
    ],
    "农业界": [
        "{place}{street}{stem}村党总支书记",
        "{company}（家庭农场）负责人",
        "{place}农业技术推广中心高级农艺师",
        "{stem}农民专业合作社理事长",
    ],
    "社会福利和社会保障界": [
        "{place}社会福利院院长",
        "{place}残疾人联合会副理事长",
        "{stem}养老服务中心主任",
        "{place}慈善总会秘书长",
    ],
    "少数民族和宗教界": [
        "{place}伊斯兰教协会会长",
        "{place}佛教协会副会长",
        "{place}基督教三自爱国运动委员会主席",
        "{place}民族团结进步促进会秘书长",
    ],
    "特邀人士": [
        "示范律师事务所主任",
        "{place}退休干部",
        "{company}监事长",
        "示范会计师事务所合伙人",
    ],
    "共青团": ["团{place}委副书记", "{place}青年企业家协会会长", "{place}第{n}中学团委书记"],
    "工会": ["{place}总工会副主席", "{company}工会主席", "{place}劳动模范、{company}高级技师"],
    "妇联": ["{place}妇女联合会副主席", "{place}巾帼志愿者协会会长", "{company}总经理"],
    "无党派人士": [
        "示范大学{subject}学院副教授",
        "{place}人民医院主任医师",
        "示范律师事务所律师",
        "{company}总经理",
    ],
}
PARTY_SECTOR_EMPLOYERS = [
    "示范大学{subject}学院教授",
    "{place}人民医院主任医师",
    "{place}第{n}中学高级教师",
    "{company}总经理",
    "示范律师事务所合伙人",
    "{place}设计院总工程师",
]
COMPANY_STEMS = ["恒通", "华盛", "新元", "鼎泰", "瑞丰", "博远", "嘉和", "润邦", "凯达", "天成"]
COMPANY_KINDS = ["科技有限公司", "实业有限公司", "建设集团有限公司", "食品有限公司", "物流有限公司"]
SUBJECTS = ["经济", "法学", "医学", "计算机", "化学", "文学", "管理", "农学", "机械工程"]

# Titles of the people behind the non-member demo accounts.
STAFF_TITLES = {
    "office": "区政协办公室科员",
    "proposal": "区政协提案委员会办公室主任",
    "committee": "区政协经济委员会办公室主任",
    "party_office": "区委办公室秘书科科长",
    "gov_office": "区政府办公室督查科科长",
    "standing": "区委办公室常委会秘书",
    "supervisor": "区委区政府督查考核办公室科长",
    "orgdept": "区委组织部干部科科长",
    "ufwd": "区委统战部党派科科长",
    "sysadmin": "区数据资源管理局系统管理员",
    "secadmin": "区政协办公室安全管理员",
    "auditor": "区政协办公室审计管理员",
}


# --- Generators --------------------------------------------------------------------------
def weighted(rng: random.Random, pairs: list[tuple[object, int]]):
    values = [value for value, _weight in pairs]
    weights = [weight for _value, weight in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


# Commoner surnames weigh more (王 about 5 %, the last of the list about 0.8 %).
SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(SURNAMES))]


def surname(rng: random.Random) -> str:
    if rng.random() < 0.01:
        return rng.choice(COMPOUND_SURNAMES)
    return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS, k=1)[0]


def person_name(rng: random.Random, gender: str, ethnicity: str = "汉族") -> str:
    if ethnicity == "维吾尔族":
        return rng.choice(UYGHUR_NAMES)
    if ethnicity == "藏族":
        return rng.choice(TIBETAN_NAMES)
    chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
    given = rng.choice(chars)
    if rng.random() < 0.75:
        given += rng.choice(chars)
    return surname(rng) + given


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    """An 18-character resident ID number (GB 11643-1999) with a correct check character and
    a sequence digit that is odd for men and even for women."""
    sequence = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def birth_date(rng: random.Random, oldest: int = 1958, youngest: int = 1992) -> dt.date:
    start = dt.date(oldest, 1, 1)
    span = (dt.date(youngest, 12, 31) - start).days
    return start + dt.timedelta(days=rng.randrange(span))


def company(rng: random.Random, place: str) -> str:
    return place.removesuffix("政协") + rng.choice(COMPANY_STEMS) + rng.choice(COMPANY_KINDS)


def employer(rng: random.Random, sector: str, place: str, street: str) -> str:
    templates = EMPLOYERS.get(sector, PARTY_SECTOR_EMPLOYERS)
    return rng.choice(templates).format(
        place=place,
        street=street,
        company=company(rng, place),
        n=rng.choice("一二三四五六七八"),
        subject=rng.choice(SUBJECTS),
        stem=rng.choice(COMMUNITY_STEMS),
    )


def home_address(rng: random.Random, place: str, street: str) -> str:
    return (
        f"{place}{street}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
        f"{rng.choice(COMMUNITY_STEMS)}小区{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元"
        f"{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
    )
