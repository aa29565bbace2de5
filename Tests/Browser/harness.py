"""Shared fixtures of the browser tests: a real headless Chromium driving the web UI of a live
`warden serve` that scripts/browser-test started.

scripts/browser-test writes a JSON file (mode 0600) and names it in WARDEN_BROWSER_ENV:

    {"url": "http://127.0.0.1:PORT", "tokens": {"olga": "...", "amir": "...", "vera": "...", "ada": "..."},
     "roles": {"olga": "operator", ...}, "screenshots": "DIR", "chromium": "/usr/bin/chromium",
     "chromedriver": "/usr/bin/chromedriver", "inventories": ["fleet", "pegasus"]}

Tokens are never passed in argv (a process list shows argv to every user on the machine).

Writing a test (one file per page group, test_<pages>.py; tests must not depend on each other's
order or leftovers):

    from harness import BrowserTest

    class RunPage(BrowserTest):
        def test_something(self):
            b = self.browser()            # a fresh Chromium, fresh profile; closed after the test
            b.sign_in("olga")             # through the real sign-in form
            b.open("/runs/ID")
            self.assertIn("succeeded", b.text("main"))
            b.screenshot("run-page")      # desktop 1280x900 and phone 390x844 PNGs

After every test, each browser's console log (every page it showed) is checked: a CSP violation,
an uncaught JS error, a console.error or a failed resource load fails the test, unless the test
said it expected it (Browser.allow_console; post_from_page allows the status it returns).

`api(name)` is a bearer-token client of /api/v1 (urllib) for setting up state the pages then show,
e.g. `api("olga").start_run("browser-echo-note", "fleet", {"note": "hi"})`; `http(...)` makes one
raw request (no redirects followed) for what a browser hides, like response headers.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import os
import re
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

# The sizes screenshots are taken at: a desktop window, and a phone (an iPhone 12-15's CSS pixels).
DESKTOP = (1280, 900)
PHONE = (390, 844)
# How long a page or a navigation may take before a test fails (the machine may be busy building).
WAIT_SECONDS = 20


# ---------------------------------------------------------------------------------------------
# The environment scripts/browser-test made


@dataclass(frozen=True)
class Environment:
    url: str
    tokens: dict[str, str]
    roles: dict[str, str]
    screenshots: str
    chromium: str
    chromedriver: str
    inventories: list[str]


@functools.cache
def env() -> Environment:
    path = os.environ.get("WARDEN_BROWSER_ENV")
    if not path:
        raise RuntimeError("WARDEN_BROWSER_ENV is not set: run the browser tests through scripts/browser-test")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return Environment(
        url=data["url"].rstrip("/"),
        tokens=data["tokens"],
        roles=data.get("roles", {}),
        screenshots=data["screenshots"],
        chromium=data.get("chromium", "/usr/bin/chromium"),
        chromedriver=data.get("chromedriver", "/usr/bin/chromedriver"),
        inventories=data.get("inventories", []),
    )


def token(name: str) -> str:
    try:
        return env().tokens[name]
    except KeyError:
        raise KeyError(f"no token for '{name}' (scripts/browser-test makes: {', '.join(env().tokens)})") from None


# ---------------------------------------------------------------------------------------------
# Plain HTTP: the API with a bearer token, and raw requests for what a browser does not show


@dataclass
class HTTPAnswer:
    status: int
    headers: Any  # http.client.HTTPMessage: .get(name), .get_all(name)
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 3xx is answered to the caller as it is
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes | None = None,
         form: dict[str, str] | None = None) -> HTTPAnswer:
    """One request to the daemon (`path` relative to its URL), redirects not followed. `form`
    sends an application/x-www-form-urlencoded body, as a browser posts a form."""
    headers = dict(headers or {})
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(env().url + path, data=body, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=WAIT_SECONDS) as response:
            return HTTPAnswer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return HTTPAnswer(error.code, error.headers, error.read())


class Api:
    """The JSON API as `name` (their bearer token)."""

    def __init__(self, name: str):
        self.name = name
        self._token = token(name)

    def call(self, method: str, path: str, body: Any = None) -> HTTPAnswer:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return http(method, "/api/v1" + path, headers=headers, body=data)

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.call(method, path, body)
        if not 200 <= answer.status < 300:
            raise AssertionError(f"{method} /api/v1{path} as {self.name}: {answer.status} {answer.text[:500]}")
        return answer.json()

    def start_run(self, runbook: str, inventory: str, params: dict[str, Any] | None = None) -> str:
        """Plans, then starts on that plan's hash, as a client must; the run's id."""
        request = {"runbook": runbook, "inventory": inventory, "params": params or {}}
        plan = self.ok("POST", "/plans", request)
        started = self.ok("POST", "/runs", {**request, "plan_hash": plan["hash"]})
        return started["run_id"]

    def cancel_if_running(self, run_id: str, reason: str = "the browser test is over") -> None:
        """Cancels run `run_id` unless it has ended (a test's cleanup: no run it started stays
        waiting at a gate, holding a lock or showing on the approvals page of later tests)."""
        answer = self.ok("GET", f"/runs/{run_id}")
        if answer["run"].get("finished_at") is None:
            self.call("POST", f"/runs/{run_id}/cancel", {"reason": reason})
            self.wait_run(run_id)

    def wait_run(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        """GET /runs/{id} once the run has ended (it has `finished_at`); fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.ok("GET", f"/runs/{run_id}")
            if answer["run"].get("finished_at") is not None:
                return answer
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} still {answer['run'].get('status')} after {timeout:g}s")
            time.sleep(0.3)


