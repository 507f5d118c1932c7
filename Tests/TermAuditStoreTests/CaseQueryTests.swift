import Foundation
import Testing
import TermAudit
@testable import TermAuditStore

/// The case list's query layer: each filter selects exactly the index rows it names, on both engines; every order
/// pages by keyset through every case once, in code-point order.
@Suite struct CaseQueryTests {
    @Test(arguments: S.engines) func searchFilterSortAndPage(engine: S.Engine) throws {
        let store = try S.open(try S.location(engine))
        defer { S.close(store) }
        _ = try FolderTransfer.importFolder(S.samples.path, into: store, author: "a", note: "", today: S.today)
        let all = try store.list()
        // The samples hold cases with departments yet to conclude and with overdue items (else the filters prove nothing).
        #expect(all.contains { !$0.pending.isEmpty } && all.contains { $0.pending.isEmpty })
        #expect(all.contains { $0.overdue > 0 } && all.contains { $0.overdue == 0 })
        func ids(_ q: Store.CaseQuery) throws -> [String] { try store.list(q).map(\.caseID) }
        func check(_ q: Store.CaseQuery, _ expected: [String], _ what: String) throws {
            #expect(try ids(q) == expected, "\(what)")
            #expect(try store.count(q) == expected.count, "\(what) count")
        }

        // Search: part of the name, the unit or the id; LIKE's wildcards typed are matched as themselves.
        for term in ["水务", "镇", "王", "2024-01", "%", "_", "\\", "' OR 1=1 --"] {
            try check(Store.CaseQuery(search: term),
                      all.filter { $0.official.contains(term) || $0.unit.contains(term) || $0.caseID.contains(term) }.map(\.caseID), "search \(term)")
        }
        #expect(try ids(Store.CaseQuery(search: "水务")).isEmpty == false)
        for d in ["discipline", "organization", "personnel", "audit"] {
            try check(Store.CaseQuery(pendingDepartment: d), all.filter { $0.pending.contains(d) }.map(\.caseID), "department \(d)")
        }
        try check(Store.CaseQuery(overdueOnly: true), all.filter { $0.overdue > 0 }.map(\.caseID), "overdue")
        try check(Store.CaseQuery(termEndFrom: "2024-01-01", termEndTo: "2024-12-31"),
                  all.filter { $0.termEnd >= "2024-01-01" && $0.termEnd <= "2024-12-31" }.map(\.caseID), "term window")
        try check(Store.CaseQuery(state: "auditing", search: "局", pendingDepartment: "audit"),
                  all.filter { $0.state == "auditing" && ($0.official.contains("局") || $0.unit.contains("局") || $0.caseID.contains("局"))
                      && $0.pending.contains("audit") }.map(\.caseID), "combined")

        // Every order, three cases a page: each case once, sorted by the key then the id.
        for order in Store.CaseQuery.Order.allCases {
            var q = Store.CaseQuery(order: order, limit: 3)
            var seen: [String] = []
            while true {
                let page = try store.list(q)
                seen += page.map(\.caseID)
                guard page.count == 3, let last = page.last else { break }
                q.after = q.cursor(of: last)
            }
            let key: (Store.Listing) -> String = {
                switch order {
                case .id: $0.caseID
                case .termEnd: $0.termEnd
                case .name: $0.official
                case .unit: $0.unit
                }
            }
            let expected = all.sorted { (Array(key($0).unicodeScalars.map(\.value)), $0.caseID) < (Array(key($1).unicodeScalars.map(\.value)), $1.caseID) }
            #expect(seen == expected.map(\.caseID), "order \(order)")
        }
    }
}

/// Tuples of an array and a string compare lexicographically.
private func < (a: ([UInt32], String), b: ([UInt32], String)) -> Bool {
    if a.0 != b.0 { return a.0.lexicographicallyPrecedes(b.0) }
    return a.1 < b.1
}
