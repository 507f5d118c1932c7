/// Makes one synthetic case file: plans its state, then draws every section so that the case reaches it.
///
/// - on hold: at least one finding that holds (unverified or transferred);
/// - preparing: no holding finding, and the team breaks one team rule (a missing department, no leader,
///   two leaders, a member from the audited unit);
/// - auditing: a valid team, no holding finding, and at least one thing left to do (an indicator not
///   reported, a pending handover item, an item not applicable without a reason or with an issue but no finding,
///   an open finding, or an unfinished audit);
/// - ready for sign-off: everything complete and consistent, no signatures.
struct CaseGenerator {
    private struct Member {
        var name: String
        var department: String
        var unit: String
        var leader: Bool
    }

    private struct FindingPlan {
        var id: String
        var status: String
    }

    /// What keeps an auditing case in audit.
    private enum Gap: CaseIterable {
        case notReported, pendingItems, notApplicableWithoutReason, issueWithoutFinding, openFinding, auditUnfinished
    }

    private enum AuditPlan {
        case none, partial, full(missingConclusion: Bool)
    }

    private let w: SampleWorkspace
    private let index: Int
    private var r: SampleRandom
    private var out = ""
    private var usedNames: Set<String> = []
    /// The department that found each finding of the case being made (by its category), for the conclusions.
    private var findingDepartments: [(id: String, department: String)] = []

    init(workspace: SampleWorkspace, index: Int) {
        w = workspace
        self.index = index
        r = SampleRandom(seed: workspace.seed, stream: UInt64(index))
        out.reserveCapacity(8_192)
    }

    // MARK: - Output helpers

