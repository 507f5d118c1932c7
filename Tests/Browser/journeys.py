#!/usr/bin/env python3
"""Each person's journey through termaudit's web application, in headless Chromium.

Starts `termaudit serve --demo` on a new data folder (the samples on the embedded store), signs in as the demo
accounts and walks the pages as a person would. Every page visited is saved as a screenshot (--out) and checked:
no server error, every form field has a label, nothing from the page's data runs as script.

    python3 Tests/Browser/journeys.py --termaudit .build/debug/termaudit --out .build/screenshots

Exit status 0 when every journey passed; 1 with the failures listed.
"""
import argparse
import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`termaudit serve --demo` on a new data folder, its output in a log; stopped at the end."""

    def __init__(self, termaudit, repo, samples=None, extra=()):
        self.repo = repo
        self.dir = tempfile.mkdtemp(prefix="termaudit-browser-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.dir, "serve.log"), "w")
        self.proc = subprocess.Popen(
            [termaudit, "serve", "--demo", "--data", os.path.join(self.dir, "data"), "--listen", f"127.0.0.1:{self.port}",
             "--samples", samples or os.path.join(repo, "samples"), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=repo)
        # Up when the demo store is made and the port accepts connections (HTTP or HTTPS alike).
        accounts = os.path.join(self.dir, "data", "demo-accounts.txt")
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("termaudit serve stopped:\n" + open(self.log.name).read())
            try:
                if os.path.exists(accounts):
                    socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError("termaudit serve did not answer within 120 s")
        self.accounts = {}
        with open(os.path.join(self.dir, "data", "demo-accounts.txt"), encoding="utf-8") as f:
            for line in f.read().splitlines()[1:]:
                user, password, _ = line.split("\t")
                self.accounts[user] = password

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """Headless Chromium (Debian's chromium and chromedriver) with a screenshot and checks on every page."""

    def __init__(self, server, out):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"]:
            options.add_argument(a)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.downloads = os.path.join(server.dir, "downloads")
        os.makedirs(self.downloads)
        options.add_experimental_option("prefs", {"download.default_directory": self.downloads, "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.downloads})
        self.driver.set_page_load_timeout(60)
        self.server = server
        self.out = out
        self.shots = 0
        self.problems = []

    def page(self, name, expected_console=()):
        """Checks the page now shown and saves its screenshot as NN-name.png. `expected_console`: parts of console
        messages the journey caused on purpose (Chromium logs every refused fetch, e.g. a 422 the page then shows)."""
        d = self.driver
        self.shots += 1
        path = os.path.join(self.out, f"{self.shots:02d}-{name}.png")
        # The whole page, not just the window.
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        title = d.title
        if "出错了" in title or "Error" in title:
            self.problems.append(f"{name}: an error page ({d.current_url})")
        for field in d.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea"):
            fid = field.get_attribute("id")
            labelled = (fid and d.find_elements(By.CSS_SELECTOR, f"label[for='{fid}']")) or field.get_attribute("aria-label") \
                or d.execute_script("return arguments[0].closest('label') !== null", field)
            if not labelled:
                self.problems.append(f"{name}: a form field without a label: {field.get_attribute('outerHTML')[:120]}")
        for entry in d.get_log("browser"):
            if entry["level"] == "SEVERE" and not any(e in entry["message"] for e in expected_console):
                self.problems.append(f"{name}: browser console: {entry['message'][:200]}")
        return path

    def go(self, path):
        self.driver.get(self.server.base + path)

    def sign_in(self, user, password=None):
        d = self.driver
        self.go("/login")
        d.find_element(By.ID, "username").send_keys(user)
        d.find_element(By.ID, "password").send_keys(password or self.server.accounts[user])
        self.submit(d.find_element(By.CSS_SELECTOR, "button[type=submit].primary"))

    def submit(self, button):
        """Clicks a button that loads a new page, and waits until the new page is there."""
        html = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, 30).until(lambda d: self.stale(html))

    def follow(self, link):
        self.submit(link)

    def stale(self, element):
        try:
            element.is_enabled()
            return False
        except Exception:
            return True

    def sign_out(self):
        self.submit(self.driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button"))

    def fresh(self):
        """A new visitor: no cookies."""
        self.go("/login")
        self.driver.delete_all_cookies()

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def quit(self):
        self.driver.quit()


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# ---- Journeys -----------------------------------------------------------------------------------------------------

def journey_sign_in(b):
    """A wrong password is refused with a message; the right one leads to the desk; signing out leads back."""
    b.sign_in("admin", "wrong-password")
    expect("账号或密码不正确" in b.text(), "a wrong password shows no message")
    b.page("sign-in-refused")
    b.sign_in("admin")
    expect(b.driver.current_url.rstrip("/") == b.server.base, f"signing in did not lead to the desk: {b.driver.current_url}")
    expect("工作台" in b.text(), "the desk has no heading")
    b.page("desk-admin")
    b.sign_out()
    expect("/login" in b.driver.current_url, "signing out did not lead to the sign-in page")


def journey_clerk_follows_cases(b):
    """The organization department's clerk follows progress: the desk's counts, the list filtered, a case, in English too."""
    d = b.driver
    b.sign_in("admin")
    tiles = {e.find_element(By.CLASS_NAME, "what").text: int(e.find_element(By.CLASS_NAME, "n").text)
             for e in d.find_elements(By.CSS_SELECTOR, "ul.tiles li")}
    expect(tiles.get("全部", 0) > 0, f"the desk counts no case: {tiles}")
    expect(sum(v for k, v in tiles.items() if k != "全部") == tiles["全部"], f"the states do not add up: {tiles}")
    b.follow(d.find_element(By.LINK_TEXT, "案卷列表"))
    rows = d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    expect(len(rows) == min(50, tiles["全部"]), f"the list shows {len(rows)} rows")
    b.page("cases")
    Select(d.find_element(By.ID, "state")).select_by_visible_text("审计中")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.filters button"))
    rows = d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    expect(len(rows) == tiles["审计中"], f"filtered by 审计中: {len(rows)} rows, the desk said {tiles['审计中']}")
    expect(all("审计中" in r.text for r in rows), "a row of another state in the filtered list")
    b.page("cases-auditing")
    b.follow(rows[0].find_element(By.TAG_NAME, "a"))
    body = b.text()
    for part in ["任期", "审计组", "任期目标指标", "交接清单", "审计事项（按部门）", "问题与整改", "签字"]:
        expect(part in body, f"the case page lacks {part}")
    why = d.find_elements(By.CSS_SELECTOR, "details.why")
    expect(why, "the case page has no 为什么")
    for w in why:
        w.find_element(By.TAG_NAME, "summary").click()
    b.page("case")
    b.follow(d.find_element(By.LINK_TEXT, "English"))
    expect("Handover checklist" in b.text(), "the English switch did not switch")
    b.page("case-en")
    b.follow(d.find_element(By.LINK_TEXT, "中文"))
    b.sign_out()


def journey_member_records_findings(b):
    """The audit department's member (方敏, on 2024-009's team) records a finding's rectification: a wrong date is
    shown next to its field and nothing is saved; the corrected form is saved and the case shows it."""
    d = b.driver
    b.sign_in("shenji")
    b.go("/cases/2024-009")
    b.page("case-2024-009")
    b.follow(d.find_element(By.CSS_SELECTOR, "#findings h2 a.edit"))
    expect("编辑审计发现问题" in b.text(), "the findings form has no heading")
    b.page("edit-findings")
    due = d.find_element(By.NAME, "findings[1].due")
    due.clear()
    due.send_keys("2025-13-40")
    Select(d.find_element(By.NAME, "findings[1].status")).select_by_visible_text("已整改")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("1 个错误，未保存" in b.text(), "a wrong date was not refused")
    error = d.find_element(By.ID, "f-findings-1-due-error")
    expect(error.is_displayed() and error.text, "the error is not shown next to the date")
    expect(d.find_element(By.NAME, "findings[1].due").get_attribute("value") == "2025-13-40", "what was typed was lost")
    b.page("edit-findings-error")
    due = d.find_element(By.NAME, "findings[1].due")
    due.clear()
    due.send_keys("2025-03-31")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/cases/2024-009" in d.current_url, f"saving did not lead back to the case: {d.current_url}")
    findings = d.find_element(By.ID, "findings").text
    expect("已整改" in findings and "2025-03-31" in findings, "the case does not show the saved finding")
    b.page("case-after-findings")
    b.sign_out()


def journey_leader_adds_indicator(b):
    """The team leader (陆佳, who leads 2024-027) adds an indicator's actual value in the indicators form."""
    d = b.driver
    b.sign_in("leader")
    b.go("/cases/2024-027/edit/indicators")
    b.page("edit-indicators")
    rows = d.find_elements(By.CSS_SELECTOR, "table.edit tbody tr")
    expect(len(rows) >= 2, "the indicators form has no rows")
    before = None
    for i in range(len(rows) - 1):
        actual = d.find_element(By.NAME, f"indicators[{i}].actual")
        target = d.find_element(By.NAME, f"indicators[{i}].target").get_attribute("value")
        if not actual.get_attribute("value") and re.fullmatch(r"[0-9.]+", target or ""):
            actual.send_keys(target)
            before = i
            break
    expect(before is not None, "no unreported quantitative indicator to fill in")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/cases/2024-027" in d.current_url, f"saving did not lead back to the case: {d.current_url}")
    b.page("case-after-indicators")
    b.sign_out()


def journey_clerk_reads_history(b):
    """The organization department's clerk reads who changed the finding (the member's journey before): the
    revision, the account, the field's old and new values, and the chain check."""
    d = b.driver
    b.sign_in("admin")
    b.go("/cases/2024-009")
    b.follow(d.find_element(By.PARTIAL_LINK_TEXT, "历史"))
    text = b.text()
    expect("哈希链完整" in text, "the history does not say the chain holds")
    latest = d.find_element(By.CSS_SELECTOR, "section.revision")
    expect("shenji" in latest.text and "resolved" in latest.text, f"the latest revision does not show the member's change: {latest.text[:200]}")
    b.page("history-2024-009")
    b.sign_out()


def journey_clerk_downloads_public_workbook(b):
    """The organization department's clerk exports the public edition for publication and downloads it; openpyxl
    reads one summary row for each case the public edition publishes (待签字 and 已签字)."""
    import openpyxl
    d = b.driver
    b.sign_in("admin")
    published = []
    for state in ["ready_for_signoff", "signed_off"]:
        b.go(f"/cases?state={state}&limit=500")
        published += [r.find_element(By.TAG_NAME, "a").text for r in d.find_elements(By.CSS_SELECTOR, "table.list tbody tr")]
    b.follow(d.find_element(By.LINK_TEXT, "工作簿"))
    b.page("workbooks")
    d.find_element(By.CSS_SELECTOR, "input[name=edition][value=public]").click()
    b.submit(d.find_element(By.CSS_SELECTOR, "form.stack button.primary"))
    WebDriverWait(d, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, "a.button.primary"))
    b.page("export-done")
    wb = openpyxl.load_workbook(download(b, d.find_element(By.CSS_SELECTOR, "a.button.primary")))
    summary = wb["汇总"]
    rows = [r[0] for r in summary.iter_rows(min_row=2, values_only=True) if r[0]]
    expect(sorted(rows) == sorted(published), f"the public workbook's summary rows {rows} are not the published cases {published}")
    expect("national_id" not in str([c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]), "an identity number column in the public edition")
    b.sign_out()


def download(b, link):
    """Clicks a download link and returns the path of the new .xlsx file."""
    before = set(os.listdir(b.downloads))
    link.click()
    def downloaded(_):
        new = [f for f in set(os.listdir(b.downloads)) - before if f.endswith(".xlsx")]
        return new[0] if new else False
    return os.path.join(b.downloads, WebDriverWait(b.driver, 60).until(downloaded))


def journey_member_fills_in_workbook(b):
    """The personnel department's member (范琳, on 2024-004's team) downloads their department's fill-in workbook for a case, writes a note on
    one of their audit items as in Excel (openpyxl), uploads it, reads the preview and applies it; the case's
    history shows the change under their name."""
    import openpyxl
    d = b.driver
    b.sign_in("renshi")
    b.go("/workbooks?case=2024-004")
    d.find_element(By.CSS_SELECTOR, "input[name=edition][value=fill-in]").click()
    Select(d.find_element(By.ID, "department")).select_by_value("personnel")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.stack button.primary"))
    WebDriverWait(d, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, "a.button.primary"))
    path = download(b, d.find_element(By.CSS_SELECTOR, "a.button.primary"))
    wb = openpyxl.load_workbook(path)
    ws = wb["审计事项"]
    cols = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "2024-004" and ws.cell(r, 2).value == "staffing")
    ws.cell(row, cols["备注"]).value = "已核对编制台账"
    filled = path.replace(".xlsx", "-filled.xlsx")
    wb.save(filled)
    b.go("/workbooks")
    d.find_element(By.ID, "workbook").send_keys(filled)
    b.submit(d.find_element(By.CSS_SELECTOR, "form[action='/workbooks/import'] button.primary"))
    text = b.text()
    expect("导入预览" in text and "2024-004" in text and "已核对编制台账" in text, f"the preview does not show the change: {text[:300]}")
    b.page("import-preview")
    b.submit(d.find_element(By.CSS_SELECTOR, "form[action$='/apply'] button.primary"))
    expect("/cases/2024-004/history" in d.current_url, f"applying did not lead to the history: {d.current_url}")
    latest = d.find_element(By.CSS_SELECTOR, "section.revision").text
    expect("renshi" in latest and "已核对编制台账" in latest, f"the history does not show the import: {latest[:200]}")
    b.page("history-after-import")
    b.sign_out()


