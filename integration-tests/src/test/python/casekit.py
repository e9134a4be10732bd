"""What the client scripts share: running one named case and printing its result as one JSON line.

A script is run as `python3 SCRIPT CASE BOOTSTRAP PREFIX [ARG]`; PREFIX keeps the case's topic and group
names apart from the other cases on the same broker. The case returns a dict, printed as JSON on stdout;
PythonClientsIT asserts on it. A missing client library exits with status 3 and names its Debian package.
"""
import json
import sys
import time

MISSING_LIBRARY_EXIT = 3


def require(module, package):
    """Imports module, or exits with MISSING_LIBRARY_EXIT and the Debian package that provides it."""
    try:
        return __import__(module)
    except ImportError as e:
        print("missing Python module %s (%s): %s" % (module, package, e), file=sys.stderr)
        sys.exit(MISSING_LIBRARY_EXIT)


def until(condition, what, timeout_s=30.0, step=None):
    """Calls step() (if any) until condition() holds; raises naming what did not happen in time."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("%s did not happen in %.0f s" % (what, timeout_s))
        if step is not None:
            step()
        else:
            time.sleep(0.05)


def text(b):
    return None if b is None else b.decode("utf-8")


def run(cases):
    name, bootstrap, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    if name not in cases:
        raise SystemExit("unknown case %s; known: %s" % (name, sorted(cases)))
    result = cases[name](bootstrap, prefix, *args)
    print(json.dumps(result, sort_keys=True))
