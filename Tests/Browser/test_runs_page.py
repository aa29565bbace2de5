"""The runs page (GET /): what each role sees, and everything a run holds shown as text."""

import unittest
import urllib.parse

from harness import ANSI_RED, XSS_IMG, XSS_SCRIPT, BrowserTest, probe_run


class RunsPage(BrowserTest):
    def test_start_link_only_for_roles_that_may_start_runs(self):
        # operator and admin may start runs; approver and viewer may not (docs/tokens.md).
        b = self.browser()
        for name, may_start in (("olga", True), ("ada", True), ("amir", False), ("vera", False)):
            with self.subTest(who=name):
                b.driver.delete_all_cookies()
                b.sign_in(name)
                self.assertSignedInAs(b, name)
                self.assertEqual(b.exists("a[href='/start']"), may_start,
                                 f"{name}: Start link {'missing' if may_start else 'shown'}")

    def test_run_parameters_show_as_text(self):
        run_id = probe_run()
        b = self.browser()
        b.sign_in("vera", next_path="/?runbook=browser-echo-note")
        row = next((r for r in b.find_all("table.runs tbody tr") if run_id in r.text), None)
        self.assertIsNotNone(row, f"run {run_id} is not on the runs page")
        params = row.find_element("css selector", "code.params").text
        self.assertIn(XSS_SCRIPT, params)
        self.assertIn(XSS_IMG.replace('"', '\\"'), params)  # the parameters are JSON: quotes escaped
        self.assertIn("[31mRED", params)
        self.assertNotIn("\x1b", b.text("body"), "a raw ESC byte reached the page's text")
        self.assertNoInjection(b)

    def test_filter_values_are_echoed_as_text(self):
        b = self.browser()
        b.sign_in("olga")
        query = {"status": XSS_IMG, "runbook": '"><script>window.__xss=1</script>', "initiator": ANSI_RED}
        b.open("/?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote))
        self.assertEqual(b.find("input[name=runbook]").get_attribute("value"), query["runbook"])
        self.assertIn(XSS_IMG, b.text("[role=alert]"))  # "unknown status '<img ...>'"
        self.assertNoInjection(b)

    def test_filter_form(self):
        run_id = probe_run()
        b = self.browser()
        b.sign_in("amir")
        b.submit_form("form.filters", {"status": "succeeded", "runbook": "browser-echo-note", "initiator": "olga"})
        self.assertEqual(b.find("select[name=status]").get_attribute("value"), "succeeded")
        self.assertEqual(b.find("input[name=initiator]").get_attribute("value"), "olga")
        rows = [r.text for r in b.find_all("table.runs tbody tr")]
        self.assertTrue(any(run_id in r for r in rows), f"run {run_id} not listed: {rows}")
        self.assertTrue(all("browser-echo-note" in r and "olga" in r for r in rows), rows)
        b.submit_form("form.filters", {"status": "", "runbook": "", "initiator": "nobody-by-this-name"})
        self.assertEqual(b.find_all("table.runs"), [])
        self.assertIn("No runs match.", b.text("main"))

    def test_filter_form_keeps_a_space(self):
        # A browser sends a space in a GET form as '+': the page reads it back as a space.
        b = self.browser()
        b.sign_in("olga")
        b.submit_form("form.filters", {"initiator": "a b"})
        self.assertEqual(b.find("input[name=initiator]").get_attribute("value"), "a b")

    def test_screenshots(self):
        probe_run()  # at least one row, with a long parameter
        b = self.browser()
        b.sign_in("olga")
        overflow = b.screenshot("runs")
        self.assertEqual(overflow, {"desktop": 0, "phone": 0}, "the runs page is wider than the screen")

    def assertNoInjection(self, b):
        self.assertIsNone(b.js("return window.__xss"), "an injected script ran")
        scripts = [s.get_attribute("src") for s in b.find_all("script")]
        self.assertEqual(scripts, [b.url("/static/warden.js")], "a script element other than warden.js")
        self.assertEqual(b.find_all("main img"), [], "an injected img element")
