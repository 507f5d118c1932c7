import TermAudit
import TermAuditRules
import TermAuditSignoff

/// One sign-off record's verification as JSON: `verify --format json` (with the message under `--explain`) and the
/// web application's `GET /api/v1/cases/{id}/signoffs` (always with the message).
public struct SignatureCheckJSON: Encodable {
    var index: Int
    var role: String
    var name: String
    var post: String
    var time: String
    var result: SignatureResult
    var changedSections: [String]
    var signedCase: String?
    var detail: Label
    var message: String?
    var digest: String
    var publicKey: String

    enum CodingKeys: String, CodingKey {
        case index, role, name, post, time, result, changedSections = "changed_sections", signedCase = "signed_case",
             detail, message, digest, publicKey = "public_key"
    }

    public init(_ k: RecordCheck, caseID: String, explain: Bool) {
        index = k.index
        role = k.record.role
        name = k.record.name
        post = k.record.post
        time = k.record.time
        result = k.result
        changedSections = k.changedSections
        signedCase = k.signedCase
        detail = k.detail
        message = explain ? SignedMessage.text(k.record, caseID: k.signedCase ?? caseID) : nil
        digest = k.record.digest
        publicKey = k.record.publicKey
    }
}