def journey_member_concludes_audit(b):
    """The audit department's member examines their remaining audit items and gives the department's conclusion;
    the case page shows the conclusion."""
    d = b.driver
    b.sign_in("shenji")
    b.go("/cases/2024-003")
    b.follow(d.find_element(By.CSS_SELECTOR, "#audit h2 a.edit"))
    section = d.find_element(By.ID, "dept-audit")
    for status in section.find_elements(By.CSS_SELECTOR, "select[name$='.status']"):
        if Select(status).first_selected_option.get_attribute("value") in ("", "pending"):
            Select(status).select_by_value("no_problem")
            examiner = status.get_attribute("name").replace(".status", ".examiner")
            Select(d.find_element(By.NAME, examiner)).select_by_value("方敏")
    Select(d.find_element(By.NAME, "audit.conclusions.audit.result")).select_by_value("发现问题")
    Select(d.find_element(By.NAME, "audit.conclusions.audit.by")).select_by_value("方敏")
    d.find_element(By.NAME, "audit.conclusions.audit.date").send_keys("2024-12-20")
    d.find_element(By.NAME, "audit.conclusions.audit.findings").send_keys("F1")
    b.page("edit-audit")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/cases/2024-003" in d.current_url and "/edit/" not in d.current_url, f"saving did not lead back to the case: {d.current_url} {b.text()[:400]}")
    audit = d.find_element(By.ID, "audit").text
    expect("发现问题" in audit, f"the case does not show the audit department's conclusion: {audit}")
    b.page("case-after-audit")
    b.sign_out()


