#!/usr/bin/env python3
"""Runs the browser tests (scripts/browser-test calls it, with WARDEN_BROWSER_ENV set).

    run.py                          every Tests/Browser/test_*.py
    run.py test_forms [test_x.C.t]  the modules, classes or tests named (unittest names)

Ends with one line 'browser: N passed, N failed' and each failed test with the last line of why;
exits 1 when a test failed or none ran.
"""

import os
import sys
import time
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)


def main(names: list[str]) -> int:
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromNames(names) if names else loader.discover(here, pattern="test_*.py", top_level_dir=here)
    started = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    why: dict[str, str] = {}  # test (or subtest) -> the last line of its traceback
    failed: set[str] = set()  # test ids, each counted once however many of its subtests failed
    for test, trace in result.failures + result.errors:
        lines = [line for line in trace.strip().splitlines() if line.strip()]
        why.setdefault(str(test), lines[-1] if lines else "?")
        failed.add(getattr(test, "test_case", test).id())
    for test in result.unexpectedSuccesses:
        why.setdefault(str(test), "unexpected success")
        failed.add(test.id())
    passed = result.testsRun - len(result.skipped) - len(failed)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    print(f"\nbrowser tests took {time.monotonic() - started:.0f}s")
    print(f"browser: {passed} passed, {len(failed)} failed{skipped}")
    for name, line in why.items():
        print(f"  FAILED {name}: {line}")
    if result.testsRun == 0:
        print("browser: no test ran", file=sys.stderr)
        return 1
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
