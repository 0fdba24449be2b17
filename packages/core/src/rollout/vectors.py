"""Writes assignment-vectors.json: whole assignments (targeting rules, split, unit) computed by an
implementation written from docs/rollouts.md alone, for the TypeScript one in assign.ts (and every
other: the server, the gateway, the SDK) to reproduce. Run: python3 vectors.py (no dependencies),
then npx biome format --write assignment-vectors.json.
"""

import json
import math
import re
from pathlib import Path

BUCKETS = 10_000


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def mix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def bucket(salt: str, unit: str) -> int:
    return mix32(fnv1a32((salt + "\u0000" + unit).encode("utf-8"))) % BUCKETS


def text(value):
    """An attribute's text as JSON's scalars print in JavaScript; None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


def number(value):
    """Numbers, and strings that read as a decimal number (surrounding spaces allowed)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", value):
        n = float(value)
        return n if math.isfinite(n) else None
    return None


def semver(value):
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})", value.strip())
    return tuple(int(p) for p in m.groups()) if m else None


def meets(cond, context, salt):
    op, attr = cond["op"], cond["attribute"]
    actual = context.get(attr)
    if op == "equals":
        return text(actual) is not None and text(actual) == text(cond["value"])
    if op == "not_equals":
        return text(actual) != text(cond["value"])
    if op in ("in", "not_in"):
        found = text(actual) is not None and any(text(v) == text(actual) for v in cond["values"])
        return found if op == "in" else not found
    if op in ("gt", "gte", "lt", "lte"):
        n = number(actual)
        if n is None:
            return False
        v = cond["value"]
        return {"gt": n > v, "gte": n >= v, "lt": n < v, "lte": n <= v}[op]
    if op.startswith("semver_"):
        a, b = semver(actual), semver(cond["value"])
        if a is None or b is None:
            return False
        return {"semver_gt": a > b, "semver_gte": a >= b, "semver_lt": a < b, "semver_lte": a <= b}[op]
    if op == "matches":
        return text(actual) is not None and re.search(cond["pattern"], text(actual)) is not None
    if op == "percent":
        t = text(actual)
        return t is not None and bucket(salt + ":" + attr, t) < cond["percent"] * 100
    raise ValueError(op)


def pick(variants, b):
    end = 0
    for v in variants:
        end += v["weight"]
        if b < end:
            return v["version"]
    return variants[-1]["version"]


def assign(rollout, context):
    unit = text(context.get(rollout["unit"]))
    if unit is None or unit == "":
        return rollout["control"], "no-unit"
    b = bucket(rollout["salt"], unit)
    for index, rule in enumerate(rollout["rules"]):
        if all(meets(c, context, rollout["salt"]) for c in rule["conditions"]):
            return pick(rule["variants"], b), index
    return pick(rollout["split"], b), "split"


def unit_in(salt, low, high, prefix="user-"):
    """The first `<prefix>N` whose bucket lies in [low, high): inputs chosen to land on purpose."""
    n = 0
    while not low <= bucket(salt, f"{prefix}{n}") < high:
        n += 1
    return f"{prefix}{n}"


def rollout(salt, control, split, rules=(), unit="userId", rid=1):
    return {
        "id": rid,
        "revision": 1,
        "salt": salt,
        "unit": unit,
        "control": control,
        "rules": list(rules),
        "split": split,
    }


def rule(conditions, variants):
    return {"conditions": conditions, "variants": variants}


def cond(attribute, op, **rest):
    return {"attribute": attribute, "op": op, **rest}


def everyone(version):
    return [{"version": version, "weight": BUCKETS}]


