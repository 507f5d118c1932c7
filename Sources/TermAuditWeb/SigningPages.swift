import TermAudit
import TermAuditRules
import TermAuditSignoff

extension Pages {
    /// The roles of the case in signing order: who the case names, where, and how far each has signed.
    static func signoffRoles(_ h: inout HTML, view: Desk.SignoffView, lang: Language) {
        let t = { (zh: String, en: String) in lang == .zh ? zh : en }
        h.el("table", ["class": "roles"]) { h in
            thead(&h, [t("顺序", "Order"), t("签字角色", "Role"), t("案卷写明的签字人", "Named in the case"), t("签字状态", "State")], numeric: [0])
            h.el("tbody") { h in
                for (i, e) in view.expected.enumerated() {
                    h.el("tr") { h in
                        h.el("td", ["class": "num"], text: String(i + 1))
                        h.el("td", text: e.role.label.text(lang) + (e.role.required ? "" : t("（可选）", " (optional)")))
                        h.el("td") { h in
                            if let p = e.person {
                                h.text(p.description)
                                h.el("span", ["class": "muted"], text: " · " + e.source.text(lang))
                            } else {
                                h.el("span", ["class": "warn"], text: t("未写明（", "nobody named (") + e.source.text(lang) + t("）", ")"))
                            }
                        }
                        let signed = view.checks.last { $0.record.role == e.role.id && $0.result == .valid }
                        h.el("td", ["class": view.status.signatures[e.role.id] == .valid ? "ok" : nil]) { h in
                            if let signed { h.text(signed.record.name + " · " + signed.record.time + " · ") }
                            h.text(view.status.signatures[e.role.id].map { Roles.verdict($0, lang: lang) } ?? t("未签", "not signed"))
                        }
                    }
                }
            }
        }
    }

