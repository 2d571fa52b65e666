#!/usr/bin/env python3
"""Validate a JSON document against a JSON Schema (Debian python3-jsonschema).

Usage: validate_json.py SCHEMA INSTANCE
Some published schemas keep everything under "definitions" with no top-level rule (the SARIF
2.1.0 schema in ../shared/schemas puts the document under definitions/Root); validating against
them as they stand accepts anything. Such a schema is validated through its Root definition.
Prints every error and exits 1 when the instance is invalid, 2 when the schema is unusable.
"""
import json
import sys

import jsonschema


def main():
    schema_path, instance_path = sys.argv[1], sys.argv[2]
    schema = json.load(open(schema_path, encoding="utf-8"))
    instance = json.load(open(instance_path, encoding="utf-8"))
    rules = {"type", "properties", "$ref", "allOf", "anyOf", "oneOf", "required"}
    if not rules & schema.keys():
        if "Root" not in schema.get("definitions", {}):
            print(f"{schema_path}: no top-level rule and no definitions/Root", file=sys.stderr)
            return 2
        schema = dict(schema, **{"$ref": "#/definitions/Root"})
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(instance), key=lambda e: list(e.path))
    for e in errors:
        print(f"{instance_path}: /{'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
