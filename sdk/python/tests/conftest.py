import json
import os
import pathlib

import pytest

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "spec" / "vectors"


def load(name):
    return json.loads((VECTORS / name).read_text())


@pytest.fixture(scope="session")
def live():
    """A live service from sdk/testing/with-server.sh (make test-sdk-python); skipped without one."""
    url = os.environ.get("TRUST_URL")
    if not url:
        pytest.skip("no live service: run through sdk/testing/with-server.sh (make test-sdk-python)")
    return {"url": url, "key": os.environ["TRUST_KEY"], "partner": os.environ["TRUST_PARTNER_KEY"], "admin": os.environ["TRUST_ADMIN_KEY"]}