def journey_signers_sign(b):
    """The four signers of 2024-010 sign in turn in the browser, each with their own private key file (read by the
    page, never uploaded): a key of another role is refused with the command line's reason; each signer reads the
    exact message before signing; the case becomes 已签字 and the verification page shows every signature valid."""
    d = b.driver
    keys = os.path.join(b.server.repo, "samples", "keys")
    b.sign_in("leader")
    b.go("/cases/2024-010")
    b.follow(d.find_element(By.CSS_SELECTOR, "#signoff a.button"))
    expect("/cases/2024-010/sign" in d.current_url, f"the case's 签字 link did not lead to the sign page: {d.current_url}")
    b.page("sign")

    def prepare(key):
        d.find_element(By.ID, "sign-key").send_keys(os.path.join(keys, key))
        d.find_element(By.CSS_SELECTOR, "#sign-form button[type=submit]").click()
        WebDriverWait(d, 30).until(lambda d: d.find_element(By.ID, "sign-confirm").is_displayed()
                                   or "error" in (d.find_element(By.ID, "sign-status").get_attribute("class") or ""))

    # The team leader's role with the outgoing official's key: refused, nothing signed.
    prepare("lin-jing.key")
    status = d.find_element(By.ID, "sign-status").text
    expect("只登记为移交人" in status, f"a key of another role was not refused with the reason: {status!r}")
    b.page("sign-refused", expected_console=["signoffs/prepare - Failed to load resource: the server responded with a status of 422"])
    for role, key, name, account in [("team_leader", "lu-jia.key", "陆佳", "leader"), ("outgoing", "lin-jing.key", "林静", "signer"),
                                     ("incoming", "ge-yu.key", "葛宇", "geyu"), ("supervisor", "su-qing.key", "苏晴", "suqing")]:
        # Each signs with their own account, which offers their own role only.
        if account != "leader":
            b.sign_out()
            b.sign_in(account)
        b.go("/cases/2024-010/sign")
        offered = [o.get_attribute("value") for o in Select(d.find_element(By.ID, "sign-role")).options]
        expect(offered == [role], f"{account}'s sign page offers {offered}, not their role {role} alone")
        chosen = Select(d.find_element(By.ID, "sign-role")).first_selected_option.get_attribute("value")
        expect(chosen == role, f"the sign page offers {chosen} first, not {role}")
        prepare(key)
        message = d.find_element(By.ID, "sign-message").text
        expect(f"role:{role}" in message and f"name:{name}" in message and "digest:" in message,
               f"the message to sign is not {role}'s: {message!r} {d.find_element(By.ID, 'sign-status').text!r}")
        if role == "team_leader":
            b.page("sign-confirm")
        b.submit(d.find_element(By.ID, "sign-confirm-button"))
        expect("/cases/2024-010/verify" in d.current_url, f"signing did not lead to the verification: {d.current_url} {b.text()[:300]}")
    expect("全部有效" in b.text(), f"the verification page does not show every signature valid: {b.text()[:400]}")
    b.page("verify")
    b.go("/cases/2024-010")
    expect("已签字" in d.find_element(By.TAG_NAME, "h1").text, "the case is not 已签字 after four signatures")
    b.page("case-signed")
    b.sign_out()