CANARY = rollout("canary-5", 1, [{"version": 2, "weight": 500}, {"version": 1, "weight": 9500}])
ABN = rollout(
    "abn",
    4,
    [
        {"version": 1, "weight": 2500},
        {"version": 2, "weight": 2500},
        {"version": 3, "weight": 2500},
        {"version": 4, "weight": 2500},
    ],
)
SHORT = rollout("short", 7, [{"version": 8, "weight": 1000}, {"version": 7, "weight": 1000}])
BY_ACCOUNT = rollout(
    "accounts", 1, [{"version": 2, "weight": 5000}, {"version": 1, "weight": 5000}], unit="accountId"
)
HALF = [{"version": 6, "weight": 5000}, {"version": 5, "weight": 5000}]
CONTROL_ONLY = [{"version": 6, "weight": 0}, {"version": 5, "weight": BUCKETS}]


def targeted(*conditions, salt="targeting"):
    """One rule sending everyone it catches to the candidate (6); everyone else gets control (5)."""
    return rollout(salt, 5, CONTROL_ONLY, [rule(list(conditions), everyone(6))], rid=2)


RULES = rollout(
    "rules",
    5,
    CONTROL_ONLY,
    [
        rule([cond("plan", "equals", value="internal")], everyone(6)),
        rule([cond("region", "in", values=["eu", "uk"]), cond("plan", "not_equals", value="free")], HALF),
        rule([cond("appVersion", "semver_gte", value="3.0.0")], everyone(6)),
    ],
    rid=3,
)

