import Foundation
import TermAudit

/// Reads one case file into an `AuditCase`, checking it against the library and the policy.
struct CaseReader {
    let reader: YAMLReader
    let library: Library
    let policy: Policy?
    /// What the workspace settings add to the checks.
    var context = CaseContext()
    private var asOf: Day? { context.asOf }

    private var r: YAMLReader { reader }

    static let topKeys = ["id", "official", "post", "trigger", "team", "indicators", "handover", "findings", "assessment", "audit", "signoffs"]

    func read(_ root: Node) -> AuditCase? {
        guard let f = r.mapping(root, of: "the case", keys: Self.topKeys) else { return nil }
        let idLocation = f.values["id"].map { r.location($0.value) } ?? r.location(root)
        let id = f.required("id") { r.identifier($0, "id") }
        let official = f.required("official") { readOfficial($0) }
        let post = f.required("post") { readPost($0) }
        let trigger = f.required("trigger") { r.choice($0, "trigger", Trigger.self) }
        var team: [TeamMember] = []
        _ = f.optional("team") { n -> Bool? in team = readTeam(n); return true }
        var findings: [Finding] = []
        var findingIDs = Set<String>()
        _ = f.optional("findings") { n -> Bool? in (findings, findingIDs) = readFindings(n); return true }
        var indicators: [Indicator] = []
        _ = f.optional("indicators") { n -> Bool? in indicators = readIndicators(n); return true }
        let handover = f.optional("handover") { readHandover($0, findingIDs: findingIDs, official: official?.name) }
        var assessment: [AssessmentYear] = []
        _ = f.optional("assessment") { n -> Bool? in assessment = readAssessment(n); return true }
        var signoffs: [Signoff] = []
        _ = f.optional("signoffs") { n -> Bool? in signoffs = readSignoffs(n); return true }
        let audit = f.optional("audit") { readAudit($0, team: team, findingIDs: findingIDs) }
        checkFindingOwners(findings, audit)
        guard let id, let official, let post, let trigger else { return nil }
        return AuditCase(id: id, official: official, post: post, trigger: trigger, team: team, indicators: indicators,
                         handover: handover, findings: findings, assessment: assessment, signoffs: signoffs, audit: audit,
                         location: idLocation)
    }

    /// Every finding belongs to the department that found it — through an audit item or a conclusion that lists it,
    /// or its own `department` — wherever departments are tracked (the case's audit program or the workspace's). A
    /// department that concludes 未发现问题 may not own a finding.
    func checkFindingOwners(_ findings: [Finding], _ audit: AuditWork?) {
        guard !findings.isEmpty, let pid = audit?.program ?? context.auditProgram, let program = library.auditPrograms[pid] else { return }
        var owners: [String: Set<String>] = [:]
        for f in findings { if let d = f.department { owners[f.id, default: []].insert(d) } }
        if let audit {
            for item in program.items {
                guard let state = audit.items[item.id] else { continue }
                let d = context.auditReassign[pid]?[item.id] ?? item.department
                for id in state.findings { owners[id, default: []].insert(d) }
            }
            for (d, c) in audit.conclusions { for id in c.findings { owners[id, default: []].insert(d) } }
        }
        let departments = library.departments.map(\.id)
        for f in findings where owners[f.id] == nil {
            r.report(line: f.location.line, column: f.location.column, code: "no-department",
                     "finding \(f.id) belongs to no department",
                     hint: "list it under the audit item that found it (audit.items.ITEM.findings: [\(f.id)]), or give it department: one of \(departments.joined(separator: ", "))")
        }
        guard let audit else { return }
        for (d, c) in audit.conclusions.sorted(by: { $0.key < $1.key }) where c.result == .noProblem {
            let owned = findings.filter { owners[$0.id]?.contains(d) == true }.map(\.id)
            guard !owned.isEmpty else { continue }
            r.report(line: c.location.line, column: c.location.column, code: "inconsistent-conclusion",
                     "the conclusion of \(d) is 未发现问题, but \(owned.count == 1 ? "finding \(owned[0]) belongs" : "findings \(owned.joined(separator: ", ")) belong") to \(d)",
                     hint: "conclude 发现问题 listing \(owned.joined(separator: ", ")), or give each finding to the department that found it")
        }
    }