@functools.cache
def api(name: str) -> Api:
    return Api(name)


# ---------------------------------------------------------------------------------------------
# The browser


@dataclass
class ConsoleEntry:
    page: str  # the page shown when the entry was read
    level: str
    source: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level} {self.source}] {self.message}  (page {self.page})"


@dataclass
class PostAnswer:
    """What fetch() saw: the final status and URL (after redirects it followed), and the body."""
    status: int
    url: str
    redirected: bool
    text: str


@dataclass
class _Allowance:
    pattern: re.Pattern[str]
    why: str


# Chromium asks every site for /favicon.ico on its own; the UI has none yet (a 404 in the console
# that no page caused). Allowed for every test, until the UI serves an icon.
_ALWAYS_ALLOWED = [_Allowance(re.compile(r"/favicon\.ico - Failed to load resource"), "no favicon yet")]


class Browser:
    """One headless Chromium with a fresh profile (no cookie, no cache from another test)."""

    def __init__(self, label: str = "browser"):
        self.label = label
        self._closed = False
        e = env()
        self._profile = tempfile.mkdtemp(prefix="warden-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = e.chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--user-data-dir={self._profile}",
                         "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-gpu",
                         "--disable-background-networking", "--disable-sync", "--metrics-recording-only",
                         f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.page_load_strategy = "normal"
        # Twice: on a machine busy building, Chromium sometimes misses chromedriver's start deadline
        # ("session not created"); a second start has always been enough.
        for attempt in (1, 2):
            try:
                self.driver = webdriver.Chrome(service=Service(e.chromedriver), options=options)
                break
            except WebDriverException:
                if attempt == 2:
                    shutil.rmtree(self._profile, ignore_errors=True)
                    raise
                time.sleep(1)
        self.driver.set_page_load_timeout(WAIT_SECONDS)
        self.driver.set_script_timeout(WAIT_SECONDS)
        self.console: list[ConsoleEntry] = []
        self.overflowing: dict[str, list[str]] = {}
        self._allowed: list[_Allowance] = list(_ALWAYS_ALLOWED)
        self._size(DESKTOP, mobile=False)

    # -- pages

    def url(self, path: str = "") -> str:
        return env().url + path

    @property
    def path(self) -> str:
        """The current page's path and query (`/sign-in?next=%2F`)."""
        parts = urllib.parse.urlsplit(self.driver.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def open(self, path: str) -> "Browser":
        """Loads `path` (of the daemon) and waits until it is loaded; follows redirects as a browser does."""
        self.collect_console()
        self.driver.get(self.url(path))
        self._loaded()
        return self

    def reload(self) -> "Browser":
        self.collect_console()
        self.driver.refresh()
        self._loaded()
        return self

    def _loaded(self) -> None:
        WebDriverWait(self.driver, WAIT_SECONDS).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def exists(self, css: str) -> bool:
        return bool(self.find_all(css))

    def text(self, css: str = "body") -> str:
        """The visible text of the first element matching `css` (as a person reads it)."""
        return self.find(css).text

    def live_text(self, css: str) -> str:
        """The visible text (innerText) of the first element matching `css`, read in one step
        inside the page: a live part that its script replaces meanwhile cannot turn the element
        stale between finding and reading it, as with `text`. "" when there is none."""
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css)

    def html(self) -> str:
        return self.driver.page_source

    def js(self, script: str, *args: Any) -> Any:
        """Runs `script` (a function body: `return ...`) in the page."""
        return self.driver.execute_script(script, *args)

    def wait_until(self, what: str, condition, timeout: float = WAIT_SECONDS) -> Any:
        """Waits, without reloading, until `condition(self)` is true (its value is returned),
        polling the page; fails after `timeout` seconds saying `what` was waited for and what the
        page shows. An element replaced while `condition` read it (a live part refreshed under
        it) counts as "not yet", not as an error."""
        def check(_driver) -> Any:
            try:
                return condition(self)
            except (StaleElementReferenceException, NoSuchElementException):
                return False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(check)
        except TimeoutException:
            try:
                shown = self.find("main").text
            except WebDriverException:
                shown = "?"
            raise AssertionError(f"waited {timeout:g}s for {what} on {self.path}; the page shows:\n{shown[:3000]}") from None

    def disable_scripts(self) -> "Browser":
        """From the next page on, the pages' own scripts do not run (as in a browser with
        JavaScript off); the tests' `js` still does. Every page must work without its script."""
        self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        return self

    # -- forms

    def submit_form(self, form_css: str, fields: dict[str, str] | None = None, button: str | None = None) -> "Browser":
        """Fills `fields` (by input name) of the form `form_css`, clicks its submit button (or the
        one `button` names, a CSS selector inside the form), and waits for the page it leads to."""
        form = self.find(form_css)
        for name, value in (fields or {}).items():
            element = form.find_element(By.CSS_SELECTOR, f"[name='{name}']")
            if element.tag_name == "select":
                self.js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", element, value)
            else:
                element.clear()
                element.send_keys(value)
        submit = form.find_element(By.CSS_SELECTOR, button or "button[type=submit], input[type=submit]")
        self._navigate(submit.click)
        return self

    def click(self, css: str) -> "Browser":
        """Clicks a link or button that loads another page, and waits for it."""
        self._navigate(self.find(css).click)
        return self

    def _navigate(self, action) -> None:
        """Does `action` (a click that loads a page) and waits until a new document has loaded:
        the old one is marked, and the wait is for a complete document without the mark. (Waiting
        for an old element to go stale races with Chromium tearing the old document down: its
        answer is sometimes an inspector error instead of a stale reference.)"""
        self.collect_console()
        marker = uuid.uuid4().hex
        self.js("window.__wardenOldPage = arguments[0]", marker)
        action()

        def loaded(driver) -> bool:
            try:
                return driver.execute_script(
                    "return document.readyState === 'complete' && window.__wardenOldPage !== arguments[0]", marker)
            except WebDriverException:  # between documents
                return False
        try:
            WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(loaded)
        except TimeoutException:
            raise AssertionError(f"no new page loaded within {WAIT_SECONDS}s (still at {self.path})") from None

    def csrf(self) -> str:
        """The session's CSRF token, as the page's forms carry it (hidden field `csrf`)."""
        return self.find("input[name=csrf]").get_attribute("value")

    def post_from_page(self, path: str, fields: dict[str, str] | None = None, *, csrf: bool = True,
                       allow_status: bool = True) -> PostAnswer:
        """Post a form from inside the page: fetch(path, POST, form-encoded `fields`) with the
        page's own cookie (credentials: 'same-origin'), so the browser sends what it sends for a
        real form of this origin (Origin, Sec-Fetch-Site, the session cookie). With `csrf`, the
        CSRF token read from the page's DOM is added as field `csrf` (unless `fields` has one):
        this is what a script injected into the page, or a person with devtools, could send; the
        server must still refuse what the identity may not do. Redirects are followed, as a form
        post's are. The failed-load console entry Chromium logs for a 4xx/5xx answer to this post
        is allowed (not a test failure) when `allow_status`."""
        data = dict(fields or {})
        if csrf and "csrf" not in data:
            data["csrf"] = self.csrf()
        result = self.driver.execute_async_script(
            """
            const [path, fields, done] = arguments;
            fetch(path, {method: 'POST', credentials: 'same-origin', body: new URLSearchParams(fields)})
              .then(r => r.text().then(t => done({status: r.status, url: r.url, redirected: r.redirected, text: t})))
              .catch(e => done({status: 0, url: '', redirected: false, text: String(e)}));
            """,
            path, data)
        answer = PostAnswer(result["status"], result["url"], result["redirected"], result["text"])
        if allow_status and answer.status >= 400:
            self.allow_console(re.escape(self.url(urllib.parse.urlsplit(path).path)) + r"\S* - Failed to load resource: .*status of "
                               + str(answer.status), f"post_from_page({path}) answered {answer.status}")
        return answer

    # -- signing in and out

    def sign_in(self, name: str, next_path: str | None = None) -> "Browser":
        """Signs in as `name` through the real form (the token typed into it, then its button),
        from /sign-in (or from `next_path`, which sends the browser to sign-in and back)."""
        self.open(next_path if next_path else "/sign-in")
        if not self.path.startswith("/sign-in"):
            raise AssertionError(f"expected the sign-in page, got {self.path}")
        self.submit_form("form.sign-in", {"token": token(name)})
        if self.path.startswith("/sign-in"):
            raise AssertionError(f"signing in as {name} failed: {self.text('main')}")
        return self

    def sign_out(self) -> "Browser":
        """Clicks the header's Sign out button."""
        return self.click("form[action='/sign-out'] button[type=submit]")

    def cookie(self, name: str = "warden_session") -> dict[str, Any] | None:
        return self.driver.get_cookie(name)

    # -- screenshots

    def screenshot(self, name: str) -> dict[str, str]:
        """The current page at desktop (1280x900) and phone (390x844, as a phone lays it out)
        width, as NAME-desktop.png and NAME-phone.png in the screenshot folder. Also returns, per
        size, the page's horizontal overflow in CSS pixels (0: nothing sticks out sideways), and
        keeps in `self.overflowing` (per size) the elements that stick out (`overflowing()`).

        The overflow is measured against the layout viewport (the root's clientWidth), not
        window.innerWidth: a phone zooms a page that is too wide out until it fits, and then
        innerWidth is the page's whole width, so a page twice too wide would measure 0."""
        folder = env().screenshots
        os.makedirs(folder, exist_ok=True)
        overflow = {}
        self.overflowing = {}
        for label, size, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
            self._size(size, mobile=mobile)
            self.js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            self.driver.save_screenshot(os.path.join(folder, f"{name}-{label}.png"))
            overflow[label] = self.js("return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)")
            self.overflowing[label] = self.overflowing_elements() if overflow[label] else []
        self._size(DESKTOP, mobile=False)
        return overflow

    @contextlib.contextmanager
    def phone(self):
        """Lays the page out as a phone (390x844) inside the `with`, as the desktop after it."""
        self._size(PHONE, mobile=True)
        try:
            self.js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            yield self
        finally:
            self._size(DESKTOP, mobile=False)

    def overflowing_elements(self, within: str = "body") -> list[str]:
        """The elements (inside `within`) that make the page wider than its viewport at its
        present size, as `tag.class "text…" left..right`: those reaching past its right edge that
        contain no such element themselves, leaving out what sits inside a box that scrolls or
        clips sideways (a `.scroll`, a `pre`)."""
        return self.js("""
            const width = document.documentElement.clientWidth, within = document.querySelector(arguments[0]);
            if (!within) return [];
            const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
            const out = Array.from(within.querySelectorAll('*'))
              .filter(e => e.getBoundingClientRect().right > width + 0.5 && !clipped(e));
            return out.filter(e => !out.some(o => o !== e && e.contains(o))).map(e => {
              const r = e.getBoundingClientRect(), cls = typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '';
              return `${e.tagName.toLowerCase()}${cls} "${e.textContent.trim().slice(0, 60)}" ${Math.round(r.left)}..${Math.round(r.right)}`;
            });
        """, within)

    def _size(self, size: tuple[int, int], mobile: bool) -> None:
        # Device metrics, not the window: a window cannot be made phone-narrow, and this also makes
        # the page honour <meta name=viewport> as a phone does.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile})

    # -- the console

    def allow_console(self, pattern: str, why: str) -> None:
        """An expected console entry (a regex searched in its message) that is not a failure."""
        self._allowed.append(_Allowance(re.compile(pattern), why))

    def collect_console(self) -> list[ConsoleEntry]:
        """Reads the console entries logged since the last read (Chromium hands each out once)."""
        if self._closed:
            return []
        try:
            page = self.path
        except Exception:
            page = "?"
        entries = [ConsoleEntry(page, e.get("level", ""), e.get("source", ""), e.get("message", ""))
                   for e in self.driver.get_log("browser")]
        self.console.extend(entries)
        return entries

    def console_problems(self) -> list[ConsoleEntry]:
        """Entries that fail a test: CSP violations, uncaught errors, console.error, failed loads
        (any SEVERE entry, and anything naming the Content Security Policy), less allowed ones."""
        self.collect_console()
        problems = []
        for entry in self.console:
            bad = entry.level == "SEVERE" or "Content Security Policy" in entry.message or entry.source == "security"
            if bad and not any(a.pattern.search(entry.message) for a in self._allowed):
                problems.append(entry)
        return problems

    def close(self) -> None:
        """Quits the browser and removes its profile; again is a no-op."""
        if self._closed:
            return
        try:
            self.collect_console()  # kept for the test's check after the browser is gone
        except Exception:
            pass
        self._closed = True
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The test case


class BrowserTest(unittest.TestCase):
    """A test case whose browsers are closed after each test, and whose console logs are checked."""

    maxDiff = None

    def browser(self, label: str | None = None) -> Browser:
        b = Browser(label or self.id().rsplit(".", 1)[-1])
        # Cleanups run last in, first out: the console is checked, a failed test's page is kept
        # as a screenshot, then the browser is closed.
        self.addCleanup(b.close)
        self.addCleanup(self._keep_failed_page, b)
        self.addCleanup(self._check_console, b)
        return b

    def _keep_failed_page(self, b: Browser) -> None:
        # Whether this test (or a subtest of it) has failed so far: unittest offers no public way to
        # ask in a cleanup, so its result's lists are read.
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is not None and any(t is self or getattr(t, "test_case", None) is self
                                            for t, _ in result.failures + result.errors)
        if not failed or b._closed:
            return
        name = "FAILED-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.id()}-{b.label}")
        try:
            os.makedirs(env().screenshots, exist_ok=True)
            b.driver.save_screenshot(os.path.join(env().screenshots, name + ".png"))
            print(f"\n  (the failed test's page, {b.path}: {name}.png in the screenshot folder)")
        except WebDriverException:
            pass

    def _check_console(self, b: Browser) -> None:
        problems = b.console_problems()
        if problems:
            self.fail(f"the browser console of {b.label} has {len(problems)} problem(s):\n  "
                      + "\n  ".join(str(p) for p in problems))

    def assertScreenshotFits(self, b: Browser, name: str, what: str) -> None:
        """Takes the screenshots NAME-desktop.png and NAME-phone.png and fails when the page is
        wider than the screen at either size, naming the elements that stick out."""
        overflow = b.screenshot(name)
        if any(overflow.values()):
            self.fail(f"{what} is wider than the screen: " + "; ".join(
                f"{label} by {px}px ({', '.join(b.overflowing[label])})" for label, px in overflow.items() if px))

    def assertStartButtonNames(self, b: Browser, plan_hash: str) -> None:
        """The start page's Start button names the plan it starts, by its hash or the hash's
        beginning ("Start (plan sha256:1f2e…)"), and sends that plan's whole hash."""
        text = b.text("form.start button[value=start]")
        shown = re.fullmatch(r"Start \(plan (sha256:[0-9a-f]{6,64})…?\)", text)
        self.assertIsNotNone(shown, f"the Start button reads {text!r}, naming no plan hash")
        self.assertTrue(plan_hash.startswith(shown.group(1)), f"the Start button names {shown.group(1)}, the plan is {plan_hash}")
        self.assertEqual(b.find("form.start input[name=plan_hash]").get_attribute("value"), plan_hash)

    def assertSignedInAs(self, b: Browser, name: str) -> None:
        self.assertIn(f"Signed in as {name}", b.text("header"))

    def assertOnSignIn(self, b: Browser) -> None:
        self.assertTrue(b.path.startswith("/sign-in"), f"expected the sign-in page, got {b.path}")
        self.assertTrue(b.exists("form.sign-in input[name=token]"), "no token field on the sign-in page")