def journey_clerk_opens_case(b):
    """The organization department's clerk opens a new case from the list: a missing field comes back under its
    input with what was typed kept; then the case page shows the new case, preparing (组建审计组)."""
    d = b.driver
    b.sign_in("admin")
    b.go("/cases")
    b.follow(d.find_element(By.LINK_TEXT, "新建案卷"))
    expect(d.find_element(By.ID, "f-id").get_attribute("value") == "2024-036", "the form does not suggest the next case id")
    for field, value in [("f-official-name", "周明"), ("f-post-unit", "青山县水务局"), ("f-post-title", "副局长"), ("f-post-level", "副科级")]:
        d.find_element(By.ID, field).send_keys(value)
    Select(d.find_element(By.ID, "f-post-rank")).select_by_value("deputy")
    Select(d.find_element(By.ID, "f-trigger")).select_by_value("transfer")
    Select(d.find_element(By.ID, "f-folder")).select_by_value("县直部门")
    b.page("new-case")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.record button.primary"))
    error = d.find_element(By.ID, "f-post-decided-error").text
    expect("请填写任职决定时间" in error, f"a missing date is not named under its field: {error!r}")
    expect(d.find_element(By.ID, "f-official-name").get_attribute("value") == "周明", "what was typed was lost")
    b.page("new-case-error")
    d.execute_script("arguments[0].value = '2021-03-01'", d.find_element(By.ID, "f-post-decided"))
    b.submit(d.find_element(By.CSS_SELECTOR, "form.record button.primary"))
    expect(d.current_url.endswith("/cases/2024-036"), f"creating did not lead to the new case: {d.current_url} {b.text()[:300]}")
    h1 = d.find_element(By.TAG_NAME, "h1").text
    expect("周明" in h1 and "组建审计组" in h1, f"the new case's heading: {h1!r}")
    b.page("case-new")
    # The clerk names the team leader and the handover's parties.
    b.follow(d.find_element(By.CSS_SELECTOR, "#team h2 a.edit"))
    d.find_element(By.ID, "f-team-0-name").send_keys("许文涛")
    Select(d.find_element(By.ID, "f-team-0-department")).select_by_value("audit")
    d.find_element(By.ID, "f-team-0-unit").send_keys("青山县审计局")
    d.find_element(By.ID, "f-team-0-leader").click()
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("许文涛" in d.find_element(By.ID, "team").text, f"the team does not show the leader: {b.text()[:300]}")
    b.follow(d.find_element(By.CSS_SELECTOR, "#handover h2 a.edit"))
    expect(d.find_element(By.ID, "f-handover-parties-outgoing").get_attribute("value") in ("", "周明"), "the outgoing party is prefilled wrongly")
    d.find_element(By.ID, "f-handover-parties-outgoing").clear()
    d.find_element(By.ID, "f-handover-parties-outgoing").send_keys("周明")
    d.find_element(By.ID, "f-handover-parties-incoming").send_keys("蔡明")
    d.find_element(By.ID, "f-handover-parties-supervisor").send_keys("高远")
    b.page("edit-handover")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    handover = d.find_element(By.ID, "handover").text
    expect("接交人：蔡明" in handover and "监交人：高远" in handover, f"the case does not show the parties: {handover[:300]}")
    b.page("case-new-parties")
    b.sign_out()