    func readOfficial(_ node: Node) -> Official? {
        guard let f = r.mapping(node, of: "official", keys: ["name", "staff_id", "national_id", "service_start", "born", "sex", "sanctions"]) else { return nil }
        let name = f.required("name") { r.text($0, "official.name") }
        let staff = f.optional("staff_id") { r.text($0, "official.staff_id") }
        let nid = f.optional("national_id") { n -> String? in
            guard let s = r.text(n, "official.national_id") else { return nil }
            if case .scalar(let sc) = n, sc.style == .plain, n.tag.kind != .str {
                r.report(n, code: "unquoted-id", "official.national_id should be quoted text",
                         hint: "write national_id: \"\(s)\" so that no tool reads it as a number")
            }
            let valid = (s.count == 18 && s.prefix(17).allSatisfy(\.isASCIIDigit) && (s.last!.isASCIIDigit || s.last == "X" || s.last == "x"))
                || (s.count == 15 && s.allSatisfy(\.isASCIIDigit))
            if !valid {
                r.report(n, code: "bad-value", "official.national_id '\(s)' is not an 18-character (or old 15-digit) identity number",
                         hint: "17 digits and a check character (digit or X)")
            }
            return s
        }
        let start = f.optional("service_start") { r.day($0, "official.service_start") }
        let born = f.optional("born") { r.day($0, "official.born") }
        if let start, let born, start < born {
            r.report(node, code: "bad-value", "official.service_start \(start) is before official.born \(born)")
        }
        let sex = f.optional("sex") { r.choice($0, "official.sex", Sex.self) }
        let sanctions = f.optional("sanctions") { readSanctions($0) } ?? []
        guard let name else { return nil }
        return Official(name: name, staffID: staff, nationalID: nid, serviceStart: start, born: born, sex: sex, sanctions: sanctions)
    }

    /// `official.sanctions`: 诫勉、组织处理、处分 on record, each `{kind, date, until?, note?}`.
    func readSanctions(_ node: Node) -> [Sanction]? {
        var out: [Sanction] = []
        r.sequence(node, of: "official.sanctions") { n, i in
            guard let f = r.mapping(n, of: "official.sanctions[\(i)]", keys: ["kind", "date", "until", "note"]) else { return }
            let kind = f.required("kind") { r.choice($0, "sanction kind", SanctionKind.self) }
            let date = f.required("date") { r.day($0, "sanction date") }
            let until = f.optional("until") { r.day($0, "sanction until") }
            let note = f.optional("note") { r.text($0, "note", allowEmpty: true) }
            guard let kind, let date else { return }
            afterAsOf(f.node("date"), date, "sanction date")
            if let until, until <= date {
                r.report(f.node("until") ?? n, code: "bad-value", "sanction until \(until) is not after its date \(date)",
                         hint: "until is the first day the sanction no longer applies")
            }
            out.append(Sanction(kind: kind, date: date, until: until, note: note, location: r.location(n)))
        }
        return out
    }

    /// Reports a date after the workspace's `as_of` at `node` (nothing without an `as_of`).
    func afterAsOf(_ node: Node?, _ day: Day, _ what: String, shown: Bool = true) {
        guard let asOf, day > asOf, let node else { return }
        r.report(node, code: "after-as-of", "\(what)\(shown ? " \(day)" : "") is after the workspace's as_of \(asOf)",
                 hint: "a record cannot postdate the reference date; check the date, or move as_of in termaudit.yaml")
    }

    /// With a unit registry, `name` must be a registered unit's name or alias.
    func registered(_ node: Node?, _ name: String, _ what: String) {
        guard let units = context.units, units.unit(named: name) == nil, let node else { return }
        r.report(node, code: "unknown-unit", "\(what) '\(name)' is not a unit of \(UnitsReader.fileName)",
                 hint: Suggest.closest(to: name, in: units.allNames).map { "did you mean '\($0)'?" }
                    ?? "write a registered unit's name or alias, or add the unit to \(UnitsReader.fileName)")
    }

