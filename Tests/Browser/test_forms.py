"""Every form post passes one gate (WebGate, and sign-out's own checks): same origin, the
session's CSRF token, the role. Posted from inside a signed-in page, as a script injected into it
would, and with plain HTTP for what a browser would never send."""

from harness import BrowserTest, api, http


class FormGate(BrowserTest):
    def test_post_without_csrf_token_is_refused(self):
        b = self.browser()
        b.sign_in("olga")
        for fields in ({}, {"csrf": "not-the-token"}, {"csrf": b.csrf()[:-1]}):
            with self.subTest(fields=fields):
                answer = b.post_from_page("/sign-out", fields, csrf=False)
                self.assertEqual(answer.status, 403, answer.text)
                self.assertIn("CSRF", answer.text)
        b.reload()
        self.assertSignedInAs(b, "olga")  # the refused sign-outs did nothing

    def test_post_with_the_pages_csrf_token_is_accepted(self):
        b = self.browser()
        b.sign_in("vera")
        answer = b.post_from_page("/sign-out")
        self.assertEqual(answer.status, 200, answer.text)
        self.assertTrue(answer.redirected and answer.url.endswith("/sign-in"), answer)
        b.open("/")
        self.assertOnSignIn(b)

    def test_viewer_cannot_start_a_run_by_forging_a_post(self):
        b = self.browser()
        b.sign_in("vera")
        self.assertFalse(b.exists("a[href='/start']"), "the viewer is offered the Start link")
        answer = b.post_from_page("/start", {"runbook": "browser-echo-note", "inventory": "fleet", "note": "forged"})
        self.assertGreaterEqual(answer.status, 400, f"a viewer's post to /start was accepted: {answer}")
        self.assertEqual(api("vera").ok("GET", "/runs?initiator=vera")["runs"], [], "a run started as vera")

    def test_posts_from_another_origin_are_refused(self):
        b = self.browser()
        b.sign_in("olga")
        cookie = f"warden_session={b.cookie()['value']}"
        csrf = b.csrf()
        cases = {
            "another site's Origin": {"Origin": "http://elsewhere.invalid"},
            "Origin null (a sandboxed frame)": {"Origin": "null"},
            "neither Origin nor Sec-Fetch-Site": {},
            "Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
        }
        for why, headers in cases.items():
            with self.subTest(why):
                answer = http("POST", "/sign-out", headers={"Cookie": cookie, **headers}, form={"csrf": csrf})
                self.assertEqual(answer.status, 403, answer.text)
                self.assertIn("Refused", answer.text)
                answer = http("POST", "/sign-in", headers=headers, form={"token": "x", "next": "/"})
                self.assertEqual(answer.status, 403, answer.text)
        b.reload()
        self.assertSignedInAs(b, "olga")
