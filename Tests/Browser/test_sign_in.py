"""Signing in and out through the real forms (/sign-in, the header's Sign out button)."""

import urllib.parse

from harness import BrowserTest, token


class SignIn(BrowserTest):
    def test_operator_signs_in_sees_runs_and_start_then_signs_out(self):
        b = self.browser()
        b.open("/")
        self.assertOnSignIn(b)  # no session: sent to sign in, coming back to / after
        b.sign_in("olga")
        self.assertEqual(b.path, "/")
        self.assertSignedInAs(b, "olga")
        self.assertEqual(b.find("h1").text, "Runs")
        self.assertEqual(b.find("a.button[href='/start']").text, "Start a runbook")
        b.sign_out()
        self.assertOnSignIn(b)
        self.assertIsNone(b.cookie(), "sign-out left the session cookie")
        b.open("/")
        self.assertOnSignIn(b)

    def test_sign_in_returns_to_the_page_asked_for(self):
        b = self.browser()
        b.open("/?status=succeeded&runbook=browser-echo-note")
        self.assertOnSignIn(b)
        b.submit_form("form.sign-in", {"token": token("amir")})
        self.assertEqual(b.path, "/?status=succeeded&runbook=browser-echo-note")
        self.assertSignedInAs(b, "amir")
        self.assertEqual(b.find("select[name=status]").get_attribute("value"), "succeeded")

    def test_next_never_leaves_the_site(self):
        b = self.browser()
        for evil in ("//elsewhere.invalid/", "https://elsewhere.invalid/", "/\\elsewhere.invalid"):
            with self.subTest(next=evil):
                b.driver.delete_all_cookies()
                b.open("/sign-in?next=" + urllib.parse.quote(evil, safe=""))
                b.submit_form("form.sign-in", {"token": token("vera")})
                self.assertEqual(b.driver.current_url, b.url("/"))

    def test_wrong_token_shows_the_form_again(self):
        b = self.browser()
        b.open("/sign-in")
        b.allow_console(r"/sign-in - Failed to load resource: .*status of 401", "the refused sign-in answers 401")
        b.submit_form("form.sign-in", {"token": "not-a-token"})
        self.assertOnSignIn(b)
        self.assertIn("not valid", b.text("[role=alert]"))
        self.assertNotIn("Signed in as", b.text("body"))
        self.assertIsNone(b.cookie())

    def test_session_cookie_is_out_of_scripts_reach(self):
        b = self.browser()
        b.sign_in("ada")
        cookie = b.cookie()
        self.assertIsNotNone(cookie)
        self.assertTrue(cookie["httpOnly"], cookie)
        self.assertEqual(cookie.get("sameSite"), "Strict", cookie)
        self.assertEqual(cookie.get("path"), "/", cookie)
        self.assertNotIn("warden_session", b.js("return document.cookie"))

    def test_screenshots(self):
        b = self.browser()
        b.open("/sign-in")
        overflow = b.screenshot("sign-in")
        self.assertEqual(overflow, {"desktop": 0, "phone": 0}, "the sign-in page is wider than the screen")