    func readPost(_ node: Node) -> Post? {
        guard let f = r.mapping(node, of: "post", keys: ["unit", "title", "rank", "level", "system", "basis", "decided",
                                                          "inherits", "terms_before", "years_at_level"]) else { return nil }
        let unit = f.required("unit") { r.text($0, "post.unit") }
        let title = f.required("title") { r.text($0, "post.title") }
        let rank = f.required("rank") { r.choice($0, "post.rank", Rank.self) }
        let level = f.required("level") { r.text($0, "post.level") }
        let system = f.required("system") { r.text($0, "post.system") }
        let basis = f.required("basis") { r.choice($0, "post.basis", Basis.self) }
        let decided = f.required("decided") { r.day($0, "post.decided") }
        let inherits = f.optional("inherits") { n -> DayRange? in
            guard let t = r.text(n, "post.inherits") else { return nil }
            let parts = t.components(separatedBy: "..")
            guard parts.count == 2 else {
                r.report(n, code: "bad-value", "post.inherits '\(t)' should be a date range START..END",
                         hint: "e.g. 2018-01-01..2022-12-31 (the predecessor's counted term)")
                return nil
            }
            let a = parts[0].trimmingCharacters(in: .whitespaces), b = parts[1].trimmingCharacters(in: .whitespaces)
            guard let s = Day(iso: a), let e = Day(iso: b) else {
                r.report(n, code: "bad-date", "post.inherits '\(t)' has a date that is not YYYY-MM-DD or does not exist",
                         hint: "e.g. 2018-01-01..2022-12-31")
                return nil
            }
            guard LoaderLimits.years.contains(s.year), LoaderLimits.years.contains(e.year) else {
                r.report(n, code: "out-of-range", "post.inherits '\(t)' is outside the years \(LoaderLimits.years.lowerBound)–\(LoaderLimits.years.upperBound)",
                         hint: "check the years")
                return nil
            }
            guard let range = DayRange(start: s, end: e) else {
                r.report(n, code: "bad-value", "post.inherits ends (\(e)) before it starts (\(s))", hint: "write START..END")
                return nil
            }
            return range
        }
        let before = f.optional("terms_before") { r.integer($0, "post.terms_before", in: 0...20) } ?? 0
        let years = f.optional("years_at_level") { r.integer($0, "post.years_at_level", in: 0...60) }
        if let inherits, let decided, let n = f.node("inherits") {
            for p in InheritedTermCheck.problems(inherits: inherits, decided: decided, termYears: policy?.term.years) {
                r.report(n, code: "bad-value", p.message, hint: p.hint)
            }
        }
        if let decided { afterAsOf(f.node("decided"), decided, "post.decided") }
        if let unit { registered(f.node("unit"), unit, "post.unit") }
        guard let unit, let title, let rank, let level, let system, let basis, let decided else { return nil }
        return Post(unit: unit, title: title, rank: rank, level: level, system: system, basis: basis, decided: decided,
                    inherits: inherits, termsBefore: before, yearsAtLevel: years)
    }

    func readTeam(_ node: Node) -> [TeamMember] {
        var out: [TeamMember] = []
        var names: [String: SourceLocation] = [:]
        r.sequence(node, of: "team") { n, i in
            guard let f = r.mapping(n, of: "team[\(i)]", keys: ["name", "department", "unit", "leader"]) else { return }
            let name = f.required("name") { r.text($0, "team member name") }
            let dept = f.required("department") { r.oneOf($0, "department", vocabulary: library.departments) }
            let unit = f.required("unit") { r.text($0, "team member unit") }
            if let unit { registered(f.node("unit"), unit, "team member unit") }
            let leader = f.optional("leader") { r.bool($0, "leader") } ?? false
            guard let name, let dept, let unit else { return }
            if let first = names[name] {
                r.report(n, code: "duplicate-member", "\(name) is listed twice in the team",
                         hint: "the first entry is at line \(first.line); list each member once")
            } else {
                names[name] = r.location(n)
            }
            out.append(TeamMember(name: name, department: dept, unit: unit, leader: leader, location: r.location(n)))
        }
        return out
    }

