#!/usr/bin/env python
"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test creates empty virtual environments for its sanity tests and bootstraps
pip into them by running (see ansible_test/_util/target/setup/requirements.py,
``bootstrap()``)::

    <venv>/bin/python quiet_pip.py --disable-pip-version-check pip==<version> \
        [--no-setuptools] [--no-wheel]

with ``GET_PIP=~/.ansible/test/cache/get_pip_<version>.py``; quiet_pip.py runs that
file as ``__main__`` with the arguments above in ``sys.argv[1:]``. The real script
is fetched from ci-files.testing.ansible.com, which is unreachable here. This one
does the same job with what the machine has:

1. ``python -m ensurepip`` (pip bundled with the interpreter), falling back to an
   outside pip driving this interpreter with ``pip --python``;
2. ``python -m pip install <the requested packages>`` from the configured index;
3. removes setuptools/wheel when ``--no-setuptools``/``--no-wheel`` were given and
   they were not there before.

The Makefile copies it to every ``get_pip_<version>.py`` name ansible-test asks for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def _run(cmd: list[str], quiet: bool = False) -> int:
    err = subprocess.DEVNULL if quiet else None
    return subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)


def _has(module: str) -> bool:
    return _run([sys.executable, "-c", "import %s" % module], quiet=True) == 0


def _ensure_pip() -> None:
    if _has("pip"):
        return
    if _run([sys.executable, "-m", "ensurepip", "--default-pip"]) == 0 and _has("pip"):
        return
    outer = shutil.which("pip3") or shutil.which("pip")
    if outer and _run([outer, "--python", sys.executable, "install", "pip"]) == 0:
        return
    sys.exit("get_pip shim: cannot bring pip into %s (no ensurepip, no outer pip)" % sys.executable)


def main(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith("-")]
    packages = [a for a in argv if not a.startswith("-")]
    no_setuptools = "--no-setuptools" in options
    no_wheel = "--no-wheel" in options
    pip_options = [o for o in options if o not in ("--no-setuptools", "--no-wheel")]

    had = {m: _has(m) for m in ("setuptools", "wheel")}
    _ensure_pip()

    if packages:
        rc = _run([sys.executable, "-m", "pip", "install", *pip_options, *packages])
        if rc:
            return rc

    remove = [name for name, unwanted in (("setuptools", no_setuptools), ("wheel", no_wheel))
              if unwanted and not had[name] and _has(name)]
    if remove:
        return _run([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", *remove])
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    sys.exit(main(sys.argv[1:]))
