"""The arithmetic of RFS plans: template and vars to instances, instances to plan items, items to prices.

Pure functions of their arguments: no state, no clock.
"""

import copy
import hashlib

from . import hcl

EVENTS_OF_ACTION = {"ADD": ("CREATION",), "UPDATE": ("UPDATE",), "DELETE": ("DELETION",), "DELETE_THEN_ADD": ("DELETION", "CREATION")}
ACTION_REASONS = {
    "ADD": "the resource is in the template but not in the stack",
    "UPDATE": "attributes of the resource differ from the template",
    "DELETE": "the resource is in the stack but no longer in the template",
    "DELETE_THEN_ADD": "a changed attribute cannot be updated in place: the resource is replaced",
}
# Resource types priced as free; any other huaweicloud_* type gets a made-up price.
FREE_TYPES = ("huaweicloud_vpc", "huaweicloud_vpc_subnet", "huaweicloud_networking_secgroup",
              "huaweicloud_networking_secgroup_rule")
PRICED_PROVIDERS = ("huaweicloud", "hwc")
# Attributes that, like a provider's ForceNew ones, replace the resource when they change.
FORCE_NEW_ATTRIBUTES = ("availability_zone", "image_id", "volume_type")
# The attribute that makes every deployment of its resource fail (the template-side failure switch).
FAIL_ATTRIBUTE = "sim_fail"


def resource_address(rtype, name, index):
    return "%s.%s%s" % (rtype, name, "" if index is None else "[%d]" % index)


def is_encrypted(item):
    return bool(item.get("encryption"))


def decrypted(item):
    """What the simulator's KMS makes of an encrypted item: derived from its cipher text, never the cipher text itself."""
    kms = item["encryption"]["kms"]
    return "kms-plain-" + hashlib.sha256(("%s:%s" % (kms["id"], item["var_value"])).encode("utf-8")).hexdigest()[:16]


def given_vars(config):
    """The variables a config sends: vars_structure strings (encrypted ones decrypted), then the vars files' typed values."""
    values = {}
    for item in config.get("vars_structure") or []:
        values[item["var_key"]] = decrypted(item) if is_encrypted(item) else item["var_value"]
    for key in ("vars_body", "vars_uri_content"):
        values.update(hcl.parse_tfvars(config.get(key)))
    return values


def public_config(config):
    """The vars of a config as the service shows them back: an encrypted item keeps its name and key id, not its value."""
    answer = {}
    for key, value in (config or {}).items():
        if key == "template_body" or value is None:
            continue
        if key == "vars_structure":
            value = [{"var_key": item["var_key"], "encryption": {"kms": {"id": item["encryption"]["kms"]["id"]}}}
                     if is_encrypted(item) else item for item in value]
        answer[key] = copy.deepcopy(value)
    return answer


def plan_target(config, agencies=None):
    """(instances, None) for a config, or (None, message) when Terraform would fail on it.

    ``agencies``: the stack's, when the config is deployed or planned; encrypted vars need one for KMS.
    """
    if config.get("template_body") is None:
        # Only a seeded stack that never had a template: there is nothing to make.
        return {}, None
    encrypted = [item["var_key"] for item in config.get("vars_structure") or [] if is_encrypted(item)]
    if encrypted and agencies is not None and not agencies:
        return None, ("Error: cannot decrypt variable %s: RFS uses KMS through an agency and the stack has none "
                      "(give the stack agencies)" % encrypted[0])
    try:
        template = hcl.parse_template(config.get("template_body"))
        instances, _variables = hcl.desired_state(template, given_vars(config))
        return instances, None
    except hcl.TemplateError as exc:
        return None, "Error: %s" % exc


def diff(current, target):
    """Plan items turning ``current`` resources into ``target`` instances, in a stable order."""
    items = []
    for key in sorted(set(current) | set(target), key=sort_key):
        before, after = current.get(key), target.get(key)
        if before is None:
            action = "ADD"
            attributes = [{"name": n, "previous_value": None, "target_value": v} for n, v in sorted(after["attributes"].items())]
        elif after is None:
            action = "DELETE"
            attributes = [{"name": n, "previous_value": v, "target_value": None} for n, v in sorted(before["attributes"].items())]
        else:
            names = sorted(set(before["attributes"]) | set(after["attributes"]))
            attributes = [{"name": n, "previous_value": before["attributes"].get(n), "target_value": after["attributes"].get(n)}
                          for n in names if before["attributes"].get(n) != after["attributes"].get(n)]
            if not attributes:
                continue
            action = "DELETE_THEN_ADD" if any(a["name"] in FORCE_NEW_ATTRIBUTES for a in attributes) else "UPDATE"
        items.append({
            "resource_type": key[0],
            "resource_name": key[1],
            "index": None if key[2] is None else str(key[2]),
            "action": action,
            "action_reason": ACTION_REASONS[action],
            "provider_name": key[0].split("_", 1)[0],
            "mode": "RESOURCE",
            "drifted": False,
            "imported": False,
            "resource_id": before["physical_resource_id"] if before else None,
            "attributes": attributes,
        })
    return items


def sort_key(key):
    return (key[0], key[1], -1 if key[2] is None else key[2])


def summary_of(items):
    counts = {"resource_add": 0, "resource_update": 0, "resource_delete": 0, "resource_import": 0}
    for item in items:
        if item["action"] in ("ADD", "ADD_THEN_DELETE", "DELETE_THEN_ADD"):
            counts["resource_add"] += 1
        if item["action"] in ("DELETE", "ADD_THEN_DELETE", "DELETE_THEN_ADD"):
            counts["resource_delete"] += 1
        if item["action"] == "UPDATE":
            counts["resource_update"] += 1
        if item.get("imported"):
            counts["resource_import"] += 1
    return counts


def price_of(rtype, attributes):
    """A deterministic made-up price for one resource instance: (supported, unsupported_message, prices)."""
    if rtype.split("_", 1)[0] not in PRICED_PROVIDERS:
        return False, "resource type %s is not supported by the price inquiry" % rtype, []
    if rtype in FREE_TYPES:
        return True, None, [{"charge_mode": "FREE", "sale_price": 0.0, "discount": 0.0, "original_price": 0.0}]
    hourly = 0.05 + int(hashlib.sha256(rtype.encode("utf-8")).hexdigest()[:8], 16) % 2000 / 100.0
    if (attributes.get("charging_mode") or "").lower() == "prepaid":
        unit = (attributes.get("period_unit") or "month").upper()
        unit = unit if unit in ("MONTH", "YEAR") else "MONTH"
        try:
            period = max(1, int(attributes.get("period") or 1))
        except ValueError:
            period = 1
        original = round(hourly * (720 if unit == "MONTH" else 8760) * period, 2)
        discount = round(original * 0.1, 2)
        return True, None, [{"charge_mode": "PRE_PAID", "sale_price": round(original - discount, 2), "discount": discount,
                             "original_price": original, "period_type": unit, "period_count": period}]
    original = round(hourly, 2)
    return True, None, [{"charge_mode": "POST_PAID", "sale_price": original, "discount": 0.0, "original_price": original,
                         "period_type": "HOUR", "period_count": 1}]



def first_instance(instances):
    """The resource an ERROR event names when the failing deployment changes nothing."""
    if not instances:
        return None
    rtype, name, index = sorted(instances, key=sort_key)[0]
    return {"resource_type": rtype, "resource_name": name, "index": None if index is None else str(index)}


def item_index(item):
    return None if item.get("index") is None else int(item["index"])