    func readIndicators(_ node: Node) -> [Indicator] {
        var out: [Indicator] = []
        var ids: [String: Int] = [:]
        r.sequence(node, of: "indicators") { n, i in
            guard let f = r.mapping(n, of: "indicators[\(i)]", keys: ["id", "area", "name", "unit", "target", "actual", "rating",
                                                                      "better", "weight", "note"]) else { return }
            let id = f.required("id") { r.identifier($0, "indicator id") }
            let area = f.required("area") { r.oneOf($0, "indicator area", vocabulary: library.goalAreas) }
            let name = f.required("name") { r.text($0, "indicator name") }
            let unit = f.optional("unit") { r.text($0, "indicator unit") }
            let weight = f.optional("weight") { w -> Double? in
                guard let v = r.number(w, "weight") else { return nil }
                if v <= 0 { r.report(w, code: "out-of-range", "weight is \(v); it must be greater than 0", hint: "leave it out for the default weight 1"); return nil }
                return v
            } ?? 1
            let note = f.optional("note") { r.text($0, "note", allowEmpty: true) }
            var measure: Indicator.Measure?
            if let targetNode = f.node("target") {
                if case .scalar = targetNode, [.int, .float].contains(targetNode.tag.kind) {
                    // Quantitative.
                    let target = r.number(targetNode, "target")
                    if let target, target < 0 {
                        r.report(targetNode, code: "negative-target", "target is \(target); a target cannot be negative",
                                 hint: "for a reduction, give the level to stay under and set `better: lower`")
                    }
                    let actual = f.optional("actual") { r.number($0, "actual") }
                    let better = f.required("better") { r.choice($0, "better", Direction.self) }
                    if let rn = f.node("rating") {
                        r.report(rn, code: "wrong-key", "a quantitative indicator (a number target) takes `actual`, not `rating`",
                                 hint: "remove `rating`, or make the target text for a qualitative indicator")
                    }
                    if let target, target >= 0, let better { measure = .quantitative(target: target, actual: actual, better: better) }
                } else {
                    let target = r.text(targetNode, "target")
                    let rating = f.optional("rating") { r.choice($0, "rating", Rating.self) }
                    if let an = f.node("actual") {
                        r.report(an, code: "wrong-key", "a qualitative indicator (a text target) takes `rating`, not `actual`",
                                 hint: "use rating: achieved | partial | not_achieved")
                    }
                    if let bn = f.node("better") {
                        r.report(bn, code: "wrong-key", "`better` applies only to a number target", hint: "remove it")
                    }
                    if let target { measure = .qualitative(target: target, rating: rating) }
                }
            } else {
                r.report(n, code: "missing-key", "indicators[\(i)] has no 'target'", hint: "a number, or text for a qualitative goal")
            }
            guard let id, let area, let name, let measure else { return }
            if let first = ids[id] {
                r.report(n, code: "duplicate-id", "indicator id '\(id)' is used twice", hint: "the first is at line \(first)")
            } else {
                ids[id] = r.location(n).line
            }
            out.append(Indicator(id: id, area: area, name: name, unit: unit, measure: measure, weight: weight, note: note, location: r.location(n)))
        }
        return out
    }

    func readHandover(_ node: Node, findingIDs: Set<String>, official: String?) -> Handover? {
        guard let f = r.mapping(node, of: "handover", keys: ["checklist", "items", "parties", "notified", "due"]) else { return nil }
        let templates = library.handoverTemplates.keys.sorted()
        let checklist = f.required("checklist") { r.oneOf($0, "handover.checklist", templates) }
        let template = checklist.flatMap { library.handoverTemplates[$0] }
        var items: [String: ItemState] = [:]
        _ = f.optional("items") { n -> Bool? in
            guard visitMapping(n, "handover.items") else { return nil }
            guard case .mapping(let m) = n else { return nil }
            let allowed = template?.allItems.map(\.item.id) ?? []
            for (k, v) in m {
                guard let key = r.text(k, "item id") else { continue }
                if template != nil, !allowed.contains(key) {
                    r.report(k, code: "unknown-item", "'\(key)' is not an item of checklist \(checklist ?? "")",
                             hint: Suggest.hint(for: key, in: allowed))
                    continue
                }
                if let state = readItem(v, key: key, findingIDs: findingIDs) { items[key] = state }
            }
            return true
        }
        var parties: [String: String] = [:]
        _ = f.optional("parties") { n -> Bool? in
            guard let p = r.mapping(n, of: "handover.parties", keys: ["outgoing", "incoming", "supervisor"]) else { return nil }
            for k in ["outgoing", "incoming", "supervisor"] { parties[k] = p.optional(k) { r.text($0, "handover.parties.\(k)") } }
            // Who may hold which part of the handover (移交人 is the audited official; 监交人 is neither party).
            if let o = parties["outgoing"], let official, o != official, let at = p.node("outgoing") {
                r.report(at, code: "party-conflict", "handover.parties.outgoing '\(o)' is not the audited official '\(official)'",
                         hint: "the outgoing party (移交人) is the official whose case this is: write outgoing: \(official)")
            }
            if let i = parties["incoming"], let at = p.node("incoming"), i == official || i == parties["outgoing"] {
                r.report(at, code: "party-conflict", "handover.parties.incoming '\(i)' is the outgoing official",
                         hint: "the incoming party (接交人) is the successor who takes over the post")
            }
            if let sv = parties["supervisor"], let at = p.node("supervisor"),
               [parties["outgoing"], parties["incoming"], official].contains(sv) {
                r.report(at, code: "party-conflict", "handover.parties.supervisor '\(sv)' is also \(sv == parties["incoming"] ? "the incoming" : "the outgoing") party",
                         hint: "the supervisor (监交人) oversees the handover and may be neither the outgoing nor the incoming official")
            }
            return true
        }
        let notified = f.optional("notified") { r.day($0, "handover.notified") }
        let due = f.optional("due") { r.day($0, "handover.due") }
        if let notified, let due, due < notified, let n = f.node("due") {
            r.report(n, code: "bad-value", "handover.due \(due) is before handover.notified \(notified)")
        }
        guard let checklist else { return nil }
        return Handover(checklist: checklist, items: items, parties: parties, notified: notified, due: due)
    }

