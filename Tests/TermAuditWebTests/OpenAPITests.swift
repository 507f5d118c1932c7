import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import TermAuditSignoff
import Yams
@testable import TermAuditStore
@testable import TermAuditWeb

/// Checks answers against the OpenAPI document: the status is one the operation documents, and a JSON answer has
/// the documented types, required properties and enumerations (a small validator, enough for this document).
struct OpenAPIChecker {
    let doc: [String: Any]

    init() throws {
        doc = try #require(try Yams.load(yaml: OpenAPIDocument.yaml) as? [String: Any])
    }

    var paths: [String: [String: Any]] { doc["paths"] as? [String: [String: Any]] ?? [:] }

    /// Every (path, method) the document names.
    var operations: [(path: String, method: String)] {
        paths.flatMap { path, item in item.keys.filter { ["get", "put", "post", "delete"].contains($0) }.map { (path, $0) } }
            .sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    func resolve(_ v: Any?) -> [String: Any]? {
        guard var o = v as? [String: Any] else { return nil }
        while let ref = o["$ref"] as? String {
            var node: Any = doc
            for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] as Any }
            guard let next = node as? [String: Any] else { return nil }
            o = next
        }
        return o
    }

    /// What is wrong with `response` for the operation (empty: nothing).
    func problems(_ path: String, _ method: String, _ response: TestResponse) -> [String] {
        guard let op = paths[path]?[method] as? [String: Any], let responses = op["responses"] as? [String: Any] else {
            return ["\(method.uppercased()) \(path) is not documented"]
        }
        let code = String(response.status.code)
        guard let documented = resolve(responses[code]) else {
            return ["\(method.uppercased()) \(path) answered \(code), which the document does not list (\(responses.keys.sorted()))"]
        }
        guard let content = documented["content"] as? [String: Any] else { return [] }
        let type = (response.headers[.contentType] ?? "").split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
        guard let media = content[type] as? [String: Any] else {
            return ["\(method.uppercased()) \(path) \(code): content type \(type), documented \(content.keys.sorted())"]
        }
        guard type == "application/json", let schema = media["schema"] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8), options: [.fragmentsAllowed]) else {
            return ["\(method.uppercased()) \(path) \(code): not JSON"]
        }
        return check(value, schema, at: "\(method.uppercased()) \(path) \(code) $")
    }

    func check(_ value: Any, _ schemaAny: Any, at: String) -> [String] {
        guard let schema = resolve(schemaAny) else { return [] }
        var out: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty {
            let ok = types.contains { t in
                switch t {
                case "object": return value is [String: Any]
                case "array": return value is [Any]
                case "string": return value is String
                case "integer": return (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
                case "number": return value is NSNumber
                case "boolean": return value is Bool
                case "null": return value is NSNull
                default: return true
                }
            }
            if !ok { return ["\(at): \(type(of: value)) is not \(types)"] }
        }
        if let allowed = schema["enum"] as? [String], let s = value as? String, !allowed.contains(s) { out.append("\(at): '\(s)' is not one of \(allowed)") }
        if let o = value as? [String: Any] {
            for r in schema["required"] as? [String] ?? [] where o[r] == nil { out.append("\(at): '\(r)' is missing") }
            for (k, s) in schema["properties"] as? [String: Any] ?? [:] { if let v = o[k] { out += check(v, s, at: "\(at).\(k)") } }
        }
        if let a = value as? [Any], let items = schema["items"] {
            for (i, v) in a.enumerated().prefix(50) { out += check(v, items, at: "\(at)[\(i)]") }
        }
        return out
    }
}

@Suite("Web application: the OpenAPI document")
struct OpenAPITests {
    @Test("the served document is valid OpenAPI 3.1 (openapi-spec-validator)")
    func valid() async throws {
        let f = try Fixture.make()
        let dir = f.dir
        try await f.test { client in
            let r = try await client.get("/openapi.yaml", nil)
            #expect(r.status == .ok)
            #expect(String(buffer: r.body) == OpenAPIDocument.yaml)
            let file = dir.appendingPathComponent("openapi.yaml")
            try OpenAPIDocument.yaml.write(to: file, atomically: true, encoding: .utf8)
            let check = try Fixture.run(["python3", "-c",
                                         "import sys, yaml; from openapi_spec_validator import validate; validate(yaml.safe_load(open(sys.argv[1])))",
                                         file.path])
            #expect(check.status == 0, "openapi-spec-validator refused the document")
        }
    }

