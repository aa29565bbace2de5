"""The start page (/start): pick a runbook and an inventory, a form made from the runbook's typed
parameters, Plan shows the dry run, Start sends the hash it showed. Starting a rebalance through it
to the end is in test_run_page."""

import re
import unittest
import uuid

from harness import XSS_IMG, XSS_SCRIPT, BrowserTest, api, rebalance_params

# Hostile text a person can type into a text parameter: an attribute breakout, markup that would
# run a script, and template syntax (of the pages' templates and of runbooks).
HOSTILE = f'"><svg onload="window.__xss=1"> {XSS_SCRIPT} {XSS_IMG} {{{{title}}}} {{{{ params.note }}}}'


def run_ids(runbook: str) -> set[str]:
    return {r["id"] for r in api("olga").ok("GET", f"/runs?runbook={runbook}&limit=200")["runs"]}


class StartPage(BrowserTest):
    def test_form_from_the_runbooks_parameters(self):
        b = self.browser()
        b.sign_in("olga")
        b.click("a[href='/start']")
        self.assertEqual(b.path, "/start")
        self.assertFalse(b.exists("form.start"), "a parameter form before a runbook was chosen")
        b.submit_form("form.filters", {"runbook": "pegasus-rebalance", "inventory": "pegasus"})
        self.assertEqual(b.path, "/start?runbook=pegasus-rebalance&inventory=pegasus")
        self.assertIn("changes hosts and waits for an approval before it does", b.text("section[aria-labelledby=params-heading]"))
        fields = {f.get_attribute("name"): f for f in b.find_all("form.start input, form.start select")}
        self.assertEqual([n for n in fields if n.startswith("param.")],
                         ["param.admin", "param.cluster", "param.window", "param.timezone", "param.poll", "param.revert_after"])
        self.assertEqual(fields["param.cluster"].get_attribute("required"), "true")
        self.assertIsNone(fields["param.window"].get_attribute("required"))  # it has a default
        self.assertEqual(fields["param.window"].get_attribute("value"), "01:00-06:00")
        self.assertEqual(fields["param.poll"].get_attribute("value"), "5s")
        self.assertIsNotNone(fields["param.poll"].get_attribute("pattern"), "a duration field without its pattern")
        self.assertEqual(fields["inventory"].get_attribute("value"), "pegasus")
        self.assertEqual(fields["inventory"].get_attribute("type"), "hidden")
        label = b.text("label[for=param-cluster]")
        self.assertEqual(label, "cluster (string, required)")
        self.assertFalse(b.exists("form.start button[value=start]"), "Start offered before a plan was shown")

    def test_plan_then_start_lands_on_the_run_page(self):
        params = rebalance_params(f"browser-{uuid.uuid4().hex[:8]}")
        b = self.browser()
        b.sign_in("olga", next_path="/start?runbook=pegasus-rebalance&inventory=pegasus")
        b.submit_form("form.start", {f"param.{k}": v for k, v in params.items()}, "button[value=plan]")
        plan = b.text("section[aria-labelledby=plan-heading]")
        plan_hash = b.text("section[aria-labelledby=plan-heading] code.hash")
        self.assertIn("Nothing was changed on any host", plan)
        self.assertIn(f"Plan hash {plan_hash} · verdict proceeds", plan)
        self.assertEqual(b.find("form.start input[name=plan_hash]").get_attribute("value"), plan_hash)
        self.assertStartButtonNames(b, plan_hash)
        steps = [li.find_element("css selector", "p strong").text for li in b.find_all("section[aria-labelledby=plan-heading] ol.plan > li")]
        self.assertEqual(steps, ["go", "lively", "balanced", "steady", "steady_confirmed"])
        for name, value in params.items():  # the form keeps what was typed
            self.assertEqual(b.find(f"input[name='param.{name}']").get_attribute("value"), value)
        b.submit_form("form.start", button="button[value=start]")
        match = re.fullmatch(r"/runs/([0-9A-Za-z-]+)", b.path)
        self.assertIsNotNone(match, f"Start led to {b.path}")
        self.addCleanup(api("olga").cancel_if_running, match.group(1), "the start page test only starts it")
        self.assertEqual(api("olga").ok("GET", f"/runs/{match.group(1)}")["run"]["plan_hash"], plan_hash)

    def test_screenshots_with_a_plan(self):
        b = self.browser()
        b.sign_in("olga", next_path="/start?runbook=pegasus-rebalance&inventory=pegasus")
        self.assertScreenshotFits(b, "start-form", "the start form")
        params = rebalance_params(f"browser-{uuid.uuid4().hex[:8]}")
        b.submit_form("form.start", {f"param.{k}": v for k, v in params.items()}, "button[value=plan]")
        self.assertTrue(b.exists("section[aria-labelledby=plan-heading]"))
        self.assertScreenshotFits(b, "start-plan", "the start page with a plan")

    def test_a_plan_that_changed_is_shown_not_started(self):
        b = self.browser()
        b.sign_in("olga", next_path="/start?runbook=browser-echo-note&inventory=fleet")
        b.submit_form("form.start", {"param.note": "as planned"}, "button[value=plan]")
        before = run_ids("browser-echo-note")
        # As if the hosts had changed since the page showed its plan: the hash it sends differs.
        b.js("document.querySelector('form.start input[name=plan_hash]').value = 'sha256:' + '0'.repeat(64)")
        b.allow_console(r"/start - Failed to load resource: .*status of 409", "a changed plan answers 409")
        b.submit_form("form.start", button="button[value=start]")
        self.assertEqual(b.path, "/start")
        self.assertIn("The plan changed since the page showed it, so nothing started", b.text("p.problem"))
        new_hash = b.text("section[aria-labelledby=plan-heading] code.hash")
        self.assertStartButtonNames(b, new_hash)
        self.assertEqual(run_ids("browser-echo-note"), before, "a run started on a plan the page did not show")

    def test_hostile_text_in_a_parameter_shows_literally_in_the_plan(self):
        before = run_ids("browser-echo-note")
        b = self.browser()
        b.sign_in("olga", next_path="/start?runbook=browser-echo-note&inventory=fleet")
        b.submit_form("form.start", {"param.note": HOSTILE}, "button[value=plan]")
        self.assertEqual(b.path, "/start")
        self.assertIsNone(b.js("return window.__xss"), "an injected script ran")
        self.assertEqual([s.get_attribute("src") for s in b.find_all("script")], [b.url("/static/warden.js")])
        self.assertEqual(b.find_all("main img, main svg"), [], "injected markup became an element")
        self.assertEqual(b.find("input[name='param.note']").get_attribute("value"), HOSTILE, "the field does not hold what was typed")
        plan = b.find("section[aria-labelledby=plan-heading]")
        self.assertEqual(plan.find_element("css selector", "dl.facts dd code").text, HOSTILE)
        commands = [c.text for c in plan.find_elements("css selector", "code.command")]
        # Both hosts run the same command: one row names them both.
        self.assertEqual(commands, ["printf '%s\\n' '" + HOSTILE + "'"])
        self.assertIn("2 hosts: ", plan.find_element("css selector", "table.commands td").text)
        self.assertEqual(run_ids("browser-echo-note"), before, "Plan started a run")

    def test_roles_that_may_not_plan_get_no_page(self):
        b = self.browser()
        b.sign_in("vera")
        b.allow_console(r"/start - Failed to load resource: .*status of 403", "the viewer's /start answers 403")
        b.open("/start")
        self.assertEqual(b.text("h1"), "Not allowed")
        self.assertFalse(b.exists("form.start"))
