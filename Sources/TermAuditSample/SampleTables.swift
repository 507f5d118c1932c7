/// The word lists synthetic cases are made from. Every person, place and unit they produce is fictional:
/// names are built from syllable tables, and identity numbers use the non-existent area code 9901xx.
enum SampleTables {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方邱侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    static let givenNames = Array("建国华明红丽伟芳军敏静强磊洋勇艳杰娟涛超秀霞平刚桂英文辉玲峰鹏斌宇浩凯志海波宁亮欣雪梅琳晨阳婷雯立新春燕东林云飞鑫博晓永俊德荣兰慧佳健鸿嘉昊晶晖瑞颖琦".map(String.init))
    static let placeFirst = Array("青白石桃东西南北龙凤柳松梅兰清金银玉黄红鹤马双三五长平安新永太").map(String.init)
    static let placeSecond = Array("山溪河门岭源湖塘坪沟口桥湾坝洲田庄园林峰岗滩泉堡").map(String.init)

    /// County-level departments (政府工作部门). Those that send audit team members are left out, so a case never
    /// conflicts with its own team by accident.
    static let departments = ["发展和改革局", "教育局", "科学技术局", "工业和信息化局", "民政局", "司法局", "自然资源局",
                              "生态环境分局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局", "文化和旅游局",
                              "卫生健康委员会", "退役军人事务局", "应急管理局", "市场监督管理局", "统计局", "医疗保障局",
                              "城市管理局", "林业局", "行政审批局", "信访局"]
    /// Party and mass bodies (党群部门): the unit after the county's name, the head's and the deputy's title.
    static let partyBodies = [("委宣传部", "部长", "副部长"), ("委统战部", "部长", "副部长"), ("总工会", "主席", "副主席"),
                              ("妇女联合会", "主席", "副主席"), ("委党校", "常务副校长", "副校长"), ("科学技术协会", "主席", "副主席")]
    /// Public institutions (事业单位) and their head's title.
    static let institutions = [("公共资源交易中心", "主任"), ("不动产登记中心", "主任"), ("疾病预防控制中心", "主任"),
                               ("人民医院", "院长"), ("中医院", "院长"), ("第一中学", "校长"), ("职业中专", "校长"),
                               ("融媒体中心", "主任"), ("图书馆", "馆长"), ("农业技术推广中心", "主任")]
    /// State-owned enterprises (国有企业).
    static let enterprises = ["城市建设投资有限公司", "交通投资集团有限公司", "水务集团有限公司", "国有资产运营有限公司", "文化旅游发展有限公司"]

    /// The unit each department's team members come from (suffix after the county name).
    static let teamUnits = ["audit": "审计局", "discipline": "纪委监委", "organization": "委组织部",
                            "personnel": "人力资源和社会保障局", "finance": "财政局", "establishment": "委编办",
                            "state-assets": "国有资产监督管理局", "financial-regulation": "金融工作局"]

    /// An indicator template: quantitative when `unit` and `better` are given with a range, else qualitative.
    struct IndicatorTemplate {
        var area: String
        var id: String
        var name: String
        var unit: String?
        /// Quantitative: target range in tenths (decimals 1) or whole units (decimals 0).
        var low = 0, high = 0, decimals = 0
        var better: String?
        /// Qualitative target.
        var goal: String?
    }

    static func q(_ area: String, _ id: String, _ name: String, _ unit: String, _ low: Int, _ high: Int, decimals: Int = 0,
                  _ better: String = "higher") -> IndicatorTemplate {
        IndicatorTemplate(area: area, id: id, name: name, unit: unit, low: low, high: high, decimals: decimals, better: better)
    }

    static func t(_ area: String, _ id: String, _ name: String, _ goal: String) -> IndicatorTemplate {
        IndicatorTemplate(area: area, id: id, name: name, goal: goal)
    }

