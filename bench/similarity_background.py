"""Background titles for bench/similarity.py: what a committee's proposals, topics and
社情民意 look like over the years, generated from subjects, aspects and the phrasings members
use. Deterministic for a seed."""

import random

SUBJECTS = """老旧小区改造 老旧小区加装电梯 社区托育服务 中小学课后服务 背街小巷环境整治
农贸市场提质改造 停车难问题 民营企业融资难 营商环境优化 历史文化街区保护
养老服务体系建设 生活垃圾分类 河道水环境治理 乡村振兴产业发展
基层医疗服务能力 安全生产隐患排查 全民健身设施 退役军人就业创业 数字政府建设
农村人居环境整治 高标准农田建设 粮食安全 种业振兴 农村集体经济
新型农业经营主体 农产品冷链物流 智慧城市建设 城市更新 城市道路交通 公共交通
轨道交通建设 慢行交通系统 交通拥堵治理 电动自行车管理 物业管理 住房保障
房地产市场 租赁住房 城市排水防涝 供水保障 燃气安全 城市照明 园林绿化
公园建设 大气污染防治 水污染防治 土壤污染防治 噪声污染防治 碳达峰碳中和
新能源产业 节能减排 固体废物处置 义务教育均衡发展 学前教育 职业教育
高等教育 教师队伍建设 校园安全 学生体质健康 家庭教育 特殊教育 医疗卫生
公共卫生应急 中医药传承 医保基金监管 药品安全 食品安全 全民健康 精神卫生
妇幼保健 养老服务 失能老人照护 老年教育 残疾人服务 儿童福利 未成年人保护
妇女权益 社会救助 慈善事业 就业创业 技能人才培养 劳动者权益 社会保障
人才引进 科技创新 专精特新企业 数字经济 平台经济 招商引资 外贸稳增长
消费升级 文旅融合 全域旅游 公共文化服务 文物保护 体育产业 社区治理
基层减负 网格化管理 矛盾纠纷化解 法治政府建设 公共法律服务 禁毒工作
平安建设 应急管理 防灾减灾 消防安全 森林防火 防汛抗旱 地质灾害防治
政务服务 信用体系建设 统计数据质量 国有企业改革 财政资金绩效 政府债务
民族团结 宗教事务 港澳台侨 对外开放 区域协调发展 城乡融合 县域经济
乡镇发展 美丽乡村 乡村治理 志愿服务 新时代文明实践 网络生态治理 数据安全
个人信息保护 电信网络诈骗 知识产权保护 市场监管 价格监管 特种设备安全
计量标准 电梯安全 建筑工地管理 渣土运输 扬尘治理 餐饮油烟 夜间经济
便民服务网点 社区商业 早餐工程 菜篮子工程 农产品质量 预制菜产业 直播电商
快递物流 外卖平台 网约车行业 共享单车 新能源汽车 充电基础设施 停车设施
智慧停车 城市管理执法 违法建设治理""".split()

VERBS = "加强 推进 加快 完善 规范 优化 提升 健全 强化 深化 支持 促进 做好 落实 统筹".split()
ASPECTS = [
    "",
    "",
    "",
    "工作",
    "监管",
    "服务",
    "体系建设",
    "长效机制",
    "资金保障",
    "人才队伍建设",
    "政策落实",
    "标准化建设",
    "数字化转型",
    "基础设施建设",
    "考核评价",
    "宣传引导",
    "试点示范",
    "风险防范",
    "专项整治",
    "质量提升",
    "协同机制",
    "信息公开",
    "财政投入",
    "规划布局",
]
PLACES = [
    "",
    "",
    "",
    "",
    "我区",
    "我市",
    "我县",
    "城区",
    "农村地区",
    "新城片区",
    "开发区",
    "东部街道",
    "西城街道",
    "城关镇",
    "工业园区",
    "老城区",
    "城乡结合部",
    "山区乡镇",
]
PROBLEMS = [
    "存在短板",
    "亟待加强",
    "群众反映强烈",
    "问题突出",
    "推进缓慢",
    "存在安全隐患",
    "群众意见较大",
    "亟需规范",
    "管理不到位",
    "资金缺口较大",
]


def titles(n: int, seed: int = 7) -> list[str]:
    """`n` distinct background titles."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        style = rng.random()
        if style < 0.45:
            t = f"关于{place}{rng.choice(VERBS)}{subject}{rng.choice(ASPECTS)}的建议"
        elif style < 0.8:
            t = f"关于{rng.choice(VERBS)}{place}{subject}{rng.choice(ASPECTS)}的提案"
        elif style < 0.9:
            t = f"群众反映{place}{subject}{rng.choice(PROBLEMS)}"
        else:
            t = f"如何{rng.choice(VERBS)}{place}{subject}{rng.choice(ASPECTS)}？"
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out
