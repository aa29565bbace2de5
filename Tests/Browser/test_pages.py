"""Light coverage of the other pages: /schedules, /incidents, /locks, /audit and /status. This
daemon has no schedules and no alert rules (scripts/browser-test), so those two show their empty
state; locks, audit and status show what the tests' runs leave."""

import uuid

from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from harness import BrowserTest, api, rebalance_params

PAGES = {"/schedules": "Schedules", "/incidents": "Incidents", "/locks": "Locks", "/audit": "Audit log", "/status": "Status"}


class OtherPages(BrowserTest):
    def waiting_rebalance(self) -> tuple[str, str]:
        """A rebalance waiting at its gate, holding its lock; cancelled after the test."""
        cluster = f"browser-{uuid.uuid4().hex[:8]}"
        run_id = api("olga").start_run("pegasus-rebalance", "pegasus", rebalance_params(cluster))
        self.addCleanup(api("olga").cancel_if_running, run_id)
        return run_id, f"pegasus/{cluster}"

    def test_each_page_for_each_role(self):
        b = self.browser()
        for name in ("vera", "ada"):
            b.driver.delete_all_cookies()
            b.sign_in(name)
            for path, heading in PAGES.items():
                with self.subTest(who=name, page=path):
                    b.click(f"header nav a[href='{path}']")
                    self.assertEqual(b.path, path)
                    self.assertEqual(b.text("h1"), heading)
                    self.assertEqual(b.find("header nav a[aria-current=page]").get_attribute("href"), b.url(path))
                    self.assertIsNone(b.js("return window.__xss"))
        self.assertIn("No schedules are configured", b.open("/schedules").text("main"))
        self.assertIn("No incidents", b.open("/incidents").text("main"))

    def test_locks_page_shows_a_held_lock_and_who_may_break_it(self):
        run_id, lock = self.waiting_rebalance()
        b = self.browser()
        b.sign_in("olga", next_path="/locks")
        row = next((r for r in b.find_all("table.list tbody tr") if lock in r.text), None)
        self.assertIsNotNone(row, f"lock {lock} is not on the locks page:\n{b.text('main')}")
        self.assertIn(run_id, row.text)
        self.assertIn("olga", row.text)
        self.assertFalse(b.exists("form[action$='/break']"), "an operator (not an admin) is offered Break")
        b.driver.delete_all_cookies()
        b.sign_in("ada", next_path="/locks")
        row = next(r for r in b.find_all("table.list tbody tr") if lock in r.text)
        form = row.find_element("css selector", "form[action$='/break']")
        self.assertEqual(form.get_attribute("data-confirm"), "Break this lock? The run holding it stops, and its cleanup runs.")
        self.assertEqual(form.find_element("css selector", "input[name=reason]").get_attribute("required"), "true")
        # The page has no live part: its form keeps the script's confirm. Dismissed, nothing is sent.
        form.find_element("css selector", "input[name=reason]").send_keys("just looking")
        b.js("window.__marker = 1")
        form.find_element("css selector", "button[type=submit]").click()
        WebDriverWait(b.driver, 5).until(expected_conditions.alert_is_present(), "Break asked no confirmation")
        b.driver.switch_to.alert.dismiss()
        self.assertEqual(b.js("return window.__marker"), 1, "a dismissed Break still sent its form")
        self.assertIn(lock, [entry["name"] for entry in api("ada").ok("GET", "/locks")["locks"]])
        b.click(f"main a[href='/runs/{run_id}']")
        self.assertEqual(b.path, f"/runs/{run_id}")

    def test_status_lists_an_active_run(self):
        run_id, _ = self.waiting_rebalance()
        b = self.browser()
        b.sign_in("vera", next_path="/status")
        self.assertIn("accepting", b.text("#daemon"))
        self.assertIn(run_id, b.text("main"))
        b.click(f"main a[href='/runs/{run_id}']")
        self.assertEqual(b.path, f"/runs/{run_id}")

    def test_audit_log_verifies_and_links_runs(self):
        run_id, _ = self.waiting_rebalance()
        b = self.browser()
        b.sign_in("vera", next_path="/audit")
        self.assertEqual(b.text("#verification .status"), "intact")
        self.assertIn("is intact", b.text("section.card"))
        self.assertTrue(b.exists(f"main table.list a[href='/runs/{run_id}']"), "the newest run is not linked from the audit log")

    def test_screenshots(self):
        self.waiting_rebalance()  # a lock, an active run, audit records
        b = self.browser()
        b.sign_in("ada")
        for path in PAGES:
            with self.subTest(page=path):
                b.open(path)
                self.assertScreenshotFits(b, path.strip("/"), f"the page {path}")