    static let indicators: [IndicatorTemplate] = [
        q("duties", "fiscal-revenue", "一般公共预算收入", "万元", 800, 50_000),
        q("duties", "safety-incidents", "较大以上安全生产事故", "起", 0, 0, "lower"),
        q("duties", "service-satisfaction", "群众办事满意度", "%", 850, 980, decimals: 1),
        q("duties", "budget-execution-rate", "预算执行率", "%", 900, 980, decimals: 1),
        t("duties", "key-tasks", "年度重点任务", "按期完成全部年度重点任务"),
        q("city-priorities", "investment", "招商引资到位资金", "亿元", 10, 200, decimals: 1),
        q("city-priorities", "key-projects", "市级重点项目开工", "个", 2, 15),
        q("city-priorities", "revitalization-projects", "乡村振兴衔接项目", "个", 3, 20),
        t("city-priorities", "business-environment", "营商环境评价", "全市前五名"),
        t("city-priorities", "poverty-monitoring", "防返贫动态监测", "不发生规模性返贫"),
        t("party-organization", "branch-standard", "基层党组织标准化建设", "全部达标"),
        q("party-organization", "new-members", "发展党员", "名", 5, 40),
        t("party-organization", "mass-organizations", "群团组织建设", "工会、共青团、妇联组织健全"),
        q("leadership", "cadre-training", "干部教育培训", "人次", 100, 800),
        q("leadership", "young-cadres", "年轻干部选拔", "名", 2, 12),
        t("leadership", "team-assessment", "领导班子年度考核", "考核结果为好"),
        q("civility", "civility-units", "县级以上文明单位（村）创建", "个", 1, 10),
        q("civility", "volunteer-hours", "志愿服务时长", "万小时", 10, 99, decimals: 1),
        t("civility", "public-morality", "公民道德建设", "道德讲堂每季度不少于1次"),
        t("integrity", "integrity-responsibility", "落实党风廉政建设主体责任", "无班子成员违纪违法"),
        q("integrity", "conduct-cases", "违反中央八项规定精神问题", "起", 0, 0, "lower"),
        q("integrity", "audit-rectification", "审计整改完成率", "%", 950, 1000, decimals: 1),
        q("long-term-plan", "debt-ratio", "政府债务率", "%", 600, 1200, decimals: 1, "lower"),
        q("long-term-plan", "forest-coverage", "森林覆盖率", "%", 400, 750, decimals: 1),
        q("long-term-plan", "urbanization", "常住人口城镇化率", "%", 450, 700, decimals: 1),
        t("long-term-plan", "plan-midterm", "五年规划中期评估", "主要指标达到时序进度"),
        q("other", "petition-closure", "信访事项按期办结率", "%", 950, 1000, decimals: 1),
        q("other", "online-services", "政务服务事项网上可办率", "%", 900, 1000, decimals: 1),
        q("other", "emergency-drills", "应急演练", "次", 2, 12),
        t("other", "special-task", "上级交办专项工作", "按要求完成"),
    ]

    /// Finding titles by category.
    static let findings: [(category: String, title: String)] = [
        ("funds", "专项资金拨付滞后"), ("funds", "专项资金结存未及时清理"), ("finance", "未经批准开立银行账户"),
        ("finance", "往来款项长期挂账未清理"), ("assets", "闲置房产未入账"), ("assets", "固定资产账实不符"),
        ("debts", "新增隐性债务用于基础设施建设"), ("debts", "对外借款到期未收回"), ("procurement", "化整为零规避政府采购"),
        ("procurement", "采购程序不规范"), ("projects", "工程项目超概算"), ("projects", "项目未办理竣工决算"),
        ("budget", "无预算超预算支出"), ("decisions", "重大经济事项未经集体决策"), ("integrity", "公务接待超标准"),
        ("integrity", "违规发放津补贴"), ("staffing", "超编制配备人员"), ("other", "档案管理不规范"),
    ]

    static let notApplicableReasons = ["本单位无此类事项", "任期内未发生", "由上级单位统一管理", "已于上次交接中办结", "无未结事项"]
    static let itemNotes = ["已逐项核对", "清单附后", "经办人在场清点", "账实相符", "与财务科核对一致"]
    static let findingNotes = ["已启动整改", "整改方案已报县委", "责任人已约谈", "已追回部分资金"]
    static let transferNotes = ["线索已移送县纪委监委", "移送后3—6个月内反馈"]
    static let unverifiedNotes = ["资金去向待查", "相关单位尚未回函", "需司法鉴定"]
    static let indicatorNotes = ["受上级政策调整影响", "含跨年度结转项目", "数据来源：县统计局"]
}