    @Test("every documented route answers as documented, signed in and signed out")
    func everyRoute() async throws {
        let f = try Fixture.make()
        let (password, leaderPassword) = (f.password("admin"), f.password("leader"))
        try await f.test { client in
            let api = try OpenAPIChecker()
            #expect(api.operations.count == 16)
            // The checker is not blind: a list item without its fields, a wrong state and a string for a number are caught.
            #expect(api.check(["id": "x", "revision": "1", "state": "lost"], ["$ref": "#/components/schemas/CaseListItem"], at: "$").count == 7)
            var called = Set<String>()
            func call(_ path: String, _ method: String, uri: String, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
                let r = try await client.execute(uri: uri, method: HTTPRequest.Method(method.uppercased())!, headers: headers, body: body)
                let problems = api.problems(path, method, r)
                #expect(problems.isEmpty, "\(problems)")
                called.insert("\(method) \(path)")
                return r
            }
            // Signed out: every route but sign-in answers 401 as documented.
            for (path, method) in api.operations where !(path == "/api/v1/session" && method == "post") {
                let uri = path.replacingOccurrences(of: "{id}", with: "2024-007").replacingOccurrences(of: "{section}", with: "indicators")
                    .replacingOccurrences(of: "{job}", with: "nojob")
                let r = try await call(path, method, uri: uri)
                #expect(r.status == .unauthorized, "\(method) \(path) signed out: \(r.status)")
            }
            called.removeAll()
            let signIn = try await call("/api/v1/session", "post", uri: "/api/v1/session", headers: [.contentType: "application/json"],
                                        body: ByteBuffer(string: #"{"username": "admin", "password": "\#(password)"}"#))
            let csrf = try #require(try json(signIn)["csrf_token"] as? String)
            let cookie = String(try #require(signIn.headers[.setCookie]).split(separator: ";")[0])
            let read: HTTPFields = [.cookie: cookie]
            var write: HTTPFields = [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf]
            _ = try await call("/api/v1/cases", "get", uri: "/api/v1/cases?limit=5", headers: read)
            _ = try await call("/api/v1/cases/{id}", "get", uri: "/api/v1/cases/2024-007", headers: read)
            _ = try await call("/api/v1/cases/{id}", "get", uri: "/api/v1/cases/no-such-case", headers: read)
            _ = try await call("/api/v1/cases/{id}/history", "get", uri: "/api/v1/cases/2024-007/history", headers: read)
            let section = try await call("/api/v1/cases/{id}/sections/{section}", "get", uri: "/api/v1/cases/2024-007/sections/indicators", headers: read)
            var put = write
            put[.contentType] = "application/json"
            put[.ifMatch] = section.headers[.eTag]
            _ = try await call("/api/v1/cases/{id}/sections/{section}", "put", uri: "/api/v1/cases/2024-007/sections/indicators", headers: put,
                               body: section.body)
            _ = try await call("/api/v1/cases/{id}/sections/{section}", "put", uri: "/api/v1/cases/2024-007/sections/indicators", headers: put,
                               body: ByteBuffer(string: #"[{"id": "x"}]"#))
            write[.contentType] = "application/json"
            _ = try await call("/api/v1/cases", "post", uri: "/api/v1/cases", headers: write,
                               body: ByteBuffer(string: #"{"id": "2025-001", "official": "周明", "unit": "青山县水务局", "title": "局长", "rank": "principal", "level": "正科级", "decided": "2021-03-01", "trigger": "term_end"}"#))
            _ = try await call("/api/v1/cases", "post", uri: "/api/v1/cases", headers: write,
                               body: ByteBuffer(string: #"{"id": "2025-002", "official": "", "unit": "青山县水务局"}"#))
            // Signing 2024-010 as its team leader (陆佳's account), as the browser does it.
            _ = try await call("/api/v1/cases/{id}/signoffs", "get", uri: "/api/v1/cases/2024-010/signoffs", headers: read)
            let leader = try await client.signIn("leader", leaderPassword)
            var leaderWrite = leader.writeHeaders
            leaderWrite[.contentType] = "application/json"
            let key = try SigningKey.read(Fixture.samples.appendingPathComponent("keys/lu-jia.key"))
            let prepared = try await call("/api/v1/cases/{id}/signoffs/prepare", "post", uri: "/api/v1/cases/2024-010/signoffs/prepare", headers: leaderWrite,
                                          body: ByteBuffer(string: #"{"role": "team_leader", "public_key": "\#(key.publicKeyBase64)"}"#))
            let p = try json(prepared)
            let message = try #require(Data(base64Encoded: p["message_base64"] as? String ?? ""))
            let signature = try key.privateKey.signature(for: message).base64EncodedString()
            let signed = try await call("/api/v1/cases/{id}/signoffs", "post", uri: "/api/v1/cases/2024-010/signoffs", headers: leaderWrite,
                                        body: ByteBuffer(string: #"{"role": "team_leader", "public_key": "\#(key.publicKeyBase64)", "time": "\#(p["time"] as? String ?? "")", "signature": "\#(signature)", "revision": \#(p["revision"] as? Int ?? 0)}"#))
            #expect(signed.status == .created)
            let started = try await call("/api/v1/exports", "post", uri: "/api/v1/exports", headers: write,
                                         body: ByteBuffer(string: #"{"edition": "fill-in", "cases": ["2024-007"]}"#))
            let job = try #require(try json(started)["id"] as? String)
            var state = "running"
            for _ in 0..<600 where state == "running" {
                state = try json(try await call("/api/v1/exports/{job}", "get", uri: "/api/v1/exports/\(job)", headers: read))["state"] as? String ?? ""
                if state == "running" { try await Task.sleep(for: .milliseconds(100)) }
            }
            let file = try await call("/api/v1/exports/{job}/file", "get", uri: "/api/v1/exports/\(job)/file", headers: read)
            var upload = write
            upload[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            let preview = try await call("/api/v1/imports", "post", uri: "/api/v1/imports", headers: upload, body: file.body)
            let id = try #require(try json(preview)["id"] as? String)
            _ = try await call("/api/v1/imports/{id}/apply", "post", uri: "/api/v1/imports/\(id)/apply", headers: write)
            _ = try await call("/api/v1/session", "delete", uri: "/api/v1/session", headers: write)
            let all = Set(api.operations.map { "\($0.method) \($0.path)" })
            #expect(called == all, "not called: \(all.subtracting(called).sorted())")
        }
    }
}
