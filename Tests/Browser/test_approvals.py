"""The approvals page (/approvals): the runs waiting at a gate, who may decide and why not,
what each will change, what differs from the last plan, and deciding from it. The whole path of
a rebalance from the start form through amir's approval here to its end is in test_run_page."""

import re
import unittest


from harness import ANSI_RED, XSS_IMG, XSS_NOTE, XSS_SCRIPT, BrowserTest, api


def article(run_id: str) -> str:
    """The CSS selector of a run's entry on the approvals page."""
    return f"article[aria-labelledby='approval-{run_id}']"


class Approvals(BrowserTest):
    def gated(self, note: str) -> str:
        """A run of browser-gated-note by olga waiting at its gate; cancelled after the test."""
        run_id = api("olga").start_run("browser-gated-note", "fleet", {"note": note})
        self.addCleanup(api("olga").cancel_if_running, run_id)
        return run_id

    def test_what_a_waiting_run_shows_and_who_may_decide(self):
        run_id = self.gated("first light")
        plan_hash = api("olga").ok("GET", f"/runs/{run_id}")["run"]["plan_hash"]
        b = self.browser()
        for name, may in (("amir", True), ("olga", False), ("vera", False), ("ada", False)):
            with self.subTest(who=name):
                b.driver.delete_all_cookies()
                b.sign_in(name, next_path="/approvals")
                self.assertEqual(b.path, "/approvals")
                self.assertTrue(b.exists(article(run_id)), f"run {run_id} is not on {name}'s approvals page")
                entry = b.text(article(run_id))
                self.assertIn("Waits at\ngate — print the note on the fleet (nothing else happens)", entry)
                self.assertIn("by olga (api)", entry)
                self.assertIn("1 approval(s) from anyone with the approver role", entry)
                self.assertIn(plan_hash, entry)
                changes = [li.text for li in b.find_all(f"{article(run_id)} ul.changes > li > ul > li")]
                self.assertEqual(changes, [f"{host}: will-run printf '%s\\n' 'first light'" for host in ("h01", "h02")])
                self.assertEqual(b.find(f"{article(run_id)} h2 a").get_attribute("href"), b.url(f"/runs/{run_id}"))
                form = f"{article(run_id)} form.decision"
                self.assertEqual(b.exists(form), may, f"{name}: decision form {'missing' if may else 'shown'}")
                if may:
                    self.assertEqual(b.find(f"{form} input[name=plan_hash]").get_attribute("value"), plan_hash)
                    self.assertEqual([x.text for x in b.find_all(f"{form} button")], ["Approve", "Deny"])
                else:
                    self.assertEqual(b.text(f"{article(run_id)} p.refusal"),
                                     f"You cannot approve this: {name} does not have the approver role.")

    def test_approve_with_a_comment_then_the_run_goes_on(self):
        run_id = self.gated("approved note")
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        b.submit_form(f"{article(run_id)} form.decision", {"comment": "fine by me"}, "button[value=approve]")
        self.assertEqual(b.path, f"/runs/{run_id}")
        b.wait_until("the run to succeed", lambda b: b.exists("#live [data-final=true]"), 60)
        self.assertEqual(b.live_text("#live .status"), "succeeded")
        row = b.live_text("#live section[aria-labelledby=approvals-heading] tbody tr")
        self.assertRegex(row, r"^amir\s+approve at gate\s.*\sfine by me\s+sha256:")
        b.open("/approvals")
        self.assertFalse(b.exists(article(run_id)), "an approved run still waits on the approvals page")

    def test_deny_needs_a_comment_and_ends_the_run(self):
        run_id = self.gated("denied note")
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        b.allow_console(re.escape(f"/runs/{run_id}/decision") + r" - Failed to load resource: .*status of 422",
                        "a denial without a comment answers 422")
        b.submit_form(f"{article(run_id)} form.decision", {"comment": ""}, "button[value=deny]")
        self.assertIn("a denial needs a 'comment'", b.text("p.problem"))
        self.assertEqual(api("amir").ok("GET", f"/runs/{run_id}")["run"]["status"], "running")
        b.open("/approvals")
        b.submit_form(f"{article(run_id)} form.decision", {"comment": "not before the release"}, "button[value=deny]")
        self.assertEqual(b.path, f"/runs/{run_id}")
        b.wait_until("the run to end", lambda b: b.exists("#live [data-final=true]"), 60)
        self.assertIn("not before the release", b.live_text("#live section[aria-labelledby=approvals-heading]"))
        self.assertNotEqual(b.live_text("#live .status"), "succeeded")
        self.assertEqual(api("amir").ok("GET", f"/runs/{run_id}")["run"]["status"], b.live_text("#live .status"))
        b.open("/approvals")
        self.assertFalse(b.exists(article(run_id)), "a denied run still waits on the approvals page")

    def test_since_the_last_plan(self):
        # Tests run one after another: nothing else starts this runbook between these runs.
        first = self.gated("old note")
        second = self.gated("new note")
        third = self.gated("new note")
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        since = b.text(f"{article(second)} table.list")
        self.assertIn(f"Since the last plan ({first}, running,", b.text(article(second)))
        self.assertIn("parameter note old note new note", since)
        self.assertIn("step print_note on h01 will-run: printf '%s\\n' 'old note' will-run: printf '%s\\n' 'new note'", since)
        self.assertIn(f"Since the last plan ({second}, running,", b.text(article(third)))
        self.assertIn("Nothing differs.", b.text(article(third)))
        link = b.find_all(f"{article(third)} h3 a")
        self.assertEqual([a.get_attribute("href") for a in link], [b.url(f"/runs/{second}")])

    def test_markup_in_a_waiting_run_shows_as_text(self):
        previous = self.gated("plain")
        run_id = self.gated(XSS_NOTE)
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        self.assertIsNone(b.js("return window.__xss"), "an injected script ran")
        self.assertEqual([s.get_attribute("src") for s in b.find_all("script")], [b.url("/static/warden.js")])
        self.assertEqual(b.find_all("main img"), [], "an injected img element")
        commands = [c.text for c in b.find_all(f"{article(run_id)} code.command")]
        self.assertEqual(len(commands), 2)
        for command in commands:
            self.assertIn(f"'{XSS_SCRIPT} {XSS_IMG} ", command)
        since = b.text(f"{article(run_id)} table.list")
        self.assertIn(f"Since the last plan ({previous}", b.text(article(run_id)))
        self.assertIn(XSS_SCRIPT, since)
        self.assertEqual(b.find_all(f"{article(run_id)} span.ansi-red"), [], "a command's escape became a colour")

    def test_control_characters_in_a_command_show_visibly(self):
        run_id = self.gated(f"{ANSI_RED} abc\u202edef")
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        text = b.text(article(run_id))
        self.assertIn("abc", text)
        self.assertNotIn("\x1b", text, "a raw ESC byte in what the approver reads")
        self.assertNotIn("\u202e", text, "a raw bidi override in what the approver reads")

    def test_screenshots(self):
        self.gated("a note for the screenshot")
        self.gated("another note, to show what changed since the last plan")
        b = self.browser()
        b.sign_in("amir", next_path="/approvals")
        self.assertGreaterEqual(len(b.find_all("article.approval")), 2)
        self.assertScreenshotFits(b, "approvals", "the approvals page")
        b.driver.delete_all_cookies()
        b.sign_in("olga", next_path="/approvals")
        self.assertTrue(b.find_all("article.approval p.refusal"))
        self.assertScreenshotFits(b, "approvals-initiator", "the approvals page")


if __name__ == "__main__":
    unittest.main()
