"""The lifecycle scripts' checks: a line per check, and a count of failures
that decides the exit status."""

failures = 0


def check(ok, text):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {text}")
    if not ok:
        failures += 1
    return ok


def exit_status():
    return 0 if failures == 0 else 1
