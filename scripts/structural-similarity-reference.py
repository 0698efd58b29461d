"""Adds scikit-image's SSIM of each pair to src/processing/fixtures/structural-similarity.json.

See scripts/structural-similarity-fixture.ts, which writes the pairs.
"""
import base64
import io
import json
import pathlib

import numpy as np
import skimage
from PIL import Image
from skimage.metrics import structural_similarity

FIXTURE = pathlib.Path(__file__).parent.parent / "src/processing/fixtures/structural-similarity.json"


def luma(encoded):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))), dtype=np.uint8)


pairs = json.loads(FIXTURE.read_text())
for pair in pairs:
    pair["skimage"] = float(
        structural_similarity(
            luma(pair["reference"]),
            luma(pair["distorted"]),
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
            data_range=255,
        )
    )
    print(f"{pair['skimage']:.6f}  {pair['name']}")
FIXTURE.write_text(json.dumps(pairs, indent=2) + "\n")
print(f"scikit-image {skimage.__version__}")