    private mutating func line(_ s: String) {
        out += s
        out += "\n"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    private static func date(_ y: Int, _ m: Int, _ d: Int) -> String { "\(y)-\(two(m))-\(two(d))" }

    /// A decimal written with one digit after the point, from a number of tenths.
    private static func tenths(_ v: Int) -> String { "\(v / 10).\(v % 10)" }

    private mutating func personName() -> String {
        while true {
            var n = r.pick(SampleTables.surnames) + r.pick(SampleTables.givenNames)
            if r.chance(65) { n += r.pick(SampleTables.givenNames) }
            if usedNames.insert(n).inserted { return n }
        }
    }

    /// An 18-character identity number: the fictional area code 9901xx, the birth date, a sequence number and the
    /// ISO 7064 MOD 11-2 check character.
    private mutating func nationalID(_ y: Int, _ m: Int, _ d: Int) -> String {
        let seq = r.int(1...999)
        let body = "9901" + Self.two(r.int(1...30)) + "\(y)" + Self.two(m) + Self.two(d) + SampleWorkspace.padded(seq, 3)
        return body + String(Self.checkCharacter(body))
    }

    static func checkCharacter(_ body17: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (i, c) in body17.utf8.enumerated() { sum += Int(c - 48) * weights[i] }
        return Array("10X98765432")[sum % 11]
    }

    // MARK: - The case

    mutating func make() -> SampleCase {
        findingDepartments = []
        let state = SampleWorkspace.plannedState(index, &r)
        let id = w.caseID(index)
        let county = r.pick(w.counties)

        // Post.
        let principal = r.chance(75)
        let system: String, unit: String, title: String, basis: String
        switch r.int(0...99) {
        case 0..<30:
            system = "乡镇"
            let place = r.pick(SampleTables.placeFirst) + r.pick(SampleTables.placeSecond)
            let kind = r.chance(70) ? "镇" : "乡"
            if r.chance(40) {
                unit = "中共\(place)\(kind)委员会"
                title = principal ? "党委书记" : "党委副书记"
            } else {
                unit = "\(place)\(kind)人民政府"
                title = principal ? "\(kind)长" : "副\(kind)长"
            }
            basis = principal || r.chance(50) ? "elected" : "contract"
        case 30..<65:
            system = "政府工作部门"
            let d = r.pick(SampleTables.departments)
            unit = county + d
            let head = d.hasSuffix("委员会") ? "主任" : "局长"
            title = principal ? head : "副" + head
            basis = principal || r.chance(60) ? "appointed" : "contract"
        case 65..<73:
            system = "党群部门"
            let (b, head, deputy) = r.pick(SampleTables.partyBodies)
            unit = county + b
            title = principal ? head : deputy
            basis = principal || r.chance(60) ? "appointed" : "contract"
        case 73..<90:
            system = "事业单位"
            let (n, head) = r.pick(SampleTables.institutions)
            unit = county + n
            title = principal ? head : "副" + head
            basis = r.chance(60) ? "appointed" : "contract"
        default:
            system = "国有企业"
            unit = county + r.pick(SampleTables.enterprises)
            title = principal ? r.pick(["董事长", "总经理"]) : "副总经理"
            basis = r.chance(60) ? "contract" : "appointed"
        }

        // Official.
        let name = personName()
        let by = r.int(1963...1986), bm = r.int(1...12), bd = r.int(1...28)
        let serviceYear = by + r.int(20...24)
        line("# 模拟案卷（人物、单位、数字均为虚构）— synthetic case, planned state: \(state.rawValue)")
        line("id: \(id)")
        line("official:")
        line("  name: \(name)")
        line("  staff_id: A-\(SampleWorkspace.padded(index + 1, w.idWidth))")
        line("  national_id: \"\(nationalID(by, bm, bd))\"")
        line("  born: \(Self.date(by, bm, bd))")
        line("  service_start: \(Self.date(serviceYear, r.chance(80) ? 8 : 7, 1))")

        let decidedYear = r.int(2015...2022)
        let decided: String
        switch r.int(0...99) {
        case 0..<4: decided = Self.date(decidedYear, 6, 30)
        case 4..<8: decided = Self.date(decidedYear, 7, 1)
        default: decided = Self.date(decidedYear, r.int(1...12), r.int(1...28))
        }
        line("post:")
        line("  unit: \(unit)")
        line("  title: \(title)")
        line("  rank: \(principal ? "principal" : "deputy")")
        line("  level: \(principal ? "科级" : "副科级")")
        line("  system: \(system)")
        line("  basis: \(basis)")
        line("  decided: \(decided)")
        if r.chance(8) {
            let start = decidedYear - r.int(0...3)
            line("  inherits: \(start)-01-01..\(start + 4)-12-31")
        }
        let termsBefore = principal ? r.pick([0, 0, 0, 1, 1, 2]) : r.pick([0, 0, 1])
        if termsBefore > 0 || r.chance(30) { line("  terms_before: \(termsBefore)") }
        if r.chance(35) { line("  years_at_level: \(r.int(0...12))") }
        line("trigger: \(r.pick(["term_end", "term_end", "term_end", "transfer", "transfer", "promotion"]))")

        // What keeps an auditing case in audit: one gap for sure, others now and then.
        var gaps: Set<Gap> = []
        if state == .auditing {
            gaps.insert(r.pick(Gap.allCases))
            for g in Gap.allCases where r.chance(15) { gaps.insert(g) }
        }

        // Team.
        let program = w.programs[system] ?? w.programs[""]!
        var departments = w.requiredDepartments
        for item in program.items where !departments.contains(item.department) { departments.append(item.department) }
        if !w.extraDepartments.isEmpty && r.chance(30) {
            let extra = r.pick(w.extraDepartments)
            if !departments.contains(extra) { departments.append(extra) }
        }
        var team: [Member] = departments.map { d in
            Member(name: personName(), department: d, unit: county + (SampleTables.teamUnits[d] ?? "有关部门"), leader: false)
        }
        if r.chance(15), let audit = team.first(where: { $0.department == "audit" }) {
            team.append(Member(name: personName(), department: audit.department, unit: audit.unit, leader: false))
        }
        let leaderIndex = team.firstIndex { $0.department == "audit" } ?? 0
        team[leaderIndex].leader = true
        team.insert(team.remove(at: leaderIndex), at: 0)
        if state == .preparing {
            switch r.int(0...3) {
            case 0:  // a required department is missing
                let gone = r.pick(w.requiredDepartments)
                team.removeAll { $0.department == gone }
                if !team.contains(where: \.leader) { team[0].leader = true }
            case 1:  // no leader
                for i in team.indices { team[i].leader = false }
            case 2:  // two leaders
                team[r.int(1...(team.count - 1))].leader = true
            default:  // a member from the audited unit
                team[r.int(1...(team.count - 1))].unit = unit
            }
        }
        line("team:")
        for m in team {
            line("  - {name: \(m.name), department: \(m.department), unit: \(m.unit)\(m.leader ? ", leader: true" : "")}")
        }

        // Findings (written below, planned first: handover and audit items refer to them).
        var statuses: [String]
        switch state {
        case .readyForSignoff:
            statuses = (0..<r.int(0...3)).map { _ in r.pick(["resolved", "resolved", "rectifying"]) }
        case .auditing:
            statuses = (0..<r.int(0...3)).map { _ in r.pick(["resolved", "rectifying"]) }
            if gaps.contains(.openFinding) { statuses.append("open") }
        case .preparing:
            statuses = (0..<r.int(0...3)).map { _ in r.pick(["resolved", "rectifying", "open"]) }
        case .onHold:
            statuses = [r.pick(["unverified", "transferred"])]
            statuses += (0..<r.int(0...2)).map { _ in r.pick(["resolved", "rectifying", "open", "unverified", "transferred"]) }
        }
        statuses = r.shuffled(statuses)
        let findings = statuses.enumerated().map { FindingPlan(id: "F\($0.offset + 1)", status: $0.element) }
        // Findings that neither hold nor block: what a clean case may link to.
        let settled = findings.filter { $0.status == "resolved" || $0.status == "rectifying" }
        let linkable = state == .readyForSignoff || state == .auditing ? settled : findings

        // Indicators.
        let count = r.int(10...min(30, w.indicatorTemplates.count))
        let chosen = r.shuffled(Array(w.indicatorTemplates.indices)).prefix(count).sorted()
        var unreported = Set<Int>()
        if gaps.contains(.notReported) {
            for _ in 0..<r.int(1...3) { unreported.insert(r.pick(chosen)) }
        } else if state == .preparing || state == .onHold {
            for i in chosen where r.chance(10) { unreported.insert(i) }
        }
        line("indicators:")
        for i in chosen {
            let t = w.indicatorTemplates[i]
            var s = "  - {id: \(t.id), area: \(t.area), name: \(t.name)"
            if let better = t.better, let u = t.unit {
                s += ", unit: " + (u == "%" ? "\"%\"" : u)
                let target = r.int(t.low...t.high)
                func num(_ v: Int) -> String { t.decimals == 1 ? Self.tenths(v) : "\(v)" }
                s += ", target: \(num(target))"
                if !unreported.contains(i) {
                    let met = r.chance(78)
                    let step = max(1, target / 10)
                    var actual: Int
                    if better == "higher" {
                        actual = met ? target + r.int(0...step) : max(0, target - r.int(1...step))
                        if u == "%" { actual = min(actual, t.decimals == 1 ? 1_000 : 100) }
                    } else {
                        actual = met ? max(0, target - r.int(0...step)) : target + r.int(1...step)
                    }
                    s += ", actual: \(num(actual))"
                }
                s += ", better: \(better)"
                if r.chance(30) { s += ", weight: \(r.int(5...15))" }
            } else {
                s += ", target: \(t.goal ?? "完成")"
                if !unreported.contains(i) { s += ", rating: \(r.pick(["achieved", "achieved", "achieved", "partial", "not_achieved"]))" }
            }
            if r.chance(8) { s += ", note: \(r.pick(SampleTables.indicatorNotes))" }
            line(s + "}")
        }

        // Handover: every item of the template, in various statuses.
        let items = w.handoverItems
        var itemLines = [String](repeating: "done", count: items.count)
        for k in items.indices {
            switch r.int(0...99) {
            case 0..<76: itemLines[k] = "done"
            case 76..<84: itemLines[k] = "{status: done, note: \(r.pick(SampleTables.itemNotes))}"
            case 84..<96: itemLines[k] = "{status: not_applicable, reason: \(r.pick(SampleTables.notApplicableReasons))}"
            default:
                if !linkable.isEmpty {
                    itemLines[k] = "{status: issue, finding: \(r.pick(linkable).id)}"
                }
            }
        }
        var order = r.shuffled(Array(items.indices))
        func take() -> Int { order.isEmpty ? r.int(0...(items.count - 1)) : order.removeLast() }
        if gaps.contains(.pendingItems) {
            for _ in 0..<r.int(1...6) { itemLines[take()] = "pending" }
        }
        if gaps.contains(.notApplicableWithoutReason) {
            itemLines[take()] = "{status: not_applicable, note: 待补充说明}"
        }
        if gaps.contains(.issueWithoutFinding) {
            itemLines[take()] = "{status: issue, note: 待核实}"
        }
        if state == .preparing || state == .onHold {
            for k in items.indices where r.chance(20) { itemLines[k] = "pending" }
        }
        let supervisor = team.first { $0.department == "organization" }?.name ?? personName()
        line("handover:")
        line("  checklist: \(w.templateID)")
        line("  parties: {outgoing: \(name), incoming: \(personName()), supervisor: \(supervisor)}")
        if r.chance(80) {
            let notified = r.int(1...15)
            line("  notified: \(Self.date(2024, 12, notified))")
            line("  due: \(Self.date(2024, 12, notified + r.int(5...15)))")
        }
        line("  items:")
        for (k, item) in items.enumerated() { line("    \(item): \(itemLines[k])") }

        // Findings.
        if !findings.isEmpty {
            line("findings:")
            let templates = r.shuffled(w.findingTemplates)
            for (k, f) in findings.enumerated() {
                let t = templates[k % templates.count]
                // Every finding belongs to the department that found it (integrity → discipline, staffing → personnel).
                let department = t.category == "integrity" ? "discipline" : t.category == "staffing" ? "personnel" : "audit"
                findingDepartments.append((f.id, department))
                var s = "  - {id: \(f.id), title: \(t.title), category: \(t.category), department: \(department)"
                if !w.responsibilities.isEmpty && r.chance(80) { s += ", responsibility: \(r.pick(w.responsibilities))" }
                s += ", status: \(f.status)"
                if r.chance(60) { s += ", amount: \(Self.tenths(r.int(5...30_000)))" }
                if f.status == "open" || f.status == "rectifying" { s += ", due: \(Self.date(2025, r.int(1...6), 28))" }
                if r.chance(40) {
                    let notes = f.status == "transferred" ? SampleTables.transferNotes
                        : f.status == "unverified" ? SampleTables.unverifiedNotes : SampleTables.findingNotes
                    s += ", note: \(r.pick(notes))"
                }
                line(s + "}")
            }
        }

        // Assessment: one to three years up to 2024.
        let years = r.int(1...3)
        line("assessment:")
        for y in (2025 - years)...2024 {
            var s = "  - {year: \(y)"
            switch r.int(0...99) {
            case 0..<70:
                let p = r.int(62...96)
                s += ", performance: \(p), opinion: \(max(50, min(99, p + r.int(-10...4))))"
            case 70..<90:
                s += ", grade: \(r.pick(["优秀", "称职", "称职", "称职", "基本称职"]))"
            default:
                s += ", performance: \(r.int(62...96))"
            }
            switch r.int(0...99) {
            case 0..<25: s += ", team_score: \(r.int(60...97))"
            case 25..<35: s += ", team_class: \(r.int(1...4))"
            default: break
            }
            line(s + "}")
        }

        // Audit items and department conclusions.
        let plan: AuditPlan
        switch state {
        case .readyForSignoff:
            plan = .full(missingConclusion: false)
        case .auditing:
            if gaps.contains(.auditUnfinished) {
                plan = r.pick([AuditPlan.none, .partial, .partial, .full(missingConclusion: true)])
            } else {
                plan = .full(missingConclusion: false)
            }
        case .preparing, .onHold:
            plan = r.pick([AuditPlan.none, .none, .partial, .partial, .full(missingConclusion: false)])
        }
        writeAudit(plan, program: program, team: team, linkable: linkable)

        line("signoffs: []")
        return SampleCase(id: id, path: w.path(index), state: state, text: out)
    }

    private mutating func writeAudit(_ plan: AuditPlan, program: (id: String, items: [(id: String, department: String)]),
                                     team: [Member], linkable: [FindingPlan]) {
        if case .none = plan { return }
        var included = [Bool](repeating: true, count: program.items.count)
        if case .partial = plan {
            for k in included.indices { included[k] = r.chance(60) }
            included[r.int(0...(included.count - 1))] = false
        }
        var itemLines: [String] = []
        var problems: [String: [String]] = [:]  // department → finding ids
        var examined: [String: Bool] = [:]      // department → all its items written
        for (k, item) in program.items.enumerated() {
            let examiner = team.first { $0.department == item.department }?.name
            guard included[k], let examiner else {
                examined[item.department] = false
                continue
            }
            if examined[item.department] == nil { examined[item.department] = true }
            switch r.int(0...99) {
            case 0..<5 where !linkable.isEmpty:
                let f = r.pick(linkable).id
                problems[item.department, default: []].append(f)
                itemLines.append("    \(item.id): {status: problem, findings: [\(f)], examiner: \(examiner)}")
            case 5..<10:
                itemLines.append("    \(item.id): {status: not_applicable, reason: \(r.pick(SampleTables.notApplicableReasons)), examiner: \(examiner)}")
            default:
                itemLines.append("    \(item.id): {status: no_problem, examiner: \(examiner)}")
            }
        }
        var departments: [String] = []
        for item in program.items where !departments.contains(item.department) { departments.append(item.department) }
        var conclusions: [String] = []
        for d in departments where examined[d] == true {
            guard let by = team.first(where: { $0.department == d })?.name else { continue }
            let date = Self.date(2024, 12, r.int(10...28))
            let owned = findingDepartments.filter { $0.department == d }.map(\.id)
            if let fs = problems[d].map({ $0 + owned }) ?? (owned.isEmpty ? nil : owned) {
                var unique: [String] = []
                for f in fs where !unique.contains(f) { unique.append(f) }
                conclusions.append("    \(d): {result: 发现问题, findings: [\(unique.joined(separator: ", "))], by: \(by), date: \(date)}")
            } else {
                conclusions.append("    \(d): {result: 未发现问题, by: \(by), date: \(date)}")
            }
        }
        if case .full(missingConclusion: true) = plan, !conclusions.isEmpty {
            conclusions.remove(at: r.int(0...(conclusions.count - 1)))
        }
        line("audit:")
        line("  program: \(program.id)")
        if !itemLines.isEmpty {
            line("  items:")
            for l in itemLines { line(l) }
        }
        if !conclusions.isEmpty {
            line("  conclusions:")
            for l in conclusions { line(l) }
        }
    }
}