def journey_reader_reads_published(b):
    """A reader (查阅) lands on the published results, opens one, and cannot reach the internal record."""
    d = b.driver
    b.sign_in("reader")
    expect(d.current_url.endswith("/public"), f"the reader did not land on the published results: {d.current_url}")
    expect(not d.find_elements(By.LINK_TEXT, "案卷列表"), "the reader's menu offers the internal list")
    b.page("public")
    b.follow(d.find_element(By.CSS_SELECTOR, "table.list tbody tr a"))
    body = b.text()
    expect("任期目标完成情况" in body and not d.find_elements(By.ID, "signoff"), f"the published case page: {body[:300]}")
    b.page("public-case")
    b.go("/cases/2024-010")
    expect("查阅账号只能查看公开的审计结果" in b.text(), "the reader reached an internal case page")
    d.get_log("browser")   # the 403 just asked for is logged by Chromium; it is the point here
    b.sign_out()


def journey_team_completes_audit(b):
    """Case 2024-023 waits for one handover reason and every department's audit items and conclusion. The clerk gives
    the reason; each department's member examines their items and concludes; the team leader then sees the case
    ready for sign-off (待签字)."""
    d = b.driver
    b.sign_in("admin")
    b.go("/cases/2024-023/edit/handover")
    d.find_element(By.ID, "f-handover-items-lawsuits-reason").send_keys("无未结诉讼、仲裁案件")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/cases/2024-023" in d.current_url and "/edit/" not in d.current_url, f"the handover was not saved: {b.text()[:300]}")
    b.sign_out()
    # Each department's member; the audit department's is the team leader herself.
    members = [("jijian", "discipline", "严刚"), ("zuzhi", "organization", "钟玲"), ("renshi", "personnel", "范琳"), ("leader", "audit", "陆佳")]
    for account, department, examiner in members:
        b.sign_in(account)
        b.go("/cases/2024-023/edit/audit")
        section = d.find_element(By.ID, f"dept-{department}")
        for status in section.find_elements(By.CSS_SELECTOR, "select[name$='.status']"):
            if Select(status).first_selected_option.get_attribute("value") in ("", "pending"):
                Select(status).select_by_value("no_problem")
                Select(d.find_element(By.NAME, status.get_attribute("name").replace(".status", ".examiner"))).select_by_value(examiner)
        Select(d.find_element(By.NAME, f"audit.conclusions.{department}.result")).select_by_value("未发现问题")
        Select(d.find_element(By.NAME, f"audit.conclusions.{department}.by")).select_by_value(examiner)
        d.find_element(By.NAME, f"audit.conclusions.{department}.date").send_keys("2024-12-20")
        if department == "discipline":
            b.page("edit-audit-discipline")
        b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
        expect("/edit/" not in d.current_url, f"{account}'s conclusion was not saved: {b.text()[:400]}")
        b.sign_out()
    b.sign_in("leader")
    b.go("/cases/2024-023")
    h1 = d.find_element(By.TAG_NAME, "h1").text
    expect("待签字" in h1, f"after every department concluded the case is not ready for sign-off: {h1!r} {d.find_element(By.ID, 'audit').text[:300]}")
    expect(d.find_elements(By.CSS_SELECTOR, "#signoff a.button"), "the ready case offers no 签字 button")
    b.page("case-ready")
    b.sign_out()


