import numpy as np
import pytest

from fixtures.formats import textured


@pytest.fixture(scope="session")
def photo() -> np.ndarray:
    """A 900 x 1200 photo-like picture: big enough to pass the 55 KB floor as JPEG at quality 90."""
    return textured(900, 1200, seed=3)


@pytest.fixture(scope="session")
def small_photo() -> np.ndarray:
    return textured(120, 160, seed=4)
