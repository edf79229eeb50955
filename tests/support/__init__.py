"""Helpers the tests share; conftest files hold fixtures only and import from here.

- `apps`: the test databases and Redis, and `build_app` (the product from a Settings object).
- `servers`: a WSGI app on a loopback port in a thread, the Strava emulator, the real OAuth walk.
- `factories`: Athlete, Activity, Pair and InboxEvent rows with sensible defaults; `login`.
- `forms`: the CSRF token of a rendered form.
- `tasks`: the task messages waiting in the real Redis broker.
- `waiting`: polling for a condition in tests that talk to real processes.
- `fuzz`: the seeded hostile requests and the checks for stored garbage (bench/faults.py sends them too).
- `stack`, `browser`, `sandbox`: what the e2e, browser and emulator tests drive.
"""
