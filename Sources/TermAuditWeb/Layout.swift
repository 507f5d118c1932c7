import TermAudit

/// The frame of every page: head, the top bar (who is signed in, the language switch, sign out), the content.
struct Layout {
    var title: Label
    var lang: Language
    var user: SignedIn?
    /// The path of this page, for the language switch.
    var path = "/"
    /// Reload the page after this many seconds (a running export's progress).
    var refresh: Int?
    private var content = HTML()

    init(title: Label, lang: Language, user: SignedIn?, path: String = "/") {
        self.title = title
        self.lang = lang
        self.user = user
        self.path = path
    }

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    mutating func main(_ body: (inout HTML) -> Void) { body(&content) }

    func render() -> String {
        var h = HTML()
        h.trusted("<!DOCTYPE html>\n")
        h.el("html", ["lang": lang == .zh ? "zh-Hans" : "en"]) { h in
            h.el("head") { h in
                h.void("meta", ["charset": "utf-8"])
                h.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                if let refresh { h.void("meta", ["http-equiv": "refresh", "content": String(refresh)]) }
                h.el("title", text: "\(title.text(lang)) · \(t("经济责任审计与离任交接", "termaudit"))")
                h.void("link", ["rel": "stylesheet", "href": "/static/app.css"])
                h.void("link", ["rel": "icon", "href": "data:,"])
            }
            h.el("body") { h in
                h.el("header", ["class": "bar"]) { h in
                    h.el("a", ["class": "brand", "href": "/"], text: t("经济责任审计与离任交接", "Term-end audit and handover"))
                    if let user {
                        h.el("nav") { h in
                            if user.readsInternal {
                                h.el("a", ["href": "/"], text: t("工作台", "Desk"))
                                h.el("a", ["href": "/cases"], text: t("案卷列表", "Cases"))
                            }
                            h.el("a", ["href": "/public"], text: t("公开", "Published"))
                            h.el("a", ["href": "/workbooks"], text: t("工作簿", "Workbooks"))
                            if user.managesAccounts { h.el("a", ["href": "/admin/accounts"], text: t("账号管理", "Accounts")) }
                        }
                    }
                    h.el("div", ["class": "who"]) { h in
                        h.el("a", ["href": "\(path)\(path.contains("?") ? "&" : "?")lang=\(lang == .zh ? "en" : "zh")", "lang": lang == .zh ? "en" : "zh-Hans"],
                             text: lang == .zh ? "English" : "中文")
                        if let user {
                            h.el("a", ["class": "user", "href": "/account"], text: user.account.displayName)
                            h.el("form", ["method": "post", "action": "/logout", "class": "inline"]) { h in
                                h.void("input", ["type": "hidden", "name": "_csrf", "value": user.csrfToken])
                                h.el("button", ["type": "submit"], text: t("退出", "Sign out"))
                            }
                        }
                    }
                }
                h.el("main") { h in h = h + content }
                h.el("footer", text: t("termaudit · 记录决定人的任用，请依规查阅", "termaudit · these records decide appointments; handle with care"))
            }
        }
        return h.string
    }
}

extension HTML {
    static func + (a: HTML, b: HTML) -> HTML {
        var r = a
        r.append(b)
        return r
    }
}
