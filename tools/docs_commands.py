# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the shell commands of README.md and docs/getting-started.md as a new user pastes them.

``make docs-commands`` (``python tools/docs_commands.py [--fresh-venv] [--keep]``):

1. A fresh copy of the checkout (the files git tracks or would track, as a clone has them)
   in a temporary directory. Its ``.venv`` is a link to this checkout's, standing in for
   ``make venv`` (no PyPI); ``--fresh-venv`` makes a real one instead.
2. A new user's environment: a plain ``PATH`` (no venv), an empty ``HOME``, and no
   ``ANSIBLE_*``, ``HW_*`` or ``HWCLOUD_*`` variables.
3. ``make demo``, and nothing else, as the README's first command.
4. Every fenced ``bash`` block of the two pages, in order, each in a new shell at the copy's
   root, as a script: ``bash -e -o pipefail BLOCK``, standard input closed, so a line that
   waits for input (an interactive shell) ends at once, as it would in a user's script,
   and the lines after it fail. A block is left out only when the line before it says
   why: ``<!-- docs-commands: skip, <reason> -->``.
5. ``make install``: it must not warn that the collection "will not be picked up", and must
   end with the two lines the docs tell the user to run.
6. Bare ``ansible-lint`` at the copy's root, as editors and pre-commit hooks run it (the venv's
   ``bin`` on ``PATH``, nothing else set): it must pass with the production profile.

Exit status 0 when everything passed, 1 otherwise.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ("README.md", "docs/getting-started.md")
FENCE = re.compile(r"^```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SKIP = re.compile(r"<!-- docs-commands: skip, (.+?) -->\s*$")
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"
BLOCK_TIMEOUT = 900


def blocks(page):
    """``(line number, text, skip reason or None)`` of every ``bash`` block of ``page``."""
    with open(os.path.join(ROOT, page), encoding="utf-8") as handle:
        text = handle.read()
    for match in FENCE.finditer(text):
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = SKIP.search(before)
        yield text.count("\n", 0, match.start()) + 1, match.group(1), skip.group(1) if skip else None


def fresh_copy(work, fresh_venv):
    clone = os.path.join(work, "hwcloud-cloud")
    subprocess.run([os.path.join(ROOT, "tools", "build-tree"), clone], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(clone, ".git"))
    subprocess.run(["git", "init", "-q", clone], check=True)
    if not fresh_venv:
        # tar kept the files' times, so make sees the linked venv as up to date with requirements-dev.txt.
        os.symlink(os.path.join(ROOT, ".venv"), os.path.join(clone, ".venv"))
    return clone


def user_env(home, extra_path=None):
    env = {"PATH": PLAIN_PATH if extra_path is None else extra_path + ":" + PLAIN_PATH, "HOME": home,
           "LANG": "C.UTF-8", "TERM": "dumb",
           # async_status finds job results under the password database's home, async tasks write them under
           # HOME: a new user has one home, this stand-in HOME is not it, so both are pointed at the same place.
           "ANSIBLE_ASYNC_DIR": os.path.join(home, ".ansible_async")}
    # Python 3.11 for make venv, where the machine has it outside the plain PATH (pyenv).
    python = shutil.which("python3.11")
    if python and os.path.dirname(python) not in env["PATH"].split(":"):
        env["PATH"] += ":" + os.path.dirname(python)
    return env


def run(command, cwd, env, stdin=None):
    done = subprocess.run(command, cwd=cwd, env=env, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=BLOCK_TIMEOUT, check=False)
    return done.returncode, done.stdout


def report(ok, what, output=""):
    print("%-4s %s" % ("ok" if ok else "FAIL", what))
    if not ok:
        print("     " + "\n     ".join(output.rstrip().splitlines()[-40:]))
    sys.stdout.flush()
    return ok


def check_install(clone, env):
    code, output = run(["make", "install"], clone, env)
    lines = output.rstrip().splitlines()
    wanted = ["source %s/.venv/bin/activate" % clone, "export ANSIBLE_COLLECTIONS_PATH=%s/build/collections" % clone]
    results = [report(code == 0, "make install (exit %d)" % code, output)]
    results.append(report("will not be picked up" not in output, "make install: no 'will not be picked up' warning", output))
    results.append(report(lines[-2:] == wanted, "make install ends with: %s" % " / ".join(wanted), output))
    return all(results)


def check_bare_lint(clone, home):
    env = user_env(home, os.path.join(clone, ".venv", "bin"))
    code, output = run(["ansible-lint"], clone, env)
    return report(code == 0 and "Profile 'production' was required, and it passed" in output,
                  "bare ansible-lint at the root (exit %d)" % code, output)


def check_demo(clone, env):
    code, output = run(["make", "demo"], clone, env)
    return report(code == 0, "make demo in the fresh copy (exit %d)" % code, output)


def check_blocks(clone, home, work):
    results = []
    number = 0
    for page in PAGES:
        for line, text, skip in blocks(page):
            label = "%s:%d %s" % (page, line, text.strip().splitlines()[0])
            if skip:
                print("skip %s (%s)" % (label, skip))
                continue
            number += 1
            script = os.path.join(work, "block-%02d.sh" % number)
            with open(script, "w", encoding="utf-8") as handle:
                handle.write(text)
            code, output = run(["bash", "-e", "-o", "pipefail", script], clone, user_env(home), stdin="")
            results.append(report(code == 0, "%s (exit %d)" % (label, code), output))
    return all(results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fresh-venv", action="store_true", help="make a real venv in the copy (needs PyPI)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="hwcloud-docs-commands-")
    try:
        home = os.path.join(work, "home")
        os.makedirs(home)
        clone = fresh_copy(work, args.fresh_venv)
        print("docs-commands: a fresh copy in %s" % clone)
        results = [check_demo(clone, user_env(home))]
        # Every block runs after `make demo` only, as the README orders them.
        if results[0]:
            results.append(check_blocks(clone, home, work))
        results += [check_install(clone, user_env(home)), check_bare_lint(clone, home)]
        # The copy's simulators were stopped by tools/with-sim; make clean stops any left over.
        run(["make", "clean"], clone, user_env(home))
    finally:
        if args.keep:
            print("docs-commands: kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if all(results):
        print("docs-commands: every command of %s works as pasted" % " and ".join(PAGES))
        return 0
    print("docs-commands: some commands failed (above)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
