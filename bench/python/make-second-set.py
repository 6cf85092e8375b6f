"""The second, untuned photo set for the Python-peer bench: every photo of SRC re-encoded by
Pillow's JPEG encoder (libjpeg-turbo, so not the encoder sharp would then decode its own output
of) at quality 95 with 4:4:4 chroma (no subsampling), at 640x480: scaled to cover 640x480 with
Lanczos and centre-cropped, so no photo is stretched. Made at bench time into a temp folder.

    python make-second-set.py SRC DEST
"""

import os
import sys

from PIL import Image, ImageOps

SIZE = (640, 480)


def main():
    src, dest = sys.argv[1], sys.argv[2]
    os.makedirs(dest, exist_ok=True)
    names = sorted(n for n in os.listdir(src) if n.lower().endswith((".jpg", ".jpeg")))
    for n in names:
        with Image.open(os.path.join(src, n)) as im:
            im = ImageOps.fit(ImageOps.exif_transpose(im).convert("RGB"), SIZE, Image.LANCZOS)
            im.save(os.path.join(dest, n), "JPEG", quality=95, subsampling=0)
    print(len(names))


if __name__ == "__main__":
    main()
