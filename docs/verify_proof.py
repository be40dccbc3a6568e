"""Checks coordinator-node Merkle proofs on your own machine, with nothing but hashlib and json.

Usage:  python3 docs/verify_proof.py < proof.json
        (one proof document, or a JSON list of them, as the node's proof endpoints return)

For each proof it re-encodes the leaf from its fields (the byte layout of the README section
"Verifiable commitments"), checks leaf_hash, folds the sibling path up to the root, and checks
the chain link chained_root = SHA-256(0x02 || previous_root || root). Prints one line per proof;
exits 0 when every proof verifies, 1 otherwise.
"""
import hashlib
import json

ZERO_ROOT = bytes(32)


def sha256(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
    return h.digest()


def u8(n):
    return n.to_bytes(1, "big")


def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def string(text):
    data = text.encode("utf-8")
    return u32(len(data)) + data


def f64(x):
    """IEEE-754 binary64, big-endian, from float.hex() (no struct module needed); -0.0 as +0.0."""
    x = float(x) + 0.0
    text = x.hex()  # e.g. '-0x1.8000000000000p+1', '0x0.0p+0', '0x0.0000000000001p-1022'
    sign = 1 if text.startswith("-") else 0
    mantissa_text, exponent_text = text.lstrip("-")[2:].split("p")
    lead, _, fraction_text = mantissa_text.partition(".")
    fraction = int((fraction_text + "0" * 13)[:13], 16)
    biased = int(exponent_text) + 1023 if lead == "1" else 0
    return ((sign << 63) | (biased << 52) | fraction).to_bytes(8, "big")


def encode_leaf(leaf):
    if leaf["kind"] == "score":
        windows = sorted(leaf["windows"], key=lambda w: w["name"].encode("utf-8"))
        out = u8(0x01) + string(leaf["competition_id"]) + u64(leaf["cycle_time_ms"]) + string(leaf["model_id"]) + u32(len(windows))
        for w in windows:
            out += string(w["name"]) + (u8(0) if w["value"] is None else u8(1) + f64(w["value"]))
        return out
    if leaf["kind"] == "payout":
        return (
            u8(0x02) + string(leaf["competition_id"]) + string(leaf["checkpoint_id"]) + string(leaf["model_id"])
            + u32(leaf["horizon"]) + u32(leaf["rank"]) + f64(leaf["amount"]) + u8(leaf["decimals"]) + string(str(int(leaf["units"])))
        )
    raise ValueError("unknown leaf kind %r" % leaf["kind"])


def check(proof):
    """Returns None when the proof verifies, else the reason it does not."""
    leaf_hash = sha256(b"\x00", encode_leaf(proof["leaf"]))
    if leaf_hash.hex() != proof["leaf_hash"]:
        return "leaf_hash does not match the leaf"
    node = leaf_hash
    for step in proof["siblings"]:
        sibling = bytes.fromhex(step["hash"])
        if len(sibling) != 32:
            return "a sibling is not 32 bytes"
        if step["position"] == "left":
            node = sha256(b"\x01", sibling, node)
        elif step["position"] == "right":
            node = sha256(b"\x01", node, sibling)
        else:
            return "a sibling position is neither left nor right"
    if node.hex() != proof["root"]:
        return "the path does not lead to root"
    previous = ZERO_ROOT if proof.get("previous_root") is None else bytes.fromhex(proof["previous_root"])
    if sha256(b"\x02", previous, bytes.fromhex(proof["root"])).hex() != proof["chained_root"]:
        return "chained_root does not chain root to previous_root"
    return None


def main():
    document = json.loads(open(0, encoding="utf-8").read())
    proofs = document if isinstance(document, list) else [document]
    failed = 0
    for i, proof in enumerate(proofs):
        try:
            reason = check(proof)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
            reason = "malformed proof: %s" % error
        label = "%d %s %s" % (i, proof.get("leaf", {}).get("kind", "?"), proof.get("leaf", {}).get("model_id", "?")) if isinstance(proof, dict) else str(i)
        if reason is None:
            print("ok   %s" % label)
        else:
            failed += 1
            print("FAIL %s: %s" % (label, reason))
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
