import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TermAudit
import TermAuditReport
import TermAuditStore

/// Answers: pages, JSON, redirects and errors (JSON for `/api/`, a page otherwise), with the security headers.
enum Replies {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        h[.cacheControl] = "no-store"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        json(try JSONOutput.data(value), status: status, headers: headers)
    }

    static func redirect(_ to: String) -> Response {
        Response(status: .seeOther, headers: [.location: to, .cacheControl: "no-store"])
    }

    static func isAPI(_ request: Request) -> Bool { request.uri.path.hasPrefix("/api/") }

    /// An error: `{"error": {"code", "message", "fields": [{"path", "message"}]}}` for the API, a page otherwise.
    static func error(_ request: Request, _ context: WebContext, status: HTTPResponse.Status, code: String, message: String,
                      fields: [FieldError] = [], since: [String]? = nil) -> Response {
        if isAPI(request) {
            let body = ErrorBody(error: .init(code: code, message: message, fields: fields, since: since))
            return (try? json(body, status: status)) ?? Response(status: status)
        }
        var page = Layout(title: L("出错了", "Error"), lang: context.lang, user: context.user)
        page.main { h in
            h.el("h1", text: L("出错了", "Something went wrong").text(context.lang))
            h.el("p", ["class": "error"], text: message)
            h.el("p") { h in h.el("a", ["href": "/"], text: L("回到工作台", "Back to the desk").text(context.lang)) }
        }
        return html(page.render(), status: status)
    }

    struct ErrorBody: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var fields: [FieldError]
            /// A conflict: who changed what since the revision the write was based on.
            var since: [String]?
        }
        var error: Inner
    }
}

/// A validation error at a field: its path in the case file (`findings[2].status`) and the command line's message.
public struct FieldError: Encodable, Sendable, Equatable {
    public var path: String
    public var message: String
    public var line: Int?
    public var column: Int?
}

/// Security headers on every answer (and, when served over HTTPS, `Strict-Transport-Security`).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    var https = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if https { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        // same-origin: no referrer to other sites, while browsers still send this site its `Origin` (with `no-referrer`
        // Chromium sends `Origin: null` on form posts, which the CSRF check must refuse).
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let strictTransportSecurity = Self("Strict-Transport-Security")!
    static let xRealIP = Self("X-Real-IP")!
}

/// A Chinese and English text.
func L(_ zh: String, _ en: String) -> Label { Label(zh: zh, en: en) }

/// Turns an error no route handled into a 500 answer that tells nothing of the inside, and logs the error's kind
/// (its type and code — never its text, which may quote a case).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPResponseError {
            throw e
        } catch {
            let kind = (error as? StoreError).map { "StoreError(\($0.code))" } ?? String(describing: type(of: error))
            context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string(kind)])
            if ProcessInfo.processInfo.environment["TERMAUDIT_DEBUG_ERRORS"] == "1" { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
            return Replies.error(request, context, status: .internalServerError, code: "internal",
                                 message: "服务器内部错误，已记录；请稍后重试或联系管理员 (internal error; it was logged)")
        }
    }
}