    /// 签字: the roles and, when the case is ready and the account may sign, the form that signs in the browser.
    static func signPage(lang: Language, user: SignedIn, caseID: String, heading: String, view: Desk.SignoffView, policy: Policy,
                         asOf: Day, now: String, pinned: Bool) -> String {
        let path = "/cases/\(Paths.segment(caseID))/sign"
        var page = Layout(title: L("签字", "Sign"), lang: lang, user: user, path: path)
        let t = page.t
        let state = view.status.state
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1") { h in
                h.text(t("签字", "Sign"))
                h.el("span", ["class": "badge state-\(state.rawValue)"], text: state.label.text(lang))
            }
            h.el("p", ["class": "muted"], text: heading)
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("签字顺序", "Order of signing"))
                signoffRoles(&h, view: view, lang: lang)
                h.el("p") { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))/verify"], text: t("核验已有签字 →", "Verify the signatures →")) }
            }
            if !view.signerErrors.isEmpty {
                h.el("section", ["class": "card errors", "role": "alert"]) { h in
                    h.el("h2", text: t("签字人名册有错误，暂不能签字", "The signer roster has errors; nobody can sign until they are fixed"))
                    h.el("ul") { h in for d in view.signerErrors { h.el("li", text: d.description) } }
                }
                return
            }
            if !view.hasSigners {
                h.el("p", ["class": "warn", "role": "alert"],
                     text: t("工作区没有签字人名册 signers.yaml，暂不能签字。", "The workspace has no signer roster (signers.yaml); nobody can sign yet."))
                return
            }
            switch state {
            case .signedOff:
                h.el("p", ["class": "ok", "role": "status"], text: t("全部必需签字均已有效，案卷已签字。", "Every required signature is valid: the case is signed off."))
                return
            case .readyForSignoff:
                break
            default:
                h.el("p", ["class": "warn", "role": "status"],
                     text: t("案卷状态为「\(state.label.zh)」，只有「待签字」的案卷才能签字。原因见案卷页的“为什么”。",
                             "The case is \(state.label.en); only a case ready for sign-off can be signed. The case page says why."))
                return
            }
            let mine = user.rights(caseID).signingRoles
            guard !mine.isEmpty else {
                h.el("p", ["class": "muted"], text: t("本案没有由您签字的角色（签字人须是案卷写明的审计组长或交接当事人）。",
                                                      "You sign in no role of this case (a signer is the team leader or a handover party the case names)."))
                return
            }
            let open = view.expected.filter { view.status.signatures[$0.role.id] != .valid && mine.contains($0.role.id) }
            guard !open.isEmpty else {
                h.el("p", ["class": "ok", "role": "status"], text: t("您在本案的签字均已有效。", "Your signatures on this case are all valid."))
                return
            }
            let next = open.first { $0.role.required } ?? open.first
            h.el("section", ["class": "card", "id": "sign"]) { h in
                h.el("h2", text: t("用本人私钥签字", "Sign with your private key"))
                h.el("p", text: t("选择签字角色和本人的私钥文件（termaudit keygen 生成的 .key 文件）。私钥只在本浏览器中读取和使用，不会上传；服务器只收到签名。",
                                  "Choose the role and your private key file (the .key file made by termaudit keygen). The key is read and used in this browser only, never uploaded; the server receives the signature."))
                h.el("noscript") { h in
                    h.el("p", ["class": "warn"], text: t("在浏览器中签字需要启用 JavaScript；也可以用命令行签字：termaudit sign \(caseID) --role 角色 --key 私钥文件 --database …",
                                                         "Signing in the browser needs JavaScript; or sign on the command line: termaudit sign \(caseID) --role ROLE --key KEYFILE --database …"))
                }
                h.el("form", ["id": "sign-form", "hidden": "", "data-case": caseID, "data-lang": lang == .zh ? "zh" : "en"]) { h in
                    h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                    h.el("label", ["for": "sign-role"], text: t("签字角色", "Role"))
                    h.el("select", ["id": "sign-role", "name": "role"]) { h in
                        for e in open {
                            h.el("option", ["value": e.role.id, "selected": e.role.id == next?.role.id ? "" : nil],
                                 text: e.role.label.text(lang) + (e.person.map { " · \($0.description)" } ?? ""))
                        }
                    }
                    h.el("label", ["for": "sign-key"], text: t("私钥文件", "Private key file"))
                    h.void("input", ["id": "sign-key", "name": "key", "type": "file", "accept": ".key,text/plain,application/x-yaml", "required": ""])
                    h.el("p", ["class": "muted"], text: t("签字时间记为 \(now)（UTC）", "The signature will be dated \(now) (UTC)")
                         + (pinned
                            ? t("：工作区基准日 as_of 为 \(asOf)，签字不晚于基准日。", ": the workspace's reference date (as_of) is \(asOf); a signature never postdates it.")
                            : t("。", ".")))
                    h.el("button", ["type": "submit", "class": "primary"], text: t("核对签字内容", "Review what I sign"))
                }
                h.el("div", ["id": "sign-confirm", "hidden": ""]) { h in
                    h.el("h3", text: t("请核对签字原文", "Check the message you sign"))
                    h.el("p", ["class": "muted"], text: t("签名覆盖以下原文（案卷内容的摘要 digest 代表签字时的全部内容；签字后改动任何内容，签字即失效）。",
                                                          "The signature covers this message (the digest stands for the whole content of the case now; any change afterwards makes the signature stale)."))
                    h.el("pre", ["id": "sign-message", "class": "message"], text: "")
                    h.el("button", ["type": "button", "id": "sign-confirm-button", "class": "primary"], text: t("确认签字", "Sign"))
                    h.el("button", ["type": "button", "id": "sign-cancel"], text: t("取消", "Cancel"))
                }
                h.el("p", ["id": "sign-status", "role": "status", "aria-live": "polite"], text: "")
            }
            h.el("script", ["src": "/static/sign.js"]) { _ in }
        }
        return page.render()
    }

    /// 核验: every record of the case, verified now, with the message, keys and digests to check it by hand.
    static func verifyPage(lang: Language, user: SignedIn, caseID: String, heading: String, view: Desk.SignoffView, policy: Policy) -> String {
        var page = Layout(title: L("核验", "Verify"), lang: lang, user: user, path: "/cases/\(Paths.segment(caseID))/verify")
        let t = page.t
        let problems = view.checks.filter(\.result.isProblem).count
        page.main { h in
            h.el("p", ["class": "crumbs"]) { h in h.el("a", ["href": "/cases/\(Paths.segment(caseID))"], text: t("← 返回案卷", "← Back to the case")) }
            h.el("h1", text: t("核验签字", "Verify the signatures"))
            h.el("p", ["class": "muted"], text: heading)
            if view.checks.isEmpty {
                h.el("p", ["role": "status"], text: t("尚无签字记录。", "No signatures yet."))
            } else if problems == 0 {
                h.el("p", ["class": "ok", "role": "status"],
                     text: t("共 \(view.checks.count) 个签字，逐一按当前案卷内容和签字人名册核验，全部有效。",
                             "\(view.checks.count) signatures, each verified now against the case's content and the signer roster: all valid."))
            } else {
                h.el("p", ["class": "error", "role": "alert"],
                     text: t("共 \(view.checks.count) 个签字，\(problems) 个有问题。", "\(view.checks.count) signatures, \(problems) with problems."))
            }
            h.el("section", ["class": "card"]) { h in
                h.el("h2", text: t("签字顺序", "Order of signing"))
                signoffRoles(&h, view: view, lang: lang)
                h.el("p", ["class": "hash"], text: t("案卷当前内容摘要 ", "The case's content digest now: ") + view.digest)
            }
            for k in view.checks {
                let r = k.record
                let role = policy.signoff.roles.first { $0.id == r.role }?.label.text(lang) ?? r.role
                h.el("section", ["class": "card", "id": "s\(k.index)"]) { h in
                    h.el("h2") { h in
                        h.text("\(role) · \(r.name)")
                        h.el("span", ["class": "badge result-\(k.result.rawValue)"], text: k.result.label.text(lang))
                    }
                    h.el("p", ["class": "muted"], text: "\(r.post) · \(r.time)")
                    if k.result != .valid { h.el("p", ["class": k.result.isProblem ? "error" : "warn"], text: k.detail.text(lang)) }
                    h.el("details") { h in
                        h.el("summary", text: t("签名原文、公钥与摘要（可手工核验）", "The signed message, key and digests (to check by hand)"))
                        h.el("pre", ["class": "message"], text: SignedMessage.text(r, caseID: k.signedCase ?? caseID))
                        h.el("p") { h in h.text("public_key "); h.el("code", text: r.publicKey) }
                        h.el("p") { h in h.text("signature "); h.el("code", ["class": "wrap"], text: r.signature) }
                        h.el("table") { h in
                            thead(&h, [t("部分", "Section"), t("签字时摘要", "Digest when signed"), t("当前摘要", "Digest now"), ""])
                            h.el("tbody") { h in
                                for s in CaseDigest.sectionNames {
                                    let then = r.sections[s] ?? "—", now = view.sectionDigests[s] ?? "—"
                                    h.el("tr", ["class": then == now ? nil : "changed"]) { h in
                                        h.el("td") { h in h.el("code", text: s) }
                                        h.el("td", ["class": "hash"], text: String(then.prefix(16)))
                                        h.el("td", ["class": "hash"], text: String(now.prefix(16)))
                                        h.el("td", text: then == now ? "=" : t("已改动", "changed"))
                                    }
                                }
                            }
                        }
                        h.el("p", ["class": "muted"], text: t("命令行：termaudit verify --case \(caseID) --explain；手工核验方法见 docs/signoff.md 第 6 节。",
                                                              "Command line: termaudit verify --case \(caseID) --explain; checking by hand: docs/signoff.md section 6."))
                    }
                }
            }
        }
        return page.render()
    }
}
