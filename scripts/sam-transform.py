#!/usr/bin/env python3
"""Apply the AWS SAM transform to a template offline and print the CloudFormation JSON.

Usage: scripts/sam-transform.py [TEMPLATE] [Name=Value ...]
  TEMPLATE defaults to template.yaml next to this script's parent directory; each Name=Value overrides a
  template parameter (the others keep their defaults). Needs python3 with aws-sam-translator
  (pip install aws-sam-translator). Exit status 0 and JSON on stdout, or 1 (template rejected by the
  transform) / 2 (usage or missing dependency) with a message on stderr.

Local CodeUri paths are replaced by a placeholder S3 URI first, as `sam package` would upload them.
No AWS call is made: the template's policies must not name managed policies by short name (the
translator would have to ask IAM for their ARNs); ARNs are built for the aws partition of AWS_REGION
(default us-east-1).
"""
import json
import os
import sys


def stand_in_for_packaged_code(template):
    """Replace local CodeUri paths with an S3 URI, as `sam package` would; the transform accepts only S3 code."""

    def packaged(code_uri):
        if isinstance(code_uri, str) and not code_uri.startswith("s3://"):
            return "s3://sam-transform-placeholder/" + (code_uri.strip("./") or "root")
        return code_uri

    function_globals = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in function_globals:
        function_globals["CodeUri"] = packaged(function_globals["CodeUri"])
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = packaged(properties["CodeUri"])


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    template_path = os.path.join(root, "template.yaml")
    overrides = {}
    for arg in argv[1:]:
        if arg in ("-h", "--help"):
            print(__doc__)
            return 0
        if "=" in arg:
            name, value = arg.split("=", 1)
            overrides[name] = value
        else:
            template_path = arg

    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.translator.transform import transform
        from samtranslator.yaml_helper import yaml_parse
    except ImportError as e:
        print(
            f"sam-transform: python module samtranslator is missing ({e}); "
            "install it with: pip install aws-sam-translator",
            file=sys.stderr,
        )
        return 2

    # The translator reads the region for ARNs and pseudo parameters from the environment.
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("AWS_REGION", "us-east-1"))

    class OfflinePolicyLoader:
        """Stands in for the IAM lookup of managed policies named by short name; this template names none."""

        def load(self):
            return {}

    try:
        with open(template_path, encoding="utf-8") as f:
            template = yaml_parse(f.read())
    except OSError as e:
        print(f"sam-transform: cannot read template {template_path}: {e}", file=sys.stderr)
        return 2

    stand_in_for_packaged_code(template)
    try:
        result = transform(template, overrides, OfflinePolicyLoader())
    except InvalidDocumentException as e:
        causes = "; ".join(cause.message for cause in e.causes)
        print(f"sam-transform: {template_path} rejected: {causes}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