u = "user-7"
CASES = [
    ("5 % canary: a unit in the candidate's buckets", CANARY, {"userId": unit_in("canary-5", 0, 500)}),
    ("5 % canary: a unit in the control's buckets", CANARY, {"userId": unit_in("canary-5", 500, BUCKETS)}),
    ("5 % canary: the last candidate bucket (499)", CANARY, {"userId": unit_in("canary-5", 499, 500)}),
    ("5 % canary: the first control bucket (500)", CANARY, {"userId": unit_in("canary-5", 500, 501)}),
    ("no unit: control, unassigned", CANARY, {"plan": "pro"}),
    ("an empty unit counts as none", CANARY, {"userId": ""}),
    ("a null unit counts as none", CANARY, {"userId": None}),
    ("a numeric unit is hashed as its decimal text", CANARY, {"userId": 1234}),
    ("a unit in other scripts is hashed as UTF-8", CANARY, {"userId": "ü-漢字-🙂"}),
    ("A/B/n: first quarter", ABN, {"userId": unit_in("abn", 0, 2500)}),
    ("A/B/n: second quarter", ABN, {"userId": unit_in("abn", 2500, 5000)}),
    ("A/B/n: third quarter", ABN, {"userId": unit_in("abn", 5000, 7500)}),
    ("A/B/n: last quarter (the control)", ABN, {"userId": unit_in("abn", 7500, BUCKETS)}),
    ("weights short of 100 %: inside the ranges", SHORT, {"userId": unit_in("short", 0, 1000)}),
    ("weights short of 100 %: past them, the last variant", SHORT, {"userId": unit_in("short", 2000, BUCKETS)}),
    ("unit by another attribute: present", BY_ACCOUNT, {"userId": "x", "accountId": unit_in("accounts", 0, 5000, "acct-")}),
    ("unit by another attribute: absent, though userId is there", BY_ACCOUNT, {"userId": "x"}),
    ("rules: the first matching rule decides", RULES, {"userId": u, "plan": "internal", "appVersion": "3.1.0"}),
    ("rules: a rule's split, candidate side", RULES, {"userId": unit_in("rules", 0, 5000), "region": "eu", "plan": "pro"}),
    ("rules: a rule's split, control side", RULES, {"userId": unit_in("rules", 5000, BUCKETS), "region": "uk", "plan": "pro"}),
    ("rules: one condition failing skips the rule", RULES, {"userId": u, "region": "eu", "plan": "free"}),
    ("rules: a later rule", RULES, {"userId": u, "plan": "free", "appVersion": "3.0.0"}),
    ("rules: none match, the split decides", RULES, {"userId": u, "appVersion": "2.99.99"}),
    ("rules: a matching rule without a unit still serves control", RULES, {"plan": "internal"}),
    ("equals a boolean", targeted(cond("beta", "equals", value=True)), {"userId": u, "beta": True}),
    ("equals compares text: 42 and \"42\"", targeted(cond("tier", "equals", value=42)), {"userId": u, "tier": "42"}),
    ("not_equals holds for a missing attribute", targeted(cond("plan", "not_equals", value="free")), {"userId": u}),
    ("in: a number in the list", targeted(cond("seats", "in", values=[10, 20])), {"userId": u, "seats": 20}),
    ("in: a missing attribute is in no list", targeted(cond("region", "in", values=["eu"])), {"userId": u}),
    ("not_in: missing attribute holds", targeted(cond("region", "not_in", values=["eu"])), {"userId": u}),
    ("not_in: listed value fails", targeted(cond("region", "not_in", values=["eu", "us"])), {"userId": u, "region": "us"}),
    ("gt on a numeric string", targeted(cond("seats", "gt", value=100)), {"userId": u, "seats": "250"}),
    ("gte at the boundary", targeted(cond("seats", "gte", value=250)), {"userId": u, "seats": 250}),
    ("lt fails at the boundary", targeted(cond("risk", "lt", value=0.5)), {"userId": u, "risk": 0.5}),
    ("lte with exponent notation", targeted(cond("tokens", "lte", value=1000)), {"userId": u, "tokens": "1e3"}),
    ("numbers: text that is not a number never compares", targeted(cond("seats", "lt", value=10)), {"userId": u, "seats": "many"}),
    ("numbers: a boolean is not a number", targeted(cond("beta", "gte", value=0)), {"userId": u, "beta": True}),
    ("semver_gt: 2.10.1 is after 2.9.0", targeted(cond("app", "semver_gt", value="2.9.0")), {"userId": u, "app": "2.10.1"}),
    ("semver_lt: v-prefixed", targeted(cond("app", "semver_lt", value="2.10.0")), {"userId": u, "app": "v2.9.9"}),
    ("semver_lte: equal versions", targeted(cond("app", "semver_lte", value="1.2.3")), {"userId": u, "app": "1.2.3"}),
    ("semver: not a version never compares", targeted(cond("app", "semver_gte", value="1.0.0")), {"userId": u, "app": "1.0"}),
    ("matches: a pattern that finds", targeted(cond("email", "matches", pattern="@example\\.com$")), {"userId": u, "email": "ada@example.com"}),
    ("matches: a pattern that does not", targeted(cond("email", "matches", pattern="^[a-z]+@corp\\.io$")), {"userId": u, "email": "ada@example.com"}),
    ("percent: inside the segment's share", targeted(cond("accountId", "percent", percent=30), salt="seg"), {"userId": u, "accountId": unit_in("seg:accountId", 0, 3000, "acct-")}),
    ("percent: outside it", targeted(cond("accountId", "percent", percent=30), salt="seg"), {"userId": u, "accountId": unit_in("seg:accountId", 3000, BUCKETS, "acct-")}),
    ("percent: a fraction of a percent (12.5 %)", targeted(cond("accountId", "percent", percent=12.5), salt="seg"), {"userId": u, "accountId": unit_in("seg:accountId", 1249, 1250, "acct-")}),
]


def check_buckets():
    """The bucket vectors (vectors.json) first: this implementation agrees on the hash itself."""
    known = json.loads(Path(__file__).with_name("vectors.json").read_text(encoding="utf-8"))
    for v in known["vectors"]:
        assert bucket(v["salt"], v["unit"]) == v["bucket"], v


def main():
    check_buckets()
    cases = []
    for name, r, context in CASES:
        version, by = assign(r, context)
        variant = "control" if version == r["control"] else "candidate"
        cases.append(
            {
                "name": name,
                "rollout": r,
                "context": context,
                "expected": {"version": version, "variant": variant, "by": by},
            }
        )
    out = {
        "note": "Whole assignments computed by vectors.py, an implementation written from docs/rollouts.md: every implementation (core, server, gateway, SDK) must give these.",
        "cases": cases,
    }
    path = Path(__file__).with_name("assignment-vectors.json")
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases → {path.name}")


if __name__ == "__main__":
    main()
