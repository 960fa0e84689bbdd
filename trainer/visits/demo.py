"""Demo data for the visit programme: Chaoyang's 8 contracted firms (invented names), about 20 lawyers, leave,
an assignment for each of the 52 stations and a planned December 2026; a smaller programme for Xicheng."""

from __future__ import annotations

from datetime import date

from trainer.extensions import db
from trainer.visits import assignment as suggestion
from trainer.visits import operations

CONTRACT = (date(2026, 1, 1), date(2027, 12, 31))

CHAOYANG_FIRMS = [
    # name, contact, phone, address, stations covered
    ("北京朝信律师事务所", "刘振华", "13901012233", "北京市朝阳区朝外大街22号泛利大厦12层", 7),
    ("北京京朝律师事务所", "陈晓梅", "13910203344", "北京市朝阳区建国路88号SOHO现代城B座8层", 7),
    ("北京衡正律师事务所", "孙立群", "13801125566", "北京市朝阳区东三环中路7号财富中心A座20层", 7),
    ("北京德维律师事务所", "郭婷", "13701237788", "北京市朝阳区望京街10号望京SOHO T2-1505", 7),
    ("北京安和律师事务所", "高宏伟", "13601348899", "北京市朝阳区亚运村安立路60号润枫德尚3层", 6),
    ("北京中勤律师事务所", "何静", "13501451122", "北京市朝阳区酒仙桥路14号兆维大厦5层", 6),
    ("北京汇诚律师事务所", "罗建军", "18601562233", "北京市朝阳区双井广渠路36号首城国际C座9层", 6),
    ("北京明理律师事务所", "梁晓燕", "18911673344", "北京市朝阳区劲松南路1号中国纺织大厦11层", 6),
]

# firm index, name, phone, specialities, office area
CHAOYANG_LAWYERS = [
    (0, "王建华", "13911110001", ["劳动争议", "劳动合同"], "朝外街道"),
    (0, "李静怡", "13911110002", ["工伤赔偿", "社会保险"], "呼家楼街道"),
    (0, "张浩然", "13911110003", ["劳动争议", "集体协商"], "建外街道"),
    (1, "赵敏", "13911110004", ["劳动合同", "商业服务"], "双井街道"),
    (1, "周子昂", "13911110005", ["工伤赔偿"], "劲松街道"),
    (1, "吴雅琴", "13911110006", ["劳动争议", "金融"], "CBD"),
    (2, "郑凯", "13911110007", ["建筑工程", "工伤赔偿"], "十八里店地区"),
    (2, "冯丽娜", "13911110008", ["劳动争议"], "潘家园街道"),
    (3, "陈思远", "13911110009", ["劳动合同", "电子"], "望京街道"),
    (3, "褚佳慧", "13911110010", ["社会保险", "劳动争议"], "望京"),
    (3, "卫东", "13911110011", ["劳动争议"], "来广营地区"),
    (4, "蒋文博", "13911110012", ["教育", "劳动合同"], "亚运村街道"),
    (4, "沈晓雪", "13911110013", ["劳动争议", "奥林匹克"], "奥运村街道"),
    (5, "韩立新", "13911110014", ["劳动争议", "电子"], "酒仙桥街道"),
    (5, "杨柳", "13911110015", ["卫生健康", "医疗纠纷"], "将台地区"),
    (6, "朱晓峰", "13911110016", ["劳动争议", "工伤赔偿"], "高碑店地区"),
    (6, "秦慧", "13911110017", ["劳动合同"], "王四营地区"),
    (6, "许国强", "13911110018", ["集体协商", "劳动争议"], "管庄地区"),
    (7, "何晓东", "13911110019", ["劳动争议", "金融"], "劲松街道"),
    (7, "吕芳", "13911110020", ["社会保险", "劳动合同"], "垡头街道"),
]

# lawyer name, start, end, reason
CHAOYANG_LEAVE = [
    ("王建华", date(2026, 12, 14), date(2026, 12, 18), "外地开庭"),
    ("赵敏", date(2026, 12, 21), date(2026, 12, 31), "年假"),
    ("郑凯", date(2026, 12, 1), date(2026, 12, 4), "培训"),
]

XICHENG_FIRMS = [
    ("北京西城正平律师事务所", "马立", "13811220011", "北京市西城区金融大街27号投资广场B座10层", 5),
    ("北京金衡律师事务所", "丁红", "13811220022", "北京市西城区西直门南大街2号成铭大厦C座6层", 5),
    ("北京宣和律师事务所", "彭涛", "13811220033", "北京市西城区广安门内大街6号枫桦豪景A座7层", 5),
]
XICHENG_LAWYERS = [
    (0, "唐明", "13822330001", ["劳动争议", "金融"], "金融街街道"),
    (0, "宋佳", "13822330002", ["劳动合同"], "月坛街道"),
    (1, "邓超群", "13822330003", ["工伤赔偿"], "展览路街道"),
    (1, "曹雨", "13822330004", ["劳动争议"], "新街口街道"),
    (2, "袁志刚", "13822330005", ["社会保险"], "广安门内街道"),
    (2, "彭丽", "13822330006", ["劳动争议", "集体协商"], "牛街街道"),
]


def _programme(district, firms_data, lawyers_data, leave_data=(), linked=None):
    firms = []
    for name, contact, phone, address, covered in firms_data:
        firm = operations.save_firm(None, district_id=district.id, name=name, contact_name=contact,
                                    contact_phone=phone, address=address)
        operations.save_contract(None, firm=firm, start=CONTRACT[0], end=CONTRACT[1], stations_covered=covered,
                                 visits_per_station_month=2, hours_per_visit=3,
                                 reference=f"{district.code.upper()}-2026-{len(firms) + 1:02d}")
        firms.append(firm)
    lawyers = {}
    for firm_index, name, phone, specialities, area in lawyers_data:
        user_id = linked.id if linked is not None and name == "王建华" else None
        lawyers[name] = operations.save_lawyer(None, firm=firms[firm_index], name=name, phone=phone,
                                               specialities=specialities, office_area=area, user_id=user_id)
    for name, start, end, reason in leave_data:
        operations.add_leave(lawyers[name], start, end, reason, propose=False)
    for item in suggestion.suggest(district, day=date(2026, 11, 1)):
        operations.assign_station(item.station, firm=item.firm, lead=item.lead, backup=item.backup,
                                  start=date(2026, 11, 1))
    db.session.flush()
    operations.plan_range(district, "2026-12", "2026-12", allow_past=True, time_limit_s=2.0)


def load(ctx) -> None:
    _programme(ctx.districts["chaoyang"], CHAOYANG_FIRMS, CHAOYANG_LAWYERS, CHAOYANG_LEAVE,
               linked=ctx.users.get("lawyer.wang"))
    _programme(ctx.districts["xicheng"], XICHENG_FIRMS, XICHENG_LAWYERS)
