"""The run page (/runs/{id}): a rebalance started from the start form, waiting at its gate,
approved by someone else in another browser and followed live to its end on the initiator's page
without a reload; who sees which form; forged decisions and cancels; cancelling with a reason;
host output with markup and terminal colours shown as text."""

import json
import os
import re
import unittest
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from harness import XSS_IMG, XSS_SCRIPT, BrowserTest, api, probe_run, rebalance_params

# A live update must reach the page within this (the rebalance polls every second; the machine
# may be busy building).
LIVE_SECONDS = 90


def cells(b):
    """The grid's cells as (host, state class, text) per cell, read in one step."""
    return [tuple(c) for c in b.js("""
        return Array.from(document.querySelectorAll('#live table.grid tbody tr')).flatMap(row =>
          Array.from(row.querySelectorAll('td.cell')).map(cell => [row.querySelector('th').innerText.trim(),
            Array.from(cell.classList).find(c => c.startsWith('cell-')), cell.innerText.trim()]));
    """)]


def status(b) -> str:
    return b.live_text("#live .status")


class RunPage(BrowserTest):
    def gated(self, note: str = "a note") -> str:
        """A run of Tests/Browser/runbooks/gated-note.yaml started by olga, waiting at its gate;
        cancelled after the test unless it ended."""
        run_id = api("olga").start_run("browser-gated-note", "fleet", {"note": note})
        self.addCleanup(api("olga").cancel_if_running, run_id)
        return run_id

    def open_live(self, b, run_id: str):
        """Opens the run page and waits for the live part's first refresh (`refreshed`)."""
        b.open(f"/runs/{run_id}")
        return self.refreshed(b)

    def refreshed(self, b):
        """Waits until the page's script has refreshed the live part once: the event stream replays
        the journal when it opens, so about 250 ms after every load of an unfinished run the live
        part (and every form in it) is replaced. What a person sees a moment after the load."""
        b.wait_until("the live part's first refresh", lambda b: b.find("#live").get_attribute("data-updated"))
        return b

    def assertLivePartFits(self, b, name: str):
        """Screenshots NAME-desktop.png and NAME-phone.png; the live part (status, gate, timeline,
        grid, approvals, output, journal) must fit a phone. The whole page's width, with the plan
        below it, is test_rebalance_page_fits_a_phone's."""
        b.screenshot(name)
        with b.phone():
            self.assertEqual(b.overflowing_elements("#live"), [], f"the live part of {name} is wider than a phone")

    def test_rebalance_from_the_start_form_approved_in_another_browser_followed_live(self):
        params = rebalance_params(f"browser-{uuid.uuid4().hex[:8]}")
        olga = self.browser("olga")
        olga.sign_in("olga")
        olga.open("/start")
        olga.submit_form("form.filters", {"runbook": "pegasus-rebalance", "inventory": "pegasus"})
        self.assertEqual(olga.path, "/start?runbook=pegasus-rebalance&inventory=pegasus")
        olga.submit_form("form.start", {f"param.{k}": v for k, v in params.items()}, "button[value=plan]")
        plan_hash = olga.text("section[aria-labelledby=plan-heading] code.hash")
        self.assertRegex(plan_hash, r"^sha256:[0-9a-f]{64}$")
        self.assertStartButtonNames(olga, plan_hash)
        self.assertIn("verdict proceeds", olga.text("section[aria-labelledby=plan-heading]"))
        olga.submit_form("form.start", button="button[value=start]")
        match = re.fullmatch(r"/runs/([0-9A-Za-z-]+)", olga.path)
        self.assertIsNotNone(match, f"Start led to {olga.path}, not a run page")
        run_id = match.group(1)
        self.addCleanup(api("olga").cancel_if_running, run_id)
        olga.js("window.__marker = 1")  # gone if the page is ever reloaded

        # The run waits for approval: olga is told why she cannot give it, and gets no form for it.
        waiting = olga.wait_until("the approval gate", lambda b: b.live_text("#live section.waiting"))
        self.assertIn("Waiting for approval at go", waiting)
        self.assertIn(plan_hash, waiting)
        self.assertIn("You cannot approve this: olga does not have the approver role.", olga.live_text("#live p.refusal"))
        self.assertFalse(olga.exists("#live form.decision"), "the initiator is offered the decision form")
        self.assertFalse(olga.exists("button[value=approve]"), "the initiator is offered an Approve button")
        self.assertTrue(olga.exists("#live details.cancel"), "the operator is offered no Cancel")
        self.assertEqual(status(olga), "running")
        self.assertEqual([state for _, state, _ in cells(olga)], ["cell-pending"], cells(olga))
        self.assertIn("pegasus/" + params["cluster"], olga.live_text("#live section[aria-labelledby=locks-heading]"))
        self.assertLivePartFits(olga, "run-waiting")

        # amir, in a browser of his own, approves it from the approvals page with a comment.
        amir = self.browser("amir")
        amir.sign_in("amir")
        amir.open("/approvals")
        article = f"article[aria-labelledby='approval-{run_id}']"
        self.assertTrue(amir.exists(article), f"run {run_id} is not on amir's approvals page:\n{amir.text('main')}")
        self.assertIn(plan_hash, amir.text(article))
        self.assertIn("by olga", amir.text(article))
        comment = f"window agreed with the on-call ({uuid.uuid4().hex[:6]})"
        amir.submit_form(f"{article} form.decision", {"comment": comment}, "button[value=approve]")
        self.assertEqual(amir.path, f"/runs/{run_id}")

        # olga's page, never reloaded, follows it: amir's approval, every cell ok, succeeded.
        def approval_row(b):
            rows = b.js("return Array.from(document.querySelectorAll('#live section[aria-labelledby=approvals-heading] tbody tr')).map(r => r.innerText)")
            return next((r for r in rows if "amir" in r), None)
        row = olga.wait_until("amir's approval in the approvals table", approval_row, LIVE_SECONDS)
        self.assertIn("approve", row)
        self.assertIn(comment, row)
        self.assertIn(plan_hash, row)
        olga.wait_until("the run to succeed", lambda b: status(b) == "succeeded", LIVE_SECONDS)
        olga.wait_until("the page to hold the final state", lambda b: b.exists("#live [data-final=true]"), LIVE_SECONDS)
        self.assertEqual(olga.js("return window.__marker"), 1, "olga's page was reloaded: it must update in place")
        grid = cells(olga)
        self.assertTrue(grid, "no grid on the finished run's page")
        self.assertEqual({state for _, state, _ in grid}, {"cell-ok"}, grid)
        self.assertTrue(all(text.startswith("ok") for _, _, text in grid), grid)
        self.assertFalse(olga.exists("#live section.waiting"), "the finished run still shows its gate")
        self.assertFalse(olga.exists("#live details.cancel"), "the finished run still offers Cancel")

        # The timeline: a bar per step, each ok, each with a tooltip naming it.
        # Each bar's state class (on the rect, or on a group of rects) and its tooltip.
        bars = olga.js("""return Array.from(document.querySelectorAll('#live svg.timeline rect'))
                             .filter(r => r.closest('.bar')).map(r => [r.closest('.bar').getAttribute('class'), r.querySelector('title')?.textContent ?? ''])""")
        self.assertTrue(bars, "no bars on the timeline")
        self.assertEqual({css for css, _ in bars}, {"bar bar-ok"}, bars)
        titles = [title for _, title in bars]
        for step in ("go", "lively", "balanced", "steady", "steady_confirmed"):
            self.assertTrue(any(t.startswith(f"{step} ") for t in titles), f"no bar for step {step}: {titles}")

        # It ended steady: the last step read the level back, and the double's state says so.
        journal = olga.live_text("#live ol.journal")
        self.assertIn("set_meta_level lively", journal)
        self.assertIn("set_meta_level steady", journal)
        self.assertRegex(journal, r"step-finished steady_confirmed ok")
        outputs = dict(olga.js("""return Array.from(document.querySelectorAll('#live details.output'))
                                   .map(o => [o.querySelector('summary').textContent, o.querySelector('pre.output').textContent])"""))
        confirmed = next((text for summary, text in outputs.items() if summary.startswith("steady_confirmed on h01")), None)
        self.assertIsNotNone(confirmed, f"no output of steady_confirmed: {list(outputs)}")
        self.assertIn("steady", confirmed)
        state_file = re.search(r"PEGASUS_FAKE_STATE=(\S+)", olga.text("section[aria-labelledby=plan-heading]"))
        if state_file and os.path.exists(state_file.group(1)):
            with open(state_file.group(1), encoding="utf-8") as f:
                self.assertEqual(json.load(f)["meta_function_level"], "steady")
        self.assertEqual(api("olga").ok("GET", f"/runs/{run_id}")["run"]["status"], "succeeded")
        self.assertLivePartFits(olga, "run-succeeded")

    def test_approver_denies_on_the_run_page_and_the_initiator_sees_it_live(self):
        run_id = self.gated()
        olga = self.open_live(self.browser("olga").sign_in("olga"), run_id)
        olga.js("window.__marker = 1")
        amir = self.open_live(self.browser("amir").sign_in("amir"), run_id)
        self.assertTrue(amir.exists("#live form.decision button[value=approve]"), "the approver has no Approve button")
        self.assertFalse(amir.exists("#live details.cancel"), "the approver (not an operator) is offered Cancel")
        # A denial without a reason is refused, on the run page, saying why.
        amir.allow_console(re.escape(f"/runs/{run_id}/decision") + r" - Failed to load resource: .*status of 422",
                           "the refused denial answers 422")
        amir.submit_form("#live form.decision", {"comment": ""}, "button[value=deny]")
        self.assertIn("a denial needs a 'comment'", amir.text("p.problem"))
        self.assertEqual(status(amir), "running")
        self.refreshed(amir)  # the refusal is a run page of its own, with a live part
        amir.submit_form("#live form.decision", {"comment": "not in this window"}, "button[value=deny]")
        self.assertEqual(amir.path, f"/runs/{run_id}")
        row = olga.wait_until("amir's denial", lambda b: b.live_text("#live section[aria-labelledby=approvals-heading] tbody"), LIVE_SECONDS)
        self.assertIn("deny", row)
        self.assertIn("not in this window", row)
        olga.wait_until("the run to end", lambda b: b.exists("#live [data-final=true]"), LIVE_SECONDS)
        self.assertNotEqual(status(olga), "succeeded")
        self.assertEqual(olga.js("return window.__marker"), 1, "olga's page was reloaded")

    def test_viewer_sees_no_cancel_nor_approve_and_cannot_forge_either(self):
        run_id = self.gated()
        vera = self.open_live(self.browser("vera").sign_in("vera"), run_id)
        self.assertIn("You cannot approve this: vera does not have the approver role.", vera.live_text("#live p.refusal"))
        self.assertFalse(vera.exists("#live form.decision"), "the viewer is offered the decision form")
        self.assertFalse(vera.exists("button[value=approve]"), "the viewer is offered Approve")
        self.assertFalse(vera.exists("details.cancel"), "the viewer is offered Cancel")
        self.assertFalse(vera.exists(f"form[action='/runs/{run_id}/cancel']"), "the viewer is offered a cancel form")
        plan_hash = vera.live_text("#live dl.facts code.hash")
        # Her own session and CSRF token (from the header's sign-out form): still not her decision.
        decision = vera.post_from_page(f"/runs/{run_id}/decision", {"decision": "approve", "plan_hash": plan_hash, "comment": "forged"})
        self.assertEqual(decision.status, 403, decision.text)
        self.assertIn("needs the &#39;approve&#39; permission", decision.text)
        cancel = vera.post_from_page(f"/runs/{run_id}/cancel", {"reason": "forged"})
        self.assertEqual(cancel.status, 403, cancel.text)
        self.assertIn("needs the &#39;cancelRun&#39; permission", cancel.text)
        # Those who may, without the form's CSRF token: refused too.
        olga = self.open_live(self.browser("olga").sign_in("olga"), run_id)
        answer = olga.post_from_page(f"/runs/{run_id}/cancel", {"reason": "no token"}, csrf=False)
        self.assertEqual(answer.status, 403, answer.text)
        self.assertIn("CSRF", answer.text)
        amir = self.open_live(self.browser("amir").sign_in("amir"), run_id)
        answer = amir.post_from_page(f"/runs/{run_id}/decision", {"decision": "approve", "plan_hash": plan_hash}, csrf=False)
        self.assertEqual(answer.status, 403, answer.text)
        self.assertIn("CSRF", answer.text)
        detail = api("vera").ok("GET", f"/runs/{run_id}")
        self.assertEqual(detail["run"]["status"], "running", "a refused post changed the run")
        self.assertEqual(detail.get("approvals", []), [], "a refused post recorded a decision")

    def test_cancel_with_a_reason_after_confirming(self):
        run_id = self.gated()
        olga = self.open_live(self.browser("olga").sign_in("olga"), run_id)
        olga.js("window.__marker = 1")
        olga.find("#live details.cancel summary").click()
        olga.find("#live details.cancel input[name=reason]").send_keys("wrong cluster")
        olga.find("#live details.cancel button[type=submit]").click()
        WebDriverWait(olga.driver, 5).until(expected_conditions.alert_is_present(), "no confirm dialog")
        dialog = olga.driver.switch_to.alert
        self.assertEqual(dialog.text, "Cancel this run? Its cleanup still runs.")
        dialog.dismiss()  # "no": nothing is sent
        self.assertEqual(api("olga").ok("GET", f"/runs/{run_id}")["run"]["status"], "running")
        self.assertEqual(olga.js("return window.__marker"), 1, "a dismissed confirm still sent the form")

        def confirmed():
            olga.find("#live details.cancel button[type=submit]").click()
            WebDriverWait(olga.driver, 5).until(expected_conditions.alert_is_present(), "no confirm dialog")
            olga.driver.switch_to.alert.accept()
        olga._navigate(confirmed)
        self.assertEqual(olga.path, f"/runs/{run_id}")
        olga.wait_until("the run to end", lambda b: b.exists("#live [data-final=true]"), LIVE_SECONDS)
        self.assertIn("cancelled by olga: wrong cluster", olga.live_text("#live dl.facts"))

    def test_cancel_with_a_reason_without_the_script(self):
        # Every page works without warden.js (no confirm then, and a reload shows news).
        run_id = self.gated()
        olga = self.browser("olga").sign_in("olga").disable_scripts()
        olga.open(f"/runs/{run_id}")
        self.assertIsNone(olga.find("#live").get_attribute("data-updated"))
        self.assertEqual(olga.find("#live input[name=reason]").get_attribute("required"), "true")
        olga.find("#live details.cancel summary").click()
        olga.find("#live input[name=reason]").send_keys("wrong cluster <b>really</b>")
        olga.click("#live details.cancel button[type=submit]")
        self.assertEqual(olga.path, f"/runs/{run_id}")
        api("olga").wait_run(run_id)
        olga.reload()
        self.assertTrue(olga.exists("#live [data-final=true]"))
        self.assertIn("cancelled by olga: wrong cluster <b>really</b>", olga.live_text("#live dl.facts"))
        self.assertFalse(olga.exists("#live details.cancel"), "an ended run still offers Cancel")
        self.assertFalse(olga.exists("main b"), "the reason's markup became an element")
        journal = olga.live_text("#live ol.journal")
        self.assertIn("wrong cluster <b>really</b>", journal)
        # A reason is required: a post without one is refused, saying so.
        other = self.gated()
        olga.open(f"/runs/{other}")
        answer = olga.post_from_page(f"/runs/{other}/cancel", {"reason": "  "})
        self.assertEqual(answer.status, 422, answer.text)
        self.assertIn("A cancellation needs a reason", answer.text)
        self.assertEqual(api("olga").ok("GET", f"/runs/{other}")["run"]["status"], "running")

    def test_markup_and_colours_in_host_output_show_as_text(self):
        run_id = probe_run()
        b = self.browser("vera")
        b.sign_in("vera")
        b.open(f"/runs/{run_id}")
        self.assertIsNone(b.js("return window.__xss"), "an injected script ran")
        self.assertEqual([s.get_attribute("src") for s in b.find_all("script")], [b.url("/static/warden.js")])
        self.assertEqual(b.find_all("main img"), [], "an injected img element")
        for summary in b.find_all("#live details.output summary"):
            summary.click()
        outputs = b.find_all("#live pre.output")
        self.assertEqual(len(outputs), 2, "one output per fleet host")
        for pre in outputs:
            self.assertEqual(pre.text, f"{XSS_SCRIPT} {XSS_IMG} RED")
            red = pre.find_elements(By.CSS_SELECTOR, "span.ansi-red")
            self.assertEqual([s.text for s in red], ["RED"])
            self.assertEqual(pre.find_elements(By.CSS_SELECTOR, "script, img"), [])
        self.assertIn(XSS_SCRIPT, b.live_text("#live code.params"))
        self.assertIn("[31mRED", b.live_text("#live code.params"))
        self.assertNotIn("\x1b", b.live_text("#live"), "a raw ESC byte reached the live part's text")
        self.assertIn("\\x1b[31mRED", b.live_text("#live ol.journal"))  # the journal shows the escape visibly
        self.assertEqual(status(b), "succeeded")

    def test_rebalance_page_fits_a_phone(self):
        run_id = api("olga").start_run("pegasus-rebalance", "pegasus", rebalance_params(f"browser-{uuid.uuid4().hex[:8]}"))
        self.addCleanup(api("olga").cancel_if_running, run_id)
        b = self.open_live(self.browser().sign_in("olga"), run_id)
        self.assertTrue(b.exists("section[aria-labelledby=plan-heading] li small"), "no guards in the rebalance's plan")
        self.assertScreenshotFits(b, "run-rebalance", "a rebalance's run page")
        rigid = b.js("""
            return Array.from(document.querySelectorAll('section[aria-labelledby=plan-heading] li small')).filter(e => {
              const s = getComputedStyle(e);
              return !['anywhere', 'break-word'].includes(s.overflowWrap) && s.wordBreak !== 'break-all';
            }).map(e => e.textContent);
        """)
        self.assertEqual(rigid, [], "guard locations (a runbook's path, however long) that cannot wrap")

    def test_screenshots_of_a_finished_probe_run(self):
        b = self.browser()
        b.sign_in("olga")
        b.open(f"/runs/{probe_run()}")
        for summary in b.find_all("#live details.output summary"):
            summary.click()
        self.assertScreenshotFits(b, "run-probe", "the run page")

    def test_timeline_labels_fit_inside_the_picture(self):
        b = self.browser()
        b.sign_in("vera")
        b.open(f"/runs/{probe_run()}")
        outside = b.js("""
            const svg = document.querySelector('#live svg.timeline'), box = svg.viewBox.baseVal;
            return Array.from(svg.querySelectorAll('text')).map(t => [t.textContent, t.getBBox()])
              .filter(([_, r]) => r.x < 0 || r.y < 0 || r.x + r.width > box.width || r.y + r.height > box.height)
              .map(([text, r]) => `${text} spans x ${r.x.toFixed(1)}..${(r.x + r.width).toFixed(1)} of ${box.width}`);
        """)
        self.assertEqual(outside, [], "timeline labels cut off at the picture's edge")

    def test_short_journal_has_no_earlier_lines_note(self):
        b = self.browser()
        b.sign_in("vera")
        b.open(f"/runs/{probe_run()}")
        self.assertLess(len(b.find_all("#live ol.journal li")), 400)
        self.assertNotIn("earlier lines", b.live_text("#live section[aria-labelledby=journal-heading]"))


if __name__ == "__main__":
    unittest.main()
