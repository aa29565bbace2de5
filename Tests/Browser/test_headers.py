"""Response headers a browser acts on but Selenium cannot read: checked with plain HTTP."""

import unittest

from harness import env, http, token


class Headers(unittest.TestCase):
    def assertPageHeaders(self, answer):
        h = answer.headers
        self.assertTrue(h.get("Content-Type", "").startswith("text/html"), h.get("Content-Type"))
        csp = [d.strip() for d in h.get("Content-Security-Policy", "").split(";")]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", h.get("Content-Security-Policy"))
        self.assertNotIn("unsafe-eval", h.get("Content-Security-Policy"))
        self.assertEqual(h.get("X-Content-Type-Options"), "nosniff")
        self.assertEqual(h.get("Referrer-Policy"), "same-origin")
        self.assertEqual(h.get("X-Frame-Options"), "DENY")
        self.assertEqual(h.get("Cache-Control"), "no-store")

    def test_sign_in_page(self):
        answer = http("GET", "/sign-in")
        self.assertEqual(answer.status, 200)
        self.assertPageHeaders(answer)

    def test_signed_in_page_and_its_cookie(self):
        origin = env().url
        answer = http("POST", "/sign-in", headers={"Origin": origin}, form={"token": token("vera"), "next": "/"})
        self.assertEqual(answer.status, 303, answer.text)
        self.assertEqual(answer.headers.get("Location"), "/")
        cookies = answer.headers.get_all("Set-Cookie") or []
        self.assertEqual(len(cookies), 1, cookies)
        attributes = [a.strip() for a in cookies[0].split(";")]
        self.assertTrue(attributes[0].startswith("warden_session="), cookies[0])
        for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attribute, attributes)
        self.assertNotIn("Secure", attributes)  # plain HTTP here; TLS adds it
        page = http("GET", "/", headers={"Cookie": attributes[0]})
        self.assertEqual(page.status, 200)
        self.assertPageHeaders(page)
        self.assertIn("Signed in as <strong>vera</strong>", page.text)
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        out = http("POST", "/sign-out", headers={"Cookie": attributes[0], "Origin": origin}, form={"csrf": csrf})
        self.assertEqual(out.status, 303)
        self.assertIn("Max-Age=0", out.headers.get("Set-Cookie", ""))

    def test_static_files(self):
        for path, kind in (("/static/warden.js", "text/javascript"), ("/static/warden.css", "text/css")):
            with self.subTest(path):
                answer = http("GET", path)
                self.assertEqual(answer.status, 200)
                self.assertTrue(answer.headers.get("Content-Type", "").startswith(kind), answer.headers.get("Content-Type"))
                self.assertEqual(answer.headers.get("X-Content-Type-Options"), "nosniff")