    private func visitMapping(_ n: Node, _ what: String) -> Bool {
        guard r.visit(n) else { return false }
        guard case .mapping = n else {
            r.report(n, code: "wrong-type", "\(what) should be a mapping (item id: status), found \(YAMLReader.describe(n))")
            return false
        }
        return true
    }

    func readItem(_ node: Node, key: String, findingIDs: Set<String>) -> ItemState? {
        if case .scalar = node {
            guard let s = r.choice(node, "status of \(key)", ItemStatus.self) else { return nil }
            return ItemState(status: s, location: r.location(node))
        }
        guard let f = r.mapping(node, of: "item \(key)", keys: ["status", "note", "reason", "finding"]) else { return nil }
        let status = f.required("status") { r.choice($0, "status of \(key)", ItemStatus.self) }
        let note = f.optional("note") { r.text($0, "note", allowEmpty: true) }
        let reason = f.optional("reason") { r.text($0, "reason") }
        let finding = f.optional("finding") { n -> String? in
            guard let id = r.text(n, "finding") else { return nil }
            if !findingIDs.contains(id) {
                r.report(n, code: "undefined-finding", "item \(key) refers to finding '\(id)', which is not defined in `findings`",
                         hint: findingIDs.isEmpty ? "add it under `findings:`" : Suggest.hint(for: id, in: findingIDs.sorted()))
                return nil
            }
            return id
        }
        guard let status else { return nil }
        return ItemState(status: status, note: note, reason: reason, finding: finding, location: r.location(node))
    }

    /// The findings, and every id declared (also of findings with other errors, so that references to them
    /// are not reported a second time).
    func readFindings(_ node: Node) -> ([Finding], Set<String>) {
        var out: [Finding] = []
        var declared = Set<String>()
        var ids: [String: Int] = [:]
        r.sequence(node, of: "findings") { n, i in
            guard let f = r.mapping(n, of: "findings[\(i)]", keys: ["id", "title", "category", "responsibility", "status",
                                                                    "amount", "note", "due", "department"]) else { return }
            let id = f.required("id") { r.identifier($0, "finding id") }
            if let id { declared.insert(id) }
            let title = f.required("title") { r.text($0, "finding title") }
            let category = f.required("category") { r.oneOf($0, "finding category", vocabulary: library.findingCategories) }
            let resp = f.optional("responsibility") { r.oneOf($0, "responsibility", vocabulary: library.responsibilities) }
            let status = f.required("status") { r.choice($0, "finding status", FindingStatus.self) }
            let amount = f.optional("amount") { a -> Double? in
                guard let v = r.number(a, "amount") else { return nil }
                if v < 0 { r.report(a, code: "out-of-range", "amount is \(v); an amount cannot be negative") }
                return v
            }
            let note = f.optional("note") { r.text($0, "note", allowEmpty: true) }
            let due = f.optional("due") { r.day($0, "finding due date") }
            let dept = f.optional("department") { r.oneOf($0, "finding department", vocabulary: library.departments) }
            guard let id, let title, let category, let status else { return }
            if let first = ids[id] {
                r.report(n, code: "duplicate-id", "finding id '\(id)' is used twice", hint: "the first is at line \(first)")
            } else {
                ids[id] = r.location(n).line
            }
            out.append(Finding(id: id, title: title, category: category, responsibility: resp, status: status, amount: amount,
                               note: note, due: due, department: dept, location: r.location(n)))
        }
        return (out, declared)
    }