# ---------------------------------------------------------------------------------------------
# Shared state: made once per process by whichever test needs it first (tests stay independent of
# order), cached. Add a cached function here for state several tests or page groups read.

# Text that must reach every page as text: markup that would run a script if a page inserted it
# as HTML (each sets window.__xss), and a terminal colour escape (a raw ESC byte).
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
ANSI_RED = "\x1b[31mRED\x1b[0m"
XSS_NOTE = f"{XSS_SCRIPT} {XSS_IMG} {ANSI_RED}"


def rebalance_params(cluster: str) -> dict[str, str]:
    """Parameters of runbooks/pegasus/rebalance.yaml (pegasus-rebalance) for a run that can start
    now and ends quickly: a window open from an hour ago to two hours ahead in UTC (its cleanup
    reserve, at most 15 minutes, is far off), polls every second. `cluster` names the lock
    (pegasus/CLUSTER): one per test, so a run a failed test left cannot block another's."""
    hour = datetime.datetime.now(datetime.timezone.utc).hour
    return {"cluster": cluster, "window": f"{(hour + 23) % 24:02d}:00-{(hour + 2) % 24:02d}:00", "timezone": "UTC",
            "poll": "1s", "revert_after": "10m"}


@functools.cache
def probe_run() -> str:
    """The id of an ended run of Tests/Browser/runbooks/echo-note.yaml (browser-echo-note) on
    the fleet, started by olga, whose parameter and output (every host prints it) carry XSS_NOTE."""
    run_id = api("olga").start_run("browser-echo-note", "fleet", {"note": XSS_NOTE})
    api("olga").wait_run(run_id)
    return run_id
