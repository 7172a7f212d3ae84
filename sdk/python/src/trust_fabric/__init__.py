"""Trust Fabric SDK for Python. See QUICKSTART.md."""
from .client import TrustClient, parse_retry_after
from .errors import *  # noqa: F401,F403
from .errors import ERROR_CLASSES, TrustFabricError, error_from_response
from .zk import field_of, leaf_of, leaves_of, normalise, pepper_field, poseidon2, verify_groth16

__version__ = "1.1.0"
__all__ = ["TrustClient", "parse_retry_after", "TrustFabricError", "ERROR_CLASSES", "error_from_response",
           "normalise", "field_of", "pepper_field", "leaf_of", "leaves_of", "verify_groth16", "poseidon2"] + [c.__name__ for c in ERROR_CLASSES.values()]