    func readAssessment(_ node: Node) -> [AssessmentYear] {
        var out: [AssessmentYear] = []
        var years: [Int: Int] = [:]
        let maxScore = policy?.assessment.scaleMax ?? 100
        r.sequence(node, of: "assessment") { n, i in
            guard let f = r.mapping(n, of: "assessment[\(i)]", keys: ["year", "performance", "opinion", "grade", "team_class", "team_score"]) else { return }
            let year = f.required("year") { r.integer($0, "year", in: 1949...2100) }
            if let year, let asOf, year > asOf.year, let n = f.node("year") {
                r.report(n, code: "after-as-of", "assessment year \(year) is after the workspace's as_of \(asOf)",
                         hint: "a year cannot be assessed before it has begun; check the year, or move as_of in termaudit.yaml")
            }
            func score(_ key: String) -> Double? {
                f.optional(key) { s -> Double? in
                    guard let v = r.number(s, key) else { return nil }
                    guard v >= 0, v <= maxScore else {
                        r.report(s, code: "out-of-range", "\(key) is \(v), outside the 0–\(Int(maxScore)) scale")
                        return nil
                    }
                    return v
                }
            }
            let perf = score("performance"), opinion = score("opinion"), teamScore = score("team_score")
            let grade = f.optional("grade") { g -> Grade? in
                guard let t = r.text(g, "grade") else { return nil }
                if let v = Grade(text: t) { return v }
                r.report(g, code: "bad-value", "grade '\(t)' is not a grade", hint: "one of 优秀, 称职, 基本称职, 不称职")
                return nil
            }
            let cls = f.optional("team_class") { r.integer($0, "team_class", in: 1...4) }
            guard let year else { return }
            if let first = years[year] {
                r.report(n, code: "duplicate-year", "year \(year) is assessed twice", hint: "the first is at line \(first)")
                return
            }
            years[year] = r.location(n).line
            out.append(AssessmentYear(year: year, performance: perf, opinion: opinion, grade: grade, teamClass: cls,
                                      teamScore: teamScore, location: r.location(n)))
        }
        return out.sorted { $0.year < $1.year }
    }

    /// Finding ids in a list; each must be defined in `findings`.
    func findingList(_ node: Node, _ what: String, findingIDs: Set<String>) -> [String] {
        var out: [String] = []
        r.sequence(node, of: what) { n, _ in
            guard let id = r.text(n, "finding id") else { return }
            if findingIDs.contains(id) {
                out.append(id)
            } else {
                r.report(n, code: "undefined-finding", "\(what) refers to finding '\(id)', which is not defined in `findings`",
                         hint: findingIDs.isEmpty ? "add it under `findings:`" : Suggest.hint(for: id, in: findingIDs.sorted()))
            }
        }
        return out
    }

    func member(_ node: Node, _ what: String, team: [TeamMember]) -> String? {
        guard let name = r.text(node, what) else { return nil }
        if !team.contains(where: { $0.name == name }) {
            r.report(node, code: "unknown-member", "\(what) '\(name)' is not a member of the audit team",
                     hint: team.isEmpty ? "list the team under `team:`" : Suggest.hint(for: name, in: team.map(\.name)))
            return nil
        }
        return name
    }

