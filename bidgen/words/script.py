"""Simplified and traditional Chinese characters: which script a text is written in.

A table of 741 common characters whose simplified and traditional forms differ, and whose
simplified form is not itself in use in Taiwan (``干``, ``并``, ``范``, ``着``, ``台`` and the like are left
out on purpose, so that a Taiwan text is never accused of simplified characters it legitimately uses).
No dependency: a text is only *classified*, never converted.
"""

from __future__ import annotations

__all__ = ["SIMPLIFIED_ONLY", "TRADITIONAL_ONLY", "simplified_chars", "traditional_chars", "to_traditional"]

_SIMP = (
    "这们说与为国际会议实数据费报价书万贰陆币亿叁务开区号体担标准确认总额应业产厂广电东车长门问间关闭见观规视亲讯设证评试详语"
    "请读谁调谈论识词译让训记讲许诉该货质购贸资赔赠贵买卖负责账财贷员圆损败绩阶险陈随隐难顺须领频题颜风飞饭馆马驾验骤鱼鸟齿龙"
    "从众伤伦侧侨俭债倾储儿兑兰兴养兽内册写军农冯冲决况冻净凉减凤击划则刚创删别刘剂剑办动劳势勋华协单卢卫厅历压厌县参双发变叙"
    "叶叹吓启呜响哑啰团园围图圣场坏块坚坛坝坟垄壮声壳处备复够头夹夺奋奖妇妈姗娱婴孙学宁宝宠审宪宫宽宾对寻导将尔尘尝层属岁岂岗"
    "岛岭峡师帐带帮庄庆库庙废异弃张弥弯弹强归当录彻径忆忧怀态怜恋恳恶恼悦悬惊惧惨惩惯愿戏战户执扩扫扬扰抚抛护拟拢拣拥择挂挡挤"
    "挥换掳掷揽搀摄摆摇摊撑撵擞敌敛斋断无旧时旷昙显晋晒晓晕暂术机杀杂权条来杨极构枪柜栈栋树样档桥梦检楼欢欧殴残毁毕毙气汇汉汤"
    "沟没沦沪泪泼泽洁洒浅浆测济浑浓涛涝涡润涨渊渐渔温湾湿溃满滤滥滨潜灭灯灵灾炉点炼烂烟烦烧热焕爱爷牵犹狈独狮猎猪献环现玛玺琐"
    "璎画畅疗疯痒瘫癣皑盏盐监盖盘眬睁矫矿码砖砚础硕碍礼祸离种积称稳穷窃窍窝竞笔笋筛签简箩类粮紧纠红约级纪纬纯纱纲纳纵纷纸纹纺"
    "线练组细织终绍经绑结绕绘给络绝统继绪续维绵综绿缆缓编缘缩缴网罗罚罢羡习翘耸职联聪肃肠肤肿胀胁脉脏脑脚腾舆舰艰艺节芦苏苹茎"
    "荐药莱获营萧蓝蔷虏虑虽蚀蚁蛮补衬袜装觉览讨访诊诗诚话诞询误诸诺课谅谊谋谍谎谐谓谢谣谦谨谱贝贞贡贤贩贪贫贯贴贺赋赌赏赐赖赛"
    "赞赵赶趋跃践踪蹰轨轩转轮软轰轻载较辅辆辈辉辑输辖辞辩边辽达迁过迈运还进远违连迟适选逊递逻遗邮邻郑酱酿释鉴针钉钓钟钢钥钦钩"
    "钮钱钻铁铃铅铜铝铭铺链销锁锅错锡锣锤锦键锻镇镜闪闯闲闷闸闹闻阀阁阅阔队阳阴阵陕隶雏雾静韦韩页顶项顾顿预颇颗飘饥饮饰饱饲饶"
    "驰驱驳驻骂骑骗骚鲁鲜鸡鸣鸭鸿鹅鹤麦黄齐龄龟"
)
_TRAD = (
    "這們說與為國際會議實數據費報價書萬貳陸幣億參務開區號體擔標準確認總額應業產廠廣電東車長門問間關閉見觀規視親訊設證評試詳語"
    "請讀誰調談論識詞譯讓訓記講許訴該貨質購貿資賠贈貴買賣負責賬財貸員圓損敗績階險陳隨隱難順須領頻題顏風飛飯館馬駕驗驟魚鳥齒龍"
    "從眾傷倫側僑儉債傾儲兒兌蘭興養獸內冊寫軍農馮衝決況凍淨涼減鳳擊劃則剛創刪別劉劑劍辦動勞勢勳華協單盧衛廳歷壓厭縣參雙發變敘"
    "葉嘆嚇啟嗚響啞囉團園圍圖聖場壞塊堅壇壩墳壟壯聲殼處備複夠頭夾奪奮獎婦媽姍娛嬰孫學寧寶寵審憲宮寬賓對尋導將爾塵嘗層屬歲豈崗"
    "島嶺峽師帳帶幫莊慶庫廟廢異棄張彌彎彈強歸當錄徹徑憶憂懷態憐戀懇惡惱悅懸驚懼慘懲慣願戲戰戶執擴掃揚擾撫拋護擬攏揀擁擇掛擋擠"
    "揮換擄擲攬攙攝擺搖攤撐攆擻敵斂齋斷無舊時曠曇顯晉曬曉暈暫術機殺雜權條來楊極構槍櫃棧棟樹樣檔橋夢檢樓歡歐毆殘毀畢斃氣匯漢湯"
    "溝沒淪滬淚潑澤潔灑淺漿測濟渾濃濤澇渦潤漲淵漸漁溫灣濕潰滿濾濫濱潛滅燈靈災爐點煉爛煙煩燒熱煥愛爺牽猶狽獨獅獵豬獻環現瑪璽瑣"
    "瓔畫暢療瘋癢癱癬皚盞鹽監蓋盤矓睜矯礦碼磚硯礎碩礙禮禍離種積稱穩窮竊竅窩競筆筍篩簽簡籮類糧緊糾紅約級紀緯純紗綱納縱紛紙紋紡"
    "線練組細織終紹經綁結繞繪給絡絕統繼緒續維綿綜綠纜緩編緣縮繳網羅罰罷羨習翹聳職聯聰肅腸膚腫脹脅脈臟腦腳騰輿艦艱藝節蘆蘇蘋莖"
    "薦藥萊獲營蕭藍薔虜慮雖蝕蟻蠻補襯襪裝覺覽討訪診詩誠話誕詢誤諸諾課諒誼謀諜謊諧謂謝謠謙謹譜貝貞貢賢販貪貧貫貼賀賦賭賞賜賴賽"
    "贊趙趕趨躍踐蹤躕軌軒轉輪軟轟輕載較輔輛輩輝輯輸轄辭辯邊遼達遷過邁運還進遠違連遲適選遜遞邏遺郵鄰鄭醬釀釋鑒針釘釣鐘鋼鑰欽鉤"
    "鈕錢鑽鐵鈴鉛銅鋁銘鋪鏈銷鎖鍋錯錫鑼錘錦鍵鍛鎮鏡閃闖閒悶閘鬧聞閥閣閱闊隊陽陰陣陝隸雛霧靜韋韓頁頂項顧頓預頗顆飄飢飲飾飽飼饒"
    "馳驅駁駐罵騎騙騷魯鮮雞鳴鴨鴻鵝鶴麥黃齊齡龜"
)

#: simplified character → its traditional form
TO_TRADITIONAL = dict(zip(_SIMP, _TRAD))
SIMPLIFIED_ONLY = frozenset(_SIMP)
TRADITIONAL_ONLY = frozenset(_TRAD) - SIMPLIFIED_ONLY


def simplified_chars(text: str) -> list[str]:
    """The simplified-only characters of ``text``, each once, in order of appearance."""
    if SIMPLIFIED_ONLY.isdisjoint(text):
        return []
    return list(dict.fromkeys(c for c in text if c in SIMPLIFIED_ONLY))


def traditional_chars(text: str) -> list[str]:
    """The traditional-only characters of ``text``, each once, in order of appearance."""
    if TRADITIONAL_ONLY.isdisjoint(text):
        return []
    return list(dict.fromkeys(c for c in text if c in TRADITIONAL_ONLY))


def to_traditional(text: str) -> str:
    """Character-by-character suggestion for a message (not a converter: phrases may need other words)."""
    return "".join(TO_TRADITIONAL.get(c, c) for c in text)