def journey_clerk_manages_accounts(b):
    """The organization department's administrator adds an account for 秦雪 (纪检监察 member of several teams) in
    账号管理; she signs in and sees exactly the cases naming her; the administrator disables the account and her
    session ends at once."""
    d = b.driver
    b.sign_in("admin")
    b.follow(d.find_element(By.LINK_TEXT, "账号管理"))
    b.page("accounts")
    for field, value in [("username", "qin.xue"), ("display_name", "纪检监察 秦雪"), ("person", "秦雪"),
                         ("password", "秦雪的初始密码请修改"), ("again", "秦雪的初始密码请修改")]:
        d.find_element(By.ID, field).send_keys(value)
    Select(d.find_element(By.ID, "role")).select_by_value("member")
    b.submit(d.find_element(By.CSS_SELECTOR, "#add button.primary"))
    expect(d.current_url.endswith("/admin/accounts/qin.xue"), f"adding did not lead to the account: {d.current_url} {b.text()[:300]}")
    expect("审计组成员" in d.find_element(By.ID, "grants").text, "the new account's role is not shown")
    b.page("account-added")
    b.sign_out()
    b.sign_in("qin.xue", "秦雪的初始密码请修改")
    b.go("/cases?limit=500")
    ids = sorted(r.find_element(By.TAG_NAME, "a").text for r in d.find_elements(By.CSS_SELECTOR, "table.list tbody tr"))
    expect(ids and "2024-009" in ids and "2024-010" not in ids, f"秦雪 sees {ids}")
    b.page("cases-qin-xue")
    member_cookies = d.get_cookies()
    b.go("/account")
    expect("秦雪" in b.text(), "my account does not show the person")
    b.page("my-account")
    # The administrator, in another session, disables the account.
    d.delete_all_cookies()
    b.sign_in("admin")
    b.go("/admin/accounts/qin.xue")
    b.submit(d.find_element(By.CSS_SELECTOR, "form[action$='/disable'] button"))
    expect("已停用" in b.text(), "the account is not shown disabled")
    b.sign_out()
    d.delete_all_cookies()
    b.go("/login")
    for c in member_cookies:
        d.add_cookie({k: c[k] for k in ("name", "value", "path") if k in c})
    b.go("/cases")
    expect("/login" in d.current_url, f"a disabled account's session still works: {d.current_url}")


