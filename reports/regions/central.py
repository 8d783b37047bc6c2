"""Central bodies (国务院办公厅, ministries, commissions, national administrations): the 中央 level.

They publish annual reports like any local body but belong to no GB/T 2260 region. The product
files them under one more region at province level, ``CENTRAL_CODE`` (not a GB/T 2260 code: no
province code starts with 10), so that search, lists and statistics treat them like any region.

A body is central when its name is one of the bodies below, or reads like a national body
(国家…局, 国家…委 as 国家卫生健康委 shortens itself, 中国…局, 国务院…) and names no
place. The list is that of the State Council's
organisation (国务院组成部门, 直属特设机构, 直属机构, 办事机构, 直属事业单位, 部委管理的国家局) as
published on www.gov.cn, 2023 reform included.
"""

from __future__ import annotations

import re

from reports.regions.codes import PROVINCE
from reports.regions.data import RegionRow

CENTRAL_CODE = "100000"
CENTRAL_NAME = "中央国家机关"
CENTRAL_ROW = RegionRow(CENTRAL_CODE, CENTRAL_NAME, PROVINCE, None)

_BODIES = (
    # 国务院办公厅 and 组成部门
    "国务院办公厅 外交部 国防部 国家发展和改革委员会 教育部 科学技术部 工业和信息化部 国家民族事务委员会 公安部 "
    "国家安全部 民政部 司法部 财政部 人力资源和社会保障部 自然资源部 生态环境部 住房和城乡建设部 交通运输部 水利部 "
    "农业农村部 商务部 文化和旅游部 国家卫生健康委员会 退役军人事务部 应急管理部 中国人民银行 审计署 "
    # 直属特设机构, 直属机构, 办事机构
    "国务院国有资产监督管理委员会 海关总署 国家税务总局 国家市场监督管理总局 国家金融监督管理总局 "
    "中国证券监督管理委员会 国家广播电视总局 国家体育总局 国家信访局 国家统计局 国家知识产权局 国家国际发展合作署 "
    "国家医疗保障局 国务院参事室 国家机关事务管理局 国务院研究室 国务院港澳事务办公室 国务院台湾事务办公室 "
    # 直属事业单位
    "新华通讯社 中国科学院 中国社会科学院 中国工程院 国务院发展研究中心 中央广播电视总台 中国气象局 "
    "中国地震局 国家行政学院 "
    # 部委管理的国家局
    "国家粮食和物资储备局 国家能源局 国家数据局 国家国防科技工业局 国家烟草专卖局 国家移民管理局 "
    "国家林业和草原局 国家铁路局 中国民用航空局 国家邮政局 国家文物局 国家中医药管理局 国家疾病预防控制局 "
    "国家矿山安全监察局 国家消防救援局 国家外汇管理局 国家药品监督管理局 国家公务员局 国家档案局 国家保密局 "
    "国家密码管理局 国家宗教事务局 国家乡村振兴局 中国银行保险监督管理委员会 国家互联网信息办公室"
).split()
_PREFIX = re.compile(r"^(?:中华人民共和国)?")
_NATIONAL = re.compile(r"^(?:国务院|国家|中国|中央)\S{1,20}(?:部|委员会|委|局|总局|署|办公厅|办公室|院|中心)$")


def central_body(text: str) -> str:
    """The central body a publisher's name or a title opens with, or "" (the caller checked for places)."""
    text = _PREFIX.sub("", text.strip())
    for body in sorted(_BODIES, key=len, reverse=True):
        if text.startswith(body):
            return body
    head = re.split(r"\d{4}\s*年|关于", text, maxsplit=1)[0]
    return head if _NATIONAL.match(head) else ""
