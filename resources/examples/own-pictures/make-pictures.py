#!/usr/bin/python3
"""Synthetic "photos" for the own-pictures example: a reddish circle, a
bluish square or a greenish triangle (hue, saturation, size, position and
rotation jittered) on a noisy greyish background, as JPEG files of mixed
sizes, one folder per class. Colour and shape both tell the class, so a
small network learns it from a few dozen pictures.

    make-pictures.py OUT [--count N] [--seed S]

writes OUT/circle, OUT/square, OUT/triangle (N pictures each). The files
in pictures/ and new/ were made with
    make-pictures.py pictures --count 30 --seed 1
    make-pictures.py new --count 2 --seed 2
Needs python3-opencv and python3-numpy (Debian).
"""
import argparse
import os

import cv2
import numpy as np

CLASSES = ("circle", "square", "triangle")


def picture(rng, shape):
    h, w = int(rng.integers(40, 128)), int(rng.integers(40, 128))
    back = rng.integers(60, 200) + rng.integers(-20, 20, 3)
    img = np.clip(back + rng.normal(0, 12, (h, w, 3)), 0, 255).astype(np.uint8)
    hue = {"circle": 0, "square": 115, "triangle": 60}[shape] + rng.integers(-10, 10)
    hsv = np.uint8([[[hue % 180, rng.integers(150, 256), rng.integers(150, 256)]]])
    color = tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])
    cx, cy = w / 2 + rng.uniform(-0.1, 0.1) * w, h / 2 + rng.uniform(-0.1, 0.1) * h
    r = min(w, h) * rng.uniform(0.25, 0.4)
    if shape == "circle":
        cv2.circle(img, (int(cx), int(cy)), int(r), color, -1, cv2.LINE_AA)
    elif shape == "square":
        a = rng.uniform(0, np.pi / 2)
        pts = [(cx + r * np.cos(a + k * np.pi / 2), cy + r * np.sin(a + k * np.pi / 2)) for k in range(4)]
        cv2.fillPoly(img, [np.int32(pts)], color, cv2.LINE_AA)
    else:
        a = rng.uniform(0, 2 * np.pi / 3)
        pts = [(cx + r * np.cos(a + k * 2 * np.pi / 3), cy + r * np.sin(a + k * 2 * np.pi / 3)) for k in range(3)]
        cv2.fillPoly(img, [np.int32(pts)], color, cv2.LINE_AA)
    return img


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    for shape in CLASSES:
        os.makedirs(os.path.join(args.out, shape), exist_ok=True)
        for i in range(args.count):
            img = picture(rng, shape)
            flags = [cv2.IMWRITE_JPEG_QUALITY, 80]
            if i % 3 == 1:
                flags += [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]
            cv2.imwrite(os.path.join(args.out, shape, "%s-%02d.jpg" % (shape, i)), img, flags)


if __name__ == "__main__":
    main()
