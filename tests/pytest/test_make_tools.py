"""The tools behind `make test`: tools/run-steps, tools/first-run and tools/import-check.

Each runs as make runs it, with stand-ins only for what would take minutes (a step, the
importer's own run), so that what the tool itself decides is what is checked.
"""

import os
import re
import stat
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOLS = os.path.join(ROOT, "tools")


def write_script(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return str(path)


def run(command, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(command, env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120, check=False)


def fake_step(tmp_path, failing="bad"):
    # A step writes its name to a shared file, so the test sees which steps ran at all.
    ran = tmp_path / "ran"
    script = write_script(tmp_path / "step", "#!/bin/bash\necho \"output of $1\"\necho \"$1\" >>%s\n"
                                             "[ \"$1\" != %s ]\n" % (ran, failing))
    return script, ran


def test_run_steps_times_each_step_and_keeps_its_output_together(tmp_path):
    step, ran = fake_step(tmp_path)
    done = run([os.path.join(TOOLS, "run-steps"), str(tmp_path / "logs"), "a b", "c"], env={"STEP_MAKE": step})
    assert done.returncode == 0, done.stdout
    for name in ("a", "b", "c"):
        # The step's output, then its time, with nothing of the other lane in between.
        block = done.stdout.split("=== %s\n" % name, 1)[1].split("\n")
        assert block[0] == "output of %s" % name
        assert re.match(r"%s: \d+ s \(CPU \d+ s user, \d+ s system\)$" % name, block[1]), block[1]
    assert sorted(ran.read_text().split()) == ["a", "b", "c"]
    assert "total: " in done.stdout


def test_run_steps_starts_no_step_after_a_failure(tmp_path):
    step, ran = fake_step(tmp_path)
    env = {"STEP_MAKE": step, "STEPS_JOBS": "1"}
    done = run([os.path.join(TOOLS, "run-steps"), str(tmp_path / "logs"), "bad later"], env=env)
    assert done.returncode == 1
    assert "bad: FAILED (exit 1) after " in done.stdout
    assert "later: not run (a step failed)" in done.stdout
    assert ran.read_text().split() == ["bad"]


def test_first_run_makes_the_ansible_test_key_once(tmp_path):
    env = {"HOME": str(tmp_path)}
    first = run([os.path.join(TOOLS, "first-run"), sys.executable], env=env)
    assert first.returncode == 0, first.stdout
    key = tmp_path / ".ansible" / "test" / "id_rsa"
    assert key.read_text().startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert (tmp_path / ".ansible" / "test" / "id_rsa.pub").read_text().startswith("ssh-rsa ")
    assert list((tmp_path / ".ansible" / "test" / "cache").glob("get_pip_*.py"))
    before = key.read_text()
    # A second run (what the second of two parallel steps would do) keeps the key, and asks nothing.
    second = run([os.path.join(TOOLS, "first-run"), sys.executable], env=env)
    assert second.returncode == 0, second.stdout
    assert key.read_text() == before
    assert "Overwrite" not in second.stdout


def fake_importer(tmp_path, output):
    # `python -m galaxy_importer.main TARBALL` prints what the test says; any other use of python is the real one.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (tmp_path / "importer-output").write_text(output)
    write_script(bindir / "python", "#!/bin/bash\nif [ \"$2\" = galaxy_importer.main ]; then cat %s; exit 0; fi\n"
                                    "exec %s \"$@\"\n" % (tmp_path / "importer-output", sys.executable))
    tarball = tmp_path / "hwcloud-cloud-0.2.0.tar.gz"
    tarball.write_bytes(b"")
    return {"PATH": "%s:%s" % (bindir, os.environ["PATH"])}, str(tarball)


CLEAN = ("Importing with galaxy-importer 0.4.44\nGetting doc strings via ansible-doc\n"
         "Linting collection via ansible-lint 26.10.1...\n...ansible-lint run complete\n"
         "Collection loading complete\nImporter processing completed successfully\n")


def test_import_check_passes_a_clean_import(tmp_path):
    env, tarball = fake_importer(tmp_path, CLEAN)
    done = run([os.path.join(TOOLS, "import-check"), tarball], env=env)
    assert done.returncode == 0, done.stdout
    assert "imports hwcloud-cloud-0.2.0.tar.gz with no warning" in done.stdout


def test_import_check_fails_on_a_lint_warning_the_importer_accepts(tmp_path):
    warning = "WARNING: extensions/molecule/default/inventory.yml:2:1: syntax-check[specific]: not a playbook\n"
    env, tarball = fake_importer(tmp_path, CLEAN.replace("...ansible-lint run complete\n",
                                                         warning + "...ansible-lint run complete\n"))
    done = run([os.path.join(TOOLS, "import-check"), tarball], env=env)
    assert done.returncode == 1
    assert warning.strip() in done.stdout
    assert "did not import hwcloud-cloud-0.2.0.tar.gz cleanly" in done.stdout


def test_import_check_fails_when_the_import_does_not_complete(tmp_path):
    env, tarball = fake_importer(tmp_path, "Importing with galaxy-importer 0.4.44\n")
    done = run([os.path.join(TOOLS, "import-check"), tarball], env=env)
    assert done.returncode == 1
