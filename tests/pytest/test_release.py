"""Release hygiene that needs no simulator: the AWX, EE and changelog files agree with
galaxy.yml, the modules and each other, and the documentation's links lead somewhere.

The heavier checks are make targets: `make release` (tarball built, installed into a
clean path, ansible-doc), `make builder` (ansible-builder context), `make runner`
(ansible-runner job), `make docs-check` (docs/modules/ up to date).
"""

import ast
import json
import os
import re
import subprocess

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

HW_VARIABLES = {"HW_REGION_NAME", "HW_PROJECT_ID", "HW_AUTH_URL", "HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY",
                "HW_SECURITY_TOKEN", "HW_USER_NAME", "HW_PASSWORD", "HW_DOMAIN_NAME", "HW_ASSUME_ROLE_AGENCY_NAME",
                "HW_ASSUME_ROLE_DOMAIN_NAME", "HW_ASSUME_ROLE_DOMAIN_ID", "HW_ASSUME_ROLE_DURATION"}


def path(*parts):
    return os.path.join(ROOT, *parts)


def load_yaml(*parts):
    with open(path(*parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def galaxy_version():
    return str(load_yaml("galaxy.yml")["version"])


def module_documentation(name):
    """DOCUMENTATION of plugins/modules/NAME.py, parsed without importing the module."""
    with open(path("plugins", "modules", name + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % name)


def test_credential_type_injects_every_hw_variable():
    credential_type = load_yaml("docs", "awx", "credential_type.yml")
    assert credential_type["kind"] == "cloud"
    fields = {field["id"]: field for field in credential_type["inputs"]["fields"]}
    env = credential_type["injectors"]["env"]
    assert set(env) == HW_VARIABLES
    for variable, template in env.items():
        referenced = re.fullmatch(r"\{\{ (\w+) \}\}", template)
        assert referenced and referenced.group(1) in fields, "%s: %r names no field" % (variable, template)
    assert {name for name, field in fields.items() if field.get("secret")} == {
        "auth_token", "secret_key", "security_token", "password"}
    assert all(field["type"] == "string" and field.get("label") for field in fields.values())


def test_credential_type_matches_the_modules():
    """Every injected variable is one the modules document as the fallback of an option."""
    with open(path("plugins", "doc_fragments", "hwcloud.py"), encoding="utf-8") as handle:
        fragment = handle.read()
    for variable in HW_VARIABLES:
        assert "E(%s)" % variable in fragment, "%s is not documented by the modules" % variable


def cdm_cluster_options():
    """The options of the ``hwcloud.cloud.cdm_cluster`` doc fragment (cluster_id, cluster_name), which the CDM modules share."""
    with open(path("plugins", "doc_fragments", "cdm_cluster.py"), encoding="utf-8") as handle:
        fragment = ast.parse(handle.read())
    documentation = [node.value.value for node in ast.walk(fragment)
                     if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION"]
    return yaml.safe_load(documentation[0])["options"]


def test_survey_matches_cluster_stop():
    with open(path("docs", "awx", "survey_stop_cluster.json"), encoding="utf-8") as handle:
        survey = json.load(handle)
    questions = {question["variable"]: question for question in survey["spec"]}
    options = dict(cdm_cluster_options(), **module_documentation("cluster_stop")["options"])
    assert set(questions) <= set(options)
    assert questions["stop_mode"]["type"] == "multiplechoice"
    assert questions["stop_mode"]["choices"] == options["stop_mode"]["choices"]
    assert questions["stop_mode"]["default"] in options["stop_mode"]["choices"]
    assert questions["delay_time"]["type"] == "integer"
    assert questions["delay_time"]["min"] == -1 and questions["delay_time"]["default"] == -1
    for question in survey["spec"]:
        assert {"question_name", "variable", "type", "required"} <= set(question)


def test_start_survey_matches_cluster_start():
    with open(path("docs", "awx", "survey_start_cluster.json"), encoding="utf-8") as handle:
        survey = json.load(handle)
    assert module_documentation("cluster_start")["extends_documentation_fragment"][0] == "hwcloud.cloud.cdm_cluster"
    # cluster_start's own options are those of its doc fragment.
    assert {question["variable"] for question in survey["spec"]} <= set(cdm_cluster_options())
    for question in survey["spec"]:
        assert {"question_name", "variable", "type", "required"} <= set(question)


def test_execution_environment_definitions():
    meta = load_yaml("meta", "execution-environment.yml")
    assert meta["version"] == 1
    assert meta["dependencies"]["python"] == "requirements.txt"
    with open(path("requirements.txt"), encoding="utf-8") as handle:
        assert any(line.strip().startswith("requests") for line in handle)
    if "system" in meta["dependencies"]:
        assert os.path.exists(path(meta["dependencies"]["system"]))

    ee = load_yaml("execution-environment.yml")
    assert ee["version"] == 3
    assert ee["images"]["base_image"]["name"]
    assert ee["dependencies"]["python"] == "requirements.txt"
    tarball = "hwcloud-cloud-%s.tar.gz" % galaxy_version()
    assert ee["dependencies"]["galaxy"]["collections"] == [{"name": "collections/" + tarball, "type": "file"}], \
        "execution-environment.yml must install the tarball of galaxy.yml's version"
    assert {"src": "dist/" + tarball, "dest": "collections"} in ee["additional_build_files"]


def test_changelog_is_released_for_galaxy_version():
    config = load_yaml("changelogs", "config.yaml")
    assert config["notesdir"] == "fragments"
    changelog = load_yaml("changelogs", "changelog.yaml")
    assert galaxy_version() in changelog["releases"], "run antsibull-changelog release"
    with open(path("CHANGELOG.rst"), encoding="utf-8") as handle:
        assert "v%s" % galaxy_version() in handle.read()


def _version_is_tagged(version):
    result = subprocess.run(["git", "-C", ROOT, "tag", "-l", version, "v" + version], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, check=False)
    return bool(result.stdout.strip())


def test_changelog_has_every_fragment():
    """Until galaxy.yml's version is tagged, its changelog holds every fragment, as the fragment says now.

    Fragments are kept (keep_fragments: true) and recorded per release in changelog.yaml; one
    that is new or was edited after `antsibull-changelog release` is missing from CHANGELOG.rst.
    """
    version = galaxy_version()
    releases = load_yaml("changelogs", "changelog.yaml")["releases"]
    if version not in releases or _version_is_tagged(version):
        pytest.skip("%s is not the release being prepared" % version)
    released = {name for release in releases.values() for name in release.get("fragments", [])}
    changes = releases[version].get("changes", {})
    stale = []
    fragments_dir = path("changelogs", "fragments")
    for name in sorted(os.listdir(fragments_dir)):
        if not name.endswith((".yml", ".yaml")):
            continue
        fragment = load_yaml("changelogs", "fragments", name) or {}
        if name not in released:
            stale.append("%s (new)" % name)
            continue
        if name not in releases[version].get("fragments", []):
            continue
        for section, entries in fragment.items():
            entries = entries if isinstance(entries, list) else [entries]
            recorded = changes.get(section)
            recorded = recorded if isinstance(recorded, list) else [recorded]
            if any(" ".join(str(entry).split()) not in {" ".join(str(r).split()) for r in recorded} for entry in entries):
                stale.append("%s (edited)" % name)
                break
    assert not stale, ("changelog of %s misses fragments %s: run antsibull-changelog release --version %s "
                       "--update-existing --refresh-fragments" % (version, ", ".join(stale), version))


def _anchor(heading):
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _markdown_files():
    files = [path("README.md")]
    for folder, _dirs, names in os.walk(path("docs")):
        files += [os.path.join(folder, name) for name in names if name.endswith(".md")]
    return sorted(files)


@pytest.mark.parametrize("markdown", _markdown_files(), ids=lambda p: os.path.relpath(p, ROOT))
def test_markdown_links_resolve(markdown):
    with open(markdown, encoding="utf-8") as handle:
        text = handle.read()
    text_without_code = re.sub(r"```.*?```", "", text, flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text_without_code):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not checked here
        file_part, anchor = target.partition("#")[::2]
        linked = os.path.normpath(os.path.join(os.path.dirname(markdown), file_part)) if file_part else markdown
        if not os.path.exists(linked):
            broken.append(target)
            continue
        if anchor and linked.endswith(".md"):
            with open(linked, encoding="utf-8") as handle:
                headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", handle.read(), flags=re.S), flags=re.M)
            if anchor not in {_anchor(heading) for heading in headings}:
                broken.append(target)
    assert not broken, "%s: links that lead nowhere: %s" % (os.path.relpath(markdown, ROOT), broken)