PAYLOADS = {
    "name": '<script>alert("xss-name")</script>',
    "level": '"><img src=x onerror=alert("xss-level")>',
    "title": "javascript:alert('xss-title')",
    "member": "<img src=x onerror=alert(4)>",
    "incoming": '</td><script>alert(5)</script>',
}


def no_script_ran(b, where):
    """No dialog opened and the page's DOM holds no element the payloads would have made."""
    d = b.driver
    try:
        alert = d.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise AssertionError(f"{where}: a script from the data ran (dialog {text!r})")
    except NoAlertPresentException:
        pass
    injected = d.execute_script("return document.querySelectorAll('img[src=x], main script, a[href^=javascript]').length")
    expect(injected == 0, f"{where}: {injected} element(s) made from the data")


def journey_payloads_stay_text(b):
    """Script payloads typed into every kind of text field — a new case's official, title and level, a team member's
    name (and a refused unit, named in the error), a handover party — show as text on every page that shows them
    (the case, the list, a search, the history, the forms); no dialog opens, no element is made from them, and the
    console stays clean."""
    d = b.driver
    b.sign_in("admin")
    b.go("/cases/new")
    case_id = d.find_element(By.ID, "f-id").get_attribute("value")
    # The unit must be one of the registry's: a payload there only ever comes back in an error message (below).
    for field, value in [("f-official-name", PAYLOADS["name"]), ("f-post-unit", "青山县水务局"), ("f-post-title", PAYLOADS["title"]),
                         ("f-post-level", PAYLOADS["level"])]:
        d.find_element(By.ID, field).send_keys(value)
    Select(d.find_element(By.ID, "f-post-rank")).select_by_value("principal")
    Select(d.find_element(By.ID, "f-trigger")).select_by_value("term_end")
    Select(d.find_element(By.ID, "f-folder")).select_by_value("县直部门")
    d.execute_script("arguments[0].value = '2021-03-01'", d.find_element(By.ID, "f-post-decided"))
    b.submit(d.find_element(By.CSS_SELECTOR, "form.record button.primary"))
    expect(d.current_url.endswith(f"/cases/{case_id}"), f"the case with payloads was not created: {d.current_url} {b.text()[:400]}")
    b.follow(d.find_element(By.CSS_SELECTOR, "#team h2 a.edit"))
    d.find_element(By.ID, "f-team-0-name").send_keys(PAYLOADS["member"])
    Select(d.find_element(By.ID, "f-team-0-department")).select_by_value("audit")
    d.find_element(By.ID, "f-team-0-unit").send_keys(PAYLOADS["level"])
    d.find_element(By.ID, "f-team-0-leader").click()
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect(PAYLOADS["level"] in b.text(), "the refused unit is not named as text in the error")
    no_script_ran(b, "the team form's error")
    unit = d.find_element(By.ID, "f-team-0-unit")
    unit.clear()
    unit.send_keys("青山县审计局")
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/edit/" not in d.current_url, f"the team with payloads was not saved: {b.text()[:600]}")
    b.go(f"/cases/{case_id}/edit/handover")
    d.find_element(By.ID, "f-handover-parties-incoming").send_keys(PAYLOADS["incoming"])
    b.submit(d.find_element(By.CSS_SELECTOR, "form.section-form button.primary"))
    expect("/edit/" not in d.current_url, f"the parties with payloads were not saved: {b.text()[:600]}")
    for path in [f"/cases/{case_id}", "/cases?sort=name", "/cases?q=" + urllib.parse.quote("<script>"), f"/cases/{case_id}/history",
                 f"/cases/{case_id}/edit/basic", f"/cases/{case_id}/edit/team", f"/cases/{case_id}/edit/handover"]:
        b.go(path)
        no_script_ran(b, path)
        text = b.text()
        if path == f"/cases/{case_id}":
            for key in ["name", "title", "member", "incoming"]:
                expect(PAYLOADS[key] in text, f"{path}: the {key} is not shown as text")
            b.page("case-payloads")
        if path.endswith("/edit/basic"):
            shown = d.find_element(By.ID, "f-post-level").get_attribute("value")
            expect(shown == PAYLOADS["level"], f"the level comes back as {shown!r}")
        if path.startswith("/cases?q="):
            expect(PAYLOADS["name"] in text, "the search does not find the case by its literal name")
    # The list's row for the case links to the case, never to the `javascript:` title.
    b.go("/cases?q=" + urllib.parse.quote("<script>"))
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "table.list a")]
    expect(links and all(h.startswith(b.server.base) for h in links), f"the list's links: {links}")
    b.page("cases-payloads")
    b.sign_out()


JOURNEYS = [journey_sign_in, journey_clerk_follows_cases, journey_member_records_findings, journey_member_concludes_audit, journey_leader_adds_indicator,
            journey_clerk_reads_history, journey_clerk_downloads_public_workbook, journey_member_fills_in_workbook,
            journey_signers_sign, journey_clerk_opens_case,
            journey_reader_reads_published, journey_team_completes_audit, journey_clerk_manages_accounts,
            journey_payloads_stay_text]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--termaudit", required=True)
    ap.add_argument("--out", required=True, help="folder for the screenshots")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    server = Server(os.path.abspath(args.termaudit), repo)
    failures = []
    try:
        browser = Browser(server, args.out)
        try:
            for j in JOURNEYS:
                try:
                    browser.fresh()
                    j(browser)
                    print(f"browser: ✔ {j.__name__}")
                except Exception:
                    name = j.__name__
                    browser.page(f"FAILED-{name}")
                    failures.append(f"{name}:\n{traceback.format_exc()}")
                    print(f"browser: ✘ {name}")
        finally:
            browser.quit()
        failures += browser.problems
    finally:
        server.stop()
    print(f"browser: {len(JOURNEYS)} journeys, {browser.shots} pages, screenshots in {args.out}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
