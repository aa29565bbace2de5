"""The harness checks itself: a console check that missed a CSP violation or a script error would
let every other test pass for nothing. Also shows, on a real page of the daemon, that its Content
Security Policy blocks an inline script and an image from another site."""

from harness import BrowserTest


class ConsoleCheck(BrowserTest):
    def test_console_check_catches_csp_violations_and_script_errors(self):
        b = self.browser()
        b.open("/sign-in")
        self.assertEqual(b.console_problems(), [], "the sign-in page itself logged problems")
        # What an injection would try: an inline script and an image from elsewhere (both refused by
        # the CSP), and a script error (from the test's own script, which CSP does not govern).
        b.js("""
            const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.appendChild(s);
            const i = document.createElement('img'); i.src = 'http://elsewhere.invalid/x.png'; document.body.appendChild(i);
            setTimeout(() => { throw new Error('harness self-test error'); }, 0);
        """)
        b.js("return new Promise(r => setTimeout(r, 300))")
        self.assertIsNone(b.js("return window.__inline"), "the CSP let an inline script run")
        problems = "\n".join(str(p) for p in b.console_problems())
        self.assertIn("Executing inline script violates", problems)
        self.assertIn("elsewhere.invalid", problems)
        self.assertIn("harness self-test error", problems)
        b.console.clear()  # seen, expected: not this test's failure
