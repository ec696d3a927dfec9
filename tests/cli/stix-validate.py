# stix-validate.py BUNDLE [SCHEMA_DIR TLP2_SCHEMA]: validate a STIX 2.1
# bundle offline against the OASIS STIX 2.1 JSON schemas (every file of
# SCHEMA_DIR, found by its $id) and each TLP 2.0 marking definition in it
# against the OASIS TLP 2.0 extension's schema.  Exit 1 with the first
# errors.  The schemas default to the copies under tests/data and
# tests/data/samples.
import json
import os
import sys

import jsonschema


def load_store(schema_dir, extra):
    store = {}
    for root, _, files in os.walk(schema_dir):
        for f in sorted(files):
            if f.endswith(".json"):
                s = json.load(open(os.path.join(root, f), encoding="utf-8"))
                store[s["$id"]] = s
    tlp = json.load(open(extra, encoding="utf-8"))
    store[tlp["$id"]] = tlp
    return store, tlp


def validator(cls, schema, store):
    # jsonschema >= 4.18 resolves through referencing; Debian's 4.10 through
    # RefResolver.  Either way nothing is fetched: every $ref is in store.
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        reg = Registry().with_resources(
            (k, Resource.from_contents(v, default_specification=DRAFT202012))
            for k, v in store.items())
        return cls(schema, registry=reg)
    except ImportError:
        res = jsonschema.RefResolver(schema.get("$id", ""), schema,
                                     store=store)
        return cls(schema, resolver=res)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "data")
    bundle_path = sys.argv[1]
    schema_dir, tlp_path = sys.argv[2:4] if len(sys.argv) >= 4 else (
        os.path.join(data, "stix2-json-schemas", "schemas"),
        os.path.join(data, "samples", "stix-tlp2", "extension-definition--"
                     "60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json"))
    store, tlp = load_store(schema_dir, tlp_path)
    bundle_schema = [v for k, v in store.items()
                     if k.endswith("/common/bundle.json")][0]
    doc = json.load(open(bundle_path, encoding="utf-8"))
    # The bundle as a whole, with its objects left to their own schemas:
    # bundle.json's list of objects lacks some 2.1 types (note, grouping,
    # location, opinion), which it then reads as custom objects.
    shell = dict(doc, objects=[o for o in doc.get("objects", [])
                               if o.get("type") == "identity"][:1])
    errors = list(validator(jsonschema.Draft202012Validator, bundle_schema,
                            store).iter_errors(shell))
    if not doc.get("objects"):
        errors.append(jsonschema.ValidationError("no objects"))
    by_type = {}
    for k, v in store.items():
        for kind in ("/sdos/", "/sros/", "/observables/", "/common/"):
            if kind in k:
                by_type[k.rsplit("/", 1)[1][:-5]] = v
    for o in doc.get("objects", []):
        schema = by_type.get(o.get("type"))
        if schema is None:
            errors.append(jsonschema.ValidationError(
                "no schema for type %r" % o.get("type")))
            continue
        errors.extend(validator(jsonschema.Draft202012Validator, schema,
                                store).iter_errors(o))
    v7 = validator(jsonschema.Draft7Validator, tlp, store)
    n_tlp = 0
    for o in doc.get("objects", []):
        if o.get("type") == "marking-definition" and \
                tlp["$id"].rsplit("/", 1)[1][:-5] in o.get("extensions", {}):
            n_tlp += 1
            errors.extend(v7.iter_errors(o))
    for e in errors[:5]:
        sys.stderr.write("stix: %s at %s\n" % (e.message[:300],
                                               list(e.absolute_path)))
    if errors:
        sys.exit(1)
    print("%d objects valid, %d TLP 2.0 marking definitions" %
          (len(doc["objects"]), n_tlp))


if __name__ == "__main__":
    main()
