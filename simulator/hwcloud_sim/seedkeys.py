"""The keys a seed may hold, and how a partial seed (``PUT /_sim/state``) lands on the start seed.

A seed key the simulator does not know would be silently ignored, so a misspelled one
(``stop_fail``, ``projets``) would leave the test it was meant for testing something else:
every unknown key is refused, named, with the closest known key when there is one.

Clusters and stacks are API objects: a key beyond those listed here is passed on in API
answers as it is (a field of the real API that the simulator does not model), unless it
looks like a misspelling of a known key.
"""

import copy
import difflib
import json

# Top-level keys, and the keys of each object of a list (or of the settings object).
SEED_KEYS = {
    "settings": ("transition_seconds", "token_ttl_seconds", "delay_scale", "action_records", "rfs_page_cap",
                 "temporary_ttl_seconds", "domain"),
    # domain: the account (domain name) that owns the project; default: the first user's.
    "projects": ("id", "name", "domain"),
    "tokens": ("token", "project_id", "expires_at", "user", "domain"),
    "users": ("name", "password", "domain", "id"),
    # origin: where a temporary key came from (an agency, the metadata service), as GET /_sim/state writes it.
    "credentials": ("access_key", "secret_key", "security_token", "domain", "expires_at", "origin"),
    "agencies": ("name", "domain", "domain_id", "trusted_domains"),
    "metadata": ("instance_id", "name", "agency", "project_id", "domain", "token", "availability_zone"),
    "clusters": ("id", "name", "status", "statusDetail", "isFrozen", "actionProgress", "task", "failedReasons",
                 "created", "updated", "project_id", "transition_seconds", "stop_fails", "start_fails", "restart_fails",
                 "jobs", "links", "validation", "unreachable_hosts"),
    "stacks": ("guid", "name", "project_id", "template_id", "status", "inputs", "last_action_id", "created_at",
               "updated_at", "transition_seconds", "fail_next", "action_records"),
    "actions": ("id", "stack_id", "project_id", "lifecycle", "request", "phase", "message", "records"),
    # RFS (rfs_state.py checks their contents itself).
    "rfs_stacks": None,
    "rfs_uris": None,
    "rfs_retained_resources": None,
    # Written by GET /_sim/state so that its answer can be PUT back; ignored when read.
    "effective_transition_seconds": None,
}
OPEN_OBJECTS = ("clusters", "stacks")
# How alike an unknown key must be to a known one to be taken for its misspelling (difflib ratio).
MISSPELLING_CUTOFF = 0.8


def known_top_level_keys(default_seed_path):
    # A service whose objects are seeded in the packaged default seed is known by that alone.
    with open(default_seed_path, "r", encoding="utf-8") as handle:
        return set(SEED_KEYS) | set(json.load(handle))


def _closest(key, known):
    match = difflib.get_close_matches(key, sorted(known), 1, MISSPELLING_CUTOFF)
    return match[0] if match else None


def _unknown(where, key, known):
    closest = _closest(key, known)
    hint = " (did you mean %r?)" % closest if closest else ""
    return "%sunknown key %r%s" % (where, key, hint)


def object_key_problems(list_key, obj, where=""):
    """What is wrong with the keys of one object of ``list_key`` (``clusters``, ``settings``, ...)."""
    allowed = SEED_KEYS.get(list_key)
    if allowed is None or not isinstance(obj, dict):
        return []
    problems = []
    for key in obj:
        if key in allowed:
            continue
        if list_key in OPEN_OBJECTS and _closest(key, allowed) is None:
            continue
        problems.append(_unknown(where, key, allowed))
    return problems


def seed_key_problems(seed, top_level):
    """Every unknown key of ``seed``, as ``["settings: unknown key 'x'", ...]``; types are checked elsewhere."""
    problems = [_unknown("", key, top_level) + " at the top level" for key in seed if key not in top_level]
    problems.extend(object_key_problems("settings", seed.get("settings"), "settings: "))
    problems.extend(object_key_problems("metadata", seed.get("metadata"), "metadata: "))
    for list_key in SEED_KEYS:
        items = seed.get(list_key)
        if list_key in ("settings", "metadata") or not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            problems.extend(object_key_problems(list_key, item, "%s[%d]: " % (list_key, index)))
    return problems


def merge_seed(base, partial):
    """``partial`` over ``base``: each top-level key given replaces the base's; ``settings`` merges key by key."""
    merged = copy.deepcopy(base)
    for key, value in partial.items():
        if key == "settings" and isinstance(value, dict) and isinstance(merged.get("settings"), dict):
            merged["settings"] = dict(merged["settings"], **copy.deepcopy(value))
        else:
            merged[key] = copy.deepcopy(value)
    return merged
