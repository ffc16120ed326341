"""RFS template analysis: the variables a template declares (POST /v1/{project_id}/template-analyses/variables).

Only parses the template (no vars, no evaluation), as the service does: a template that
does not parse is a 400 whose message says where.
"""

import json
import re

from . import hcl
from .rfs_base import TEMPLATE_INVALID, RfsError

HCL_MAP_KEY = re.compile(r'([{,]\s*)([A-Za-z_][A-Za-z0-9_-]*)\s*=')


def declared_variables(template_text):
    """The template's variable blocks in the order they are declared, shaped as the API answers them."""
    try:
        template = hcl.parse_template(template_text)
    except hcl.TemplateError as exc:
        raise RfsError(400, TEMPLATE_INVALID, "the template cannot be parsed: %s" % exc) from None
    return [_variable(name, spec) for name, spec in template.variables.items()]


def _variable(name, spec):
    declared = spec.get("declared") or {}
    # Undeclared sensitive and nullable read as Terraform's defaults (false, true); other keys only when declared.
    answer = {"name": name, "sensitive": spec["sensitive"], "nullable": declared.get("nullable") != ("lit", False)}
    if "type" in declared:
        answer["type"] = _text(declared["type"])
    if "description" in declared:
        answer["description"] = _value(declared["description"])
    if "default" in declared:
        answer["default"] = _value(declared["default"])
    if spec.get("validations"):
        answer["validations"] = [{"condition": _text(rule.get("condition")), "error_message": _value(rule.get("error_message"))}
                                 for rule in spec["validations"]]
    return answer


def _text(expression):
    """An expression as the text it was written as (a type, a condition)."""
    if expression is None:
        return None
    kind, value = expression
    if kind == "var":
        return "var.%s" % value
    if kind == "lit":
        return hcl.render(value) if value is not None else "null"
    return value


def _value(expression):
    """An expression as a JSON value: literals and strings as such, lists and maps when they read as JSON, else their text."""
    if expression is None:
        return None
    kind, value = expression
    if kind in ("lit", "str"):
        return value
    if kind == "var":
        return "var.%s" % value
    try:
        return json.loads(value)
    except ValueError:
        pass
    # A one-line HCL map, { env = "prod", team = "a" }, reads as JSON once its keys are quoted.
    try:
        return json.loads(HCL_MAP_KEY.sub(r'\1"\2":', value))
    except ValueError:
        return value
