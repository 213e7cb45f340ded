"""Preprocessing pieces that do not need the app: Y4M writing, reading the analyze output, the cache key,
atomic index writing, and clip datasets over a cache."""
import json

import numpy as np
import pytest

from fake_datasets import make_cache, make_casme2, write_image, write_xlsx
from moltrain.data.cached import CacheIndexError, CachedClips, load_index
from moltrain.data.casme2 import read_casme2
from moltrain.data.clip import normalise_frames
from moltrain.data.preprocess import cache_key
from moltrain.data.records import DatasetLayoutError
from moltrain.data.tracking import TrackingError, read_analyze_output
from moltrain.data.y4m import write_y4m


def parse_y4m(path):
    data = path.read_bytes()
    header, _, rest = data.partition(b"\n")
    fields = dict((f[:1].decode(), f[1:].decode()) for f in header.split()[1:])
    w, h = int(fields["W"]), int(fields["H"])
    size = w * h * 3 // 2
    frames = rest.split(b"FRAME\n")[1:]
    assert all(len(f) == size for f in frames)
    return header.decode(), w, h, [np.frombuffer(f[: w * h], np.uint8).reshape(h, w) for f in frames]


def test_y4m_is_limited_range_i420_with_even_size(tmp_path):
    paths = []
    for i, v in enumerate((0, 255, 128)):
        p = tmp_path / f"f{i}.png"
        from PIL import Image
        Image.fromarray(np.full((15, 21, 3), v, np.uint8)).save(p)
        paths.append(p)
    out = tmp_path / "clip.y4m"
    assert write_y4m(paths, out, fps=200) == (20, 14)
    header, w, h, ys = parse_y4m(out)
    assert header == "YUV4MPEG2 W20 H14 F200:1 Ip A1:1 C420jpeg"
    assert [int(y[0, 0]) for y in ys] == [16, 235, 126]     # black, white, mid-gray in BT.601 limited range
    assert not list(tmp_path.glob(".*tmp"))


def test_y4m_size_change_is_an_error_and_leaves_no_file(tmp_path):
    write_image(tmp_path / "a.jpg", 10, size=(20, 14))
    write_image(tmp_path / "b.jpg", 10, size=(24, 14))
    out = tmp_path / "clip.y4m"
    with pytest.raises(DatasetLayoutError, match=r"b\.jpg: frame is 24x14, the clip's first frame is 20x14"):
        write_y4m([tmp_path / "a.jpg", tmp_path / "b.jpg"], out, fps=30)
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))


def write_analyze_output(d, n, no_face=()):
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    crops = rng.integers(0, 256, (n, 128, 128), dtype=np.uint8)
    crops.tofile(d / "crops.u8")
    lines = []
    for i in range(n):
        found = i not in no_face
        pts = [[30.0 + k * 0.5 + i, 40.0 + k] for k in range(68)] if found else None
        lines.append(json.dumps({"index": i, "faceFound": found, "landmarks68Crop": pts, "windowFill": 0}))
    (d / "frames.jsonl").write_text("\n".join(lines) + "\n")
    return crops


def test_read_analyze_output(tmp_path):
    crops = write_analyze_output(tmp_path / "out", 5, no_face={3})
    t = read_analyze_output(tmp_path / "out", 5)
    np.testing.assert_array_equal(t.crops, crops)
    assert t.face_found.tolist() == [True, True, True, False, True]
    assert t.landmarks[1, 2].tolist() == [32.0, 42.0] and np.isnan(t.landmarks[3]).all()


def test_read_analyze_output_errors(tmp_path):
    write_analyze_output(tmp_path / "out", 5)
    with pytest.raises(TrackingError, match="5 frames, the clip has 6"):
        read_analyze_output(tmp_path / "out", 6)
    (tmp_path / "out" / "crops.u8").write_bytes(b"\0" * 100)
    with pytest.raises(TrackingError, match="crops.u8: 100 bytes"):
        read_analyze_output(tmp_path / "out", 5)
    (tmp_path / "out" / "crops.u8").unlink()
    with pytest.raises(TrackingError, match="crops.u8: missing"):
        read_analyze_output(tmp_path / "out", 5)


def test_cache_key_follows_frame_content(tmp_path):
    root, rows = make_casme2(tmp_path)
    rec = read_casme2(root, write_xlsx(tmp_path / "c.xlsx", rows))[0]
    k = cache_key(rec, 200, "tree-a")
    assert k == cache_key(rec, 200, "tree-a")
    assert k != cache_key(rec, 100, "tree-a") and k != cache_key(rec, 200, "tree-b")
    write_image(rec.frames[3], 99)                      # same name, new pixels
    assert cache_key(rec, 200, "tree-a") != k


def test_cached_clips_cut_label_and_drop(tmp_path):
    cache = make_cache(tmp_path, [
        ("casme2", "01", "sub01/EP01", "happiness", 17, ()),      # 2 clips
        ("casme2", "01", "sub01/EP02", "others", 8, ()),          # dropped in 3-class
        ("casme2", "02", "sub02/EP01", "disgust", 16, (15,)),     # clip 1 (frames 1,3..15) has no face at 15
        ("casme2", "02", "sub02/EP09", "surprise", 5, ()),        # too short
    ])
    ds = CachedClips(load_index(cache), 3)
    assert len(ds) == 3
    assert ds.dropped == {"unmapped_emotion": 1, "too_short": 1, "no_face": 1}
    s = ds[1]
    assert s["label"] == 1 and s["subject"] == "casme2:01" and s["sample_id"] == "casme2/sub01/EP01#1"
    assert s["video"].shape == (1, 8, 128, 128) and s["flow"] is None and s["ldm"].shape == (136, 8)
    with np.load(cache / "casme2-sub01_EP01.npz") as z:
        idx = list(range(1, 17, 2))
        np.testing.assert_array_equal(s["video"][0], normalise_frames(z["crops"][idx]))
        assert s["ldm"][0, 2] == z["landmarks"][idx[2], 0, 0] and s["ldm"][1, 2] == z["landmarks"][idx[2], 0, 1]
    assert ds[2]["label"] == 2 and ds[2]["video_id"] == "casme2/sub02/EP01"
    five = CachedClips(load_index(cache), 5)
    assert len(five) == 4 and five.dropped["unmapped_emotion"] == 0


def test_cache_index_errors(tmp_path):
    with pytest.raises(CacheIndexError, match="no index"):
        load_index(tmp_path)
    (tmp_path / "index.jsonl").write_text('{"dataset": "smic"}\n')
    with pytest.raises(CacheIndexError, match=r"index.jsonl, line 1: malformed entry"):
        load_index(tmp_path)


def test_preprocess_cli_needs_a_sheet_for_casme2(tmp_path):
    from moltrain.data.preprocess import PreprocessError, main
    with pytest.raises(PreprocessError, match="--sheet is required for casme2"):
        main(["--dataset", "casme2", "--root", str(tmp_path), "--cache", str(tmp_path / "c")])


def test_analyze_failure_surfaces_the_apps_message(tmp_path):
    from moltrain.data.tracking import run_analyze
    with pytest.raises(TrackingError, match=r"exited with 1:\n.*missing\.y4m: no such file"):
        run_analyze(tmp_path / "missing.y4m", tmp_path / "out", timeout_s=300)
