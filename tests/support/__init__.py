"""Helpers the tests share; conftest files hold fixtures only and import from here.

- `apps`: the test databases and Redis, `pg_url_with_schema`, and `build_app` (the product from a
  Settings object; the environment is not read).
- `servers`: the Strava emulator on a loopback port, the real OAuth walk.
- `strava`: Strava's side: uploads through the emulator's admin API, what it holds, webhook bodies.
- `world`: the worker's loop played in-process against the emulator (the services' `world` fixture).
- `factories`: Athlete, Activity, Pair and InboxEvent rows with sensible defaults; `login`.
- `forms`: the CSRF token of a rendered form.
- `tasks`: the task messages waiting in the real Redis broker.
- `waiting`: polling for a condition in tests that talk to real processes.
- `fuzz`: the seeded hostile requests and the checks for stored garbage (bench/faults.py sends them too).
- `stack`, `browser`, `sandbox`: what the e2e, browser and emulator tests drive.

Free ports, waiting for a process, the processes' command lines, PostgreSQL schemas of their own and
a threaded WSGI server are the product's own (plugin/devtools.py), shared with `liftrun dev` and bench/.
"""
