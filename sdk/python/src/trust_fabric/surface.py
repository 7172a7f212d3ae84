"""Prints the SDK's public surface as JSON (for `make sdk-parity`): `python -m trust_fabric.surface`."""
import inspect
import json

import trust_fabric as tf


def surface():
    methods = sorted(n for n, f in inspect.getmembers(tf.TrustClient, inspect.isfunction) if not n.startswith("_") and n not in ("request", "delay"))
    functions = [f for f in ("normalise", "field_of", "pepper_field", "leaf_of", "leaves_of", "verify_groth16") if callable(getattr(tf, f, None))]
    return {"language": "python", "client": "TrustClient", "methods": methods, "functions": functions,
            "errors": {code: cls.__name__ for code, cls in tf.ERROR_CLASSES.items()}}


if __name__ == "__main__":
    print(json.dumps(surface()))