    func readAudit(_ node: Node, team: [TeamMember], findingIDs: Set<String>) -> AuditWork? {
        guard let f = r.mapping(node, of: "audit", keys: ["program", "items", "conclusions"]) else { return nil }
        let program = f.required("program") { r.oneOf($0, "audit.program", library.auditPrograms.keys.sorted()) }
        let def = program.flatMap { library.auditPrograms[$0] }
        var items: [String: AuditItemState] = [:]
        _ = f.optional("items") { n -> Bool? in
            guard r.visit(n) else { return nil }
            guard case .mapping(let m) = n else {
                r.report(n, code: "wrong-type", "audit.items should be a mapping (item id: status), found \(YAMLReader.describe(n))")
                return nil
            }
            let allowed = def?.items.map(\.id) ?? []
            for (k, v) in m {
                guard let key = r.text(k, "audit item id") else { continue }
                if def != nil, !allowed.contains(key) {
                    r.report(k, code: "unknown-item", "'\(key)' is not an item of audit program \(program ?? "")",
                             hint: Suggest.hint(for: key, in: allowed))
                    continue
                }
                if case .scalar = v {
                    if let st = r.choice(v, "status of \(key)", AuditItemStatus.self) { items[key] = AuditItemState(status: st, location: r.location(v)) }
                    continue
                }
                guard let it = r.mapping(v, of: "audit item \(key)", keys: ["status", "findings", "examiner", "reason", "note"]) else { continue }
                let st = it.required("status") { r.choice($0, "status of \(key)", AuditItemStatus.self) }
                let fs = it.optional("findings") { findingList($0, "audit item \(key)", findingIDs: findingIDs) } ?? []
                let ex = it.optional("examiner") { member($0, "examiner", team: team) }
                let reason = it.optional("reason") { r.text($0, "reason") }
                let note = it.optional("note") { r.text($0, "note", allowEmpty: true) }
                if let st { items[key] = AuditItemState(status: st, findings: fs, examiner: ex, reason: reason, note: note, location: r.location(v)) }
            }
            return true
        }
        var conclusions: [String: Conclusion] = [:]
        _ = f.optional("conclusions") { n -> Bool? in
            guard r.visit(n) else { return nil }
            guard case .mapping(let m) = n else {
                r.report(n, code: "wrong-type", "audit.conclusions should be a mapping (department: conclusion), found \(YAMLReader.describe(n))")
                return nil
            }
            for (k, v) in m {
                guard let dept = r.oneOf(k, "department", vocabulary: library.departments) else { continue }
                guard let c = r.mapping(v, of: "conclusion of \(dept)", keys: ["result", "findings", "by", "date"]) else { continue }
                let result = c.required("result") { r.choice($0, "result", Conclusion.Result.self) }
                let fs = c.optional("findings") { findingList($0, "conclusion of \(dept)", findingIDs: findingIDs) } ?? []
                let by = c.required("by") { member($0, "conclusion given by", team: team) }
                let date = c.required("date") { r.day($0, "conclusion date") }
                if let date { afterAsOf(c.node("date"), date, "conclusion date of \(dept)") }
                if let result, let by, let date {
                    conclusions[dept] = Conclusion(result: result, findings: fs, by: by, date: date, location: r.location(v))
                }
            }
            return true
        }
        guard let program else { return nil }
        return AuditWork(program: program, items: items, conclusions: conclusions)
    }

    func readSignoffs(_ node: Node) -> [Signoff] {
        var out: [Signoff] = []
        r.sequence(node, of: "signoffs") { n, i in
            guard let f = r.mapping(n, of: "signoffs[\(i)]", keys: ["role", "name", "post", "time", "digest", "signature",
                                                                    "public_key", "sections"]) else { return }
            let role = f.required("role") { r.identifier($0, "role") }
            let name = f.required("name") { r.text($0, "name") }
            let post = f.optional("post") { r.text($0, "post", allowEmpty: true) } ?? ""
            let time = f.required("time") { r.text($0, "time") }
            if let time, let day = Day(iso: String(time.prefix(10))) { afterAsOf(f.node("time"), day, "signature time \(time)", shown: false) }
            let digest = f.required("digest") { r.text($0, "digest") }
            let signature = f.required("signature") { r.text($0, "signature") }
            let key = f.required("public_key") { r.text($0, "public_key") }
            var sections: [String: String] = [:]
            _ = f.optional("sections") { s -> Bool? in
                guard case .mapping(let m) = s else {
                    r.report(s, code: "wrong-type", "sections should be a mapping of section → digest")
                    return nil
                }
                for (k, v) in m { if let kk = r.text(k, "section"), let vv = r.text(v, "digest") { sections[kk] = vv } }
                return true
            }
            guard let role, let name, let time, let digest, let signature, let key else { return }
            out.append(Signoff(role: role, name: name, post: post, time: time, digest: digest, signature: signature,
                               publicKey: key, sections: sections, location: r.location(n)))
        }
        return out
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
