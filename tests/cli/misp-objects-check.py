# misp-objects-check.py EVENT TEMPLATE_DIR: check a MISP event's objects
# against MISP's own object templates (misp-objects' definition.json files):
# each object names its template's uuid and a version, each attribute a
# relation the template defines with the template's MISP type, and the
# template's requiredOneOf is met.  Attributes carry well-formed tags.
import json
import os
import sys


def main():
    event = json.load(open(sys.argv[1], encoding="utf-8"))["Event"]
    templates = {}
    for f in os.listdir(sys.argv[2]):
        if f.endswith(".definition.json"):
            t = json.load(open(os.path.join(sys.argv[2], f), encoding="utf-8"))
            templates[t["name"]] = t
    errors = []
    n = 0
    for o in event.get("Object", []):
        n += 1
        t = templates.get(o.get("name"))
        if t is None:
            errors.append("object %s: no template %r" % (o.get("uuid"),
                                                         o.get("name")))
            continue
        if o.get("template_uuid") != t["uuid"]:
            errors.append("object %s: template_uuid %r, want %r" %
                          (o["name"], o.get("template_uuid"), t["uuid"]))
        v = o.get("template_version")
        if not (isinstance(v, str) and v.isdigit() and
                int(v) <= int(t["version"])):
            errors.append("object %s: template_version %r" % (o["name"], v))
        if o.get("meta-category") != t["meta-category"]:
            errors.append("object %s: meta-category %r" % (o["name"],
                                                           o.get("meta-category")))
        rels = set()
        for a in o.get("Attribute", []):
            rel = a.get("object_relation")
            spec = t["attributes"].get(rel)
            if spec is None:
                errors.append("object %s: relation %r not in the template" %
                              (o["name"], rel))
                continue
            if a.get("type") != spec["misp-attribute"]:
                errors.append("object %s: %s is a %r, the template says %r" %
                              (o["name"], rel, a.get("type"),
                               spec["misp-attribute"]))
            rels.add(rel)
        if t.get("requiredOneOf") and not rels & set(t["requiredOneOf"]):
            errors.append("object %s: none of %s" % (o["name"],
                                                     t["requiredOneOf"]))
        for r in t.get("required", []):
            if r not in rels:
                errors.append("object %s: no %s" % (o["name"], r))
    attrs = list(event.get("Attribute", []))
    for o in event.get("Object", []):
        attrs.extend(o.get("Attribute", []))
    for a in attrs:
        for tag in a.get("Tag", []):
            if not isinstance(tag.get("name"), str) or not tag["name"]:
                errors.append("attribute %s: tag %r" % (a.get("uuid"), tag))
    for e in errors[:5]:
        sys.stderr.write("misp: %s\n" % e)
    if errors:
        sys.exit(1)
    print("%d objects match their templates" % n)


if __name__ == "__main__":
    main()
